"""Regressions from the outside review (issue 9), each written before its fix:
the answer cache, public figures, the login throttle, slow clients, request
framing and bodies.  Every test here failed on the code the review read.

    PAIRAID=build-test/pairaid PA_SOURCE_DIR=. python3 tests/http/test_hardening.py
"""
import json
import os
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server  # noqa: E402
from server import PASSWORDS, Server, main  # noqa: E402

S = None
TOKENS = {}


def token(user):
    if user not in TOKENS:
        TOKENS[user] = S.login(user)
    return TOKENS[user]


def api(method, path, body=None, user=None):
    h = {"Authorization": "Bearer " + token(user)} if user else {}
    status, hdrs, payload = S.request(method, path, body, h)
    try:
        parsed = json.loads(payload) if payload else None
    except ValueError:
        parsed = None
    return status, parsed


def cli(*args, user=None, stdin=None):
    """pairaid on the server's database, as `user` (--as) when given."""
    who = ["--as", user] if user else []
    return server.run("--db", S.db, *who, *args, stdin=stdin)


def import_csv(kind, text):
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write(text)
    code, _, err = cli("import", kind, f.name)
    os.unlink(f.name)
    assert code == 0, err


def get(path, headers=None):
    status, hdrs, payload = S.request("GET", path, headers=headers)
    try:
        body = json.loads(payload) if payload else None
    except ValueError:
        body = None
    return status, hdrs, body


def alive():
    status, _, body = get("/healthz")
    return status == 200 and body["status"] == "ok"


# ---- 1. one anonymous GET killed the server ------------------------------------------


def test_long_query_does_not_kill_the_server():
    for path in ["/api/v1/summary?x=" + "A" * 600,
                 "/api/v1/summary?" + "&".join("k%d=%s" % (i, "v" * 40) for i in range(40)),
                 "/api/v1/projects?limit=20&q=" + urllib.parse.quote("桃林镇" * 57),
                 "/api/v1/projects?q=" + "%E6" * 300]:
        status, _, body = get(path)
        assert status in (200, 400), (path[:60], status, body)
        assert alive(), "the server died on " + path[:60]
    # a page's images ask for photos with long names: never a crash
    status, _, _ = get("/media/" + "a" * 64 + ".jpg?" + "x" * 3000)
    assert status == 404 and alive()


# ---- 4. the answer cache never serves a wrong answer ----------------------------------------


def test_cache_keys_do_not_collide():
    """?q=TAOLIN%26limit%3D6 (one argument) and ?q=TAOLIN&limit=6 (two) used to share
    a key: the second answered the first's total 0 until the log grew."""
    one = public("/api/v1/projects?q=TAOLIN%26limit%3D6")
    two = public("/api/v1/projects?q=TAOLIN&limit=6")
    assert one["total"] == 0 and two["total"] == 1, (one["total"], two["total"])
    assert public("/api/v1/projects?q=TAOLIN%26limit%3D6")["total"] == 0
    # a bare flag and an empty value are different questions as well
    assert public("/api/v1/projects?q")["total"] == public("/api/v1/projects?q=")["total"]
    assert public("/api/v1/projects?q=%E6%A1%83%E6%9E%97")["total"] >= 1  # 桃林


def test_cached_answers_follow_the_date():
    """/summary counts requests past their expiry date, so a cached summary is only
    good on the day it was computed: moved to the next day, the server answers
    anew without any write in between."""
    day = os.path.join(S.dir, "today")
    with open(day, "w") as f:
        f.write("2024-06-01")
    with Server(env={"PAIRAID_TODAY": "@" + day}) as other:
        def expired():
            status, _, payload = other.request("GET", "/api/v1/summary")
            assert status == 200
            return json.loads(payload)["counts"]["expired_pending"]
        early = expired()
        assert expired() == early  # the same day: from the cache
        with open(day, "w") as f:
            f.write("2026-12-04")
        late = expired()
        assert late > early, (early, late)  # requests expired in between


# ---- 5. users are in the log, and a change to one counts at once ---------------------------


