#!/usr/bin/env python3
"""Derive this example's tables from the UN peacekeeping fatalities data set (CC BY-IGO).
Input: un_fatalities_all_missions_raw.csv (UN Peace and Security Data Hub, DPPADPOSS-FATALITIES,
revision 2025-04-04). Default path /work/shared/data/; pass another as the first argument.
Writes CSVs beside this script. Cut-off: 23 March 2006, the day of the evidence session."""
import csv, sys
from collections import Counter, defaultdict
from pathlib import Path
RAW = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/un_fatalities_all_missions_raw.csv")
OUT = Path(__file__).resolve().parent
CUT = "2006-03-23"
rows = [r for r in csv.DictReader(RAW.open(encoding="utf-8")) if r["incident_date"] <= CUT]
TYPES = [("Malicious Act", "malicious_act"), ("Illness", "illness"), ("Accident", "accident"), ("Self-Inflicted", "self_inflicted"), ("To Be Determined", "to_be_determined"), ("Unknown", "unknown")]
def by_year(mission, fname, first, last):
    c = defaultdict(Counter)
    for r in rows:
        if r["mission_acronym"] == mission:
            c[int(r["incident_date"][:4])][r["type_of_incident"]] += 1
    with (OUT / fname).open("w", newline="") as f:
        w = csv.writer(f); w.writerow(["year"] + [k for _, k in TYPES] + ["total"])
        for y in range(first, last + 1):
            n = [c[y][t] for t, _ in TYPES]; w.writerow([y] + n + [sum(n)])
by_year("UNAMSIL", "unamsil_fatalities_by_year.csv", 1999, 2005)
by_year("MONUC", "monuc_fatalities_by_year_to_2006_03_23.csv", 1999, 2006)
# missions with a death in 2005-2006 (i.e. active then), ranked by all deaths to the cut-off
active = {r["mission_acronym"] for r in rows if r["incident_date"] >= "2005-01-01"}
tot = Counter(r["mission_acronym"] for r in rows if r["mission_acronym"] in active)
mal = Counter(r["mission_acronym"] for r in rows if r["mission_acronym"] in active and r["type_of_incident"] == "Malicious Act")
with (OUT / "missions_active_2005_2006_fatalities_to_2006_03_23.csv").open("w", newline="") as f:
    w = csv.writer(f); w.writerow(["mission", "fatalities", "malicious_act"])
    for m, n in tot.most_common():
        w.writerow([m, n, mal[m]])
print(len(rows), "rows to", CUT)
