"""Tagged PDF (PDF/UA-1) for reportlab platypus.

reportlab has no tagging API. This module adds one in three parts:

* **StructTree / StructElem** -- the logical structure, built by the caller in
  *reading order* (when the story is built, not when things are drawn). One
  ``Document`` element is the root.
* **Marked content** -- a canvas mixin (``StructTree.canvasmaker()``) keeps a
  stack of *owners* (a structure element, or an artifact) and brackets what is
  drawn with ``/Role <</MCID n>> BDC ... EMC`` or ``/Artifact ... EMC``.
  ``Tagged(flowable, elem)`` pushes an owner around a flowable's ``drawOn``;
  ``artifact(canv, ...)`` does the same for page furniture drawn in onPage.
  Anything drawn outside any owner (frame debug boxes, platypus' own drawing)
  falls into an implicit ``/Artifact`` -- and in ``strict`` mode, *text* that
  falls there raises, so forgotten content is found, not hidden.
* **Objects** -- at ``save()`` the tree is written as reportlab PDF objects, in the
  same pass that writes the file (no re-parse, no second library).

Rules the marked content obeys (ISO 32000-1 14.6; ISO 32000-2 errata #302):
sequences never nest in each other, never cross a BT/ET boundary and never
cross a q/Q boundary; a sequence is only emitted when it contains a painting
operator; MCIDs are numbered per page from 0.

Prototyped in a standalone demo and integrated here. The brief's tree is built by
``story.py`` (its "structure tree" comment lists the element each part of the brief becomes).
"""
from __future__ import annotations

import contextlib
from typing import Optional
from .xmltext import escape as _xml_escape

from reportlab.pdfbase.pdfdoc import (PDFArray, PDFDictionary, PDFName, PDFObjectReference, PDFPage,
                                      PDFStream, PDFString)
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.paragraph import Paragraph

__all__ = ["DEFERRED", "StructTree", "StructElem", "Tagged", "Decoration", "artifact", "mark", "untagged", "TaggingError"]


class TaggingError(RuntimeError):
    pass


# ISO 32000-1 14.8.4 standard structure types (PDF 1.7). Anything else needs a RoleMap entry.
STANDARD_TYPES = frozenset("""
Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
H H1 H2 H3 H4 H5 H6 P L LI Lbl LBody Table TR TH TD THead TBody TFoot
Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP
Figure Formula Form""".split())

_GROUPING = frozenset("Document Part Art Sect Div BlockQuote TOC TOCI Index NonStruct Private L LI TR Table THead TBody TFoot".split())

# ------------------------------------------------------------------------------------------
# the structure tree (pure Python until it is written)


class _Slot:
    """A place in an element's /K reserved for one marked-content sequence.

    Reserved when the sequence opens (so the kid order is the order things were
    opened in), filled with (page, mcid) when the sequence turns out to contain
    painting; a slot left empty is dropped when the tree is written."""
    __slots__ = ("page", "mcid")

    def __init__(self):
        self.page = None
        self.mcid = None


class _ObjRef:
    """An annotation owned by a structure element (an OBJR kid)."""
    __slots__ = ("page", "annot", "index", "key", "target", "kind")

    def __init__(self, page, annot, index, key, target, kind):
        self.page, self.annot, self.index, self.key = page, annot, index, key
        self.target, self.kind = target, kind


class StructElem:
    """A structure element. Create children with ``add`` in reading order."""

    def __init__(self, tree: "StructTree", role: str, parent: Optional["StructElem"], *, alt=None,
                 actual_text=None, lang=None, title=None, attrs=None, bbox=False):
        if role not in STANDARD_TYPES and role not in tree.role_map:
            raise TaggingError(f"structure type {role!r} is not standard and not in the role map")
        self.tree, self.role, self.parent = tree, role, parent
        self.alt, self.actual_text, self.lang, self.title = alt, actual_text, lang, title
        self.attrs = list(attrs or [])  # attribute dicts, e.g. {"O": "Table", "Scope": "Column"}
        self.want_bbox = bbox or role == "Figure"
        self.bbox = None  # (page, [x0, y0, x1, y1]) of the first placement
        self.kids: list = []
        self._links: dict = {}  # paragraph link id -> Link element (see TaggingCanvasMixin)
        self._text: list[str] = []  # text of a Link, for the annotation's /Contents

    def add(self, role: str, **kw) -> "StructElem":
        child = StructElem(self.tree, role, self, **kw)
        self.kids.append(child)
        return child

    def tag(self, flowable, role: str, mode: Optional[str] = None, **kw) -> "Tagged":
        """Shortcut: a new child element ``role`` owning ``flowable``."""
        return Tagged(flowable, self.add(role, **kw), mode=mode)

    def walk(self):
        yield self
        for k in self.kids:
            if isinstance(k, StructElem):
                yield from k.walk()

    def _content(self):
        return [k for k in self.kids if (isinstance(k, _Slot) and k.mcid is not None) or isinstance(k, _ObjRef)]

    def __repr__(self):
        return f"<StructElem {self.role} kids={len(self.kids)}>"