def test_user_changes_count_at_once():
    code, _, err = cli("user", "add", "hard.officer", "--role", "recipient", "--region", "320722",
                       stdin="Tall-cedar-79\n")
    assert code == 0, err
    tok = S.login("hard.officer", "Tall-cedar-79")
    bearer = {"Authorization": "Bearer " + tok}
    assert S.call("GET", "/api/v1/me", token=tok)[1]["user"]["region"] == "320722"
    # moved to another county: the session carries on, with the new scope
    assert cli("user", "change", "hard.officer", "--role", "recipient", "--region", "320707")[0] == 0
    assert S.call("GET", "/api/v1/me", token=tok)[1]["user"]["region"] == "320707"
    body = {"code": "HARD-MOVED", "name": "测试", "pairing": "WX-LYG-YX-DH", "region": "320722",
            "domain": "education", "kind": "livelihood", "budget": "1.00",
            "start_date": "2024-09-01"}
    status, _, _ = S.request("POST", "/api/v1/projects", body, bearer)
    assert status == 403, status
    # disabled: the session ends with the next request
    assert cli("user", "disable", "hard.officer")[0] == 0
    assert S.call("GET", "/api/v1/me", token=tok)[0] == 401
    status, _, _ = S.request("POST", "/api/v1/login", {"username": "hard.officer",
                                                       "password": "Tall-cedar-79"})
    assert status == 401, status
    assert cli("user", "enable", "hard.officer")[0] == 0
    tok = S.login("hard.officer", "Tall-cedar-79")
    # a new password ends the old sessions
    assert cli("user", "password", "hard.officer", stdin="Tall-cedar-80\n")[0] == 0
    assert S.call("GET", "/api/v1/me", token=tok)[0] == 401
    assert S.login("hard.officer", "Tall-cedar-80")
    code, _, err = cli("log", "verify")
    assert code == 0, err


# ---- 2. who may read is the library's: the CLI and HTTP agree ----------------------------

SECOND_PAIRING = {
    "pairings": "code,name,donor,recipient,start_date,end_date,parent,source\n"
                "SZ-SQ,苏州市—宿迁市结对帮扶（测试）,320500,321300,2022-01-01,,,synthetic\n",
    "projects": "code,name,pairing,region,domain,kind,status,budget,start_date,public,source\n"
                "SQ-MS-001,宿迁测试民生项目,SZ-SQ,321300,education,livelihood,approved,"
                "500000.00,2024-01-01,false,synthetic\n",
    "accounts": "code,name,kind,region,pairing,project\n"
                "SRC-SZ,苏州市帮扶资金（测试）,source,320500,SZ-SQ,\n"
                "POOL-SZ-SQ,苏州—宿迁资金池（测试）,pool,321300,SZ-SQ,\n"
                "PRJ-SQ-MS-001,宿迁测试民生项目资金,project,321300,SZ-SQ,SQ-MS-001\n",
    "transfers": "id,date,from,to,amount,project,memo\n"
                 "SZ-T-1,2024-03-01,SRC-SZ,POOL-SZ-SQ,900000.00,,\n"
                 "SZ-T-2,2024-03-05,POOL-SZ-SQ,PRJ-SQ-MS-001,400000.00,SQ-MS-001,\n",
}


def add_second_pairing():
    if not S.sql("SELECT 1 FROM pairings WHERE code = 'SZ-SQ'"):
        for kind in ("pairings", "projects", "accounts", "transfers"):
            import_csv(kind, SECOND_PAIRING[kind])


def codes_over_http(kind, user):
    status, body = api("GET", "/api/v1/export/%s?format=json" % kind, user=user)
    assert status == 200, (kind, user, status, body)
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in body)


def codes_on_cli(kind, user):
    code, out, err = cli("export", kind, "--format", "json", user=user)
    assert code == 0, (kind, user, err)
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in json.loads(out))


def test_cli_and_http_read_the_same():
    """The review's repro: an auditor of 无锡—连云港 read 苏州's source on the CLI."""
    add_second_pairing()
    for user in ("audit.wxlyg", "wuxi.finance", "donghai.office", "province.assess", "admin"):
        for kind in ("accounts", "transfers", "projects", "milestones"):
            assert codes_on_cli(kind, user) == codes_over_http(kind, user), (kind, user)
        http_status, _ = api("GET", "/api/v1/accounts/SRC-SZ/statement", user=user)
        cli_code, _, cli_err = cli("statement", "SRC-SZ", user=user)
        everything = user in ("province.assess", "admin")
        assert http_status == (200 if everything else 404), (user, http_status)
        assert cli_code == (0 if everything else 2), (user, cli_code, cli_err)
    assert '"SRC-SZ"' not in "".join(codes_on_cli("accounts", "audit.wxlyg"))
    assert '"SQ-MS-001"' not in "".join(codes_on_cli("projects", "wuxi.finance"))
    assert '"SQ-MS-001"' in "".join(codes_on_cli("projects", "province.assess"))


