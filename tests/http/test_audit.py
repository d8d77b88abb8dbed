"""The joint audit over HTTP (docs/api.md, "The joint audit"): every role against every
audit endpoint, bad input that must be a 4xx and change nothing, the attachment upload,
and the public summary's cache following the log.

The findings it works on are planted here, through the API, not taken from the demo:
a payment for a vehicle out of a 东海县 project account (negative_list) dated inside
the audit's window, so the test holds whatever the demo's own findings become.

    PAIRAID=build-dev/pairaid PA_SOURCE_DIR=. python3 tests/http/test_audit.py
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server  # noqa: E402
from server import Server, is_error, main  # noqa: E402

S = None
TOKENS = {}
AS_OF = "2024-09-10"
PLANTED = "AUD-VEHICLE-1"  # the transfer the planted finding names
NOTE = "内部整改说明：车辆费用已退回项目账户（不公开）"

# the roles of docs/api.md and the users who play them (server.py)
USERS = {
    "admin": "admin",
    "donor": "wuxi.finance",
    "recipient": "donghai.office",
    "recipient_other": "ganyu.office",
    "auditor": "audit.wxlyg",
    "assessor": "province.assess",
}
ROLES = ["anonymous"] + list(USERS)

# a 1x1 PNG: the upload is typed by its bytes, so it must be a real one
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5d6a1e40000000049454e44ae426082")


def token(role):
    if role == "anonymous":
        return None
    if role not in TOKENS:
        TOKENS[role] = S.login(USERS[role])
    return TOKENS[role]


def call(method, path, body=None, role="admin", raw=None, headers=None):
    return S.call(method, path, body, token=token(role), raw=raw, headers=headers)


def must(method, path, body=None, role="admin"):
    status, parsed = call(method, path, body, role)
    assert status in (200, 201), (method, path, role, status, parsed)
    return parsed



def plant_finding():
    """A posted payment for 车辆 out of a 东海县 project's account: negative_list fires."""
    must("POST", "/api/v1/transfers",
         {"id": PLANTED, "date": "2024-09-01", "from": "PRJ-LYG-MS-052",
          "to": "PAY-SYN-BUILD-DH", "amount": "1000.00", "kind": "posted",
          "project": "LYG-MS-052", "purpose": "vehicles", "memo": "购置车辆"},
         "recipient")
    out = must("POST", "/api/v1/audit/run", {"as_of": AS_OF}, "auditor")
    assert out["runs"] == 1 and out["found"] >= 1 and out["opened"] >= 1, out


def planted_id():
    _, body = call("GET", "/api/v1/audit/findings?status=all&rule=negative_list", role="auditor")
    ids = [f["id"] for f in body["findings"] if PLANTED in f["evidence"].split()]
    assert len(ids) == 1, body
    return ids[0]


# ---- reads ----------------------------------------------------------------------------


def test_planted_finding_reads_as_the_contract_says():
    plant_finding()
    fid = planted_id()
    status, f = call("GET", "/api/v1/audit/findings/" + fid, role="auditor")
    assert status == 200, f
    for key in ("id", "rule", "severity", "subject", "amount", "evidence", "message", "status",
                "opened", "updated", "pairing", "project", "region", "region_name", "rule_zh",
                "history"):
        assert key in f, key
    assert f["rule"] == "negative_list" and f["severity"] == "error"
    assert f["amount"] == "1000.00" and f["region"] == "320722" and f["status"] == "open"
    assert "车辆" in f["message"] and f["opened"] == AS_OF
    assert [h["action"] for h in f["history"]] == ["opened"]


def test_findings_read_per_role():
    fid = planted_id()
    for role in ROLES:
        status, body = call("GET", "/api/v1/audit/findings", role=role)
        one, detail = call("GET", "/api/v1/audit/findings/" + fid, role=role)
        if role == "anonymous":
            assert is_error(status, body, 401, "unauthenticated"), (status, body)
            assert is_error(one, detail, 401, "unauthenticated"), (one, detail)
            continue
        # every signed-in role of the demo reads 无锡—连云港, where the finding is
        assert status == 200 and body["total"] == len(body["findings"]), (role, body)
        assert fid in [f["id"] for f in body["findings"]], role
        assert one == 200 and detail["id"] == fid, (role, one, detail)


