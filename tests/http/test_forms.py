"""What the app's forms are offered, and the screens issue 12 adds (docs/api.md):

- GET /api/v1/me `may`, GET /api/v1/pairings|regions?may=create_project,
  GET /api/v1/accounts?may=request[&from=], a project's `may`: each list is
  checked against the write it stands for (what is offered is accepted, what is
  left out is refused), so the lists and the rules cannot drift apart;
- POST /api/v1/accounts: an account for a new project, with the CSV import's checks;
- a milestone's photo (POST /api/v1/media, then the milestone naming it);
- GET /api/v1/projects/{code}/history, read from the log.

A refused request is a 4xx with the error shape and leaves server.snapshot() as it was.

    PAIRAID=build-test/pairaid PA_SOURCE_DIR=. python3 tests/http/test_forms.py
"""
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server  # noqa: E402
from server import Server, main  # noqa: E402

S = None
TOKENS = {}
DONGHAI = "320722"


def token(user):
    if user not in TOKENS:
        TOKENS[user] = S.login(user)
    return TOKENS[user]


def call(method, path, body=None, user=None, raw=None, headers=None):
    return S.call(method, path, body, token=token(user) if user else None, raw=raw, headers=headers)


def must(method, path, body=None, user="admin"):
    status, parsed = call(method, path, body, user)
    assert status in (200, 201), (method, path, body, user, status, parsed)
    return parsed


def refused(method, path, body, user, status, field=None, raw=None, headers=None):
    """The request gets `status` with the error shape and changes nothing."""
    before = S.snapshot()
    got, parsed = call(method, path, body, user, raw, headers)
    assert got == status, (method, path, body, user, got, parsed)
    assert set(parsed) == {"error"} and parsed["error"]["message"], parsed
    if field is not None:
        assert parsed["error"]["field"] == field, parsed
    assert S.snapshot() == before, "a refused request changed the books"
    return parsed


