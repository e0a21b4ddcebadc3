"""French typography is the tool's job: a source typed with plain spaces (or none) gets every
no-break space in both outputs, and a source typed with them keeps them (fr-FR and fr-CA).
Read back from the PDF with pypdf and from the deck with python-pptx."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

NBSP, NNBSP = "\u00a0", "\u202f"

# An Assemblée nationale hearing as an author types it: no no-break space anywhere.
PLAIN = """\
    briefdeck: 1
    meta: {{language: {lang}}}
    event:
      title: "Audition sur la sécheresse : quelles priorités ?"
      organiser: Assemblée nationale
      date: 2023-12-07
      place: Paris
    people:
      - {{id: colin, name: Christel Colin, role: witness}}
      - {{id: goin, name: Aurélie Goin, role: witness}}
    summary: "Le 7 décembre 2023, {{fact:share}} des communes étaient touchées ; vraiment !"
    key_messages:
      - "Près de 27 000 exploitations : une priorité."
    sections:
      - id: constat
        title: "Le constat"
        speaker: [colin, goin]
        paragraphs:
          - "Elle a dit « il faut agir » ; qui le fera ? Depuis le 1er janvier, 57 % des nappes sont basses. Pourquoi?"
        figures: [f]
    datasets:
      communes: {{file: assets/data/communes.csv, source: Insee, decimal: ","}}
    facts:
      share: {{dataset: communes, value: part, aggregate: last, format: percent}}
    figures:
      - {{id: f, kind: bar, caption: "Les nappes baissent : 57 % en 2023", dataset: communes, x: année, series: [nappes], alt: Nappes basses par année., editable: true}}
"""


def write_project(tmp_path: Path, lang: str, source: str) -> Path:
    (tmp_path / "assets" / "data").mkdir(parents=True)
    (tmp_path / "assets" / "data" / "communes.csv").write_text("année;part;nappes\n2022;0,41;12000\n2023;0,57;27000\n", encoding="utf-8")
    src = tmp_path / "audition.yaml"
    src.write_text(textwrap.dedent(source.format(lang=lang)), encoding="utf-8")
    return src


def build(src: Path, out: Path) -> tuple[str, str]:
    """(the PDF's text, the deck's text: slides and notes) as a reader's tools extract them."""
    from pptx import Presentation
    from pypdf import PdfReader

    from briefdeck import api

    results = api.build([src], api.Options(out_dir=out))
    assert results[0].ok, results[0].error
    pdf = "\n".join(page.extract_text() for page in PdfReader(out / f"{src.stem}.pdf").pages)
    deck = Presentation(str(out / f"{src.stem}.pptx"))
    parts = []
    for slide in deck.slides:
        parts += [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return pdf, "\n".join(parts)


def plain(text: str) -> str:
    return text.replace(NBSP, " ").replace(NNBSP, " ")


@pytest.fixture(scope="module", params=["fr-FR", "fr-CA"])
def built(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    src = write_project(tmp, request.param, PLAIN)
    return request.param, src, build(src, tmp / "out")


def test_a_source_typed_without_no_break_spaces_gets_them_in_the_deck(built):
    lang, _, (_, deck) = built
    # a space typed before ; ! ? never breaks (fr-CA: one is never added: "Pourquoi?")
    narrow = NNBSP
    assert ("Pourquoi\u202f?" if lang == "fr-FR" else "Pourquoi?") in deck
    assert f"sécheresse{NBSP}: quelles priorités{narrow}?" in deck
    assert f"«{NNBSP}il faut agir{NNBSP}»{narrow};" in deck
    assert f"qui le fera{narrow}?" in deck
    assert f"1er{NBSP}janvier" in deck and f"7{NBSP}décembre{NBSP}2023" in deck
    assert f"57{NNBSP if lang == 'fr-FR' else NBSP}% des nappes" in deck
    group = NNBSP if lang == "fr-FR" else NBSP
    assert f"Près de 27{group}000 exploitations{NBSP}: une priorité" in deck
    assert f"57{NNBSP if lang == 'fr-FR' else NBSP}% des communes" in deck  # a fact the tool formatted
    assert f"touchées{narrow}; vraiment{narrow}!" in deck


def test_a_source_typed_without_no_break_spaces_gets_them_in_the_brief(built):
    lang, _, (pdf, _) = built
    narrow = NNBSP
    # U+202F is in the PDF's text as set; U+00A0 shares the space glyph in these fonts, so it reads
    # back as a space: that it held is seen in no line ever breaking there
    assert f"«{NNBSP}il faut agir{NNBSP}»{narrow};" in pdf
    assert f"qui le fera{narrow}?" in pdf and f"touchées{narrow}; " in pdf
    if lang == "fr-FR":
        assert f"57{NNBSP}% des" in pdf and f"27{NNBSP}000" in pdf
    lines = [ln.strip() for ln in pdf.splitlines()]
    for held in ("décembre 2023", "1er janvier", "priorités ?", "27 000", "57 %"):
        first = held.split(" ")[0]
        assert not any(plain(ln).endswith(first) for ln in lines), f"a line breaks inside '{held}'"
    assert "Elle a dit" in pdf and "“" not in pdf and "”" not in pdf


def test_no_english_quotation_marks_in_a_french_deck(built):
    _, _, (_, deck) = built
    assert "“" not in deck and "”" not in deck


def test_a_source_typed_with_no_break_spaces_keeps_them(tmp_path):
    typed = PLAIN.replace("sécheresse :", f"sécheresse{NBSP}:").replace("fera ?", f"fera{NBSP}?") \
                 .replace("« il faut agir »", f"«{NBSP}il faut agir{NBSP}»")
    src = write_project(tmp_path, "fr-FR", typed)
    pdf, deck = build(src, tmp_path / "out")
    # the author's U+00A0, not replaced by the rule's U+202F (the PDF reads it back as a space)
    assert f"qui le fera{NBSP}?" in deck and f"«{NBSP}il faut agir{NBSP}»" in deck
    assert "qui le fera ?" in pdf and "« il faut agir »" in pdf and "fera\u202f?" not in pdf
    assert f"sécheresse{NBSP}: quelles" in deck


def test_every_part_of_the_deck_is_in_the_document_language(built):
    """Masters, layouts, the notes master, the default text style and the native chart: not the
    template's en-US (a reader's typing there would be spell-checked in English)."""
    import re
    import zipfile

    lang, src, _ = built
    with zipfile.ZipFile(src.parent / "out" / f"{src.stem}.pptx") as z:
        parts = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}
    langs = {(n.split("/")[1] if n.count("/") > 1 else n.rsplit("/", 1)[-1], v) for n, x in parts.items() for v in re.findall(r' lang="([^"]+)"', x)}
    assert {v for _, v in langs} == {lang}, sorted(langs)
    kinds = {k for k, _ in langs}
    assert {"slideMasters", "slideLayouts", "notesMasters", "presentation.xml", "charts"} <= kinds
    (chart,) = [x for n, x in parts.items() if n.startswith("ppt/charts/chart")]
    assert f'<c:lang val="{lang}"/>' in chart
