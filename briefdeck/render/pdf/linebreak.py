"""Line breaking with hyphenation by need, on top of reportlab's greedy breaker.

reportlab breaks a paragraph first-fit and hyphenates every word that overflows a line when
a piece of it fits: in a justified 118 mm column that ends one line in five or six with a
hyphen, two or three in a row, and splits a paragraph's last word. Here a paragraph is
broken first without hyphenation; a word may then be hyphenated only where the line before it
is *loose* (justified: its spaces stretched past ``loose_space`` times their width; ragged:
ending more than ``rag_short`` of the measure short), the loosest lines first, at most
``max_share`` of the paragraph's lines (at least one), never three hyphens in a row and never
in the paragraph's last word. Then no runt: a last line of one short word (fewer than
``runt_letters`` letters) takes the word before it along.

Where nothing may break (a paragraph of names and titles, never hyphenated), a justified line can
still gape: a paragraph whose spaces stretch past ``tolerance`` is broken again with spaces that
may shrink by ``emergency_shrink`` (TeX's emergency pass), which lets other breaks be chosen; and,
the last resort, no line's spaces stretch past ``ragged_over``: a line that needs more ends short
of the measure, as a ragged line does.

The settings come from the theme (``brief.<style>.hyphenation``) through ``LineSetting``; the
words allowed to break come from ``styles.Hyphenator`` (its patterns, exceptions and its rules:
no proper names, at least three letters each side).
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, Optional

from reportlab.pdfbase.pdfmetrics import stringWidth

from ...dataclass_code import dataclass

_EDGE = re.compile(r"^[^\w]+|[^\w]+$")


@dataclass(frozen=True)
class LineSetting:
    justified: bool
    loose_space: float = 1.45  # a justified line is loose when its spaces are wider than this many spaces
    rag_short: float = 0.14  # a ragged line is loose when it ends this share of the measure short
    max_share: float = 0.1  # hyphenated lines per paragraph line (rounded down from 0.66)
    max_run: int = 2  # successive hyphenated lines
    runt_letters: int = 6  # a last line of a single shorter word is a runt
    hyphen_penalty: float = 100.0  # total fit: what a hyphen costs (TeX's \\hyphenpenalty is 50)
    shrink: float = 0.2  # total fit: a justified line's spaces may shrink by this share
    total_fit: bool = True  # False: greedy breaking, hyphens by need only
    tolerance: float = 2.5  # total fit: a paragraph whose spaces stretch past this many spaces is broken again...
    emergency_shrink: float = 0.34  # ...its spaces allowed to shrink this much (TeX's third of a space)
    ragged_over: float = 3.0  # last resort: spaces never stretch past this many; a line needing more ends short


class Gate:
    """The hyphenator reportlab calls (``hyphenationLang``): it lets through only the words the
    paragraph being broken allows (``allowed``), so the same style serves every paragraph."""

    def __init__(self, hyphenator: Callable, setting: LineSetting):
        self.hyphenator = hyphenator
        self.setting = setting
        self.allowed: frozenset = frozenset()

    def __call__(self, word: str):
        if word in self.allowed:
            yield from self.hyphenator(word)


def _clean(word: str) -> str:
    return _EDGE.sub("", word)


@dataclass
class _Line:
    words: list[str]
    slack: float  # room left on the line
    spaces: int
    forced: bool  # ended by <br/>

    @property
    def hyphenated(self) -> bool:
        w = self.words[-1] if self.words else ""
        return len(w) > 1 and w.endswith("-") and w[-2].isalpha()


def _lines(bl) -> list[_Line]:
    out = []
    for line in bl.lines:
        if bl.kind == 0:
            extra, words = line
            words = [str(w) for w in words]
            out.append(_Line(words, extra, max(len(words) - 1, 0), False))
        else:
            text = "".join(getattr(f, "text", "") or "" for f in line.words)
            words = text.split()
            out.append(_Line(words, line.extraSpace, max(getattr(line, "wordCount", len(words)) - 1, 0),
                             bool(getattr(line, "lineBreak", False))))
    return out


def _looseness(line: _Line, setting: LineSetting, width: float, space: float) -> float:
    """How far past the limit a line is loose (> 0: loose)."""
    if setting.justified:
        if line.spaces == 0:
            return line.slack / space - setting.loose_space if line.slack > space else 0.0
        return (space + line.slack / line.spaces) / space - setting.loose_space
    return line.slack / width - setting.rag_short


def set_lines(para, width, base: Callable, page_budget: Optional[Callable[[int], int]] = None) -> object:
    """``base(width)`` (reportlab's breakLines) run by total fit (else greedily with hyphenation by
    need), without runts. ``page_budget(lines)``: the hyphens a paragraph of so many lines may
    take on its page (``HyphenLedger``); None when unknown."""
    style = para.style
    gate: Optional[Gate] = style.hyphenationLang if isinstance(getattr(style, "hyphenationLang", None), Gate) else None
    setting = gate.setting if gate is not None else getattr(style, "line_setting", None)
    if setting is None:
        return base(width)
    w = width[0] if isinstance(width, (list, tuple)) else width
    font = (style.fontName, style.fontSize)
    space = stringWidth(" ", *font)

    def limit(n_lines: int) -> int:
        own = max(1, int(n_lines * setting.max_share + 0.34))  # a short paragraph may take one
        return own if page_budget is None else max(0, min(own, page_budget(n_lines)))

    if setting.total_fit:
        fitted = _total_fit(para, width, base, gate, setting, limit)
        if fitted is not None and setting.justified and _widest(fitted, space) > setting.tolerance:
            # TeX's emergency pass: where the names and titles of a paragraph cannot break, lines
            # may gape; its spaces may then shrink further, which lets other breaks be chosen
            urgent = replace(setting, shrink=max(setting.shrink, setting.emergency_shrink))
            again = _total_fit(para, width, base, gate, urgent, limit)
            if again is not None and _widest(again, space) < _widest(fitted, space):
                fitted = again
        if fitted is not None:
            return _ragged_when_gaping(fitted, setting, space)
    if gate is None:
        return _ragged_when_gaping(_no_runt(base(width), width, base, setting, w, font, lambda: None), setting, space)
    allowed: list[str] = []
    banned: set[str] = set()

    def run():
        gate.allowed = frozenset(allowed)
        try:
            return base(list(width) if isinstance(width, (list, tuple)) else width)
        finally:
            gate.allowed = frozenset()

    bl = run()
    for _ in range(6):
        lines = _lines(bl)
        if len(lines) < 2:
            break
        last = lines[-1]
        if last.words:
            banned.add(_clean(last.words[-1]))
        # broken rules first: a word hyphenated on the line before the last (the paragraph's last
        # word when the last line is its tail alone), three in a row
        bad = []
        run_len = 0
        for i, ln in enumerate(lines[:-1]):
            run_len = run_len + 1 if ln.hyphenated else 0
            if ln.hyphenated and (run_len > setting.max_run or (i == len(lines) - 2 and len(last.words) == 1)):
                bad.append(_clean(ln.words[-1][:-1] + lines[i + 1].words[0]))
        if bad:
            banned.update(bad)
            allowed = [a for a in allowed if a not in banned]
            bl = run()
            continue
        share = limit(len(lines))
        budget = share - sum(ln.hyphenated for ln in lines)
        loose = sorted(((_looseness(ln, setting, w, space), i) for i, ln in enumerate(lines[:-1])
                        if not ln.forced and not ln.hyphenated), reverse=True)
        new = []
        for how, i in loose:
            # a short paragraph (no share of hyphens) may still break a word for a line that gapes
            if how <= 0 or len(new) >= budget:
                break
            word = _clean(lines[i + 1].words[0]) if lines[i + 1].words else ""
            hyphens_around = [j for j in (i - 2, i - 1, i + 1, i + 2) if 0 <= j < len(lines) and lines[j].hyphenated]
            if word and word not in banned and word not in allowed and len(hyphens_around) < setting.max_run:
                new.append(word)
        if not new:
            break
        before = [ln.words for ln in lines]
        allowed += new
        bl = run()
        if [ln.words for ln in _lines(bl)] == before:  # none of them could break usefully
            break
    return _ragged_when_gaping(_no_runt(bl, width, base, setting, w, font, lambda: setattr(gate, "allowed", frozenset(allowed)),
                                        lambda: setattr(gate, "allowed", frozenset())), setting, space)


def _total_fit(para, width, base: Callable, gate: Optional[Gate], setting: LineSetting, limit: Callable[[int], int]):
    """Total fit without hyphens, then with as many as the paragraph's length allows; None when
    reportlab cannot be made to follow it."""
    plain = fit_lines(para, width, base, None, setting, 0)  # how many lines it takes
    if plain is not None and gate is not None:
        most = limit(len(plain.lines))
        fitted = fit_lines(para, width, base, gate, setting, most) if most else None
        return fitted if fitted is not None else plain
    return plain


def _gaps(bl, i: int) -> int:
    """The spaces of line ``i`` that reportlab stretches to justify it (no-break spaces too)."""
    line = bl.lines[i]
    if bl.kind == 0:
        words = [str(w) for w in line[1]]
        return len(words) - 1 + sum(w.count("\xa0") for w in words)
    return line.wordCount - 1 + sum((getattr(w, "text", "") or "").count("\xa0") for w in line.words
                                    if not hasattr(w, "cbDefn"))


def _stretch(bl, i: int, space: float) -> float:
    """Line ``i``'s word spaces when justified, in natural spaces (0: a line not stretched)."""
    line = bl.lines[i]
    extra = line[0] if bl.kind == 0 else line.extraSpace
    n = _gaps(bl, i)
    if n <= 0 or extra <= 0 or (bl.kind != 0 and getattr(line, "lineBreak", False)):
        return 0.0
    return (space + extra / n) / space