def png(width=4, height=3):
    """A small valid PNG (solid orange), made here: no picture files in the tree."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xf0\x80\x30" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def new_project(code, user="donghai.office", pairing="WX-LYG-YX-DH", region=DONGHAI):
    return must("POST", "/api/v1/projects", {
        "code": code, "name": "东海县" + code + "测试项目", "pairing": pairing, "region": region,
        "domain": "education", "kind": "livelihood", "budget": "500000.00",
        "start_date": "2026-03-01"}, user)


# ---- what the user may do ---------------------------------------------------------------


def test_me_says_what_each_role_may_do():
    expected = {
        "admin": (True, True, True),
        "wuxi.finance": (False, True, True),
        "donghai.office": (True, True, True),
        "audit.wxlyg": (False, False, False),
        "province.assess": (False, False, False),
    }
    for user, (project, account, request) in expected.items():
        may = must("GET", "/api/v1/me", user=user)["may"]
        assert may == {"create_project": project, "create_account": account,
                       "request_transfer": request}, (user, may)


def test_pairings_offered_are_those_a_project_may_be_filed_in():
    codes = lambda user: sorted(p["code"] for p in must(  # noqa: E731
        "GET", "/api/v1/pairings?may=create_project", user=user)["pairings"])
    assert codes("donghai.office") == ["WX-LYG", "WX-LYG-YX-DH"], codes("donghai.office")
    assert codes("ganyu.office") == ["WX-LYG", "WX-LYG-HS-GY"]
    assert codes("audit.wxlyg") == [] and codes("province.assess") == [] and codes("wuxi.finance") == []
    everything = sorted(p["code"] for p in must("GET", "/api/v1/pairings")["pairings"])
    assert codes("admin") == everything and len(everything) == 19
    status, body = call("GET", "/api/v1/pairings?may=create_project")
    assert status == 200 and body == {"pairings": []}, (status, body)
    refused("GET", "/api/v1/pairings?may=delete", None, "donghai.office", 400, "may")
    # what is left out is refused by the write itself
    body = {"code": "T-NOT-OFFERED", "name": "未提供的结对", "pairing": "WX-LYG-HS-GY",
            "region": "320707", "domain": "education", "kind": "livelihood",
            "budget": "1.00", "start_date": "2026-03-01"}
    refused("POST", "/api/v1/projects", body, "donghai.office", 403)


def test_regions_offered_for_a_pairing():
    regions = lambda user, pairing: [r["code"] for r in must(  # noqa: E731
        "GET", "/api/v1/regions?may=create_project&pairing=" + pairing, user=user)["regions"]]
    assert regions("donghai.office", "WX-LYG") == [DONGHAI]
    assert regions("donghai.office", "WX-LYG-YX-DH") == [DONGHAI]
    assert regions("donghai.office", "WX-LYG-HS-GY") == []
    assert regions("audit.wxlyg", "WX-LYG") == []
    everything = regions("admin", "WX-LYG")
    assert everything[0] == "320700" and DONGHAI in everything and len(everything) == 7, everything
    named = must("GET", "/api/v1/regions?may=create_project&pairing=WX-LYG-YX-DH", user="donghai.office")
    assert named["regions"][0]["name"] == "东海县", named
    refused("GET", "/api/v1/regions?may=create_project", None, "donghai.office", 400, "may")
    refused("GET", "/api/v1/regions?may=create_project&pairing=WX-LYG&parent=320700", None,
            "donghai.office", 400, "may")
    refused("GET", "/api/v1/regions?may=x&pairing=WX-LYG", None, "donghai.office", 400, "may")
    refused("GET", "/api/v1/regions?may=create_project&pairing=NOPE", None, "donghai.office", 422,
            "pairing")
    # an offered pairing and region are accepted
    new_project("T-REGION-OK", pairing="WX-LYG")


def test_payer_accounts_are_those_a_request_may_ask():
    listed = must("GET", "/api/v1/accounts?may=request", user="donghai.office")["accounts"]
    codes = {a["code"] for a in listed}
    readable = must("GET", "/api/v1/accounts", user="donghai.office")["accounts"]
    assert len(readable) > 300 and 10 < len(listed) < 30, (len(readable), len(listed))
    for a in listed:
        assert (a["kind"] == "project" and a["region"] == DONGHAI) or a["code"] == "POOL-WX-LYG", a
    assert not any(a["kind"] == "source" for a in listed)
    # the pool is offered only into the county's own project accounts
    into = must("GET", "/api/v1/accounts?may=request&from=POOL-WX-LYG", user="donghai.office")["accounts"]
    assert into and all(a["kind"] == "project" and a["region"] == DONGHAI for a in into), into
    # what is left out is refused by the write itself: a source, another county's account
    source = next(a["code"] for a in readable if a["kind"] == "source")
    ganyu = next(a["code"] for a in readable if a["region"] == "320707" and a["kind"] == "project")
    assert source not in codes and ganyu not in codes
    for payer in (source, ganyu):
        refused("POST", "/api/v1/transfers", {
            "id": "T-REQ-" + payer, "kind": "pending", "date": "2026-03-02", "from": payer,
            "to": "PRJ-LYG-MS-047", "amount": "1.00"}, "donghai.office", 403)
    # an auditor is offered nothing; a donor its money
    assert must("GET", "/api/v1/accounts?may=request", user="audit.wxlyg")["accounts"] == []
    donor = must("GET", "/api/v1/accounts?may=request", user="wuxi.finance")["accounts"]
    assert donor and all(a["kind"] in ("source", "pool", "project") for a in donor)
    refused("GET", "/api/v1/accounts?may=pay", None, "donghai.office", 400, "may")
    refused("GET", "/api/v1/accounts?from=POOL-WX-LYG", None, "donghai.office", 400, "may")
    refused("GET", "/api/v1/accounts?may=request&kind=pool", None, "donghai.office", 400, "may")
    refused("GET", "/api/v1/accounts?may=request&from=NOPE", None, "donghai.office", 422, "from")


def test_project_says_what_its_reader_may_do():
    mine = must("GET", "/api/v1/projects/LYG-MS-047", user="donghai.office")
    assert mine["may"] == {"edit": True, "add_milestone": True, "open_account": True}, mine["may"]
    for user in ("audit.wxlyg", "province.assess", "ganyu.office", "wuxi.finance"):
        may = must("GET", "/api/v1/projects/LYG-MS-047", user=user)["may"]
        assert may == {"edit": False, "add_milestone": False, "open_account": False}, (user, may)
    status, public = call("GET", "/api/v1/projects/LYG-MS-047")
    assert status == 200 and "may" not in public
    # a PATCH built from a read (may included) is not refused for the extra field
    body = {k: mine[k] for k in ("name",)}
    must("PATCH", "/api/v1/projects/LYG-MS-047", body, "donghai.office")


def test_transfers_of_a_county():
    """?region= keeps the transfers with an account in the county (the app's default for a county office)."""
    mine = must("GET", "/api/v1/transfers?region=" + DONGHAI + "&limit=1000", user="donghai.office")
    everything = must("GET", "/api/v1/transfers?limit=1000", user="donghai.office")
    assert 0 < mine["total"] < everything["total"], (mine["total"], everything["total"])
    regions = {a["code"]: a["region"] for a in must("GET", "/api/v1/accounts", user="admin")["accounts"]}
    for t in mine["transfers"]:
        assert DONGHAI in (regions[t["from"]], regions[t["to"]]), t
    city = must("GET", "/api/v1/transfers?region=320700&limit=1", user="donghai.office")
    assert city["total"] >= mine["total"]
    refused("GET", "/api/v1/transfers?region=east", None, "donghai.office", 400, "region")


# ---- an account for a new project -------------------------------------------------------


def account(code, project, region=DONGHAI, pairing="WX-LYG-YX-DH", **extra):
    body = {"code": code, "name": project + "项目资金", "kind": "project", "region": region,
            "pairing": pairing, "project": project}
    body.update(extra)
    return body


def test_account_for_a_new_project():
    new_project("T-ACC")
    created = must("POST", "/api/v1/accounts", account("PRJ-T-ACC", "T-ACC"), "donghai.office")
    assert created["code"] == "PRJ-T-ACC" and created["project"] == "T-ACC", created
    listed = must("GET", "/api/v1/accounts?project=T-ACC", user="donghai.office")["accounts"]
    assert [a["code"] for a in listed] == ["PRJ-T-ACC"] and listed[0]["balance"] == "0.00"
    assert listed[0]["region_name"] == "东海县"
    payers = {a["code"] for a in must("GET", "/api/v1/accounts?may=request", user="donghai.office")["accounts"]}
    assert "PRJ-T-ACC" in payers
    # bad input: nothing changes
    refused("POST", "/api/v1/accounts", account("PRJ-T-ACC-2", "T-ACC", name=""), "donghai.office", 422, "name")
    refused("POST", "/api/v1/accounts", account("PRJ-T-ACC-2", "T-ACC", colour="red"), "donghai.office", 422, "colour")
    refused("POST", "/api/v1/accounts", account("PRJ T ACC", "T-ACC"), "donghai.office", 422, "code")
    refused("POST", "/api/v1/accounts", account("PRJ-T-ACC-2", "T-ACC", region="320707"), "donghai.office", 403)
    refused("POST", "/api/v1/accounts", account("PRJ-T-ACC-2", "NOPE"), "donghai.office", 422, "project")
    refused("POST", "/api/v1/accounts", account("PRJ-T-ACC", "T-ACC"), "donghai.office", 409, "code")
    # scope: a county office cannot open an account in another county's project
    ganyu_project = next(p for p in must("GET", "/api/v1/projects?region=320707&limit=1",
                                         user="ganyu.office")["projects"])
    refused("POST", "/api/v1/accounts",
            account("PRJ-T-OTHER", ganyu_project["code"], "320707", ganyu_project["pairing"]),
            "donghai.office", 403)
    refused("POST", "/api/v1/accounts", account("PRJ-T-ACC-3", "T-ACC"), "audit.wxlyg", 403)
    refused("POST", "/api/v1/accounts", account("PRJ-T-ACC-3", "T-ACC"), None, 401)


# ---- a milestone's photo ------------------------------------------------------------------


def test_milestone_photo():
    picture = png()
    status, stored = call("POST", "/api/v1/media", user="donghai.office", raw=picture,
                          headers={"Content-Type": "image/png"})
    assert status == 201 and stored["name"].endswith(".png"), (status, stored)
    body = {"date": "2026-03-05", "kind": "other", "title": "食堂主体封顶", "photo": stored["name"]}
    must("POST", "/api/v1/projects/LYG-MS-047/milestones", body, "donghai.office")
    milestones = must("GET", "/api/v1/projects/LYG-MS-047", user="donghai.office")["milestones"]
    shown = next(m for m in milestones if m["title"] == "食堂主体封顶")
    assert shown["photo"] == stored["url"], shown
    status, _, payload = S.request("GET", stored["url"])
    assert status == 200 and payload == picture
    bad = dict(body, title="另一张")
    refused("POST", "/api/v1/projects/LYG-MS-047/milestones", dict(bad, photo="0" * 64 + ".png"),
            "donghai.office", 422, "photo")
    refused("POST", "/api/v1/projects/LYG-MS-047/milestones", dict(bad, photo="../../etc/passwd"),
            "donghai.office", 422, "photo")
    refused("POST", "/api/v1/projects/LYG-MS-047/milestones", dict(bad, photo=7),
            "donghai.office", 422, "photo")
    refused("POST", "/api/v1/projects/LYG-MS-047/milestones", bad, "ganyu.office", 403)


# ---- the change history -------------------------------------------------------------------


def test_history_after_a_patch():
    new_project("T-HIST")
    must("PATCH", "/api/v1/projects/T-HIST",
         {"name": "东海县测试项目（改名）", "budget": "650000.00", "status": "approved"}, "donghai.office")
    must("POST", "/api/v1/accounts", account("PRJ-T-HIST", "T-HIST"), "donghai.office")
    history = must("GET", "/api/v1/projects/T-HIST/history", user="donghai.office")
    assert history["project"] == "T-HIST"
    rows = history["history"]
    assert [r["type"] for r in rows] == ["project.create", "project.update", "project.advance",
                                        "account.create"], rows
    assert all(r["actor"] == "donghai.office" and r["role"] == "recipient" for r in rows), rows
    assert rows[0]["seq"] < rows[1]["seq"] < rows[2]["seq"] < rows[3]["seq"]
    assert len(rows[0]["time"]) == 16 and rows[0]["time"][4] == "-", rows[0]["time"]
    update = {c["field"]: (c["old"], c["new"]) for c in rows[1]["changes"]}
    assert update == {"name": ("东海县T-HIST测试项目", "东海县测试项目（改名）"),
                      "budget": ("500000.00", "650000.00")}, update
    assert rows[2]["changes"] == [{"field": "status", "old": "proposed", "new": "approved"}]
    assert rows[3]["subject"] == "PRJ-T-HIST"
    # an auditor of the pairing reads it; a reader who may not read the project gets 404
    assert len(must("GET", "/api/v1/projects/T-HIST/history", user="audit.wxlyg")["history"]) == 4
    refused("GET", "/api/v1/projects/T-HIST/history", None, "jiangyin.finance", 404)
    refused("GET", "/api/v1/projects/NOPE-123/history", None, "donghai.office", 404)
    refused("GET", "/api/v1/projects/T-HIST/history", None, None, 401)


TESTS = [test_me_says_what_each_role_may_do, test_pairings_offered_are_those_a_project_may_be_filed_in,
         test_regions_offered_for_a_pairing, test_payer_accounts_are_those_a_request_may_ask,
         test_project_says_what_its_reader_may_do, test_transfers_of_a_county,
         test_account_for_a_new_project,
         test_milestone_photo, test_history_after_a_patch]


def run():
    global S
    code = 0
    with Server() as S:
        try:
            main(TESTS)
        except SystemExit as e:
            code = e.code or 0
        rc, out, err = server.run("--db", S.db, "log", "verify")
        if rc != 0:
            print("FAIL log verify after the tests: %s %s" % (out, err))
            code = 1
    sys.exit(code)


if __name__ == "__main__":
    run()