def test_filters():
    fid = planted_id()
    checks = {"rule=negative_list": True, "rule=idle_funds": False, "severity=error": True,
              "severity=warning": False, "region=320722": True, "region=320707": False,
              "project=LYG-MS-052": True, "project=NOPE": False,
              "pairing=WX-LYG": True, "pairing=WX-LYG-YX-DH": False, "status=open": True,
              "status=all": True, "status=resolved": False, "status=": True}
    for q, expected in checks.items():
        status, body = call("GET", "/api/v1/audit/findings?" + q, role="auditor")
        assert status == 200, (q, body)
        assert (fid in [f["id"] for f in body["findings"]]) == expected, q
        assert all(f["status"] not in ("resolved", "cleared") for f in body["findings"]) or \
            "status=all" == q or q.startswith("status=r"), q
    for q in ("status=nope", "rule=nope", "severity=fatal"):
        status, body = call("GET", "/api/v1/audit/findings?" + q, role="auditor")
        assert is_error(status, body, 400, "malformed") and body["error"]["field"] == q.split("=")[0], \
            (q, status, body)


def test_unknown_finding_is_404():
    for fid in ("F-9999", "nope", "%E4%B8%AD", "x" * 300, "F-0001%00"):
        status, body = call("GET", "/api/v1/audit/findings/" + fid, role="auditor")
        assert is_error(status, body, 404, "not_found"), (fid, status, body)
        status, body = call("POST", "/api/v1/audit/findings/%s/responses" % fid,
                            {"action": "explain", "note": "x"}, role="recipient")
        assert is_error(status, body, 404, "not_found"), (fid, status, body)


# ---- running the audit -------------------------------------------------------------------


def test_run_per_role():
    expected = {"anonymous": 401, "admin": 200, "auditor": 200, "donor": 403, "recipient": 403,
                "recipient_other": 403, "assessor": 403}
    for role in ROLES:
        before = S.snapshot()
        # WX-LYG's audit by name (the admin's run with none named would audit the demo's
        # other pairs too, for the first time)
        status, body = call("POST", "/api/v1/audit/run", {"as_of": AS_OF, "pairing": "WX-LYG"},
                            role=role)
        assert status == expected[role], (role, status, body)
        if status == 200:
            # found again: the same ids, nothing new, nothing cleared
            assert body["opened"] == 0 and body["cleared"] == 0 and body["as_of"] == AS_OF, body
        else:
            assert is_error(status, body, status), body
            assert S.snapshot() == before, role


def test_run_bad_input():
    bad = [
        ({"as_of": "2024-02-30"}, 422, "as_of"),
        ({"as_of": 20240910}, 422, "as_of"),
        ({"pairing": "NOPE"}, 422, "pairing"),
        ({"pairing": 7}, 422, "pairing"),
        ({"asof": "2024-09-10"}, 422, "asof"),
    ]
    for body, expected, field in bad:
        before = S.snapshot()
        status, out = call("POST", "/api/v1/audit/run", body, role="auditor")
        assert is_error(status, out, expected) and out["error"]["field"] == field, (body, out)
        assert S.snapshot() == before, body
    for raw in (b"{", b"[]", b"\"x\"", b"\xff\xfe"):
        status, out = call("POST", "/api/v1/audit/run", role="auditor", raw=raw,
                           headers={"Content-Type": "application/json"})
        assert is_error(status, out, 400, "malformed"), (raw, status, out)
    # an empty body is an empty object: today, every pairing
    status, out = call("POST", "/api/v1/audit/run", role="auditor")
    assert status == 200 and out["runs"] == 1, out


# ---- responses (整改) -------------------------------------------------------------------------


def respond(fid, action, role, note="说明", **extra):
    body = dict({"action": action, "note": note}, **extra)
    return call("POST", "/api/v1/audit/findings/%s/responses" % fid, body, role=role)


def test_explain_per_role():
    fid = planted_id()
    expected = {"anonymous": 401, "admin": 201, "recipient": 201, "recipient_other": 403,
                "donor": 403, "auditor": 403, "assessor": 403}
    for role in ROLES:
        before = S.snapshot()
        status, body = respond(fid, "explain", role, NOTE)
        assert status == expected[role], (role, status, body)
        if status == 201:
            assert body["id"] == fid and body["status"] == "explained", body
            assert body["history"][-1]["note"] == NOTE and body["history"][-1]["actor"] == \
                USERS[role], body
        else:
            assert is_error(status, body, status), body
            assert S.snapshot() == before, role


