"""What the public portal reads (issue 12, item 6): search by a region's name, the
year filter, a published project's payments, contracts and indicators without
personal data, and the signers' keys beside the latest checkpoint.

    PAIRAID=build-test/pairaid PA_SOURCE_DIR=. python3 tests/http/test_portal.py
"""
import json
import os
import re
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server import PAIRAID, SOURCE, Server, main  # noqa: E402

S = None
MONEY = re.compile(r"^(0|[1-9][0-9]*)\.[0-9]{2}$")
VERIFIER = re.compile(r"^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$")


def get(path, token=None, want=200):
    status, body = S.call("GET", path, token=token)
    assert status == want, (path, status, body)
    return body


def projects(**params):
    return get("/api/v1/projects?" + urllib.parse.urlencode(dict(params, limit=1000)))


def test_search_by_region_name():
    """"灌南县" finds every published project in 灌南县, also those whose names do not say it."""
    by_name = projects(q="灌南县")
    by_region = projects(region="320724")
    assert by_name["total"] == by_region["total"] == 17, (by_name["total"], by_region["total"])
    assert {p["code"] for p in by_name["projects"]} == {p["code"] for p in by_region["projects"]}
    named = S.sql("SELECT count(*) FROM projects WHERE region = '320724' AND public = 1 "
                  "AND instr(name, '灌南县') > 0")[0][0]
    assert named < 17, "the demo keeps a 灌南县 project whose name does not say 灌南县"
    # the city's name finds the projects of its counties too; a code or name still works
    city = projects(q="连云港市")["total"]
    assert city >= projects(region="320700")["total"] > 17, city
    assert [p["code"] for p in projects(q="LYG-PARK-HUIYU")["projects"]] == ["LYG-PARK-HUIYU"]


def test_year_filter():
    got = projects(year="2023")
    want = S.sql("SELECT count(*) FROM projects WHERE public = 1 AND start_date LIKE '2023-%'")[0][0]
    assert got["total"] == want > 0, (got["total"], want)
    assert all(p["start_date"].startswith("2023-") for p in got["projects"])
    both = projects(year="2023", region="320724")
    assert 0 < both["total"] < got["total"]
    assert all(p["region"] == "320724" for p in both["projects"])
    assert projects(year="1999")["total"] == 0
    for bad in ("abc", "1800", "20233", "", "-2023"):
        status, body = S.call("GET", "/api/v1/projects?year=" + bad)
        assert status == 400, (bad, status, body)
        assert body["error"]["field"] == "year", body


def test_published_project_details():
    """Payments, payees, contractor and indicators of a published project, read anonymously."""
    p = get("/api/v1/projects/LYG-MS-TAOLIN-CANTEEN")
    pays = p["payments"]
    assert [x["stage"] for x in pays] == ["final", "progress", "advance"], "newest first"
    assert sum(int(x["amount"].replace(".", "")) for x in pays) == 124800000, "1,248,000.00 paid"
    assert p["payments_count"] == 3 and p["payments_amount"] == "1248000.00", p
    for x in pays:
        assert set(x) == {"id", "date", "amount", "payee", "payee_kind", "purpose", "stage",
                          "contract"}, x
        assert MONEY.match(x["amount"]) and x["payee"] == "东海县房屋建筑工程有限公司（示例）", x
    assert not any(x["payee"] and "宜兴" in x["payee"] for x in pays), \
        "money given back to the fund is not a payment"
    [c] = p["contracts"]
    assert c["supplier"] == "东海县房屋建筑工程有限公司（示例）" and MONEY.match(c["amount"]), c
    assert c["code"] == pays[-1]["contract"], (c, pays[-1])
    names = {i["name"]: i for i in p["indicators"]}
    assert len(names) == 2 and all(MONEY.match(i["target"]) for i in names.values()), names


def test_individual_payees_are_not_named():
    """A payment to an account that stands for individuals shows its kind, not a name."""
    p = get("/api/v1/projects/YC-MS-004")
    people = [x for x in p["payments"] if x["payee_kind"] == "individuals"]
    assert people and all(x["payee"] is None for x in people), p["payments"]
    text = json.dumps(p, ensure_ascii=False)
    assert "个人收款账户" not in text and "施工队负责人" not in text, "no name, no memo"


