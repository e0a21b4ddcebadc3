"""Read a tagged PDF back with pikepdf: the structure tree, and what on each page is tagged.

Used by the tests (tests/test_pdf_tags.py); independent of the renderer's own code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pikepdf

# operators that put marks on the page (ISO 32000-1, 8.2 table 51 and 9.4)
INLINE = {"Span", "Link", "Quote", "Note", "Reference", "BibEntry", "Code", "Lbl"}
PAINT = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "INLINE IMAGE"}


@dataclass
class Elem:
    role: str  # as written (/S); ``std`` is the role after the RoleMap
    std: str
    alt: Optional[str] = None
    attrs: dict = field(default_factory=dict)
    kids: list = field(default_factory=list)  # Elem, ("mcid", page index, n) or ("objr", annotation dict)
    page: Optional[int] = None

    def walk(self):
        yield self
        for k in self.kids:
            if isinstance(k, Elem):
                yield from k.walk()

    def find(self, std: str) -> list["Elem"]:
        return [e for e in self.walk() if e.std == std]

    def mcids(self):
        for e in self.walk():
            for k in e.kids:
                if isinstance(k, tuple) and k[0] == "mcid":
                    yield k[1], k[2]

    def text(self, page_text: dict) -> str:
        """The element's text in tree order (``page_text``: (page, mcid) -> text)."""
        out = []
        for k in self.kids:
            if isinstance(k, Elem):
                out.append(k.text(page_text) + ("" if k.std in INLINE else "\n"))
            elif k[0] == "mcid":
                out.append(page_text.get((k[1], k[2]), ""))
        return "".join(out)


@dataclass
class Tagged:
    pdf: pikepdf.Pdf
    root: Elem
    catalog: dict
    page_text: dict  # (page index, mcid) -> text shown inside that sequence
    untagged: list  # (page index, operator, text) painted outside any MCID sequence or artifact
    mcid_elem: dict  # (page index, mcid) -> Elem that owns it (through the parent tree)
    tabs: list  # each page's /Tabs

    def text(self) -> str:
        return self.root.text(self.page_text)


def _str(o) -> str:
    return str(o) if o is not None else None


def _decode_show(operands, font_map) -> str:
    """Text shown by Tj/TJ: pikepdf gives bytes; fonts here are subset TrueType with a
    ToUnicode CMap, so decode through it."""
    out = []
    items = operands[0] if isinstance(operands[0], pikepdf.Array) else [operands[0]]
    for it in items:
        if isinstance(it, pikepdf.String):
            raw = bytes(it)
            out.append(font_map(raw) if font_map else raw.decode("latin-1"))
        elif isinstance(it, (int, float)) or hasattr(it, "__float__"):
            if float(it) < -200:  # a wide kern is a space in extraction
                out.append(" ")
    return "".join(out)


def _tounicode(font) -> Optional[dict]:
    tu = font.get("/ToUnicode")
    if tu is None:
        return None
    data = tu.read_bytes().decode("latin-1")
    m: dict[int, str] = {}
    import re
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            m[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for a, b, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for i, code in enumerate(range(int(a, 16), int(b, 16) + 1)):
                m[code] = chr(start + i)
    return m


def read(path: Path) -> Tagged:
    pdf = pikepdf.open(path)
    cat = pdf.Root
    str_root = cat.get("/StructTreeRoot")
    assert str_root is not None, "no structure tree"
    role_map = {str(k): str(v) for k, v in dict(str_root.get("/RoleMap", {})).items()}
    page_index = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}

    def build(d) -> Elem:
        s = str(d.S)
        e = Elem(s, role_map.get(s, s).lstrip("/").strip(), alt=_str(d.get("/Alt")))
        e.role = s.lstrip("/")
        pg = d.get("/Pg")
        e.page = page_index.get(pg.objgen) if pg is not None else None
        A = d.get("/A")
        for a in ([A] if isinstance(A, pikepdf.Dictionary) else list(A or [])):
            e.attrs.update({str(k): v for k, v in dict(a).items()})
        K = d.get("/K")
        kids = list(K) if isinstance(K, pikepdf.Array) else ([] if K is None else [K])
        for k in kids:
            if isinstance(k, int) or (hasattr(k, "__int__") and not isinstance(k, pikepdf.Dictionary)):
                e.kids.append(("mcid", e.page, int(k)))
            elif k.get("/Type") == "/MCR":
                e.kids.append(("mcid", page_index[k.Pg.objgen], int(k.MCID)))
            elif k.get("/Type") == "/OBJR":
                e.kids.append(("objr", k.Obj))
            else:
                e.kids.append(build(k))
        return e

    K = str_root.K
    tops = list(K) if isinstance(K, pikepdf.Array) else [K]
    assert len(tops) == 1, "one root element"
    root = build(tops[0])

    # the parent tree: (page, mcid) -> element object
    nums = list(str_root.ParentTree.get("/Nums", []))
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    by_obj = {}

    def index(d, e):
        by_obj[d.objgen] = e
        kd = d.get("/K")
        kids = list(kd) if isinstance(kd, pikepdf.Array) else ([] if kd is None else [kd])
        sub = iter([k for k in e.kids if isinstance(k, Elem)])
        for k in kids:
            if isinstance(k, pikepdf.Dictionary) and k.get("/Type") not in ("/MCR", "/OBJR"):
                index(k, next(sub))

    index(tops[0], root)

    page_text, untagged, mcid_elem, tabs = {}, [], {}, []
    for pi, page in enumerate(pdf.pages):
        tabs.append(_str(page.obj.get("/Tabs")))
        fonts = {}
        res = page.obj.get("/Resources", {})
        for name, f in dict(res.get("/Font", {})).items():
            tu = _tounicode(f)
            fonts[str(name)] = (lambda raw, tu=tu: "".join(tu.get(b, "") for b in raw)) if tu else None
        sp = page.obj.get("/StructParents")
        arr = parents.get(int(sp)) if sp is not None else None
        stack: list[tuple[str, Optional[int]]] = []
        replaced: set = set()  # sequences whose /ActualText replaces what they show
        font = None
        for operands, op in pikepdf.parse_content_stream(page):
            op = str(op)
            if op == "BDC":
                tag = str(operands[0])
                props = operands[1]
                mcid = int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None
                stack.append((tag, mcid))
                if mcid is not None:
                    actual = props.get("/ActualText") if isinstance(props, pikepdf.Dictionary) else None
                    page_text.setdefault((pi, mcid), "")
                    if actual is not None:  # e.g. U+00AD for a hyphen the line break inserted
                        page_text[(pi, mcid)] += str(actual).replace("\u00ad", "")
                        replaced.add((pi, mcid))
                    if arr is not None and mcid < len(arr):
                        mcid_elem[(pi, mcid)] = by_obj.get(arr[mcid].objgen)
            elif op == "BMC":
                stack.append((str(operands[0]), None))
            elif op == "EMC":
                stack.pop()
            elif op == "Tf":
                font = fonts.get(str(operands[0]))
            elif op in PAINT:
                owner = next((m for t, m in reversed(stack) if m is not None), None)
                artifact = any(t == "/Artifact" for t, _ in stack)
                shown = _decode_show(operands, font) if op in ("Tj", "TJ", "'", '"') else ""
                if owner is None and not artifact:
                    untagged.append((pi, op, shown))
                elif owner is not None and not artifact and (pi, owner) not in replaced:
                    page_text[(pi, owner)] += shown
    return Tagged(pdf, root, cat, page_text, untagged, mcid_elem, tabs)