def test_resolve_and_reopen_per_role():
    fid = planted_id()
    for action in ("resolve", "reopen"):
        for role in ROLES:
            if role in ("auditor", "admin"):
                continue
            before = S.snapshot()
            status, body = respond(fid, action, role)
            assert status == (401 if role == "anonymous" else 403), (action, role, status, body)
            assert S.snapshot() == before, (action, role)
        status, body = respond(fid, action, "auditor")
        assert status == 201 and body["status"] == ("resolved" if action == "resolve" else "open")
    status, body = respond(fid, "acknowledge", "recipient")
    assert status == 201 and body["status"] == "acknowledged", body
    status, body = respond(fid, "resolve", "admin")
    assert status == 201 and body["status"] == "resolved", body
    # a resolved finding takes no explanation: 422, nothing changes
    before = S.snapshot()
    status, body = respond(fid, "explain", "recipient")
    assert is_error(status, body, 422) and body["error"]["field"] == "action", body
    assert S.snapshot() == before
    status, body = respond(fid, "reopen", "auditor")
    assert status == 201 and body["status"] == "open", body
    actions = [h["action"] for h in body["history"]]
    assert actions[0] == "opened" and actions[-3:] == ["acknowledge", "resolve", "reopen"], actions


def test_respond_bad_input():
    fid = planted_id()
    path = "/api/v1/audit/findings/%s/responses" % fid
    bad = [
        ({"action": "approve", "note": "x"}, "action"),
        ({"note": "x"}, "action"),
        ({"action": "explain"}, "note"),
        ({"action": "explain", "note": ""}, "note"),
        ({"action": "explain", "note": "长" * 1001}, "note"),
        ({"action": "explain", "note": 5}, "note"),
        ({"action": "explain", "note": "x", "attachment": 5}, "attachment"),
        ({"action": "explain", "note": "x", "attachment": "../pairaid.db"}, "attachment"),
        ({"action": "explain", "note": "x", "attachment": "0" * 64 + ".png"}, "attachment"),
        ({"action": "explain", "note": "x", "file": "a.png"}, "file"),
    ]
    for body, field in bad:
        before = S.snapshot()
        status, out = call("POST", path, body, role="recipient")
        assert is_error(status, out, 422, "invalid") and out["error"]["field"] == field, \
            (body, status, out)
        assert S.snapshot() == before, body
    status, out = call("POST", path, role="recipient", raw=b"not json",
                       headers={"Content-Type": "application/json"})
    assert is_error(status, out, 400, "malformed"), out
    status, out = call("GET", path, role="recipient")
    assert is_error(status, out, 405, "method_not_allowed"), out


def test_attachment_upload_and_response():
    fid = planted_id()
    h = {"Content-Type": "image/png"}
    status, out = call("POST", "/api/v1/media", role="anonymous", raw=PNG, headers=h)
    assert is_error(status, out, 401), out
    status, out = call("POST", "/api/v1/media", role="recipient", raw=PNG,
                       headers={"Content-Type": "text/html"})
    assert is_error(status, out, 415), out
    status, out = call("POST", "/api/v1/media", role="recipient", raw=b"<html>hi</html>",
                       headers=h)
    assert is_error(status, out, 422, "invalid"), out
    status, out = call("POST", "/api/v1/media", role="recipient", raw=b"", headers=h)
    assert is_error(status, out, 422, "invalid"), out
    status, out = call("POST", "/api/v1/media", role="recipient", raw=PNG, headers=h)
    assert status == 201 and out["name"].endswith(".png") and out["url"] == "/media/" + out["name"]
    status, hdrs, img = S.request("GET", out["url"])
    assert status == 200 and img == PNG and hdrs["content-type"] == "image/png"
    status, body = respond(fid, "explain", "recipient", "附整改照片", attachment=out["name"])
    assert status == 201 and body["history"][-1]["attachment"] == out["name"], body


def test_cookie_writes_need_csrf():
    status, hdrs, body = S.request("POST", "/api/v1/login",
                                   {"username": "audit.wxlyg",
                                    "password": server.PASSWORDS["audit.wxlyg"]})
    cookie = hdrs["set-cookie"].split(";")[0]
    csrf = json.loads(body)["csrf"]
    for path, payload in (("/api/v1/audit/run", {"as_of": AS_OF}),
                          ("/api/v1/measures", {"text": "[idle_funds]\nenabled = true\n"})):
        before = S.snapshot()
        status, _, out = S.request("POST", path, payload, {"Cookie": cookie})
        assert status == 403, (path, status, out)
        assert S.snapshot() == before
        status, _, out = S.request("POST", path, payload, {"Cookie": cookie, "X-CSRF-Token": csrf})
        assert status in (200, 201), (path, status, out)