def test_unpublished_projects_stay_private():
    code, pairing = S.sql("SELECT code, pairing FROM projects WHERE public = 0 ORDER BY code "
                          "LIMIT 1")[0]
    get("/api/v1/projects/" + code, want=404)
    token = S.login("admin")
    p = get("/api/v1/projects/" + code, token=token)
    assert p["pairing"] == pairing and {"payments", "contracts", "indicators"} <= set(p), p
    assert projects(q=code)["total"] == 0


def test_patch_ignores_the_new_read_only_fields():
    """PATCH lays the body over the stored project; the lists the read adds are not columns."""
    token = S.login("admin")
    status, body = S.call("PATCH", "/api/v1/projects/LYG-MS-TAOLIN-CANTEEN",
                          {"beneficiaries": 801}, token=token)
    assert status == 200 and body["beneficiaries"] == 801 and body["payments"], (status, body)


def test_checkpoint_publishes_its_signers():
    cp = get("/api/v1/log/checkpoint")
    assert cp["checkpoint"] is None and cp["signers"] == [], cp
    keys = os.path.join(S.dir, "keys")
    out = subprocess.run([os.path.join(SOURCE, "scripts", "demo-sign"), PAIRAID, S.db, keys],
                         capture_output=True, text=True, check=True).stdout.split()
    cp = get("/api/v1/log/checkpoint")
    lines = cp["checkpoint"].split("\n")
    assert lines[1] == str(cp["size"]) and lines[2] == cp["root"], cp
    assert [s["name"] for s in cp["signers"]] == ["无锡市财政局", "连云港市财政局"], cp["signers"]
    assert sorted(s["verifier"] for s in cp["signers"]) == sorted(out), (cp["signers"], out)
    for s in cp["signers"]:
        assert VERIFIER.match(s["verifier"]) and s["size"] == cp["size"], s
        assert isinstance(s["time"], int) and s["time"] > 1_600_000_000, s
    assert sum(line.startswith("\u2014 ") for line in lines) == 2, cp["checkpoint"]


def test_a_long_list_of_payments_lists_the_newest_100():
    """A project paying for years: its page lists the newest 100, the count and sum cover all."""
    token = S.login("admin")
    fund = {"id": "PT-FUND", "date": "2026-01-02", "from": "SRC-WX-CITY",
            "to": "PRJ-LYG-MS-TAOLIN-CANTEEN", "amount": "100000.00",
            "project": "LYG-MS-TAOLIN-CANTEEN", "kind": "posted"}
    pays = [{"id": "PT-PAY-%03d" % i, "date": "2026-02-%02d" % (1 + i % 28),
             "from": "PRJ-LYG-MS-TAOLIN-CANTEEN", "to": "PAY-SYN-HOUSING-DH",
             "amount": "%d.%02d" % (100 + i, i % 100), "project": "LYG-MS-TAOLIN-CANTEEN",
             "kind": "posted"} for i in range(105)]
    status, body = S.call("POST", "/api/v1/transfers", [fund] + pays, token=token)
    assert status == 201, (status, body)
    p = get("/api/v1/projects/LYG-MS-TAOLIN-CANTEEN")
    listed = p["payments"]
    assert len(listed) == 100 and p["payments_count"] == 108, (len(listed), p["payments_count"])
    total = 124800000 + sum(int(x["amount"].replace(".", "")) for x in pays)
    assert int(p["payments_amount"].replace(".", "")) == total, (p["payments_amount"], total)
    newest = sorted(pays, key=lambda x: (x["date"], x["id"]), reverse=True)[:100]
    assert [x["id"] for x in listed] == [x["id"] for x in newest], "the newest 100, newest first"


TESTS = [test_search_by_region_name, test_year_filter, test_published_project_details,
         test_individual_payees_are_not_named, test_unpublished_projects_stay_private,
         test_patch_ignores_the_new_read_only_fields, test_checkpoint_publishes_its_signers,
         test_a_long_list_of_payments_lists_the_newest_100]

if __name__ == "__main__":
    code = 0
    with Server() as S:
        try:
            main(TESTS)
        except SystemExit as e:
            code = e.code or 0
    sys.exit(code)