class StructTree:
    """The logical structure of one document build (make a new one per pass)."""

    def __init__(self, *, lang: str, title: str, role_map: Optional[dict] = None, strict: bool = True,
                 producer: Optional[str] = None):
        self.lang, self.title, self.strict = lang, title, strict
        self.producer = producer
        self.role_map = dict(role_map or {})
        for k, v in self.role_map.items():
            if v not in STANDARD_TYPES:
                raise TaggingError(f"role map {k!r} -> {v!r}: target must be a standard type")
        self.root = StructElem(self, "Document", None)
        self._page_mcids: dict[int, list] = {}  # page -> [elem for mcid 0, 1, ...]
        self._page_key: dict[int, int] = {}  # page -> /StructParents
        self._annot_key: dict[int, StructElem] = {}  # /StructParent -> Link element
        self._next_key = 0
        self._pages: dict[int, PDFPage] = {}
        self.pruned: list[str] = []  # elements dropped because nothing was drawn for them
        self.written = False

    # -- canvas side ------------------------------------------------------------------
    def canvasmaker(self, base=Canvas):
        """A Canvas subclass (of ``base``) that marks content for this tree."""
        return type("Tagged" + base.__name__, (TaggingCanvasMixin, base), {"_tg_tree": self})

    def _alloc_mcid(self, page: int, elem: StructElem) -> int:
        lst = self._page_mcids.setdefault(page, [])
        if page not in self._page_key:
            self._page_key[page] = self._new_key()
        lst.append(elem)
        return len(lst) - 1

    def _new_key(self) -> int:
        k = self._next_key
        self._next_key += 1
        return k

    # -- shared by both writers -------------------------------------------------------
    def _prune(self):
        """Drop elements that own no content (a flowable that drew nothing, an element
        whose flowable never reached the page): an empty element is noise to AT."""
        def keep(e):
            kids = []
            for k in e.kids:
                if isinstance(k, StructElem):
                    if keep(k):
                        kids.append(k)
                    else:
                        self.pruned.append(k.role)
                elif isinstance(k, _Slot):
                    if k.mcid is not None:
                        kids.append(k)
                else:
                    kids.append(k)
            if e.role == "Link":  # MCIDs first, then the annotation(s)
                kids.sort(key=lambda k: isinstance(k, _ObjRef))
            e.kids = kids
            return bool(kids)
        keep(self.root)

    @staticmethod
    def _first_page(e):
        for k in e.kids:
            if isinstance(k, (_Slot, _ObjRef)):
                return k.page
        return None

    def _link_contents(self, le: StructElem, ref: _ObjRef) -> str:
        text = " ".join("".join(le._text).split()) or "link"
        if ref.kind == "URI":
            return f"{text} (external link: {ref.target})"
        if ref.kind == "GoToR":
            return f"{text} (link to file {ref.target})"
        return f"{text} (link within this document)"

    def xmp(self) -> bytes:
        t, lang = _xml_escape(self.title), _xml_escape(self.lang)
        prod = f"\n   <pdf:Producer>{_xml_escape(self.producer)}</pdf:Producer>" if self.producer else ""
        return ("<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                "  <rdf:Description rdf:about=\"\"\n"
                "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
                "    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
                f"   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{t}</rdf:li></rdf:Alt></dc:title>\n"
                f"   <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>{prod}\n"
                "   <pdfuaid:part>1</pdfuaid:part>\n"
                "  </rdf:Description>\n"
                " </rdf:RDF>\n"
                "</x:xmpmeta>\n"
                "<?xpacket end=\"w\"?>").encode("utf-8")

    # -- the objects, written into the canvas' document at save ------------------------
    def write_reportlab(self, canv):
        """Add the structure objects to ``canv``'s document (called by the canvas at save)."""
        doc = canv._doc
        self._prune()
        page_ref = lambda i: PDFObjectReference("Page%d" % (i + 1))  # pdfdoc.PDFDocument.thisPageName
        elems = list(self.root.walk())
        root_dict = PDFDictionary()
        root_ref = doc.Reference(root_dict)
        for e in elems:  # register first: parents and kids refer to each other
            e._pdf = PDFDictionary()
            e._ref = doc.Reference(e._pdf)
        for e in elems:
            d = e._pdf
            d["Type"] = PDFName("StructElem")
            d["S"] = PDFName(e.role)
            d["P"] = e.parent._ref if e.parent is not None else root_ref
            pg = self._first_page(e)
            if pg is not None:
                d["Pg"] = page_ref(pg)
            K = []
            for k in e.kids:
                if isinstance(k, StructElem):
                    K.append(k._ref)
                elif isinstance(k, _Slot):
                    K.append(k.mcid if k.page == pg else
                             PDFDictionary({"Type": PDFName("MCR"), "Pg": page_ref(k.page), "MCID": k.mcid}))
                else:
                    K.append(PDFDictionary({"Type": PDFName("OBJR"), "Pg": page_ref(k.page),
                                            "Obj": doc.Reference(k.annot)}))
                    self._finish_annot_rl(e, k)
            d["K"] = K[0] if len(K) == 1 else PDFArray(K)  # a single kid needs no array
            for key, val in (("Alt", e.alt), ("ActualText", e.actual_text), ("Lang", e.lang), ("T", e.title)):
                if val is not None:
                    d[key] = PDFString(val)
            attrs = [PDFDictionary({k: (PDFName(v) if isinstance(v, str) else PDFArray(v) if isinstance(v, (list, tuple)) else v)
                                    for k, v in a.items()}) for a in e.attrs]
            if e.bbox is not None:
                attrs.append(PDFDictionary({"O": PDFName("Layout"), "BBox": PDFArray([round(v, 2) for v in e.bbox[1]])}))
            if attrs:
                d["A"] = attrs[0] if len(attrs) == 1 else PDFArray(attrs)
        nums = []
        entries = [(k, ("page", p)) for p, k in self._page_key.items()] + [(k, ("annot", e)) for k, e in self._annot_key.items()]
        for key, (kind, v) in sorted(entries, key=lambda t: t[0]):
            nums.append(key)
            nums.append(PDFArray([e._ref for e in self._page_mcids[v]]) if kind == "page" else v._ref)
        parent_tree = PDFDictionary({"Nums": PDFArray(nums)})
        root_dict["Type"] = PDFName("StructTreeRoot")
        root_dict["K"] = PDFArray([self.root._ref])
        root_dict["ParentTree"] = doc.Reference(parent_tree)
        root_dict["ParentTreeNextKey"] = self._next_key
        if self.role_map:
            root_dict["RoleMap"] = PDFDictionary({k: PDFName(v) for k, v in sorted(self.role_map.items())})
        cat = doc.Catalog  # pdfdoc.PDFCatalog: StructTreeRoot, MarkInfo, Metadata are known keys
        cat.StructTreeRoot = root_dict
        cat.MarkInfo = PDFDictionary({"Marked": "true"})
        cat.Lang = PDFString(self.lang)
        cat.Metadata = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                                 self.xmp(), filters=[])  # uncompressed, as XMP readers expect
        canv.setViewerPreference("DisplayDocTitle", "true")
        for i, page in self._pages.items():
            # PDFPage only writes the keys named in __NoDefault__: extend it on this instance
            page.__NoDefault__ = PDFPage.__NoDefault__ + ["StructParents", "Tabs"]
            page.Tabs = PDFName("S")  # PDF/UA 7.18.3: tab order = structure order
            if i in self._page_key:
                page.StructParents = self._page_key[i]
        self.written = True

    def _finish_annot_rl(self, le, ref):
        a, contents = ref.annot, self._link_contents(le, ref)
        if isinstance(a, PDFDictionary):  # canvas.linkURL builds a bare dictionary
            a["StructParent"] = ref.key
            a["Contents"] = PDFString(contents)
        else:  # pdfdoc.LinkAnnotation (canvas.linkRect) validates its keys against .permitted
            a.permitted = tuple(type(a).permitted) + ("StructParent",)
            a.otherkw["StructParent"] = ref.key
            a.Contents = contents


