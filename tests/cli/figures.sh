#!/usr/bin/env bash
# figures.sh - the headline figures of issue 12 (item 2) from the command line:
# execution measured on the assistance money (budget) with the total investment
# apart, the budget grouped by donor checked against a sum made here from the
# per-project rows, and expired requests apart from live ones, with the demo's
# open requests dated relative to today.
source "$(dirname "$0")/lib.bash"

TODAY=2026-12-04
DB=$(PAIRAID_TODAY=$TODAY demo_db figures)

# The Huiyu park: 总投资约5.6亿元 is its investment, the 1.5亿元 the ledger moved is its
# budget, and 执行率 = paid / budget.
case_execution_on_assistance_money() {
    PAIRAID_TODAY=$TODAY expect_exit 0 "$PAIRAID" --db "$DB" budget --format csv
    expect_stdout_line 'key,name,projects,budget,allocated,committed,paid,rate,expired,investment'
    expect_stdout_line 'LYG-PARK-HUIYU,无锡连云港惠榆智能信息产业园,1,150000000.00,150000000.00,25000000.00,30000000.00,20.0%,0.00,560000000.00'
    # a chain project has no assistance money: no rate, its investment apart
    expect_stdout_match '^LYG-CHAIN-002,[^,]+,1,0\.00,0\.00,0\.00,0\.00,,0\.00,247390000\.00$'
}
run_case "execution on the assistance money, investment apart" case_execution_on_assistance_money

# 按帮扶方: every donor row is the sum of the per-project rows of the projects whose
# pairing has that donor, with a budget and a rate (it was 0.00 and "-" for all).
case_donor_grouping() {
    "$PAIRAID" --db "$DB" export projects -o projects.csv
    "$PAIRAID" --db "$DB" export pairings -o pairings.csv
    PAIRAID_TODAY=$TODAY "$PAIRAID" --db "$DB" budget --format csv >per_project.csv
    PAIRAID_TODAY=$TODAY expect_exit 0 "$PAIRAID" --db "$DB" budget --by donor --format csv
    cp "$OUT" by_donor.csv
    python3 - <<'PY' >check.txt 2>&1 || fail "$(cat check.txt)"
import csv
def fen(s):
    whole, frac = s.split(".")
    return int(whole) * 100 + int(frac)
pairing = {r["code"]: r["pairing"] for r in csv.DictReader(open("projects.csv", encoding="utf-8"))}
donor = {r["code"]: r["donor"] for r in csv.DictReader(open("pairings.csv", encoding="utf-8"))}
cols = ("budget", "allocated", "committed", "paid", "expired", "investment")
want = {}
for r in csv.DictReader(open("per_project.csv", encoding="utf-8")):
    d = want.setdefault(donor[pairing[r["key"]]], dict.fromkeys(cols + ("projects",), 0))
    d["projects"] += 1
    for c in cols:
        d[c] += fen(r[c])
got = {r["key"]: r for r in csv.DictReader(open("by_donor.csv", encoding="utf-8"))}
assert sorted(got) == sorted(want), (sorted(got), sorted(want))
for key, w in want.items():
    g = got[key]
    assert int(g["projects"]) == w["projects"], (key, g)
    for c in cols:
        assert fen(g[c]) == w[c], (key, c, g[c], w[c])
    assert w["budget"] > 0, (key, w)
    tenths = (w["paid"] * 2000 + w["budget"]) // (w["budget"] * 2)
    assert g["rate"] == "%d.%d%%" % (tenths // 10, tenths % 10), (key, g["rate"])
assert got["320206"]["name"] == "惠山区", got["320206"]
PY
}
run_case "budget by donor = the per-project rows summed by the pairing's donor" case_donor_grouping

# Expired requests apart from live ones; the demo's are current on the day it is loaded.
case_expired_apart_from_live() {
    PAIRAID_TODAY=$TODAY expect_exit 0 "$PAIRAID" --db "$DB" summary
    expect_stdout_line '  待审批 8 笔 (2,631.85万元), 另有已过期 1 笔 (39.81万元)'
    PAIRAID_TODAY=$TODAY expect_exit 0 "$PAIRAID" --db "$DB" --lang en summary
    expect_stdout_match '^  pending 8 transfers \(2,631\.85万元\), and expired 1 transfers \(39\.81万元\)$'
    # loaded on the books' last day, a database ages like any other: on a later
    # day every one of its requests has expired, and none is counted as waiting
    local old
    old=$(PAIRAID_TODAY=2024-09-10 demo_db books-end)
    PAIRAID_TODAY=2024-09-10 expect_exit 0 "$PAIRAID" --db "$old" summary
    expect_stdout_line '  待审批 8 笔 (2,631.85万元), 另有已过期 1 笔 (39.81万元)'
    PAIRAID_TODAY=$TODAY expect_exit 0 "$PAIRAID" --db "$old" summary
    expect_stdout_line '  待审批 0 笔 (0.00万元), 另有已过期 9 笔 (2,671.66万元)'
    # loading the demo again on a later day changes nothing
    PAIRAID_TODAY=2027-06-01 expect_exit 0 "$PAIRAID" --db "$DB" demo
    expect_stdout_match '^示例数据: 0 条新增, [0-9]+ 条已存在'
}
run_case "expired requests apart from live ones, the demo's current" case_expired_apart_from_live

finish