# ---- the measures (资金管理办法) ----------------------------------------------------------------

MEASURES = "[idle_funds]\nenabled = true\n\n[negative_list]\nenabled = false\n"


def test_measures_per_role():
    expected_propose = {"anonymous": 401, "admin": 201, "donor": 201, "recipient": 201,
                        "recipient_other": 201, "auditor": 201, "assessor": 403}
    versions = {}
    # the demo has four city pairings: the officers' own is WX-LYG (docs/audit.md), an
    # admin and an assessor name it
    own = {"admin": "?pairing=WX-LYG", "assessor": "?pairing=WX-LYG"}
    for role in ROLES:
        status, body = call("GET", "/api/v1/measures" + own.get(role, ""), role=role)
        assert status == (401 if role == "anonymous" else 200), (role, status, body)
        if status == 200:
            assert body["pairing"] == "WX-LYG", (role, body["pairing"])
        before = S.snapshot()
        status, body = call("POST", "/api/v1/measures",
                            {"text": MEASURES, **({"pairing": "WX-LYG"} if role in own else {})},
                            role=role)
        assert status == expected_propose[role], (role, status, body)
        if status == 201:
            assert set(body) == {"version", "pairing"} and body["pairing"] == "WX-LYG", body
            versions[role] = body["version"]
        else:
            assert is_error(status, body, status) and S.snapshot() == before, role
    v = versions["auditor"]
    # approvals are the two sides' officers; nobody else, and not the public
    for role, expected in (("anonymous", 401), ("admin", 403), ("auditor", 403),
                           ("assessor", 403)):
        before = S.snapshot()
        status, body = call("POST", "/api/v1/measures/%d/approve" % v,
                            {"pairing": "WX-LYG"} if role in own else None, role=role)
        assert status == expected, (role, status, body)
        assert S.snapshot() == before, role
    status, body = call("POST", "/api/v1/measures/%d/approve" % v, role="donor")
    assert status == 200 and body == {"version": v, "pairing": "WX-LYG", "in_force": False}, body
    _, listed = call("GET", "/api/v1/measures", role="auditor")
    entry = [x for x in listed["versions"] if x["version"] == v][0]
    assert entry["donor_by"] == "wuxi.finance" and entry["recipient_by"] is None, entry
    assert "+ enabled = false" in entry["diff"], entry["diff"]
    assert listed["in_force"] == 0 and "[idle_funds]" in listed["text"], listed
    status, body = call("POST", "/api/v1/measures/%d/approve" % v, role="recipient_other")
    assert status == 200 and body["in_force"] is True, body
    _, listed = call("GET", "/api/v1/measures", role="donor")
    assert listed["in_force"] == v and listed["text"] == MEASURES, listed
    entry = [x for x in listed["versions"] if x["version"] == v][0]
    assert entry["in_force"] is True and entry["diff"] == [], entry
    # the audit now runs by that version; a rule switched off leaves its findings as
    # they were (the library's rule: not found is not the same as not looked for)
    _, before = call("GET", "/api/v1/audit/findings/" + planted_id(), role="auditor")
    out = must("POST", "/api/v1/audit/run", {"as_of": AS_OF}, "auditor")
    assert out["measures_version"] == v, out
    _, after = call("GET", "/api/v1/audit/findings/" + planted_id(), role="auditor")
    assert after["status"] == before["status"] and after["history"] == before["history"]