# ------------------------------------------------------------------------------------------
# owners and marked-content sequences on the canvas

_ARTIFACT = "/Artifact BMC"


class _Owner:
    """Who owns what is drawn now. ``mode``: 'all' (everything drawn -> elem), 'text'
    (text objects -> elem, other painting -> decorative Artifact), 'group' (elem only
    groups tagged children; its own painting is decorative). ``elem is None``: an artifact."""
    __slots__ = ("elem", "mode", "props", "explicit", "label", "target", "nlines")

    def __init__(self, elem=None, mode="all", props=_ARTIFACT, explicit=True, label=None, nlines=None):
        self.elem, self.mode, self.props, self.explicit, self.label = elem, mode, props, explicit, label
        self.nlines = nlines
        self.target = (elem, None) if (elem is not None and mode == "all") else (None, props if elem is None else _ARTIFACT)


class _Seq:
    __slots__ = ("target", "start", "depth", "slot")

    def __init__(self, target, start, depth, slot):
        self.target, self.start, self.depth, self.slot = target, start, depth, slot


_PATH_PAINT = frozenset("S s f F f* B B* b b* sh Do EI".split())

# A placeholder in page code for text that is written at save (pages.canvas_class: the page
# total): a PDF comment, replaced before the page is written. It counts as painting.
DEFERRED = "%briefdeck-deferred-"


