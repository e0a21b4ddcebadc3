#!/usr/bin/env python3
"""Derive the JEC example's tables from two package-shipped public-domain data sets.

raw/us-employment.csv  - from the PyPI package vega_datasets 0.9.0 (_data/us-employment.csv):
    BLS Current Employment Statistics, employment by supersector, thousands, seasonally
    adjusted, Jan 2006 - Dec 2015, downloaded by the package authors on 2018-11-11. Public domain.
raw/macrodata.csv      - from the PyPI package statsmodels 0.15.0 (datasets/macrodata): US
    macroeconomic data 1959Q1-2009Q3 compiled by Skipper Seabold from FRED (Federal Reserve Bank
    of St. Louis) and the BLS (unemployment rate), accessed 2009-12-15. Public domain.
Run: python make_data.py   (writes the CSVs beside this script)
"""
import csv, math
from pathlib import Path
D = Path(__file__).resolve().parent
emp = list(csv.DictReader((D / "raw/us-employment.csv").open()))
mac = list(csv.DictReader((D / "raw/macrodata.csv").open()))
def w(name, header, rows):
    with (D / name).open("w", newline="") as f:
        c = csv.writer(f); c.writerow(header); c.writerows(rows)
# 1. monthly employment, thousands (month as YYYY-MM), whole 2006-2015 span
cols = ["nonfarm", "nonfarm_change", "private", "goods_producing", "construction", "manufacturing", "information", "education_and_health_services", "government"]
w("bls_employment_monthly.csv", ["month"] + cols, [[r["month"][:7]] + [r[k] for k in cols] for r in emp])
# 2. change by supersector between December 2007 (recession start, NBER) and November 2009
SECT = ["mining_and_logging", "construction", "manufacturing", "trade_transportation_utilties", "information", "financial_activities", "professional_and_business_services", "education_and_health_services", "leisure_and_hospitality", "other_services", "government"]
NAMES = {"trade_transportation_utilties": "Trade, transportation and utilities", "education_and_health_services": "Education and health services", "professional_and_business_services": "Professional and business services", "leisure_and_hospitality": "Leisure and hospitality", "financial_activities": "Financial activities", "mining_and_logging": "Mining and logging", "other_services": "Other services"}
a = next(r for r in emp if r["month"].startswith("2007-12")); b = next(r for r in emp if r["month"].startswith("2009-11"))
w("bls_change_by_sector_2007_12_to_2009_11.csv", ["sector", "change_thousands"],
  sorted([[NAMES.get(k, k.replace("_", " ").capitalize()), round(float(b[k]) - float(a[k]), 1)] for k in SECT], key=lambda x: x[1]))
# 3. unemployment rate, quarterly (quarter given by its first day)
q = lambda r: f"{int(float(r['year'])):04d}-{(int(float(r['quarter'])) - 1) * 3 + 1:02d}-01"
w("unemployment_rate_quarterly.csv", ["quarter", "unemployment_rate"], [[q(r), r["unemp"]] for r in mac])
# 4. real GDP (level and annualized quarterly growth, computed here) and CPI inflation (as shipped)
rows = []
for i, r in enumerate(mac):
    g = "" if i == 0 else round((math.pow(float(r["realgdp"]) / float(mac[i - 1]["realgdp"]), 4) - 1) * 100, 1)
    rows.append([q(r), r["realgdp"], g, r["infl"]])
w("gdp_inflation_quarterly.csv", ["quarter", "real_gdp_bn_2005usd", "gdp_growth_annualized", "cpi_inflation_annualized"], rows)
print("ok")
# 5. the same monthly table cut at the hearing's data month (November 2009); a month range in
#    `where` selected no rows in the current briefdeck, so the cut is made here
w("bls_employment_monthly_to_2009_11.csv", ["month"] + cols, [[r["month"][:7]] + [r[k] for k in cols] for r in emp if r["month"][:7] <= "2009-11"])