def _widest(bl, space: float) -> float:
    """The most a line of the paragraph (not its last) stretches its spaces."""
    return max((_stretch(bl, i, space) for i in range(len(bl.lines) - 1)), default=0.0)


def _ragged_when_gaping(bl, setting: LineSetting, space: float):
    """The last resort: a justified line's spaces never stretch past ``ragged_over`` natural
    spaces. A line that would need more (long names and titles that nothing lets break) ends
    short of the measure instead, as a ragged line does -- better than a line of holes."""
    if not setting.justified:
        return bl
    for i in range(len(bl.lines) - 1):
        if _stretch(bl, i, space) > setting.ragged_over:
            extra = (setting.ragged_over - 1) * space * _gaps(bl, i)
            if bl.kind == 0:
                bl.lines[i] = (extra, bl.lines[i][1])
            else:
                bl.lines[i].extraSpace = extra
    return bl


def _no_runt(bl, width, base, setting: LineSetting, w: float, font: tuple, before: Callable,
             after: Callable = lambda: None):
    """A last line holding one short word takes the word before it along: the line before it is
    broken a word sooner (and still justified to the full measure)."""
    lines = _lines(bl)
    if len(lines) < 2 or len(lines[-1].words) != 1 or len(_clean(lines[-1].words[0])) >= setting.runt_letters:
        return bl
    prev = lines[-2]
    if prev.forced or len(prev.words) < 2 or prev.hyphenated:
        return bl
    n = len(lines)
    widths = list(width) if isinstance(width, (list, tuple)) else [w]
    widths = (widths + [widths[-1]] * n)[:n]
    used = widths[n - 2] - prev.slack
    cut = used - stringWidth(prev.words[-1], *font) + 0.5  # (past what reportlab's space shrinking allows)
    widths[n - 2] = cut
    before()
    try:
        again = base(widths)
    finally:
        after()
    new = _lines(again)
    if len(new) != n or len(new[-1].words) < 2:
        return bl
    delta = w - cut  # the shortened line is set to the full measure again
    if again.kind == 0:
        extra, words = again.lines[n - 2]
        again.lines[n - 2] = (extra + delta, words)
    else:
        again.lines[n - 2].extraSpace += delta
    return again


