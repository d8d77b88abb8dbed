#!/usr/bin/env python3
"""gen_transfers.py - deterministic input for the ledger benchmark (bench/ledger).

Writes into OUTDIR:
  pairings.csv, projects.csv, accounts.csv   the books (what `pairaid import` loads first)
  transfers.csv                              N rows: id,date,from,to,amount (yuan)
  journal.ledger                             the same N transactions for ledger-cli
  as_of.txt                                  the date of the middle transfer (for --as-of)

With --details (bench/xlsx), transfers.csv also has memo,purpose,stage: every
transfer a purpose (the funding rows `allocation`, the others each of
PURPOSES in turn), every third a stage, every fourth a Chinese memo, so that
an export holds text, enums and their codes as a programme office's would.
The ids, dates, accounts and amounts are the same as without it.

The books and the transfers are those of bench/ledger_common.h, which
ledger_post.c and bare_sqlite_ledger.c use: BENCH_ACCOUNTS accounts (sources
SRC-1.., pools, project accounts, payees), first one funding row per non-source
account (F0001..), then N minus that many random transfers (T00000001..) drawn
with splitmix64 from the same seed.  Keep the two in step.

Journal: one transaction per transfer, `YYYY-MM-DD ID`, then the credited
account with +amount and the debited one with -amount, in CNY; accounts are
named Source:CODE, Pool:CODE, Project:P-NN:CODE, Payee:CODE, so that a
balance in ledger (+ in, - out) is pairaid's credits_posted - debits_posted.

  python3 bench/gen_transfers.py -n 1000000 -o bench/out/ledger_1000000
"""
import argparse
import datetime
import os

SEED = 20250101
ACCOUNTS = 1000
SOURCES = 5
POOLS = 20
PROJECTS = 10
PROJECT_ACCOUNTS = 5
FUND_FEN = 100_000_000_000
MAX_FEN = 10_000
DAYS = 731
MASK = (1 << 64) - 1
PURPOSES = ["works", "goods", "services", "subsidy", "training", "allocation", "personnel",
            "allowances", "office_building", "vehicles", "debt", "deposit", "running_costs",
            "other"]
STAGES = ["advance", "progress", "final"]


class Rng:
    def __init__(self, seed):
        self.s = seed

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def account(k):
    """(code, kind, project number or 0) of account k, as bench_account()."""
    if k < SOURCES:
        return f"SRC-{k + 1}", "source", 0
    k -= SOURCES - 1
    if k <= POOLS:
        return f"POOL-{k:03d}", "pool", 0
    if k <= POOLS + PROJECTS * PROJECT_ACCOUNTS:
        j = k - POOLS - 1
        p = j // PROJECT_ACCOUNTS + 1
        return f"PRJ-{p:02d}-{j % PROJECT_ACCOUNTS + 1}", "project", p
    return f"PAY-{k - POOLS - PROJECTS * PROJECT_ACCOUNTS:04d}", "payee", 0


def account_name(code, kind):
    if kind == "source":
        return "无锡市帮扶资金" + code[4:]
    if kind == "pool":
        return "资金池" + code[5:]
    if kind == "project":
        return "项目账户" + code[4:]
    return "收款单位" + code[4:]


