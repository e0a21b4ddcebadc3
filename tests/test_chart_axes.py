"""Charts on other people's data: the values' name is always drawn (also when value labels carry
the numbers), long category names wrap before they are cut, and bars on unevenly spaced dates
stand where they fall in time."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from briefdeck.model import ChartSpec, DataTable, Figure, Provenance, Span, Text

SVG = "{http://www.w3.org/2000/svg}"


def figure(spec: ChartSpec) -> Figure:
    return Figure(id="f1", number=1, chart=spec, caption=Text((Span("caption"),)),
                  provenance=Provenance(source="test", as_of=None, as_of_text=""), alt="", note=None, editable=False)


def texts(svg: bytes) -> list[str]:
    return ["".join(el.itertext()) for el in ET.fromstring(svg).iter(f"{SVG}text")]


def spec(kind: str, rows, **kw) -> ChartSpec:
    return ChartSpec(kind=kind, table=DataTable(("item", "value"), tuple(tuple(r) for r in rows)), x="item",
                     series=("value",), **kw)


SAVINGS = [("Concessionary reimbursement reduction (DfT best estimate)", 2.4), ("Fare rises", 1.1), ("Route cuts", 0.6)]


def test_a_horizontal_bar_chart_with_value_labels_draws_its_value_label(service):
    drawn = " ".join(texts(service.render(figure(spec("hbar", SAVINGS, y_label="£ million a year")), "page", 6.0, 3.0).svg))
    assert "2.4" in drawn and "£ million a year" in drawn


def test_a_vertical_bar_chart_with_value_labels_draws_its_value_label(service):
    drawn = " ".join(texts(service.render(figure(spec("bar", SAVINGS[1:], y_label="£ million a year")), "page", 6.0, 3.0).svg))
    assert "£ million a year" in drawn


def test_a_long_category_wraps_whole_rather_than_ending_in_an_ellipsis(service):
    drawn = texts(service.render(figure(spec("hbar", SAVINGS)), "page", 6.0, 2.2).svg)
    joined = " ".join(drawn)
    assert "…" not in joined
    for word in ("Concessionary", "reimbursement", "estimate)"):
        assert word in joined


def test_bars_on_uneven_dates_stand_where_they_fall_in_time(service):
    dates = [dt.date(2026, 1, 24), dt.date(2026, 1, 27), dt.date(2026, 2, 4), dt.date(2026, 2, 13)]
    s = ChartSpec(kind="bar", table=DataTable(("day", "cases"), tuple(zip(dates, (3, 7, 12, 20)))), x="day", series=("cases",))
    root = ET.fromstring(service.render(figure(s), "page", 6.0, 3.0).svg)
    # the bars are the filled rectangles of the plot (patches), left to right
    import re

    xs = []
    for path in root.iter(f"{SVG}path"):
        d, style = path.get("d", ""), path.get("style", "")
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
        if "fill: #" in style and "stroke" not in style.split("fill")[0] and len(nums) >= 8 and d.count("L") >= 3:
            xs.append(min(nums[0::2]))
    xs = sorted(set(round(x, 1) for x in xs))[-4:]
    gaps = [b - a for a, b in zip(xs, xs[1:])]
    # 3, 8 and 9 days apart: the first gap the narrowest, the last two nearly equal, never all equal
    assert len(gaps) == 3 and gaps[0] < gaps[1] * 0.5 and abs(gaps[1] - gaps[2]) < gaps[2] * 0.2, xs


def test_evenly_spaced_dates_keep_one_slot_each(service):
    from briefdeck.charts.kinds.bar import _time_positions

    weekly = [dt.date(2026, 1, 5) + dt.timedelta(days=7 * i) for i in range(5)]
    monthly = [dt.date(2025, m, 1) for m in (1, 2, 4, 5)]  # a month's data: its slot, even with a month missing
    assert _time_positions(weekly) is None and _time_positions(monthly) is None
    pos, narrowest = _time_positions([dt.date(2026, 1, 24), dt.date(2026, 1, 27), dt.date(2026, 2, 4), dt.date(2026, 2, 13)])
    assert pos[0] == 0 and pos[-1] == 3 and round(narrowest, 3) == round(3 * 3 / 20, 3)


def test_an_axis_label_a_kind_does_not_draw_is_a_located_warning(tmp_path):
    import textwrap

    from briefdeck.load import load_document

    src = tmp_path / "brief.yaml"
    src.write_text(textwrap.dedent("""\
        briefdeck: 1
        event: {title: T, organiser: O, date: 2024-05-02, place: P}
        people: [{id: a, name: Ana Example}]
        summary: "Summary."
        key_messages: ["A message."]
        sections:
          - {id: s, title: S, paragraphs: ["Text."], figures: [n]}
        figures:
          - id: n
            kind: big_number
            caption: One number
            source: Test
            data: {value: [42]}
            series: [value]
            y_label: Deaths
            alt: 42 deaths.
        """), encoding="utf-8")
    doc = load_document(src)
    (w,) = [w for w in doc.warnings if w.code == "figure.ignored"]
    assert (w.line, w.col) == (15, 14) and "`y_label` is not drawn on a big number chart" in w.message
