#!/usr/bin/env python3
"""gen_assess.py - deterministic input for the assessment benchmark (bench/assess).

100 city-level pairings between distinct prefecture-level cities of data/regions.csv (GB/T 2260;
a donor and its recipient are different cities, so neither lies inside the other), each with one
county-level pairing below it (a county of the donor and a county of the recipient), and what
`pairaid assess run` reads:

  pairings.csv        200 pairings: P-DDDDDD-RRRRRR (city level) and P-DDDDDD-RRRRRR-C (county)
  projects.csv        100 per city pairing (10,000): 70 of the city pairing, 30 of its county
                      pairing; every domain and kind, start dates 2022-2025, some ended (with
                      beneficiaries), benefit links on industry projects
  accounts.csv        per city pairing 2 sources (donor city), 1 pool (recipient city), one account
                      per project, 20 payees: 12,300 accounts
  exchanges.csv       4 per city pairing (cadres, teachers, doctors, technicians), 2022-2025
  revenue_shares.csv  the park projects' agreements (a share in %) of 2023 and 2024, most settled
  transfers.csv       N transfers (default 1,000,000), an equal share per pairing and year
                      2022-2025: each year 2 source -> pool funding rows in January, one pool ->
                      project row per project in February-March, and the rest project -> payee
                      payments spread from April to December (and into the next January), each
                      project paying out less than it received
  year.txt            the assessed year (2024)

  python3 bench/gen_assess.py -n 1000000 -o bench/out/assess_1000000
"""
import argparse
import csv
import datetime
import os
import random

PAIRINGS = 100
PROJECTS_PER_PAIRING = 100
CITY_PROJECTS = 70           # the rest belong to the county pairing
PAYEES = 20
YEARS = [2022, 2023, 2024, 2025]
YEAR = 2024
DOMAINS = ["industry", "technology", "education", "health", "employment", "culture_tourism",
           "transport", "other"]
KINDS = ["livelihood", "park", "chain", "talent", "other"]
WORDS = ["产业园", "示范基地", "学校改扩建", "医院能力提升", "就业帮扶车间", "文旅康养小镇",
         "道路提档升级", "冷链物流中心", "现代农业园", "科创中心"]


def regions(path):
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    children = {}
    for r in rows:
        if r["parent"]:
            children.setdefault(r["parent"], []).append(r)
    cities = [r for r in rows if r["level"] == "2" and r["name"] not in ("市辖区", "县")
              and "直辖" not in r["name"] and children.get(r["code"])]
    return cities, children


def yuan(fen):
    return f"{fen // 100}.{fen % 100:02d}"