def yuan(fen):
    return f"{fen // 100}.{fen % 100:02d}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=1_000_000, help="transfers in all (default 1,000,000)")
    ap.add_argument("-o", required=True, help="output folder")
    ap.add_argument("--details", action="store_true",
                    help="transfers.csv with memo, purpose and stage (bench/xlsx)")
    args = ap.parse_args()
    nfund = ACCOUNTS - SOURCES
    if args.n <= nfund:
        ap.error(f"-n must be more than the {nfund} funding transfers")
    os.makedirs(args.o, exist_ok=True)

    accounts = [account(k) for k in range(ACCOUNTS)]
    ledger_name = []
    for code, kind, p in accounts:
        prefix = {"source": "Source", "pool": "Pool", "payee": "Payee"}.get(kind)
        ledger_name.append(f"{prefix}:{code}" if prefix else f"Project:P-{p:02d}:{code}")

    def write(name, text):
        with open(os.path.join(args.o, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)

    write("pairings.csv", "code,name,donor,recipient,start_date\n"
                          "WX,无锡—连云港,320200,320700,2022-01-01\n")
    write("projects.csv", "code,name,pairing,region,domain,kind,status,budget,start_date\n" +
          "".join(f"P-{p:02d},东海县帮扶项目{p:02d},WX,320722,education,livelihood,approved,"
                  "6000000000.00,2022-07-01\n" for p in range(1, PROJECTS + 1)))
    rows = ["code,name,kind,region,pairing,project\n"]
    for code, kind, p in accounts:
        name = account_name(code, kind)
        if kind == "source":
            rows.append(f"{code},{name},source,320200,WX,\n")
        elif kind == "pool":
            rows.append(f"{code},{name},pool,320700,WX,\n")
        elif kind == "project":
            rows.append(f"{code},{name},project,320722,WX,P-{p:02d}\n")
        else:
            rows.append(f"{code},{name},payee,320722,,\n")
    write("accounts.csv", "".join(rows))

    start = datetime.date(2024, 1, 1)
    dates = [(start + datetime.timedelta(days=d)).isoformat() for d in range(DAYS)]
    codes = [a[0] for a in accounts]
    csv_path = os.path.join(args.o, "transfers.csv")
    journal_path = os.path.join(args.o, "journal.ledger")
    nrandom = args.n - nfund
    middle = None
    with open(csv_path + ".tmp", "w", encoding="utf-8", newline="\n") as csv, \
            open(journal_path + ".tmp", "w", encoding="utf-8", newline="\n") as journal:
        csv.write("id,date,from,to,amount,memo,purpose,stage\n" if args.details
                  else "id,date,from,to,amount\n")
        journal.write("; bench/gen_transfers.py: the transactions of transfers.csv\n\n")

        def details(k):
            """memo,purpose,stage of the k-th transfer (0 = the first funding row)."""
            if not args.details:
                return ""
            memo = f"东海县帮扶资金拨付（第{k // 4 + 1}批）" if k % 4 == 0 else ""
            purpose = "allocation" if k < nfund else PURPOSES[k % len(PURPOSES)]
            stage = STAGES[k // 3 % len(STAGES)] if k % 3 == 0 else ""
            return f",{memo},{purpose},{stage}"

        def emit(buf_csv, buf_j, tid, date, a, b, fen, k):
            amount = yuan(fen)
            buf_csv.append(f"{tid},{date},{codes[a]},{codes[b]},{amount}{details(k)}\n")
            buf_j.append(f"{date} {tid}\n    {ledger_name[b]}  {amount} CNY\n"
                         f"    {ledger_name[a]}  -{amount} CNY\n\n")

        buf_csv, buf_j = [], []
        for k in range(SOURCES, ACCOUNTS):  # each source in turn, as bench_funding_source()
            emit(buf_csv, buf_j, f"F{k - SOURCES + 1:04d}", dates[0], (k - SOURCES) % SOURCES, k,
                 FUND_FEN, k - SOURCES)
        rng = Rng(SEED)
        others = ACCOUNTS - SOURCES
        for i in range(nrandom):
            date = dates[i * DAYS // nrandom]
            a = SOURCES + rng.next() % others
            b = SOURCES + rng.next() % (others - 1)
            if b >= a:
                b += 1
            fen = 1 + rng.next() % MAX_FEN
            emit(buf_csv, buf_j, f"T{i + 1:08d}", date, a, b, fen, nfund + i)
            if nfund + i + 1 == args.n // 2:
                middle = date
            if len(buf_csv) >= 50_000:
                csv.write("".join(buf_csv))
                journal.write("".join(buf_j))
                buf_csv, buf_j = [], []
        csv.write("".join(buf_csv))
        journal.write("".join(buf_j))
    os.replace(csv_path + ".tmp", csv_path)
    os.replace(journal_path + ".tmp", journal_path)
    write("as_of.txt", (middle or dates[0]) + "\n")


if __name__ == "__main__":
    main()