# ---- 3. every public figure is made of what the public may see ----------------------------


def public(path):
    status, body = api("GET", path)
    assert status == 200, (path, status, body)
    return body


def fen(text):
    whole, cents = text.split(".")
    return int(whole) * 100 + int(cents)


def check_public_totals():
    summary = public("/api/v1/summary")
    projects = public("/api/v1/projects?limit=1000")["projects"]
    assert all(p["public"] for p in projects)
    assert summary["counts"]["projects"] == len(projects) == public("/api/v1/projects")["total"]
    assert fen(summary["budget"]) == sum(fen(p["budget"]) for p in projects)
    for group, key in (("by_kind", "kind"), ("by_status", "status"), ("by_domain", "domain")):
        listed = {}
        for p in projects:
            n, b = listed.get(p[key], (0, 0))
            listed[p[key]] = (n + 1, b + fen(p["budget"]))
        assert {r["key"]: (r["count"], fen(r["budget"])) for r in summary[group]} == listed, group
    rows = public("/api/v1/budget?group=project")["rows"]
    assert sorted(r["key"] for r in rows) == sorted(p["code"] for p in projects)
    for group in ("county", "kind", "domain", "pairing"):
        grouped = public("/api/v1/budget?group=" + group)["rows"]
        assert sum(r["projects"] for r in grouped) == len(projects), group
        for field in ("budget", "allocated", "paid"):
            assert sum(fen(r[field]) for r in grouped) == sum(fen(r[field]) for r in rows), \
                (group, field)
    funds = summary["funds"]
    assert fen(funds["allocated"]) == sum(fen(r["allocated"]) for r in rows)
    assert fen(funds["paid"]) == sum(fen(r["paid"]) for r in rows)
    moments = public("/api/v1/moments?limit=1000")
    listed = {p["code"] for p in projects}
    assert moments["total"] == len(moments["moments"]) == summary["counts"]["milestones"]
    assert all(m["project"] in listed for m in moments["moments"])
    flows = public("/api/v1/flows")
    into_counties = sum(fen(link["amount"]) for link in flows["links"]
                        if link["target"].startswith("county:"))
    from_kinds = sum(fen(link["amount"]) for link in flows["links"]
                     if link["target"].startswith("kind:"))
    assert into_counties == from_kinds <= fen(funds["allocated"])
    return summary


def test_public_totals_are_sums_of_public_lists():
    check_public_totals()


def test_an_unpublished_project_changes_no_public_figure():
    """The review's repro: donghai.office created a project that is not public, and
    the public summary counted 148, 东海县 18, and the 小而美 segment 89."""
    before = {p: public(p) for p in ("/api/v1/summary", "/api/v1/budget?group=county",
                                     "/api/v1/budget?group=kind", "/api/v1/flows",
                                     "/api/v1/moments")}
    body = {"code": "HARD-PRIVATE-1", "name": "未公开的测试项目", "pairing": "WX-LYG-YX-DH",
            "region": "320722", "domain": "education", "kind": "livelihood",
            "budget": "300000.00", "start_date": "2024-09-01"}
    status, created = api("POST", "/api/v1/projects", body, user="donghai.office")
    assert status == 201 and created["public"] is False, (status, created)
    status, _ = api("POST", "/api/v1/projects/HARD-PRIVATE-1/milestones",
                    {"date": "2024-09-02", "kind": "start", "title": "开工"}, "donghai.office")
    assert status == 201
    for path, old in before.items():
        assert public(path) == old, path
    check_public_totals()
    status, _ = api("GET", "/api/v1/projects/HARD-PRIVATE-1")
    assert status == 404
    status, mine = api("GET", "/api/v1/summary", user="donghai.office")
    assert mine["counts"]["projects"] > before["/api/v1/summary"]["counts"]["projects"]


if __name__ == "__main__":
    with Server() as srv:
        S = srv
        main([test_long_query_does_not_kill_the_server,
              test_cache_keys_do_not_collide,
              test_cached_answers_follow_the_date,
              test_user_changes_count_at_once,
              test_cli_and_http_read_the_same,
              test_public_totals_are_sums_of_public_lists,
              test_an_unpublished_project_changes_no_public_figure])
