#!/usr/bin/env python3
"""gen_audit.py - deterministic input for the audit benchmark (bench/audit).

The books of bench/ledger (bench/gen_transfers.py: one pairing WX, 10 funded projects, 1,000
accounts, 995 funding rows and N minus that many random transfers drawn with the same seed) with
what the joint audit reads added to them, so that each of its 19 rules has real work and some of
them find something:

  orgs.csv            an organisation behind each of the 925 payees (enterprises, cooperatives,
                      some `individuals`), registration dates (a few just after the books open),
                      credit codes (a few naming an unknown region)
  projects.csv        the 10 funded projects (P-01..P-10, now with domains, kinds, approval and
                      end dates, budgets near what they paid) and 290 more of the pairing
                      (P-011..P-300) over Lianyungang's six counties, named like gen_projects.py
  accounts.csv        as gen_transfers.py, with every payee in the pairing (so that every one of
                      the N transfers is in the audit's scope) and naming its org; some pools and
                      a source designated for domains or kinds (投向)
  contracts.csv       ~40 per funded project, with a payee it pays (the transfers from the
                      project's accounts to that payee become the contract's advance, progress
                      and final payments), and contracts of the other projects (a few split
                      into pieces under the tender limit, one county's supplier winning in a row)
  milestones.csv, notices.csv, indicators.csv, revenue_shares.csv
  transfers.csv       the N transfers of gen_transfers.py (same ids, dates, accounts) with
                      project, purpose, stage and contract on payments out of project accounts;
                      amounts as there, except contract payments (a share of the contract),
                      a few larger payments to individuals, and the pools' funding rows (what
                      each pool needs to pay out, not 1,000,000,000.00: a pool sitting on a
                      billion would make every later arrival "slow")
  as_of.txt           the audit date: the last transfer's date

  python3 bench/gen_audit.py -n 1000000 -o bench/out/audit_1000000
"""
import argparse
import datetime
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_projects as gp  # noqa: E402  (names of projects)
import gen_transfers as gt  # noqa: E402  (the skeleton: accounts and transfers)

PAIRING = "WX"
FUNDED_COUNTY = "320722"  # gen_transfers.py's projects and accounts are in 东海县
COUNTIES = ["320703", "320706", "320707", "320722", "320723", "320724"]
COUNTY_NAMES = {"320703": "连云区", "320706": "海州区", "320707": "赣榆区", "320722": "东海县",
                "320723": "灌云县", "320724": "灌南县"}
EXTRA_PROJECTS = 290
CONTRACTS_PER_FUNDED = 40
START = datetime.date(2024, 1, 1)  # gen_transfers.py's first date

# the funded projects: domain, kind, status, approved_on, end_date, budget factor
# (budget = what the project's accounts paid payees x factor), acceptance milestone, notice days
FUNDED = {
    1: ("education", "livelihood", "in_progress", "2022-06-15", None, 2.0, "2023-12-01", 15),
    2: ("education", "livelihood", "in_progress", "2022-06-15", None, 1.6, "2023-12-01", 20),
    3: ("health", "livelihood", "in_progress", "2022-06-20", None, 2.5, "2023-12-01", 15),
    4: ("health", "other", "in_progress", "2022-06-20", None, 0.95, "2023-12-01", 15),
    5: ("education", "talent", "in_progress", "2022-06-25", None, 1.05, "2023-12-01", 30),
    6: ("education", "livelihood", "in_progress", "2022-06-25", None, 1.8, "2025-03-31", 15),
    7: ("industry", "park", "in_progress", "2022-06-30", None, 3.0, "2025-03-31", 15),
    8: ("industry", "chain", "in_progress", "2022-06-30", None, 2.2, "2025-03-31", 5),
    9: ("transport", "livelihood", "completed", "2022-06-30", "2025-12-28", 1.4, "2025-03-31", 0),
    10: ("employment", "livelihood", "in_progress", "2024-01-05", None, 1.7, None, 12),
}
# designated funds (投向): account code -> (domains, kinds)
DESIGNATED = {
    "POOL-001": ("industry|education|health", None),
    "POOL-002": ("industry|education|health", None),
    "POOL-003": ("industry|education|health", None),
    "POOL-004": (None, "livelihood|talent"),
    "SRC-5": ("education|health|industry|transport|employment", None),
}
NEGATIVE = ["personnel", "allowances", "office_building", "vehicles", "debt", "deposit",
            "running_costs"]