# --- total fit -------------------------------------------------------------------------
# Greedy breaking fills each line and leaves the slack wherever the next word happens not to fit;
# Knuth and Plass's total fit chooses all the breaks of a paragraph at once, so that no line
# gapes when its neighbours can take a word. Here: every break after a word, and (single-font
# paragraphs) inside the words the rules let break; demerits as TeX counts them; then the
# chosen breaks are handed to reportlab as per-line widths its greedy breaker cannot but follow.
_INF = float("inf")


@dataclass
class _Token:
    text: str
    width: float
    space: float  # the space after it (0 at a frag boundary with no space)
    pieces: tuple = ()  # (head with hyphen, its width, tail width): where it may break


def _tokens(para, bl, width: float, gate: Optional[Gate]):
    """The paragraph's words with their widths, or None when it holds what a forced layout cannot
    reproduce (line breaks, images, several frags in a single-font paragraph)."""
    from reportlab.platypus.paragraph import _getFragWords, _FK_TEXT, _HSFrag

    style = para.style
    out = []
    if bl.kind == 0:
        font = (style.fontName, style.fontSize) if not para.frags else (para.frags[0].fontName, para.frags[0].fontSize)
        space = stringWidth(" ", *font)
        words = [w for _, ws in bl.lines for w in ws]
        for i, w in enumerate(words):
            t = _Token(str(w), stringWidth(w, *font), space if i < len(words) - 1 else 0.0)
            if gate is not None and i < len(words) - 1:
                t.pieces = _pieces(t.text, gate, font)
            out.append(t)
        return out
    for fw in _getFragWords(para.frags, width):
        frags = fw[1:]
        if any(getattr(f, "_fkind", _FK_TEXT) != _FK_TEXT or getattr(f, "cbDefn", None) for f, _ in frags):
            return None
        last = frags[-1][0]
        space = stringWidth(" ", last.fontName, last.fontSize) if isinstance(fw, _HSFrag) else 0.0
        tok = _Token("".join(t for _, t in frags), fw[0], space)
        if gate is not None and len(frags) == 1:  # a word in one font may break too
            tok.pieces = _pieces(tok.text, gate, (last.fontName, last.fontSize))
        out.append(tok)
    if out:
        out[-1].pieces = ()
        out[-1].space = 0.0
    return out


