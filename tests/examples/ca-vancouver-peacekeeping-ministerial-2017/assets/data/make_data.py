#!/usr/bin/env python3
"""Tables for the Vancouver ministerial example, from the UN peacekeeping fatalities data set.
Input: un_fatalities_all_missions_raw.csv (UN Peace and Security Data Hub, DPPADPOSS-FATALITIES,
revision 2025-04-04, CC BY-IGO). Default path /work/shared/data/; pass another as the first
argument. Cut-off: 15 November 2017, the last day of the ministerial."""
import csv, sys
from collections import Counter, defaultdict
from pathlib import Path
RAW = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/un_fatalities_all_missions_raw.csv")
OUT = Path(__file__).resolve().parent
CUT = "2017-11-15"
rows = [r for r in csv.DictReader(RAW.open(encoding="utf-8")) if r["incident_date"] <= CUT]
for r in rows:
    r["casualty_personnel_type"] = r["casualty_personnel_type"].strip()
TYPES = [("Malicious Act", "malicious_act"), ("Illness", "illness"), ("Accident", "accident"), ("Self-Inflicted", "self_inflicted"), ("To Be Determined", "to_be_determined"), ("Unknown", "unknown")]
PERS = [("Military", "military"), ("Military Observer", "military_observer"), ("Police", "police"), ("International Civilian", "international_civilian"), ("Local", "local"), ("Other", "other")]
def write(name, header, data):
    with (OUT / name).open("w", newline="") as f:
        w = csv.writer(f); w.writerow(header); w.writerows(data)
y = lambda r: int(r["incident_date"][:4])
# 1. by year x type, 1948-2017
c = defaultdict(Counter)
for r in rows: c[y(r)][r["type_of_incident"]] += 1
write("fatalities_by_year_incident_type.csv", ["year"] + [k for _, k in TYPES] + ["total"],
      [[yr] + [c[yr][t] for t, _ in TYPES] + [sum(c[yr].values())] for yr in range(1948, 2018)])
# 2. by year x personnel type, 1990-2017
p = defaultdict(Counter)
for r in rows: p[y(r)][r["casualty_personnel_type"]] += 1
write("fatalities_by_year_personnel_type.csv", ["year"] + [k for _, k in PERS],
      [[yr] + [p[yr][t] for t, _ in PERS] for yr in range(1990, 2018)])
# 3. by decade
write("fatalities_by_decade.csv", ["decade", "fatalities", "malicious_act"],
      [[f"{d}s", sum(1 for r in rows if d <= y(r) < d + 10), sum(1 for r in rows if d <= y(r) < d + 10 and r["type_of_incident"] == "Malicious Act")] for d in range(1940, 2020, 10)])
# 4. missions with deaths 2013-2017 (by malicious acts)
recent = [r for r in rows if y(r) >= 2013]
mal = Counter(r["mission_acronym"] for r in recent if r["type_of_incident"] == "Malicious Act")
allr = Counter(r["mission_acronym"] for r in recent)
write("missions_fatalities_2013_2017.csv", ["mission", "malicious_act", "fatalities"],
      [[m, mal[m], allr[m]] for m, _ in allr.most_common()])
# 5. nationalities 2013-2017
nat = Counter(r["casualty_nationality"] for r in recent)
natm = Counter(r["casualty_nationality"] for r in recent if r["type_of_incident"] == "Malicious Act")
write("nationalities_fatalities_2013_2017.csv", ["nationality", "fatalities", "malicious_act"],
      [[n, k, natm[n]] for n, k in nat.most_common()])
# 6. types 2013-2017
write("incident_types_2013_2017.csv", ["type_of_incident", "fatalities"], Counter(r["type_of_incident"] for r in recent).most_common())
# 7. Canada
can = [r for r in rows if r["casualty_nationality"] == "Canada"]
write("canada_fatalities_by_mission.csv", ["mission", "fatalities"], Counter(r["mission_acronym"] for r in can).most_common())
# 8. gender of the dead, by year 2000-2017 (gender is blank for some rows)
g = defaultdict(Counter)
for r in rows:
    if y(r) >= 2000: g[y(r)][r["gender"] or "not recorded"] += 1
write("fatalities_by_gender_2000_2017.csv", ["year", "female", "male", "not_recorded"],
      [[yr, g[yr]["F"], g[yr]["M"], g[yr]["not recorded"]] for yr in range(2000, 2018)])
# 9. checkpoints
write("checkpoints.csv", ["as_of", "all_fatalities", "nationalities", "missions", "canada_fatalities", "fatalities_2013_2017", "malicious_2013_2017", "female_2000_2017"],
      [[CUT, len(rows), len({r["casualty_nationality"] for r in rows}), len({r["mission_acronym"] for r in rows}), len(can), len(recent), sum(mal.values()),
        sum(1 for r in rows if y(r) >= 2000 and r["gender"] == "F")]])
print(len(rows), "rows to", CUT)