def _paints(s: str) -> bool:
    """Does this chunk of page code paint anything? (state operators do not)."""
    if not s:
        return False
    if DEFERRED in s:
        return True
    if s.startswith("BT"):
        return "Tj" in s or "TJ" in s
    if " Do" in s or s.startswith("BI"):
        return True
    return s.rsplit(None, 1)[-1] in _PATH_PAINT


class _Mark:
    """A switch of owner inside a text object (a link starts or ends)."""
    __slots__ = ("elem",)

    def __init__(self, elem):
        self.elem = elem


class _LinkStart(_Mark):
    pass


class _LinkEnd(_Mark):
    pass


class _Hyphen(_Mark):
    """An inserted hyphen: its own sequence with /ActualText U+00AD (a soft hyphen).
    Not a Span nested in the paragraph's sequence: poppler's structure-text reader
    stops a content item at the first EMC, nested or not."""


class TaggedTextObject(PDFTextObject):
    """A text object that records where links start and end.

    Paragraph's line drawer (paragraph._putFragLine) calls ``tx._linkRecord(l, 'start'|'end')``
    if the text object has one; 'start' comes *after* the first run of the link was
    emitted, so the mark is put before that run (remembered by ``_textOut``)."""

    def __init__(self, canvas, x=0, y=0, direction=None):
        super().__init__(canvas, x, y, direction)
        self._tg_last = 1
        self._tg_last_text = ""
        self._tg_open_links: list = []
        self._tg_marks = False
        self._tg_whole_link = None
        self._tg_all_text: list[str] = []
        self._tg_line = ""
        self._tg_lines = 0
        self._tg_nlines = None
        self._tg_hy = None

    def _tg_emit(self, text):
        """Emit ``text``; a trailing '-' goes in its own Tj so that it can be wrapped later."""
        if text.endswith("-") and len(text) > 1:
            self._code.append(self._formatText(text[:-1]))
            text = "-"
        self._code.append(self._formatText(text))
        self._tg_hy = len(self._code) - 1 if text == "-" else None

    def _textOut(self, text, TStar=0):
        """Paragraph's line drawers call this with TStar=1 at each line end (paragraph.py
        _leftDrawParaLine ... _putFragLine). Besides recording link positions, a line end
        gets what the tree needs and the eye does not: a real space after a complete word
        (else the words of two lines run together in the structure text), and an inserted
        hyphen marked as replacement text (ISO 32000-1 14.9.4)."""
        self._tg_last = len(self._code)
        self._tg_last_text = text
        src = self._tg_source()
        for le in self._tg_open_links:
            le._text.append(text)
        self._tg_all_text.append(text)
        if src is None:
            return super()._textOut(text, TStar)
        self._tg_line += text
        if text:
            self._tg_emit(text)
        if not TStar:
            return
        line, self._tg_line = self._tg_line, ""
        self._tg_lines += 1
        words = line.split()
        tok = words[-1] if words else ""
        last_line = self._tg_lines >= self._tg_nlines
        if tok.endswith("-") and self._tg_hy is not None and not src.starts(tok):
            i = self._tg_hy  # a hyphen the line break put there: a soft hyphen, not text
            self._code[i] = _Hyphen(self._code[i])
            self._tg_marks = True
        elif tok and not last_line and src.whole(tok) and not line.endswith(" "):
            self._code.append(self._formatText(" "))
            for le in self._tg_open_links:
                le._text.append(" ")
        self._tg_hy = None
        self._code.append("T*")

    def _tg_source(self):
        canv = self._canvas
        owners = getattr(canv, "_tg_owners", None)
        if not owners or owners[-1].elem is None or owners[-1].mode != "text":
            return None
        src = getattr(owners[-1].elem, "_src", None)
        if src is not None and self._tg_nlines is None:
            self._tg_nlines = owners[-1].nlines or 10 ** 9
        return src

    def _linkRecord(self, l, what):
        canv = self._canvas
        owner = canv._tg_owners[-1] if getattr(canv, "_tg_owners", None) else None
        if owner is None or owner.elem is None or canv._codeStack:
            return
        if what == "start":
            le = owner.elem._links.get(l)
            if le is None:
                le = owner.elem._links[l] = StructElem(owner.elem.tree, "Link", None)
            self._code.insert(self._tg_last, _LinkStart(le))
            self._tg_marks = True
            if self._tg_last_text:
                le._text.append(self._tg_last_text)
            self._tg_open_links.append(le)
            canv._tg_line_links.append((_link_target(l[1]), le))
        else:
            le = owner.elem._links.get(l)
            if le is not None and le in self._tg_open_links:
                self._code.append(_LinkEnd(le))
                self._tg_open_links.remove(le)

    # reportlab merges a move or a rise with the one before by reading the last code entry as text
    # ('... Td', '... Ts'); a link mark may be last (a link ends a line, the next line is indented)
    def moveCursor(self, dx, dy):
        self._past_marks(super().moveCursor, dx, dy)

    def setRise(self, rise):
        self._past_marks(super().setRise, rise)

    def _past_marks(self, call, *args):
        """``call`` on the code before any trailing marks; the marks then follow what it wrote
        (a move or a rise draws nothing, so a link's marked content is unchanged)."""
        marks = []
        while self._code and isinstance(self._code[-1], _Mark):
            marks.insert(0, self._code.pop())
        try:
            call(*args)
        finally:
            self._code.extend(marks)

    def getCode(self):  # only reached when nobody resolved the marks (untagged context)
        self._code = [c for c in self._code if not isinstance(c, _Mark)]
        return super().getCode()


