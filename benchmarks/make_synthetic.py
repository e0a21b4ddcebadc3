"""Generate synthetic sources of N sections (3 paragraphs and 1 chart each) for the benchmark.

The charts use the project's real data files (each section a different slice of the UN
fatalities data), so even synthetic briefs show no invented numbers. Paragraph text is
the default talk's, cycled. Usage: python benchmarks/make_synthetic.py N OUT.yaml
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TALK = ROOT / "tests" / "fixtures" / "levine-minusma-panel-2018.txt"

_SLICES = [  # (kind, dataset, x, series, where)
    ("bar", "yearly", "year", ["malicious_act", "illness", "accident"], {"year": {"from": 2013, "to": 2018}}),
    ("bar", "yearly", "year", ["total"], {"year": {"from": 2016, "to": 2023}}),
    ("hbar", "nationality", "casualty_nationality", ["fatalities"], {}),
    ("line", "yearly", "year", ["malicious_act", "total"], {}),
    ("area", "personnel", "year", ["military", "police", "local"], {}),
]


def paragraphs() -> list[str]:
    text = TALK.read_text(encoding="utf-8")
    return [" ".join(p.split()) for p in text.split("\n\n\n") if p.strip()]


def make(n: int) -> dict:
    paras = paragraphs()
    sections, figures = [], []
    for i in range(n):
        kind, ds, x, series, where = _SLICES[i % len(_SLICES)]
        fid = f"chart-{i + 1}"
        fig = {"id": fid, "kind": kind, "caption": f"Slice {i + 1} of the UN fatalities data", "dataset": ds, "x": x,
               "series": series, "alt": f"{kind} chart of UN fatalities data, slice {i + 1}"}
        if where:
            fig["where"] = where
        if kind == "hbar":
            fig.update(sort_by="fatalities", descending=True, limit=(5, 6, 8, 9)[i % 4])  # 7 would cut a tie (and warn)
        if kind == "bar" and len(series) > 1:
            fig["options"] = {"stacked": True}
        figures.append(fig)
        sections.append({
            "id": f"s{i + 1}", "title": f"Section {i + 1}",
            "paragraphs": [paras[(3 * i + k) % len(paras)] for k in range(3)],
            "bullets": [f"Point {k + 1} of section {i + 1}" for k in range(3)],
            "figures": [fid],
        })
    return {
        "briefdeck": 1,
        "event": {"title": f"Synthetic brief of {n} sections", "organiser": "briefdeck benchmark", "date": "2018-04-25", "place": "Ottawa"},
        "people": [{"id": "a", "name": "Corey Levine"}],
        "summary": paras[0],
        "key_messages": ["A synthetic source for measuring build time."],
        "sections": sections,
        "datasets": {
            "yearly": {"file": "assets/data/minusma_fatalities_by_year_incident_type.csv", "source": "United Nations, Peace and Security Data Hub", "as_of": "2025-04-04"},
            "personnel": {"file": "assets/data/minusma_fatalities_by_year_personnel_type.csv", "source": "United Nations, Peace and Security Data Hub", "as_of": "2025-04-04"},
            "nationality": {"file": "assets/data/minusma_fatalities_by_nationality.csv", "source": "United Nations, Peace and Security Data Hub", "as_of": "2025-04-04"},
        },
        "figures": figures,
    }


def write(n: int, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(make(n), sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    return out


if __name__ == "__main__":
    write(int(sys.argv[1]), Path(sys.argv[2]))