def test_bad_measures_change_nothing():
    bad = [
        ("[idle_funds]\nenabled = maybe\n", 2, "enabled"),
        ("[idle_funds]\nenabled = true\nfoo = 1\n", 3, "foo"),
        ("[no_such_rule]\nenabled = true\n", 1, "no_such_rule"),
        ("[idle_funds]\nmax_days = -3\n", 2, "max_days"),
        ("[idle_funds]\nenabled = true\nenabled = false\n", 3, "enabled"),
    ]
    _, before_list = call("GET", "/api/v1/measures", role="auditor")
    for text, line, key in bad:
        before = S.snapshot()
        status, out = call("POST", "/api/v1/measures", {"text": text}, role="donor")
        assert is_error(status, out, 422, "invalid"), (text, status, out)
        msg = out["error"]["message"]
        assert msg.startswith("line %d: " % line) and key in msg, out
        assert set(out["error"]) == {"code", "message", "field"}, out
        assert out["error"]["field"] == key, out
        assert S.snapshot() == before, text
    for body, field in (({}, "text"), ({"text": 5}, "text"),
                        ({"text": MEASURES, "pairing": "NOPE"}, "pairing"),
                        ({"text": MEASURES, "version": 3}, "version")):
        before = S.snapshot()
        status, out = call("POST", "/api/v1/measures", body, role="donor")
        assert is_error(status, out, 422) and out["error"]["field"] == field, (body, out)
        assert S.snapshot() == before, body
    _, after_list = call("GET", "/api/v1/measures", role="auditor")
    assert after_list == before_list
    for version in ("0", "abc", "-1", "99999999999", "1.0", "9999"):
        status, out = call("POST", "/api/v1/measures/%s/approve" % version, role="donor")
        assert is_error(status, out, 404, "not_found"), (version, status, out)
    status, out = call("POST", "/api/v1/measures/1/approve", {"pairing": "WX-LYG", "x": 1},
                       role="donor")
    assert is_error(status, out, 422) and out["error"]["field"] == "x", out
    status, out = call("GET", "/api/v1/measures?pairing=NOPE", role="donor")
    assert is_error(status, out, 404), out


# ---- the public summary ------------------------------------------------------------------------


def summary_status(role="anonymous"):
    status, body = call("GET", "/api/v1/audit/summary", role=role)
    assert status == 200, (role, status, body)
    return body


def test_public_summary_per_role_and_no_notes():
    for role in ROLES:
        body = summary_status(role)
        assert set(body) == {"rows", "count", "amount"}, body
        assert body["count"] == sum(r["count"] for r in body["rows"])
        for row in body["rows"]:
            assert set(row) == {"region", "region_name", "rule", "rule_zh", "status", "count",
                                "amount"}, row
            assert isinstance(row["amount"], str) and row["amount"].count(".") == 1 and \
                len(row["amount"].split(".")[1]) == 2, row
    status, hdrs, raw = S.request("GET", "/api/v1/audit/summary")
    text = raw.decode()
    assert "note" not in text and NOTE not in text and "整改" not in text, text


def test_public_summary_follows_the_log():
    """The summary is cached for the public until the log grows: a response (an event)
    must show at once, never a stale answer."""
    fid = planted_id()
    # the project is published, so its finding counts for the public
    must("PATCH", "/api/v1/projects/LYG-MS-052", {"public": True})
    must("POST", "/api/v1/measures", {"text": "[negative_list]\nenabled = true\n"}, "auditor")
    _, listed = call("GET", "/api/v1/measures", role="auditor")
    v = listed["versions"][0]["version"]
    must("POST", "/api/v1/measures/%d/approve" % v, None, "donor")
    must("POST", "/api/v1/measures/%d/approve" % v, None, "recipient")
    must("POST", "/api/v1/audit/run", {"as_of": AS_OF}, "auditor")

    def planted_rows():
        return {(r["status"], r["count"]) for r in summary_status()["rows"]
                if r["region"] == "320722" and r["rule"] == "negative_list"}

    first = planted_rows()
    assert first and summary_status() == summary_status()  # the cached answer is the same
    status, _ = respond(fid, "resolve", "auditor")
    assert status == 201
    after = planted_rows()
    assert after != first and any(s == "resolved" for s, _ in after), (first, after)


def test_log_verifies():
    rc, out, err = server.run("--db", S.db, "log", "verify")
    assert rc == 0, (out, err)


TESTS = [
    test_planted_finding_reads_as_the_contract_says,
    test_findings_read_per_role,
    test_filters,
    test_unknown_finding_is_404,
    test_run_per_role,
    test_run_bad_input,
    test_explain_per_role,
    test_resolve_and_reopen_per_role,
    test_respond_bad_input,
    test_attachment_upload_and_response,
    test_cookie_writes_need_csrf,
    test_bad_measures_change_nothing,
    test_measures_per_role,
    test_public_summary_per_role_and_no_notes,
    test_public_summary_follows_the_log,
    test_log_verifies,
]


def run():
    global S
    code = 0
    with Server() as S:
        try:
            main(TESTS)
        except SystemExit as e:
            code = e.code or 0
    sys.exit(code)


if __name__ == "__main__":
    run()