class _Source:
    """A paragraph's own words (soft hyphens removed), to tell at a line end whether
    the last token is a whole word, and whether a trailing '-' belongs to the text."""
    __slots__ = ("tokens", "_prefixes")

    def __init__(self, text):
        self.tokens = set(text.replace("\xad", "").split())
        self._prefixes = None

    def whole(self, tok):
        return tok in self.tokens

    def starts(self, tok):
        return any(t.startswith(tok) for t in self.tokens)


def _link_target(link: str) -> str:
    """Normalise a paragraph href the way paragraph._doLink does."""
    if link.startswith("#"):
        return link[1:]
    parts = link.split(":", 1)
    if len(parts) == 2 and parts[0].lower() in ("document", "pdf"):
        return parts[1]
    return link


class TaggingCanvasMixin:
    """Mixed into a Canvas by ``StructTree.canvasmaker``. Overrides: beginText, drawText,
    saveState, restoreState, showPage, _addAnnotation, save, getpdfdata."""

    _tg_tree: StructTree = None

    def __init__(self, *a, **kw):
        self._tg_owners = [_Owner(explicit=False)]
        self._tg_seq = None
        self._tg_q: list[int] = []
        self._tg_line_links: list = []
        self._tg_cur_tx = None
        super().__init__(*a, **kw)
        self._doc._pdfVersion = max(self._doc._pdfVersion, (1, 7))  # PDF/UA-1 is ISO 32000-1
        self._tg_begin()

    # -- sequences --------------------------------------------------------------------
    @property
    def _tg_page(self) -> int:
        return self._pageNumber - 1

    def _tg_begin(self):
        if self._codeStack:  # inside beginForm/endForm: the form is one unit of its caller
            return
        t = self._tg_owners[-1].target
        slot = None
        if t[0] is not None:
            slot = _Slot()
            t[0].kids.append(slot)
        self._tg_seq = _Seq(t, len(self._code), len(self._tg_q), slot)

    def _tg_fill(self, seq, end) -> bool:
        code = self._code
        if not any(_paints(code[i]) for i in range(seq.start, end)):
            return False
        elem, props = seq.target
        if elem is None:
            bdc = props
        else:
            page = self._tg_page
            seq.slot.page, seq.slot.mcid = page, self._tg_tree._alloc_mcid(page, elem)
            bdc = "/%s <</MCID %d>> BDC" % (elem.role, seq.slot.mcid)
        code[seq.start] = bdc + "\n" + code[seq.start]
        return True

    def _tg_end(self):
        """Close the open sequence. If it was opened outside q's that are still open, it is
        cut before each of them (ISO 32000-2 errata #302: q/Q and BDC/EMC nest properly)."""
        seq = self._tg_seq
        if seq is None or self._codeStack:
            return
        self._tg_seq = None
        code, q = self._code, self._tg_q
        while seq.depth < len(q):
            j = q[seq.depth]
            if self._tg_fill(seq, j):
                code[j] = "EMC\n" + code[j]
            slot = None
            if seq.slot is not None:
                slot = _Slot()
                seq.target[0].kids.append(slot)
            seq = _Seq(seq.target, j + 1, seq.depth + 1, slot)
        if self._tg_fill(seq, len(code)):
            code.append("EMC")

    def _tg_push(self, owner):
        old = self._tg_owners[-1].target
        self._tg_owners.append(owner)
        if owner.target != old:
            self._tg_end()
            self._tg_begin()

    def _tg_pop(self):
        old = self._tg_owners.pop().target
        if self._tg_owners[-1].target != old:
            self._tg_end()
            self._tg_begin()

    # -- graphics state ---------------------------------------------------------------
    def saveState(self):
        super().saveState()
        if not self._codeStack:
            self._tg_q.append(len(self._code) - 1)

    def restoreState(self):
        if self._codeStack:
            return super().restoreState()
        seq = self._tg_seq
        cut = seq is not None and self._tg_q and seq.depth >= len(self._tg_q)
        if cut:  # a sequence opened inside this q ends before its Q
            self._tg_end()
        super().restoreState()
        if self._tg_q:
            self._tg_q.pop()
        if cut:
            self._tg_begin()

    # -- text -------------------------------------------------------------------------
    def beginText(self, x=0, y=0, direction=None):
        tx = TaggedTextObject(self, x, y, direction=direction)
        self._tg_cur_tx = tx
        return tx

    def drawText(self, tx):
        owner = self._tg_owners[-1]
        if self._codeStack or not isinstance(tx, TaggedTextObject):
            return super().drawText(tx)
        if owner.elem is not None and (owner.mode == "text" or tx._tg_marks or tx._tg_whole_link):
            elem = owner.elem
            if owner.label is not None:  # Paragraph draws its bullet first (paragraph._drawBullet)
                elem, owner.label = owner.label, None
            elif tx._tg_whole_link is not None:
                elem = tx._tg_whole_link
                elem._text.extend(tx._tg_all_text)
            self._tg_end()
            self._code.append(self._tg_text_code(tx, elem, owner.elem))
            self._tg_begin()
            return
        if self._tg_tree.strict and (owner.elem is not None and owner.mode == "group" or
                                     owner.elem is None and not owner.explicit):
            text = " ".join(str(c) for c in tx._code if "Tj" in str(c) or "TJ" in str(c))[:80]
            where = f"element {owner.elem.role}" if owner.elem is not None else "no element"
            raise TaggingError(f"page {self._pageNumber}: text drawn with {where} to own it "
                               f"(would become an artifact): {text}")
        super().drawText(tx)

    def _tg_text_code(self, tx, elem, parent):
        """The text object with its marked-content sequences *inside* BT ... ET."""
        parts = tx._code
        tail = ["ET"] + (["%d Tr" % (tx._textRenderMode ^ 4)] if tx._clipping else [])
        out = [parts[0]]  # 'BT'
        tree = self._tg_tree
        page = self._tg_page

        def attach(e):
            if e.parent is None:
                e.parent = parent
                parent.kids.append(e)

        def open_(e, extra=""):
            if e.role == "Link":
                attach(e)
            s = _Slot()
            e.kids.append(s)
            return [e, len(out), s, extra]

        def close(cur):
            e, start, s, extra = cur
            if any(("Tj" in c or "TJ" in c) for c in out[start:]):
                s.page, s.mcid = page, tree._alloc_mcid(page, e)
                out[start] = "/%s <</MCID %d%s>> BDC %s" % (e.role, s.mcid, extra, out[start])
                out.append("EMC")

        if elem.role == "Link":
            attach(elem)
        cur = open_(elem)
        for p in parts[1:]:
            if isinstance(p, _LinkStart):
                close(cur)
                cur = open_(p.elem)
            elif isinstance(p, _LinkEnd):
                close(cur)
                cur = open_(elem)
            elif isinstance(p, _Hyphen):
                owner_now = cur[0]
                close(cur)
                cur = open_(owner_now, " /ActualText <FEFF00AD>")
                out.append(p.elem)
                close(cur)
                cur = open_(owner_now)
            else:
                out.append(p)
        close(cur)
        out += tail
        tx._code = parts + tail  # as getCode would leave it
        return " ".join(out)

    # -- annotations ------------------------------------------------------------------
    def _addAnnotation(self, annotation, name=None, addtopage=1):
        if self._codeStack or not addtopage:
            return super()._addAnnotation(annotation, name, addtopage)
        kind, target = _annot_target(annotation)
        le = None
        for i, (t, e) in enumerate(self._tg_line_links):
            if t == target:
                le = e
                del self._tg_line_links[i]
                break
        owner = self._tg_owners[-1]
        if le is None:
            if owner.elem is None:
                if self._tg_tree.strict:
                    raise TaggingError(f"page {self._pageNumber}: a link annotation ({target}) outside any element")
            else:
                tx = self._tg_cur_tx
                if tx is not None and not tx._tg_marks and owner.mode == "text":
                    # a whole-paragraph link (Paragraph kind 0 draws no _linkRecord)
                    le = tx._tg_whole_link or StructElem(owner.elem.tree, "Link", None)
                    tx._tg_whole_link = le
                else:
                    le = owner.elem.add("Link")
        index = len(self._annotationrefs)
        super()._addAnnotation(annotation, name, addtopage)
        if le is not None:
            tree = self._tg_tree
            key = tree._new_key()
            tree._annot_key[key] = le
            le.kids.append(_ObjRef(self._tg_page, annotation, index, key, target, kind))

    # -- pages and the end ------------------------------------------------------------
    def showPage(self):
        self._tg_end()
        page = self._tg_page
        self._tg_line_links = []
        super().showPage()
        self._tg_tree._pages[page] = self._doc.Pages.pages[-1]
        self._tg_q = []
        self._tg_begin()

    def _tg_finish(self):
        if len(self._code):
            self.showPage()
        if len(self._tg_owners) != 1:
            raise TaggingError("owner stack not empty at save: a Tagged/artifact block did not end")
        if not self._tg_tree.written:
            self._tg_tree.write_reportlab(self)

    def save(self):
        self._tg_finish()
        super().save()

    def getpdfdata(self):
        self._tg_finish()
        return super().getpdfdata()