def _pieces(text: str, gate: Gate, font: tuple) -> tuple:
    """Where a word may break: (head with its hyphen, its width, the tail's width)."""
    core = _clean(text)
    if not core or core not in text:
        return ()
    pre = text[:text.find(core)]
    post = text[len(pre) + len(core):]
    hyw = stringWidth("-", *font)
    return tuple((pre + head + "-", stringWidth(pre + head, *font) + hyw, stringWidth(tail + post, *font))
                 for head, tail in gate.hyphenator(core))


def _fit(tokens: list[_Token], widths: list[float], setting: LineSetting, runt_letters: int, max_hyphens: int = 99):
    """The breaks of least demerits: a list of (token index, piece index or -1) per line but the
    last; a break falls after token i whole (-1) or inside it at its piece k."""
    n = len(tokens)
    start = (-1, -1, 0, 0)  # (token, piece, hyphenated lines in a row, hyphens so far)
    best: dict = {start: (0.0, None, 0)}  # state -> (demerits, previous state, lines so far)
    at: dict = {start[:2]: [start]}  # position -> its states
    positions = [(-1, -1)] + [(i, k) for i in range(n) for k in list(range(len(tokens[i].pieces))) + [-1]]
    for i0, k0 in positions:
        for state in at.get((i0, k0), ()):
            run, count = state[2], state[3]
            d0, _, line = best[state]
            W = widths[min(line, len(widths) - 1)]
            # the line starts with the tail of token i0 (k0 >= 0) or with token i0 + 1
            nat = tokens[i0].pieces[k0][2] + tokens[i0].space if k0 >= 0 else 0.0
            spaces = words = 1 if k0 >= 0 else 0
            for j in range(i0 + 1, n + 1):
                if j == n:  # the last line: the rest
                    if words and nat - tokens[n - 1].space <= W + 1e-6:
                        runt = words == 1 and n > 1 and len(_clean(tokens[n - 1].text)) < runt_letters
                        dem = d0 + (1e30 if runt else 0.0)
                        key = (n, -1, 0, 0)
                        if key not in best or dem < best[key][0]:
                            best[key] = (dem, state, line + 1)
                    break
                t = tokens[j]
                for k in list(range(len(t.pieces))) + [-1]:
                    hy = k >= 0
                    if hy and (run >= setting.max_run or j == n - 1 or count >= max_hyphens):
                        continue
                    w_line = nat + (t.pieces[k][1] if hy else t.width)
                    if w_line > W + 1e-6 and not _shrinks(w_line, W, spaces, tokens, setting):
                        continue
                    if j == n - 1 and not hy:
                        continue  # the last token ends the last line, below
                    dem = d0 + _demerits(W - w_line, spaces, tokens, j, setting, W)
                    if hy:
                        dem += setting.hyphen_penalty ** 2 + (10000.0 if run else 0.0)
                    key = (j, k, run + 1 if hy else 0, count + hy)
                    if key not in best:
                        at.setdefault(key[:2], []).append(key)
                    if key not in best or dem < best[key][0]:
                        best[key] = (dem, state, line + 1)
                nat += t.width + t.space
                spaces += 1
                words += 1
                if nat - t.space > W * 1.1:
                    break
    end = (n, -1, 0, 0)
    if end not in best or best[end][0] >= 1e30:
        return None
    breaks = []
    s = best[end][1]
    while s != start:
        breaks.append(s[:2])
        s = best[s][1]
    breaks.reverse()
    return breaks


def _shrinks(w_line: float, W: float, spaces: int, tokens, setting: LineSetting) -> bool:
    """A justified line a little too long fits when its spaces shrink by at most ``shrink``."""
    if not setting.justified or spaces <= 0:
        return False
    sp = tokens[0].space or 2.5
    return w_line - W <= setting.shrink * sp * spaces


