"""The brief's line breaker (render/pdf/linebreak.py) on paragraphs set alone: hyphens within
their limits, no runts, justified lines no looser than needed; URLs broken after their own
punctuation. (tests/test_text_setting.py measures the same from every bundled brief's PDF.)"""
from __future__ import annotations

import html
import re

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.pdfbase.pdfmetrics import stringWidth

from briefdeck.render.pdf.flowables import BodyParagraph
from briefdeck.render.pdf.inline import url_lines
from briefdeck.render.pdf.linebreak import _lines
from briefdeck.render.pdf.styles import Styles
from briefdeck.render.pdf.fonts import load_fonts

pytestmark = pytest.mark.quick

TEXT = ("Peacekeeping operations in the Sahel have demonstrated that multidimensional stabilization "
        "mandates, international interoperability requirements and counterterrorism responsibilities "
        "cannot be reconciled without extraordinary administrative coordination between contributing "
        "governments, humanitarian organizations and the regional intergovernmental institutions that "
        "increasingly characterize contemporary multilateral peacebuilding in West Africa. ") * 3


PLAIN = ("The minister said that the country had learned a great deal from its years on the ground, and that "
         "the lessons were not only military. Troops had to understand the people they were sent to protect, "
         "and the people had to see that the mission served them. Where that trust was missing, even a strong "
         "force could do little; where it was present, a small one could keep the peace for years. He asked "
         "the delegates to fund training before equipment, to send more women, and to plan for the day the "
         "mission would leave, so that the host country could carry on the work on its own.")


@pytest.fixture(scope="module")
def body(theme):
    return Styles(theme, load_fonts(theme), "en-CA").para("body")


@pytest.mark.parametrize("width", [200, 260, 334.5, 368.5])
def test_a_paragraph_keeps_its_hyphens_within_limits_and_has_no_runt(body, width):
    lines = _lines(BodyParagraph(TEXT.strip(), body).breakLines([width, width]))
    hyphens = [ln.hyphenated for ln in lines]
    assert sum(hyphens) <= max(1, int(len(lines) * 0.1 + 0.34))
    assert "TrueTrueTrue" not in "".join(map(str, hyphens))  # never three in a row
    assert not hyphens[-2], "the paragraph's last word is not split"
    last = lines[-1].words
    assert len(last) >= 2 or len(re.sub(r"\W", "", last[0])) >= 6
    for ln, nxt in zip(lines, lines[1:]):
        if ln.hyphenated:  # three letters each side, never a capitalised word
            head, tail = re.sub(r"\W", "", ln.words[-1]), re.sub(r"\W", "", nxt.words[0])
            assert len(head) >= 3 and len(tail) >= 3 and head[:1].islower(), (head, tail)


def test_total_fit_sets_no_line_looser_than_needed(body):
    """Spaces no wider than needed: the widest line's spaces at most twice a space, and the
    paragraph's lines no looser in all than reportlab's own first-fit breaking sets them."""
    space = stringWidth(" ", body.fontName, body.fontSize)
    lines = _lines(BodyParagraph(PLAIN, body).breakLines([334.5, 334.5]))
    widest = max(ln.slack / ln.spaces for ln in lines[:-1] if ln.spaces)
    assert (space + widest) / space < 2.0
    greedy = _lines(Paragraph(PLAIN, ParagraphStyle("plain", parent=body, hyphenationLang="")).breakLines([334.5, 334.5]))

    def badness(ls):  # what total fit minimises, roughly: the cube of each line's stretch
        return sum(max(ln.slack, 0) ** 3 / ln.spaces ** 3 for ln in ls[:-1] if ln.spaces)

    assert badness(lines) <= badness(greedy)


@pytest.mark.parametrize("width", [60, 90, 140])
def test_a_url_breaks_only_after_a_slash_dot_hyphen_or_question_mark(width):
    url = "https://www.example.org/2016/09/that-the-foreign-office-does?id=7&lang=en"
    markup = url_lines(url, "Helvetica", 8, width)
    lines = [html.unescape(re.sub(r"<[^>]+>", "", x)) for x in markup.split("<br/>")]
    assert "".join(lines) == url  # nothing added, nothing lost
    for line in lines[:-1]:
        assert line[-1] in "/.-?&=_#", line
        assert stringWidth(line, "Helvetica", 8) <= width


@pytest.mark.quick
def test_every_hyphenated_style_breaks_words_as_the_body_does(theme):
    """One choice of patterns per document: the key messages named none and fell back on pyphen's
    British 'en', so a Canadian brief broke words two ways."""
    from briefdeck.render.pdf.fonts import load_fonts

    styles = Styles(theme, load_fonts(theme), "en-CA")
    body, side = (styles.para(k).hyphenationLang.hyphenator for k in ("body", "key_messages"))
    words = ["peacebuilding", "multidimensional", "international", "reconciliation", "stabilization", "contributions"]
    assert [side.dic.positions(w) for w in words] == [body.dic.positions(w) for w in words]


# names and titles, which never break (capitalised): a justified line of them may find no break
NAMES = ("The second panel heard three officials: Margaret Okonkwo-Whitfield, Principal Deputy Assistant "
         "Secretary for International Organization Affairs at the Department of State; Bartholomew Castellanos, "
         "Deputy Under Secretary for Humanitarian Assistance at the Department of Defense; and Evangeline "
         "Marchetti, Acting Administrator of the Bureau for Democracy, Conflict and Humanitarian Assistance.")


def _stretches(body, width: float) -> list[tuple[float, float]]:
    """(word spaces in natural spaces, room left once drawn) of each line but the last."""
    space = stringWidth(" ", body.fontName, body.fontSize)
    out = []
    for ln in _lines(BodyParagraph(NAMES, body).breakLines([width, width]))[:-1]:
        natural = stringWidth(" ".join(ln.words), body.fontName, body.fontSize)
        out.append(((space + ln.slack / ln.spaces) / space, width - natural - ln.slack))
    return out


def test_an_emergency_pass_lets_the_spaces_shrink_where_names_would_leave_a_line_gaping(body):
    """Broken with the theme's shrink, a line of this paragraph at 334.5 pt stretches its spaces
    two and a half times; broken again with spaces that may shrink by a third (TeX's emergency
    pass), no line does."""
    setting = body.line_setting
    assert setting.tolerance == 2.5 and setting.emergency_shrink > setting.shrink
    assert max(s for s, _ in _stretches(body, 334.5)) <= setting.tolerance


@pytest.mark.parametrize("width", [200, 260, 300, 368.5])
def test_no_justified_line_stretches_its_spaces_past_the_limit_it_ends_short_instead(body, width):
    """The last resort: a line that only names follow (nothing breaks) is stretched to three
    spaces at most and ends short of the measure, as a ragged line does."""
    lines = _stretches(body, width)
    assert max(s for s, _ in lines) <= body.line_setting.ragged_over + 1e-6
    for stretch, short in lines:
        assert short > -0.5  # never past the measure
        if short > 0.5:  # a line ending short is one held at the limit
            assert abs(stretch - body.line_setting.ragged_over) < 1e-6
    if width == 300:  # "…officials: Margaret Okonkwo-Whitfield," would stretch five spaces
        assert any(short > 10 for _, short in lines)
