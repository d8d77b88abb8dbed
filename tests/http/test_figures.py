"""Honest headline figures (issue 12, item 2), checked over HTTP against figures
computed here independently from other endpoints:

- a project's total investment (investment, 总投资) is kept apart from its
  assistance money (budget, 帮扶资金安排), and execution is paid / budget;
- the budget report grouped by donor (帮扶方) adds up the projects of each donor's
  pairings, with a budget and a rate (it once showed 0.00 and "—" for all);
- expired requests are reported apart from live ones, and a fresh demo has live
  requests to approve (its open requests are dated relative to today).

    PAIRAID=build-test/pairaid PA_SOURCE_DIR=. python3 tests/http/test_figures.py
"""
import json
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server import Server, main  # noqa: E402

TODAY = "2026-12-04"
S = None
TOKENS = {}


def fen(amount):
    whole, frac = amount.split(".")
    assert len(frac) == 2, amount
    return int(whole) * 100 + (int(frac) if not whole.startswith("-") else -int(frac))


def api(method, path, body=None, user=None):
    h = {}
    if user:
        if user not in TOKENS:
            TOKENS[user] = S.login(user)
        h["Authorization"] = "Bearer " + TOKENS[user]
    status, _, payload = S.request(method, path, body, h, None)
    return status, json.loads(payload) if payload else None


def get(path, user=None):
    status, body = api("GET", path, user=user)
    assert status == 200, (path, status, body)
    return body


def all_of(path, key, user=None):
    """Every item of a paged list."""
    items, offset = [], 0
    while True:
        sep = "&" if "?" in path else "?"
        page = get("%s%slimit=1000&offset=%d" % (path, sep, offset), user)
        items += page[key]
        offset += len(page[key])
        if not page[key] or offset >= page["total"]:
            return items