def _annot_target(a):
    """(kind, target) of an annotation made by canvas.linkURL / linkRect."""
    if isinstance(a, PDFDictionary):
        A = a.dict.get("A")
        if isinstance(A, PDFDictionary):
            kind = str(A.dict.get("S", "/URI")).lstrip("/")
            v = A.dict.get("URI") or A.dict.get("F")
            return kind, (v.s if isinstance(v, PDFString) else str(v))
        return "Annot", None
    dest = getattr(a, "Destination", None)
    return "GoTo", getattr(dest, "name", None)


# ------------------------------------------------------------------------------------------
# what a renderer uses


@contextlib.contextmanager
def mark(canv, elem: Optional[StructElem], mode: str = "all", label=None, nlines=None):
    """Everything drawn in the block belongs to ``elem`` (see _Owner for ``mode``).
    A no-op on a canvas without tagging, so the same code renders untagged."""
    if not hasattr(canv, "_tg_push"):
        yield
        return
    canv._tg_push(_Owner(elem, mode, label=label, nlines=nlines))
    try:
        yield
    finally:
        canv._tg_pop()


@contextlib.contextmanager
def artifact(canv, type: Optional[str] = "Pagination", subtype: Optional[str] = None, bbox=None):
    """Page furniture: ``/Artifact <</Type /Pagination /Subtype /Header>> BDC ... EMC``."""
    if not hasattr(canv, "_tg_push"):
        yield
        return
    props = {}
    if type:
        props["Type"] = "/" + type
    if subtype:
        props["Subtype"] = "/" + subtype
    if bbox:
        props["BBox"] = "[%s]" % " ".join("%.2f" % v for v in bbox)
    p = "/Artifact <<%s>> BDC" % " ".join(f"/{k} {v}" for k, v in props.items()) if props else _ARTIFACT
    canv._tg_push(_Owner(None, props=p))
    try:
        yield
    finally:
        canv._tg_pop()