def _demerits(slack: float, spaces: int, tokens, e: int, setting: LineSetting, W: float) -> float:
    if setting.justified:
        sp = tokens[e].space or tokens[0].space or 2.5
        if spaces <= 0:
            ratio = slack / (0.5 * sp) if slack > 0 else 0.0
            ratio = max(ratio, 3.0)
        elif slack >= 0:
            ratio = slack / spaces / (0.5 * sp)  # stretch: half a space per space, as TeX
        else:
            ratio = -slack / spaces / (setting.shrink * sp)
    else:
        ratio = max(slack, 0.0) / W / setting.rag_short
    bad = 100.0 * ratio ** 3
    return (10.0 + bad) ** 2  # (uncapped: a line twice as loose must cost more, however loose)


def fit_lines(para, width, base: Callable, gate: Optional[Gate], setting: LineSetting, max_hyphens: int):
    """The paragraph broken by total fit, through reportlab (``base``), or None when it cannot
    be (then the caller breaks it greedily)."""
    widths = list(width) if isinstance(width, (list, tuple)) else [width]
    style = para.style
    shrinkage, style.spaceShrinkage = style.spaceShrinkage, 0
    try:
        if gate is not None:
            gate.allowed = frozenset()
        plain = base(list(widths))
        tokens = _tokens(para, plain, widths[0], gate if max_hyphens else None)
        if not tokens or len(plain.lines) < 2:
            return None
        breaks = _fit(tokens, widths, setting, setting.runt_letters, max_hyphens)
        if breaks is None:
            return None
        forced, natural = [], []
        start_tail = None
        pos = 0
        for (e, k) in breaks:
            toks = tokens[pos:e + 1]
            nat = (start_tail[2] + start_tail[3]) if start_tail else 0.0
            body = toks if k < 0 else toks[:-1]
            for t in body:
                nat += t.width + t.space
            if k >= 0:
                nat += tokens[e].pieces[k][1]
            else:
                nat -= toks[-1].space if toks else 0.0
            natural.append(nat)
            forced.append(nat + 0.01)
            start_tail = (e, k, tokens[e].pieces[k][2], tokens[e].space) if k >= 0 else None
            pos = e + 1
        allowed = frozenset(_clean(tokens[e].text) for e, k in breaks if k >= 0)
        n = len(breaks) + 1
        W = [widths[min(i, len(widths) - 1)] for i in range(n)]
        if gate is not None:
            gate.allowed = allowed
        bl = base(forced + [W[-1]])
    finally:
        style.spaceShrinkage = shrinkage
        if gate is not None:
            gate.allowed = frozenset()
    got = _lines(bl)
    if len(got) != n:
        return None
    for i, ((e, k), ln) in enumerate(zip(breaks, got)):
        want = tokens[e].pieces[k][0] if k >= 0 else tokens[e].text
        ends = want.split()  # (a token may be blank: a zero-width space alone)
        if not ln.words or not ends or ln.words[-1] != ends[-1]:
            return None  # reportlab did not follow: greedy breaking instead
        delta = W[i] - forced[i]
        if bl.kind == 0:
            extra, words = bl.lines[i]
            bl.lines[i] = (extra + delta, words)
        else:
            bl.lines[i].extraSpace += delta
    return bl


class HyphenLedger:
    """Lines and hyphenated lines drawn so far on each page (kept on the canvas: one per layout),
    so that a paragraph knows how many hyphens its page may still take."""

    def __init__(self):
        self.pages: dict[int, list[int]] = {}

    @staticmethod
    def of(canv) -> "HyphenLedger":
        ledger = getattr(canv, "_hyphen_ledger", None)
        if ledger is None:
            ledger = canv._hyphen_ledger = HyphenLedger()
        return ledger

    def budget(self, page: int, share: float, least: float = 0.0) -> Callable[[int], int]:
        """Hyphens a paragraph of ``n`` lines may take: the page's lines so far, with it, keep their
        share (so the page as a whole does; it does not depend on where the paragraph is tried).
        ``least``: the lines a page of text holds at the least (half a column), so that the first
        paragraphs of a page may break a word too."""
        lines, hyphens = self.pages.get(page, (0, 0))
        return lambda n: int(max(lines + n, least) * share) - hyphens

    def drawn(self, page: int, bl, width: float) -> None:
        lines = _lines(bl)
        entry = self.pages.setdefault(page, [0, 0])
        # lines less than 40 % full (a paragraph's short last line) are not counted as lines of text
        entry[0] += sum(ln.slack <= 0.6 * width for ln in lines)
        entry[1] += sum(ln.hyphenated for ln in lines)
