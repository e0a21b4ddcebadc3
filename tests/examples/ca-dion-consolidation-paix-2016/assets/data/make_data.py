#!/usr/bin/env python3
"""Tables for the Dion example, from the UN peacekeeping fatalities data set (CC BY-IGO).
Input: un_fatalities_all_missions_raw.csv (UN Peace and Security Data Hub, DPPADPOSS-FATALITIES,
revision 2025-04-04). Default path /work/shared/data/; pass another as the first argument.
Cut-off: 21 September 2016, the day of the speech."""
import csv, sys
from collections import Counter
from pathlib import Path
RAW = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/un_fatalities_all_missions_raw.csv")
OUT = Path(__file__).resolve().parent
CUT = "2016-09-21"
rows = [r for r in csv.DictReader(RAW.open(encoding="utf-8")) if r["incident_date"] <= CUT]
can = [r for r in rows if r["casualty_nationality"] == "Canada"]
with (OUT / "canada_fatalities_by_mission.csv").open("w", newline="") as f:
    w = csv.writer(f); w.writerow(["mission", "fatalities", "first_year", "last_year"])
    for m, n in Counter(r["mission_acronym"] for r in can).most_common():
        ys = [int(r["incident_date"][:4]) for r in can if r["mission_acronym"] == m]
        w.writerow([m, n, min(ys), max(ys)])
with (OUT / "canada_fatalities_by_decade.csv").open("w", newline="") as f:
    w = csv.writer(f); w.writerow(["decennie", "fatalities", "malicious_act"])
    for d in range(1950, 2020, 10):
        sel = [r for r in can if d <= int(r["incident_date"][:4]) < d + 10]
        w.writerow([f"{d}s", len(sel), sum(r["type_of_incident"] == "Malicious Act" for r in sel)])
with (OUT / "all_missions_fatalities_by_year_2000_2016.csv").open("w", newline="") as f:
    w = csv.writer(f); w.writerow(["year", "fatalities", "malicious_act"])
    for y in range(2000, 2017):
        sel = [r for r in rows if int(r["incident_date"][:4]) == y]
        w.writerow([y, len(sel), sum(r["type_of_incident"] == "Malicious Act" for r in sel)])
with (OUT / "checkpoints.csv").open("w", newline="") as f:
    w = csv.writer(f); w.writerow(["as_of", "canada_fatalities", "all_fatalities", "canada_first_death"])
    w.writerow([CUT, len(can), len(rows), min(r["incident_date"] for r in can)])
print(len(can), "Canadian deaths to", CUT)