def rate(paid, budget):
    """The server's 执行率: tenths of a percent, rounded half up."""
    if budget <= 0:
        return None
    tenths = (paid * 2000 + budget) // (budget * 2)
    return "%d.%d" % (tenths // 10, tenths % 10)


# ---- two kinds of money ---------------------------------------------------------


def test_huiyu_investment_apart_from_its_assistance_money():
    p = get("/api/v1/projects/LYG-PARK-HUIYU")
    assert p["investment"] == "560000000.00", p["investment"]  # the article's 总投资约5.6亿元
    assert p["budget"] == "150000000.00", p["budget"]  # what the ledger moved into it
    ex = p["execution"]
    assert ex["budget"] == p["budget"]
    assert ex["rate"] == rate(fen(ex["paid"]), fen(p["budget"])) == "20.0", ex


def test_livelihood_project_has_no_investment():
    p = get("/api/v1/projects/LYG-MS-TAOLIN-CANTEEN")
    assert p["budget"] == "1400000.00" and p["investment"] is None, p


def test_summary_budget_and_investment_add_up_the_projects():
    projects = all_of("/api/v1/projects", "projects")
    s = get("/api/v1/summary")
    assert fen(s["budget"]) == sum(fen(p["budget"]) for p in projects)
    assert fen(s["investment"]) == sum(fen(p["investment"]) for p in projects if p["investment"])
    # the mix that made 执行率 read 1.2 %: investment is many times the assistance money
    assert fen(s["investment"]) > 10 * fen(s["budget"]), s
    for p in projects:
        if p["kind"] == "chain":
            assert p["budget"] == "0.00" and fen(p["investment"]) > 0, p


def test_overall_execution_is_on_assistance_money():
    rows = get("/api/v1/budget?group=county")["rows"]
    budget = sum(fen(r["budget"]) for r in rows)
    paid = sum(fen(r["paid"]) for r in rows)
    assert float(rate(paid, budget)) > 50, rate(paid, budget)
    for r in rows:
        assert r["rate"] == rate(fen(r["paid"]), fen(r["budget"])), r


# ---- grouping by donor ----------------------------------------------------------


def test_donor_grouping_against_an_independent_sum():
    pairings = {p["code"]: p for p in get("/api/v1/pairings", "admin")["pairings"]}
    projects = {p["code"]: p for p in all_of("/api/v1/projects", "projects", "admin")}
    per_project = get("/api/v1/budget?group=project", "admin")["rows"]
    want = defaultdict(lambda: defaultdict(int))
    for r in per_project:
        donor = pairings[projects[r["key"]]["pairing"]]["donor"]
        want[donor]["projects"] += 1
        for k in ("budget", "allocated", "committed", "expired", "paid", "investment"):
            want[donor][k] += fen(r[k])
    rows = get("/api/v1/budget?group=donor", "admin")["rows"]
    assert sorted(r["key"] for r in rows) == sorted(want), (rows, sorted(want))
    for r in rows:
        w = want[r["key"]]
        assert r["projects"] == w["projects"], r
        for k in ("budget", "allocated", "committed", "expired", "paid", "investment"):
            assert fen(r[k]) == w[k], (r["key"], k, r[k], w[k])
        assert w["budget"] > 0 and r["rate"] == rate(w["paid"], w["budget"]), r
        assert r["name"], r
    names = {r["key"]: r["name"] for r in rows}
    assert names["320206"] == "惠山区" and names["320200"] == "无锡市", names


def test_donor_grouping_public_reads_published_projects_only():
    rows = get("/api/v1/budget?group=donor")["rows"]
    assert rows and all(fen(r["budget"]) > 0 for r in rows), rows


# ---- expired requests apart from live ones ----------------------------------------


def test_expired_apart_from_live_and_the_demo_current():
    s = get("/api/v1/summary", "admin")
    f, c = s["funds"], s["counts"]
    assert fen(f["pending_live"]) + fen(f["expired"]) == fen(f["pending"]), f
    open_ = all_of("/api/v1/transfers?state=pending", "transfers", "admin")
    expired = all_of("/api/v1/transfers?state=expired", "transfers", "admin")
    assert sum(fen(t["amount"]) for t in expired) == fen(f["expired"]), f
    assert all(t["expires"] < TODAY for t in expired), expired
    live = [t for t in open_ if t["state"] != "expired"]
    assert sum(fen(t["amount"]) for t in live) == fen(f["pending_live"]), f
    assert c["expired_pending"] == len(expired) == 1, c
    # the demo's requests are dated relative to today: eight are still live
    assert len(live) == 8 and c["pending_transfers"] == 9, (len(live), c)
    assert all(t["date"] <= TODAY < t["expires"] for t in live), live
    # the budget report splits them the same way
    rows = get("/api/v1/budget?group=pairing", "admin")["rows"]
    assert sum(fen(r["expired"]) for r in rows) == fen(f["expired"]), rows


# ---- the investment field over the API ------------------------------------------------


def test_investment_can_be_set_and_bad_values_are_422():
    code = "LYG-MS-001"
    for bad in ("1.001", 5, "-1.00", "5.6亿"):
        snap = S.snapshot()
        status, body = api("PATCH", "/api/v1/projects/" + code, {"investment": bad}, "admin")
        assert status == 422 and body["error"]["field"] == "investment", (bad, status, body)
        assert S.snapshot() == snap
    status, body = api("PATCH", "/api/v1/projects/" + code, {"investment": "2000000.00"}, "admin")
    assert status == 200 and body["investment"] == "2000000.00", (status, body)
    p = get("/api/v1/projects/" + code, "admin")
    assert p["investment"] == "2000000.00" and p["execution"]["rate"] == rate(
        fen(p["execution"]["paid"]), fen(p["budget"])), p


TESTS = [
    test_huiyu_investment_apart_from_its_assistance_money,
    test_livelihood_project_has_no_investment,
    test_summary_budget_and_investment_add_up_the_projects,
    test_overall_execution_is_on_assistance_money,
    test_donor_grouping_against_an_independent_sum,
    test_donor_grouping_public_reads_published_projects_only,
    test_expired_apart_from_live_and_the_demo_current,
    test_investment_can_be_set_and_bad_values_are_422,
]

if __name__ == "__main__":
    with Server(env={"PAIRAID_TODAY": TODAY}) as S:
        main(TESTS)