LIMITS = {"works": 400_000_000, "goods": 200_000_000, "services": 100_000_000}  # fen
CREDIT = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code(rng, region):
    body = "91" + region + "".join(rng.choice(CREDIT) for _ in range(9))
    s = sum(CREDIT.index(c) * w for c, w in zip(body, WEIGHTS))
    return body + CREDIT[(31 - s % 31) % 31]


def day(d):
    return (START + datetime.timedelta(days=d)).isoformat()


def add_days(iso, n):
    return (datetime.date.fromisoformat(iso) + datetime.timedelta(days=n)).isoformat()


def yuan(fen):
    return f"{fen // 100}.{fen % 100:02d}"


def csv_text(header, rows):
    return header + "\n" + "".join(",".join("" if v is None else str(v) for v in r) + "\n"
                                   for r in rows)


def skeleton(n):
    """gen_transfers.py's transfers: lists of from, to (account numbers), fen and day index."""
    nfund = gt.ACCOUNTS - gt.SOURCES
    src, dst, fen, days = [], [], [], []
    for k in range(gt.SOURCES, gt.ACCOUNTS):
        src.append((k - gt.SOURCES) % gt.SOURCES)
        dst.append(k)
        fen.append(gt.FUND_FEN)
        days.append(0)
    rng = gt.Rng(gt.SEED)
    others = gt.ACCOUNTS - gt.SOURCES
    nrandom = n - nfund
    for i in range(nrandom):
        a = gt.SOURCES + rng.next() % others
        b = gt.SOURCES + rng.next() % (others - 1)
        if b >= a:
            b += 1
        src.append(a)
        dst.append(b)
        fen.append(1 + rng.next() % gt.MAX_FEN)
        days.append(i * gt.DAYS // nrandom)
    return src, dst, fen, days, nfund


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=1_000_000, help="transfers in all (default 1,000,000)")
    ap.add_argument("-o", required=True, help="output folder")
    args = ap.parse_args()
    if args.n <= gt.ACCOUNTS:
        ap.error(f"-n must be more than {gt.ACCOUNTS}")
    os.makedirs(args.o, exist_ok=True)
    rng = random.Random(20250102)

    def write(name, text):
        with open(os.path.join(args.o, name + ".tmp"), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(os.path.join(args.o, name + ".tmp"), os.path.join(args.o, name))

    accounts = [gt.account(k) for k in range(gt.ACCOUNTS)]
    codes = [a[0] for a in accounts]
    kinds = [a[1] for a in accounts]
    project_of = [a[2] for a in accounts]
    payees = [k for k in range(gt.ACCOUNTS) if kinds[k] == "payee"]

    # ---- organisations: one behind each payee ---------------------------------------------
    org_of = {}
    orgs = []  # code, name, credit_code, region, kind, source, registered
    org_kind = {}
    young = set(rng.sample(payees, 5))             # registered a few days after the books open
    individuals = set(rng.sample([p for p in payees if p not in young], 30))
    bad_region = set(rng.sample([p for p in payees if p not in young and p not in individuals], 3))
    trades = ["建设工程", "市政路桥", "建筑安装", "农业科技", "医疗器械", "教学设备", "信息技术",
              "物流", "食品", "园林绿化", "水利工程", "电气设备", "咨询服务", "劳务服务"]
    used_credit = set()
    for i, k in enumerate(payees, 1):
        code = f"ORG-{i:04d}"
        org_of[k] = code
        region = rng.choice(COUNTIES)
        town = rng.choice(gp.TOWNS[region])
        if k in individuals:
            kind, name, credit = "individuals", f"{COUNTY_NAMES[region]}{town}帮扶对象（汇总{i}）", None
        else:
            kind = "cooperative" if rng.random() < 0.08 else "enterprise"
            if kind == "cooperative":
                name = f"{COUNTY_NAMES[region]}{town}{rng.choice(gp.VILLAGES)}专业合作社（{i}）"
            else:
                name = f"连云港{rng.choice(trades)}有限公司（{i}）"
            credit = credit_code(rng, "329901" if k in bad_region else region)
            while credit in used_credit:
                credit = credit_code(rng, region)
            used_credit.add(credit)
        if k in young:
            registered = day(2 + rng.randrange(7))
        else:
            registered = f"{rng.randrange(1998, 2022)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        org_kind[code] = kind
        orgs.append((code, name, credit, region, kind, "synthetic", registered))
    supplier_orgs = [o[0] for o in orgs if o[4] != "individuals"]

    # ---- the transfers: gen_transfers.py's, decorated -----------------------------------------
    src, dst, fen, days, nfund = skeleton(args.n)
    n = len(src)
    purpose = [None] * n
    stage = [None] * n
    contract = [None] * n
    project = [None] * n

    # contracts of the funded projects: a payee each, paid by the transfers to it
    pairs = {}  # (project, payee) -> transfer indices, in order
    for i in range(nfund, n):
        p = project_of[src[i]]
        if p and kinds[dst[i]] == "payee" and org_kind[org_of[dst[i]]] != "individuals":
            pairs.setdefault((p, dst[i]), []).append(i)
    contracts = []  # code, project, supplier, category, amount, signed, procurement, source
    ncontract = 0
    for p in range(1, gt.PROJECTS + 1):
        candidates = sorted(k for (q, k), idx in pairs.items() if q == p and len(idx) >= 2)
        for k in rng.sample(candidates, min(CONTRACTS_PER_FUNDED, len(candidates))):
            idx = pairs[(p, k)]
            ncontract += 1
            code = f"HT-{p:02d}-{ncontract:04d}"
            category = rng.choices(["works", "goods", "services"], [5, 3, 2])[0]
            limit = LIMITS[category]
            amount = rng.randrange(limit // 20, limit * 9 // 10)
            if rng.random() < 0.1:
                amount = rng.randrange(limit, limit * 2)
            procurement = ("public_tender" if amount >= limit else
                           rng.choice(["inquiry", "competitive_negotiation",
                                       "competitive_consultation", "direct", "invited_tender"]))
            signed = day(max(0, days[idx[0]] - rng.randrange(5, 45)))
            contracts.append((code, f"P-{p:02d}", org_of[k], category, yuan(amount), signed,
                              procurement, "synthetic"))
            advance = amount * rng.randrange(10, 30 if rng.random() < 0.9 else 45) // 100
            final = amount * rng.randrange(5, 11) // 100
            middle = (amount * 90 // 100 - advance - final) // max(1, len(idx) - 2)
            for j, t in enumerate(idx):
                if j == 0:
                    stage[t], fen[t] = "advance", advance
                elif j == len(idx) - 1:
                    stage[t], fen[t] = "final", final
                else:
                    stage[t], fen[t] = "progress", max(1, middle)
                contract[t] = code
                purpose[t] = category
                project[t] = f"P-{p:02d}"

    # what else a payment is for
    for i in range(n):
        a, b = src[i], dst[i]
        ka, kb = kinds[a], kinds[b]
        if i < nfund:
            if kb == "payee" and org_kind[org_of[b]] == "individuals":
                purpose[i] = "subsidy"
            elif kb in ("pool", "project"):
                purpose[i] = "allocation"
            continue
        if contract[i]:
            continue
        if ka in ("source", "pool") and kb in ("pool", "project"):
            purpose[i] = "allocation"
        elif ka == "project" and kb == "payee":
            project[i] = f"P-{project_of[a]:02d}"
            if org_kind[org_of[b]] == "individuals":
                x = rng.random()
                if x < 0.03:
                    purpose[i] = "other"
                    fen[i] = rng.randrange(600_000, 2_000_000)  # more than 5,000 yuan to people
                else:
                    purpose[i] = "subsidy" if x < 0.97 else "training"
            elif rng.random() < 0.001:
                purpose[i] = rng.choice(NEGATIVE)
            else:
                purpose[i] = rng.choices(["works", "goods", "services", "training", "other"],
                                         [4, 3, 2, 1, 1])[0]

    # pools: funded with what they pay out beyond what they receive (plus 100 yuan)
    low = {}
    bal = {}
    for i in range(nfund, n):
        a, b = src[i], dst[i]
        if kinds[b] == "pool":
            bal[b] = bal.get(b, 0) + fen[i]
        if kinds[a] == "pool":
            bal[a] = bal.get(a, 0) - fen[i]
            low[a] = min(low.get(a, 0), bal[a])
    for i in range(nfund):
        if kinds[dst[i]] == "pool":
            fen[i] = -low.get(dst[i], 0) + 10_000

    # ---- projects --------------------------------------------------------------------------
    paid = {}
    for i in range(nfund, n):
        p = project_of[src[i]]
        if p and kinds[dst[i]] == "payee":
            paid[p] = paid.get(p, 0) + fen[i]
    projects = []  # code,name,pairing,region,domain,kind,status,budget,start_date,end_date,
    #                beneficiaries,public,source,approved_on,benefit_link
    milestones, notices, indicators, shares = [], [], [], []
    for p, (domain, kind, status, approved, end, factor, accepted, notice) in FUNDED.items():
        code = f"P-{p:02d}"
        projects.append((code, f"东海县帮扶项目{p:02d}", PAIRING, FUNDED_COUNTY, domain, kind, status,
                         yuan(int(paid.get(p, 0) * factor)), "2022-07-01", end,
                         rng.randrange(100, 5000), "true", "synthetic", approved,
                         "true" if domain == "industry" else ""))
        milestones.append((code, "2022-07-01", "start", "开工", "", "", "synthetic"))
        if accepted:
            milestones.append((code, accepted, "acceptance", "验收", "", "", "synthetic"))
        if notice:
            notices.append((code, "2022-06-01", add_days("2022-06-01", notice - 1), "村务公开栏",
                            "synthetic"))
    statuses = [("proposed", 10), ("approved", 15), ("in_progress", 35), ("completed", 20),
                ("accepted", 20)]
    extra = []
    for j in range(EXTRA_PROJECTS):
        code = f"P-{gt.PROJECTS + 1 + j:03d}"
        region = COUNTIES[j % len(COUNTIES)]
        domain = gp.weighted(rng, gp.DOMAIN_WEIGHTS)
        kinds_of, templates, topics = gp.DOMAINS[domain]
        kind = rng.choice(kinds_of)
        place = rng.choice(gp.TOWNS[region])
        if rng.randrange(3) == 0:
            place = COUNTY_NAMES[region] + place
        name = rng.choice(templates).format(p=place, v=rng.choice(gp.VILLAGES),
                                            x=rng.choice(topics)) + rng.choice(gp.PHASES)
        status = gp.weighted(rng, statuses)
        lo, hi = gp.BUDGET_RANGE[kind]
        budget = rng.randrange(lo * 100, hi * 100)
        start = datetime.date(2022, 1, 1) + datetime.timedelta(days=rng.randrange(0, 1400))
        end = None
        if status in ("completed", "accepted"):
            end = start + datetime.timedelta(days=rng.randrange(90, 700))
            if end > datetime.date(2025, 12, 31):
                status = "in_progress"
                end = None
        approved = (start - datetime.timedelta(days=rng.randrange(10, 60))).isoformat() \
            if status != "proposed" else None
        link = "true" if domain != "industry" or rng.random() < 0.7 else ""
        row = [code, name, PAIRING, region, domain, kind, status, yuan(budget), start.isoformat(),
               end.isoformat() if end else None, rng.randrange(10, 20000), "true", "synthetic",
               approved, link]
        projects.append(row)
        extra.append(row)
    # a few applied for twice: the same name with 续建 or a swapped word, overlapping years
    for j, row in enumerate(rng.sample(extra[:200], 4)):
        twin = extra[200 + j]
        twin[1] = row[1] + ("（续建）" if j % 2 else "二期")
        twin[3] = row[3]
        twin[8] = row[8]
    for row in extra:
        code, status, start, end, domain, kind = row[0], row[6], row[8], row[9], row[4], row[5]
        if status == "proposed":
            continue
        notices.append((code, add_days(start, -20), add_days(start, -20 + rng.randrange(7, 21)),
                        "县政府网站", "synthetic"))
        milestones.append((code, start, "start", "开工", "", "", "synthetic"))
        if end:
            milestones.append((code, end, "completion", "竣工", "", "", "synthetic"))
            if status == "accepted" or rng.random() < 0.5:
                milestones.append((code, add_days(end, rng.randrange(20, 150)), "acceptance", "验收",
                                   "", "", "synthetic"))
            for name, unit in (("受益人数", "人"), ("带动增收", "万元")):
                target = rng.randrange(100, 5000) * 100
                baseline = None if rng.random() < 0.05 else rng.randrange(0, target // 100) * 100
                x = rng.random()
                actual = None if x < 0.05 else target * rng.randrange(60, 80) // 100 if x < 0.15 \
                    else target * rng.randrange(80, 130) // 100
                indicators.append((code, name, unit, None if baseline is None else yuan(baseline),
                                   yuan(target), None if actual is None else yuan(actual),
                                   "synthetic"))
        if kind == "park":
            for year in range(int(start[:4]), 2026):
                agreed = rng.randrange(1500, 3000)
                x = rng.random()
                settled = None if x < 0.1 or year == 2025 else \
                    agreed - 200 if x < 0.2 else agreed
                shares.append((code, year, yuan(agreed), None if settled is None else yuan(settled),
                               "synthetic"))

    # contracts of the other projects: county suppliers; a few split, one county captured
    county_suppliers = {c: rng.sample(supplier_orgs, 40) for c in COUNTIES}
    for row in extra:
        code, region, status, start, end = row[0], row[3], row[6], row[8], row[9]
        if status == "proposed":
            continue
        last = end or "2025-12-31"
        span = max(1, (datetime.date.fromisoformat(last) - datetime.date.fromisoformat(start)).days)
        for _ in range(rng.randrange(0, 9)):
            ncontract += 1
            category = rng.choices(["works", "goods", "services"], [5, 3, 2])[0]
            limit = LIMITS[category]
            amount = rng.randrange(limit // 50, limit * 3 // 2)
            procurement = "public_tender" if amount >= limit else \
                rng.choice(["inquiry", "competitive_negotiation", "direct", "invited_tender"])
            contracts.append((f"HT-X-{ncontract:05d}", code, rng.choice(county_suppliers[region]),
                              category, yuan(amount), add_days(start, rng.randrange(span)),
                              procurement, "synthetic"))
    for j, row in enumerate(rng.sample([r for r in extra if r[6] != "proposed"], 3)):
        supplier = rng.choice(county_suppliers[row[3]])
        for piece in range(3):
            ncontract += 1
            contracts.append((f"HT-X-{ncontract:05d}", row[0], supplier, "works",
                              yuan(150_000_000 + 1_000_000 * j), add_days(row[8], 10 + 20 * piece),
                              "inquiry", "synthetic"))
    captured = [r for r in extra if r[3] == "320724" and r[6] != "proposed"]
    supplier = county_suppliers["320724"][0]
    for j, row in enumerate(captured[:4]):
        ncontract += 1
        contracts.append((f"HT-X-{ncontract:05d}", row[0], supplier, "goods", yuan(50_000_000),
                          "2025-12-2" + str(j + 1), "competitive_negotiation", "synthetic"))

    # ---- accounts ------------------------------------------------------------------------
    rows = []
    for k, (code, kind, p) in enumerate(accounts):
        name = gt.account_name(code, kind)
        domains, kinds_ = DESIGNATED.get(code, (None, None))
        if kind == "source":
            rows.append((code, name, kind, "320200", PAIRING, None, None, domains, kinds_))
        elif kind == "pool":
            rows.append((code, name, kind, "320700", PAIRING, None, None, domains, kinds_))
        elif kind == "project":
            rows.append((code, name, kind, FUNDED_COUNTY, PAIRING, f"P-{p:02d}", None, None, None))
        else:
            rows.append((code, name, kind, FUNDED_COUNTY, PAIRING, None, org_of[k], None, None))

    write("pairings.csv", "code,name,donor,recipient,start_date\n"
                          f"{PAIRING},无锡—连云港,320200,320700,2022-01-01\n")
    write("orgs.csv", csv_text("code,name,credit_code,region,kind,source,registered", orgs))
    write("projects.csv", csv_text("code,name,pairing,region,domain,kind,status,budget,start_date,"
                                   "end_date,beneficiaries,public,source,approved_on,benefit_link",
                                   projects))
    write("accounts.csv", csv_text("code,name,kind,region,pairing,project,org,domains,kinds", rows))
    write("contracts.csv", csv_text("code,project,supplier,category,amount,signed,procurement,"
                                    "source", contracts))
    write("milestones.csv", csv_text("project,date,kind,title,description,photo,source",
                                     milestones))
    write("notices.csv", csv_text("project,posted,until,place,source", notices))
    write("indicators.csv", csv_text("project,name,unit,baseline,target,actual,source", indicators))
    write("revenue_shares.csv", csv_text("project,year,agreed,settled,source", shares))
    dates = [day(d) for d in range(gt.DAYS)]
    path = os.path.join(args.o, "transfers.csv")
    with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as f:
        f.write("id,date,from,to,amount,project,memo,purpose,stage,contract\n")
        buf = []
        for i in range(n):
            tid = f"F{i + 1:04d}" if i < nfund else f"T{i - nfund + 1:08d}"
            buf.append(f"{tid},{dates[days[i]]},{codes[src[i]]},{codes[dst[i]]},{yuan(fen[i])},"
                       f"{project[i] or ''},,{purpose[i] or ''},{stage[i] or ''},"
                       f"{contract[i] or ''}\n")
            if len(buf) >= 50_000:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))
    os.replace(path + ".tmp", path)
    write("as_of.txt", dates[days[-1]] + "\n")


if __name__ == "__main__":
    main()