class Tagged(Flowable):
    """A proxy that makes ``flowable`` draw as content of ``elem``.

    Everything but drawing is delegated (attributes too, as DDIndenter does), so
    frames, splitting and keepWithNext behave as for the wrapped flowable. A split
    gives parts that own the *same* element: a paragraph broken over two pages is one
    P with content on both. ``mode``: 'text' for paragraphs (the default for Paragraph:
    backgrounds, borders and underlines become artifacts), 'all' (e.g. a Drawing),
    'group' (a container whose children are Tagged; its own painting is decoration).
    ``label``: a Lbl element for a Paragraph's bulletText."""

    _own = ("_flowable", "_elem", "_mode", "_label")

    def __init__(self, flowable, elem: StructElem, mode: Optional[str] = None, label: Optional[StructElem] = None):
        if mode is None:
            mode = "text" if isinstance(flowable, Paragraph) else "all"
        d = self.__dict__
        d["_flowable"], d["_elem"], d["_mode"], d["_label"] = flowable, elem, mode, label
        if isinstance(flowable, Paragraph) and elem is not None and getattr(elem, "_src", None) is None:
            plain = "".join(getattr(f, "text", "") for f in flowable.frags).replace("\xad", "")
            elem._src, elem._plain = _Source(plain), plain

    def __getattr__(self, a):
        f = self.__dict__.get("_flowable")
        if f is None:
            raise AttributeError(a)
        return getattr(f, a)

    def __setattr__(self, a, v):
        if a in self._own:
            self.__dict__[a] = v
        else:
            setattr(self._flowable, a, v)

    def __delattr__(self, a):
        if a in self._own:
            del self.__dict__[a]
        else:
            delattr(self._flowable, a)

    _fixedWidth = property(lambda s: getattr(s._flowable, "_fixedWidth", 0))
    _fixedHeight = property(lambda s: getattr(s._flowable, "_fixedHeight", 0))

    def wrap(self, aW, aH):
        return self._flowable.wrap(aW, aH)

    def wrapOn(self, canv, aW, aH):
        return self._flowable.wrapOn(canv, aW, aH)

    def _parts(self, S):
        return [Tagged(s, self._elem, self._mode, self._label) for s in S]

    def split(self, aW, aH):
        return self._parts(self._flowable.split(aW, aH))

    def splitOn(self, canv, aW, aH):
        return self._parts(self._flowable.splitOn(canv, aW, aH))

    def getSpaceBefore(self):
        return self._flowable.getSpaceBefore()

    def getSpaceAfter(self):
        return self._flowable.getSpaceAfter()

    def getKeepWithNext(self):
        return self._flowable.getKeepWithNext()

    def minWidth(self):
        return self._flowable.minWidth()

    def isIndexing(self):
        return self._flowable.isIndexing()

    def identity(self, maxLen=None):
        return "Tagged(%s) %s" % (self._elem.role if self._elem else "Artifact", self._flowable.identity(maxLen))

    def drawOn(self, canvas, x, y, _sW=0):
        f, e = self._flowable, self._elem
        if e is not None and e.want_bbox and e.bbox is None and hasattr(canvas, "_tg_push"):
            x0 = f._hAlignAdjust(x, _sW) if hasattr(f, "_hAlignAdjust") else x
            (ax, ay) = canvas.absolutePosition(x0, y)
            (bx, by) = canvas.absolutePosition(x0 + f.width, y + f.height)
            e.bbox = (canvas.getPageNumber() - 1, [min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)])
            if hasattr(canvas, "moves_with"):  # the brief's canvas: a page justified as it is painted moves it
                page, (x0, y0, x1, y1) = e.bbox
                canvas.moves_with(lambda dy: setattr(e, "bbox", (page, [x0, y0 - dy, x1, y1 - dy])))
        label = self._label if getattr(f, "bulletText", None) else None
        if e is None:
            with artifact(canvas, "Layout"):
                f.drawOn(canvas, x, y, _sW)
        else:
            bl = getattr(f, "blPara", None)
            with mark(canvas, e, self._mode, label=label, nlines=len(bl.lines) if bl is not None else None):
                f.drawOn(canvas, x, y, _sW)


def untagged(flowable):
    """The flowable itself, whether or not it is wrapped in ``Tagged``."""
    while isinstance(flowable, Tagged):
        flowable = flowable.__dict__["_flowable"]
    return flowable


def Decoration(flowable):
    """A flowable that is pure decoration (a rule, an ornament): drawn as a Layout artifact."""
    return Tagged(flowable, None, "all")
