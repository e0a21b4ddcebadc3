#!/usr/bin/env python3
"""Derive this example's UNMISS tables from the UN peacekeeping fatalities data set.

Input: un_fatalities_all_missions_raw.csv (UN Peace and Security Data Hub, DPPADPOSS-FATALITIES,
revision of 2025-04-04, CC BY-IGO), one row per fatality. Default path: /work/shared/data/;
pass another path as the first argument.  Run:  python make_data.py [RAW_CSV]
Writes the CSVs beside this script. Only UNMISS rows (the UN Mission in the Republic of
South Sudan) are used. Years are calendar years of the incident date.
"""
import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

RAW = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/un_fatalities_all_missions_raw.csv")
OUT = Path(__file__).resolve().parent
HEARING = "2016-04-27"
TYPES = [("Malicious Act", "malicious_act"), ("Illness", "illness"), ("Accident", "accident"),
         ("Self-Inflicted", "self_inflicted"), ("To Be Determined", "to_be_determined"), ("Unknown", "unknown")]

rows = [r for r in csv.DictReader(RAW.open(encoding="utf-8")) if r["mission_acronym"] == "UNMISS"]
rows.sort(key=lambda r: r["incident_date"])

# 1. deaths by calendar year and type of incident (all years in the data set)
by_year = defaultdict(Counter)
for r in rows:
    by_year[int(r["incident_date"][:4])][r["type_of_incident"]] += 1
with (OUT / "unmiss_fatalities_by_year_incident_type.csv").open("w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["year"] + [c for _, c in TYPES] + ["total"])
    for y in sorted(by_year):
        counts = [by_year[y][t] for t, _ in TYPES]
        w.writerow([y] + counts + [sum(counts)])

# 2. monthly and cumulative deaths, July 2011 to the month of the hearing
months = []
y, m = 2011, 7
while (y, m) <= (2016, 4):
    months.append(f"{y:04d}-{m:02d}")
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
per_month = Counter(r["incident_date"][:7] for r in rows if r["incident_date"] <= HEARING)
with (OUT / "unmiss_fatalities_monthly_to_2016_04.csv").open("w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["month", "fatalities", "cumulative_fatalities"])
    total = 0
    for mo in months:
        total += per_month[mo]
        w.writerow([mo, per_month[mo], total])

# 3. deaths up to the day of the hearing, by personnel type and by type of incident
upto = [r for r in rows if r["incident_date"] <= HEARING]
with (OUT / "unmiss_fatalities_to_2016_04_27_by_personnel.csv").open("w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["personnel_type", "fatalities"])
    for k, v in Counter(r["casualty_personnel_type"].strip() for r in upto).most_common():
        w.writerow([k, v])
with (OUT / "unmiss_checkpoints.csv").open("w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["as_of", "fatalities", "malicious_act", "first_death", "last_death_before"])
    w.writerow([HEARING, len(upto), sum(r["type_of_incident"] == "Malicious Act" for r in upto),
                upto[0]["incident_date"], upto[-1]["incident_date"]])
print(f"{len(rows)} UNMISS rows; {len(upto)} on or before {HEARING}")
