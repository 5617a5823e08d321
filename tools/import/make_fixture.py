#!/usr/bin/python3
"""Writes a large, invented event file for measuring actorgraph-import (docs/IMPORT.md).

  tools/import/make_fixture.py gdelt ROWS > events.export.CSV
  tools/import/make_fixture.py icews ROWS > events.tab

Rows are random but plausible: GDELT 2.0 rows have all 61 columns, ICEWS rows the 20
Dataverse columns under a header. Actors come from a fixed pool of country codes, CAMEO type
codes and person names, event codes from every CAMEO root (so about a third of the rows are
skipped as roots without a relation kind, as in real data). Deterministic for a given ROWS.
No real GDELT or ICEWS row is copied.
"""
import random
import sys

COUNTRIES = ["RUS", "TUR", "LBY", "EGY", "USA", "FRA", "DEU", "CHN", "IND", "BRA", "NGA",
             "IRN", "ISR", "SAU", "ARE", "QAT", "SYR", "IRQ", "UKR", "POL", "GBR", "ITA",
             "ESP", "JPN", "KOR", "PAK", "AFG", "ETH", "SDN", "KEN", "MEX", "COL", "VEN",
             "ARG", "ZAF", "DZA", "TUN", "MAR", "JOR", "LBN", "ARM", "AZE", "GEO", "KAZ"]
NAMES = {"RUS": "Russian Federation", "TUR": "Turkey", "LBY": "Libya", "EGY": "Egypt",
         "USA": "United States", "FRA": "France", "DEU": "Germany", "CHN": "China"}
TYPES = ["", "", "", "GOV", "GOV", "MIL", "COP", "REB", "OPP", "BUS", "MED", "CVL", "JUD",
         "LEG", "SPY", "INS"]
EVENTS = ["010", "012", "020", "023", "036", "040", "042", "043", "045", "046", "051", "057",
          "061", "062", "070", "073", "081", "090", "100", "111", "112", "120", "128", "130",
          "138", "141", "150", "160", "163", "172", "180", "190", "193", "195", "200"]
PEOPLE = ["Amina Ndiaye", "Pavel Orlov", "Lucia Ferraro", "Kemal Arslan", "Hana Sato",
          "Omar Haddad", "Ines Moreau", "Tomasz Wrona", "Ravi Menon", "Sofia Alves"]
GOLDSTEIN = {"01": 0.0, "02": 3.0, "03": 4.0, "04": 1.0, "05": 3.5, "06": 6.0, "07": 7.0,
             "08": 5.0, "09": -2.0, "10": -5.0, "11": -2.0, "12": -4.0, "13": -6.0,
             "14": -6.5, "15": -7.2, "16": -4.0, "17": -7.0, "18": -9.0, "19": -10.0,
             "20": -10.0}


def gdelt_actor(rnd):
    if rnd.random() < 0.08:
        return ["", "", "", "", "", "", "", "", "", ""]
    country = rnd.choice(COUNTRIES)
    t = rnd.choice(TYPES)
    name = NAMES.get(country, country).upper() if not t else rnd.choice(PEOPLE).upper()
    return [country + t, name, country, "", "", "", "", t, "", ""]


def gdelt(rows, rnd, out):
    for i in range(rows):
        y, m, d = 2015 + rnd.randrange(9), 1 + rnd.randrange(12), 1 + rnd.randrange(28)
        date = "%04d%02d%02d" % (y, m, d)
        code = rnd.choice(EVENTS)
        sources = 1 + int(rnd.expovariate(0.5))
        mentions = sources + int(rnd.expovariate(0.2))
        geo = ["1", "Somewhere", "XX", "XX00", "", "12.5", "34.25", "-1234567"]
        row = ([str(900000000 + i), date, date[:6], date[:4], "%.4f" % (y + m / 12.0)]
               + gdelt_actor(rnd) + gdelt_actor(rnd)
               + ["1", code, code[:3], code[:2], str(1 + rnd.randrange(4)),
                  str(GOLDSTEIN[code[:2]]), str(mentions), str(sources), str(mentions),
                  "%.6f" % rnd.uniform(-8, 5)]
               + geo + geo + geo
               + [date + "151500", "https://news.example.org/%d/%d" % (y, i)])
        out.write("\t".join(row) + "\n")


ICEWS_HEADER = ["Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country",
                "Event Text", "CAMEO Code", "Intensity", "Target Name", "Target Sectors",
                "Target Country", "Story ID", "Sentence Number", "Publisher", "City",
                "District", "Province", "Country", "Latitude", "Longitude"]


def icews_actor(rnd):
    country = NAMES.get(rnd.choice(COUNTRIES), "Kazakhstan")
    r = rnd.random()
    if r < 0.3:
        return [country, "", country]
    if r < 0.7:
        label = rnd.choice(["Government", "Military", "Police", "Citizen", "Armed Rebel"])
        return ["%s (%s)" % (label, country), label, country]
    return [rnd.choice(PEOPLE), "Government,Executive", country]


def icews(rows, rnd, out):
    out.write("\t".join(ICEWS_HEADER) + "\n")
    for i in range(rows):
        y, m, d = 1995 + rnd.randrange(28), 1 + rnd.randrange(12), 1 + rnd.randrange(28)
        code = rnd.choice(EVENTS)
        s, t = icews_actor(rnd), icews_actor(rnd)
        row = ([str(20000000 + i), "%04d-%02d-%02d" % (y, m, d)] + s
               + ["Event " + code, code, str(GOLDSTEIN[code[:2]])] + t
               + [str(30000000 + i // 3), str(1 + i % 3), "Example Wire", "", "", "",
                  s[2], "1.0", "2.0"])
        out.write("\t".join(row) + "\n")


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("gdelt", "icews"):
        sys.exit(__doc__)
    rnd = random.Random(20240601)
    out = sys.stdout
    (gdelt if sys.argv[1] == "gdelt" else icews)(int(sys.argv[2]), rnd, out)


if __name__ == "__main__":
    main()