def day(year, lo, hi, rng):
    """A random date of the year between day-of-year lo and hi (0-based)."""
    return (datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(lo, hi))).isoformat()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=1_000_000, help="transfers in all (default 1,000,000)")
    ap.add_argument("-o", required=True, help="output folder")
    args = ap.parse_args()
    per = args.n // (PAIRINGS * len(YEARS))
    fixed = 2 + PROJECTS_PER_PAIRING
    if per * PAIRINGS * len(YEARS) != args.n or per <= fixed:
        ap.error(f"-n must be a multiple of {PAIRINGS * len(YEARS)} above "
                 f"{fixed * PAIRINGS * len(YEARS)}")
    os.makedirs(args.o, exist_ok=True)
    rng = random.Random(20250103)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cities, children = regions(os.path.join(root, "data", "regions.csv"))
    chosen = rng.sample(cities, 2 * PAIRINGS)
    donors, recipients = chosen[:PAIRINGS], chosen[PAIRINGS:]

    pairings, projects, accounts, exchanges, shares = [], [], [], [], []
    books = []  # per city pairing: sources, pool, [(project account, funding per year)], payees
    for i, (d, r) in enumerate(zip(donors, recipients)):
        code = f"P-{d['code']}-{r['code']}"
        dc, rc = rng.choice(children[d["code"]]), rng.choice(children[r["code"]])
        county = f"{code}-C"
        pairings.append((code, f"{d['name']}—{r['name']}结对帮扶", d["code"], r["code"],
                         "2021-01-01", "2025-12-31", "", "synthetic"))
        pairings.append((county, f"{dc['name']}—{rc['name']}结对帮扶", dc["code"], rc["code"],
                         "2021-01-01", "2025-12-31", code, "synthetic"))
        srcs = [f"SRC-{i + 1:03d}-{k}" for k in (1, 2)]
        for k, s in enumerate(srcs):
            accounts.append((s, f"{d['name']}结对帮扶资金（{k + 1}）", "source", d["code"], code,
                             "", ""))
        pool = f"POOL-{i + 1:03d}"
        accounts.append((pool, f"{r['name']}结对帮扶资金专户", "pool", r["code"], code, "", ""))
        funded = []
        for j in range(PROJECTS_PER_PAIRING):
            pc = f"PJ-{i + 1:03d}-{j + 1:03d}"
            own, region = (code, r["code"]) if j < CITY_PROJECTS else (county, rc["code"])
            domain, kind = rng.choice(DOMAINS), rng.choice(KINDS)
            start = day(rng.choice(YEARS), 0, 365, rng)
            ended = rng.random() < 0.4
            end = (datetime.date.fromisoformat(start) +
                   datetime.timedelta(days=rng.randrange(120, 900))).isoformat() if ended else ""
            status = (rng.choice(["completed", "accepted", "completed", "in_progress"]) if ended
                      else rng.choice(["approved", "in_progress", "in_progress"]))
            budget = rng.randrange(2_000_000, 60_000_000) * 100
            people = str(rng.randrange(50, 5000)) if kind == "livelihood" or ended else ""
            link = ("true" if rng.random() < 0.7 else "false") if domain == "industry" else ""
            projects.append((pc, f"{r['name']}{rng.choice(WORDS)}（{j + 1}）", own, region, domain,
                             kind, status, yuan(budget), start, end, people, "true", "synthetic",
                             link))
            acct = f"PA-{i + 1:03d}-{j + 1:03d}"
            accounts.append((acct, f"{pc}项目资金账户", "project", region, own, pc, ""))
            funded.append(acct)
            if kind == "park":
                for y in (2023, 2024):
                    agreed = rng.randrange(2_000, 6_001)  # 20.00-60.00 %
                    settled = (yuan(agreed - rng.randrange(0, 200)) if rng.random() < 0.75
                               else "")
                    shares.append((pc, y, yuan(agreed), settled, "synthetic"))
        payees = [f"PY-{i + 1:03d}-{k + 1:02d}" for k in range(PAYEES)]
        for k, p in enumerate(payees):
            accounts.append((p, f"{r['name']}帮扶项目承建单位（{k + 1}）", "payee", r["code"], code,
                             "", ""))
        for k, role in enumerate(["cadre", "teacher", "doctor", "technician"]):
            exchanges.append((f"EX-{i + 1:03d}-{k + 1}", code if k % 2 == 0 else county, role,
                              d["code"] if k % 2 == 0 else dc["code"],
                              r["code"] if k % 2 == 0 else rc["code"],
                              day(rng.choice(YEARS), 0, 365, rng), "",
                              rng.randrange(1, 40), "", "synthetic"))
        books.append((srcs, pool, funded, payees))

    # transfers, year by year: funding, allocations, then payments in date order
    rows = []
    n = 0
    for y in YEARS:
        funding, allocations, payments = [], [], []
        for srcs, pool, funded, payees in books:
            amounts = [rng.randrange(500_000, 5_000_000) * 100 for _ in funded]
            half = sum(amounts) // 2
            for s, a in zip(srcs, (half, sum(amounts) - half)):
                funding.append((day(y, 5, 25, rng), s, pool, a))
            for acct, a in zip(funded, amounts):
                allocations.append((day(y, 31, 90, rng), pool, acct, a))
            count = per - fixed
            for k in range(count):
                j = k % len(funded)
                cap = amounts[j] * len(funded) // (count + len(funded))
                payments.append((day(y, 91, 390, rng), funded[j], rng.choice(payees),
                                 rng.randrange(1, max(2, cap))))
        for part in (funding, allocations, payments):
            part.sort(key=lambda t: t[0])
            rows.extend(part)
    with open(os.path.join(args.o, "transfers.csv.tmp"), "w", encoding="utf-8", newline="\n") as f:
        f.write("id,date,from,to,amount\n")
        buf = []
        for date, a, b, fen in rows:
            n += 1
            buf.append(f"T{n:07d},{date},{a},{b},{yuan(fen)}\n")
            if len(buf) >= 100_000:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))
    os.replace(os.path.join(args.o, "transfers.csv.tmp"), os.path.join(args.o, "transfers.csv"))

    def write(name, header, data):
        with open(os.path.join(args.o, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(header + "\n")
            f.writelines(",".join(str(v) for v in row) + "\n" for row in data)

    write("pairings.csv", "code,name,donor,recipient,start_date,end_date,parent,source", pairings)
    write("projects.csv", "code,name,pairing,region,domain,kind,status,budget,start_date,end_date,"
          "beneficiaries,public,source,benefit_link", projects)
    write("accounts.csv", "code,name,kind,region,pairing,project,org", accounts)
    write("exchanges.csv", "code,pairing,role,from_region,to_region,start_date,end_date,people,"
          "description,source", exchanges)
    write("revenue_shares.csv", "project,year,agreed,settled,source", shares)
    with open(os.path.join(args.o, "year.txt"), "w") as f:
        f.write(f"{YEAR}\n")
    assert n == args.n


if __name__ == "__main__":
    main()
