"""Approvals with a comment (审批意见) and the inbox (待办) of issue 12, over HTTP:
the comment stored in the event, the row, the listing and the statement; its
limits (length, UTF-8, only on a post or void); and what GET /api/v1/inbox holds
for each role, computed from the rules that allow the actions.

    PAIRAID=build-test/pairaid PA_SOURCE_DIR=. python3 tests/http/test_approvals.py
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server import Server, main  # noqa: E402

S = None
TOKENS = {}
CANTEEN = "PRJ-LYG-MS-TAOLIN-CANTEEN"
BUILDER = "PAY-SYN-BUILD-DH"


def call(method, path, body=None, user=None, raw=None, headers=None):
    h = dict(headers or {})
    if user:
        if user not in TOKENS:
            TOKENS[user] = S.login(user)
        h["Authorization"] = "Bearer " + TOKENS[user]
    status, _, payload = S.request(method, path, body, h, raw)
    try:
        return status, json.loads(payload) if payload else None
    except ValueError:
        return status, None


def must(method, path, body, user, want):
    status, out = call(method, path, body, user)
    assert status == want, (method, path, body, user, status, out)
    return out


def refused(method, path, body, user, want, field=None, raw=None):
    before = S.snapshot()
    status, out = call(method, path, body, user, raw=raw,
                       headers={"Content-Type": "application/json"} if raw else None)
    assert status == want, (method, path, status, out)
    if field is not None:
        assert out["error"]["field"] == field, out
    assert S.snapshot() == before, "a refused request changed the database"
    return out


_n = [0]


def request_money(amount):
    """donghai.office asks to pay the canteen's builder; returns the request's id."""
    _n[0] += 1
    rid = "APR-REQ-%d" % _n[0]
    must("POST", "/api/v1/transfers",
         {"id": rid, "date": "2024-09-11", "from": CANTEEN, "to": BUILDER, "amount": amount,
          "kind": "pending", "project": "LYG-MS-TAOLIN-CANTEEN", "memo": "工程进度款",
          "expires": "2099-12-31"}, "donghai.office", 201)
    return rid


def inbox(user):
    out = must("GET", "/api/v1/inbox", None, user, 200)
    assert set(out) == {"user", "counts", "total", "items"}, out
    assert out["user"] == user, out
    assert out["total"] == len(out["items"]) == sum(out["counts"].values()), out
    return out


def ids_of(box, kind):
    return [i.get("id", i.get("version")) for i in box["items"] if i["kind"] == kind]


def transfer(tid, user="admin"):
    listed = must("GET", "/api/v1/transfers?id=" + tid, None, user, 200)["transfers"]
    assert len(listed) == 1, listed
    return listed[0]


def setup_money():
    must("POST", "/api/v1/transfers", [
        {"id": "APR-F1", "date": "2024-09-10", "from": "SRC-WX-CITY", "to": "POOL-WX-LYG",
         "amount": "50000.00", "kind": "posted"},
        {"id": "APR-F2", "date": "2024-09-10", "from": "POOL-WX-LYG", "to": CANTEEN,
         "amount": "50000.00", "kind": "posted"}], "admin", 201)


# ---- the comment -------------------------------------------------------------------------


def test_approval_comment_is_stored_everywhere():
    setup_money()
    rid = request_money("3000.00")
    comment = "同意拨付。合同第二期进度款，已核对监理签字。"
    out = must("POST", "/api/v1/transfers/%s/post" % rid,
               {"date": "2024-09-12", "comment": comment}, "wuxi.finance", 201)
    assert out == {"results": [{"id": rid + "-P", "result": "CREATED"}]}, out
    # the event's canonical bytes carry it, after amount_fen (keys sorted)
    entry = S.sql("SELECT entry FROM events WHERE type = 'transfer.post' ORDER BY seq DESC "
                  "LIMIT 1")[0][0]
    entry = entry.decode() if isinstance(entry, bytes) else entry
    assert ('"data":{"amount_fen":300000,"comment":"%s","date":"2024-09-12"' % comment) in entry, \
        entry
    assert json.loads(entry)["actor"] == "wuxi.finance", entry
    # the row, the listing of the post and the request's history
    assert S.sql("SELECT comment FROM transfers WHERE id = ?", (rid + "-P",)) == [(comment,)]
    post = transfer(rid + "-P")
    assert post["comment"] == comment and post["kind"] == "post", post
    req = transfer(rid, "donghai.office")
    assert req["state"] == "approved" and req["actor"] == "donghai.office", req
    d = req["decision"]
    assert (d["id"], d["kind"], d["actor"], d["date"], d["comment"], d["amount"]) == \
        (rid + "-P", "post", "wuxi.finance", "2024-09-12", comment, "3000.00"), d
    assert isinstance(req["time"], int) and isinstance(d["time"], int) and d["time"] >= req["time"]
    # the statement's line of the post
    lines = must("GET", "/api/v1/accounts/%s/statement" % CANTEEN, None, "donghai.office",
                 200)["lines"]
    line = [x for x in lines if x["id"] == rid + "-P"]
    assert line and line[0]["comment"] == comment, line
    # the same approval again, with the same comment, is a retry; another comment a conflict
    must("POST", "/api/v1/transfers/%s/post" % rid, {"date": "2024-09-12", "comment": comment},
         "wuxi.finance", 200)
    out = refused("POST", "/api/v1/transfers/%s/post" % rid,
                  {"date": "2024-09-12", "comment": "另一个意见"}, "wuxi.finance", 409, "comment")
    assert "EXISTS_DIFFERENT" in out["error"]["message"], out


def test_rejection_comment_and_withdrawal_without_one():
    rid = request_money("1000.00")
    must("POST", "/api/v1/transfers/%s/void" % rid,
         {"date": "2024-09-12", "comment": "材料不全：缺少验收单，请补充后重新申请。"},
         "wuxi.finance", 201)
    d = transfer(rid)["decision"]
    assert d["kind"] == "void" and d["actor"] == "wuxi.finance", d
    assert d["comment"] == "材料不全：缺少验收单，请补充后重新申请。", d
    entry = S.sql("SELECT entry FROM events ORDER BY seq DESC LIMIT 1")[0][0]
    entry = json.loads(entry)
    assert entry["type"] == "transfer.void" and "comment" in entry["data"], entry
    # a comment stays optional in the API: the requester withdraws without one, and the
    # event then has no comment member at all (old events keep their bytes)
    rid2 = request_money("500.00")
    must("POST", "/api/v1/transfers/%s/void" % rid2, {"date": "2024-09-12"}, "donghai.office",
         201)
    entry = json.loads(S.sql("SELECT entry FROM events ORDER BY seq DESC LIMIT 1")[0][0])
    assert "comment" not in entry["data"], entry
    assert transfer(rid2)["decision"]["comment"] is None


def test_bad_comments_change_nothing():
    rid = request_money("200.00")
    path = "/api/v1/transfers/%s/post" % rid
    refused("POST", path, {"date": "2024-09-12", "comment": "意" * 1001}, "wuxi.finance", 422,
            "comment")
    refused("POST", path, {"date": "2024-09-12", "comment": "a\u0001b"}, "wuxi.finance", 422,
            "comment")
    refused("POST", path, {"date": "2024-09-12", "comment": 5}, "wuxi.finance", 422, "comment")
    # not UTF-8: the body is not JSON text
    refused("POST", path, None, "wuxi.finance", 400,
            raw=b'{"date":"2024-09-12","comment":"\xff\xfe"}')
    refused("POST", path, {"date": "2024-09-12", "comment": "好", "reason": "x"}, "wuxi.finance",
            422)
    # a comment belongs to a decision, not to new money
    refused("POST", "/api/v1/transfers",
            {"id": "APR-NEW-1", "date": "2024-09-12", "from": CANTEEN, "to": BUILDER,
             "amount": "10.00", "kind": "pending", "comment": "x"}, "donghai.office", 422,
            "comment")
    # exactly 1,000 characters is accepted
    must("POST", path, {"date": "2024-09-12", "comment": "意" * 1000}, "wuxi.finance", 201)


# ---- the inbox -----------------------------------------------------------------------------


def test_inbox_requests_follow_separation_of_duties():
    rid = request_money("300.00")
    donor = inbox("wuxi.finance")
    assert rid in ids_of(donor, "transfer"), donor
    item = [i for i in donor["items"] if i.get("id") == rid][0]
    assert item["can_resolve"] is True and item["amount"] == "300.00", item
    assert item["from"] == CANTEEN and item["to"] == BUILDER and item["memo"] == "工程进度款"
    # the requester, another donor, the auditor and the assessor have nothing to decide
    for user in ("donghai.office", "jiangyin.finance", "audit.wxlyg", "province.assess"):
        assert rid not in ids_of(inbox(user), "transfer"), user
    # every request in the donor's inbox is one the ledger lets them decide
    listed = must("GET", "/api/v1/transfers?state=pending&limit=1000", None, "wuxi.finance",
                  200)["transfers"]
    mine = sorted(t["id"] for t in listed if t.get("can_resolve"))
    assert sorted(ids_of(donor, "transfer")) == mine, (donor, mine)
    must("POST", "/api/v1/transfers/%s/post" % rid, {"date": "2024-09-12"}, "wuxi.finance", 201)
    assert rid not in ids_of(inbox("wuxi.finance"), "transfer")


def test_inbox_findings_per_side():
    must("POST", "/api/v1/audit/run", {"as_of": "2024-12-31"}, "audit.wxlyg", 200)
    findings = must("GET", "/api/v1/audit/findings?status=open", None, "admin", 200)["findings"]
    assert findings, "the demo's audit finds something"
    county = inbox("donghai.office")
    got = ids_of(county, "finding")
    assert got, county
    for item in county["items"]:
        if item["kind"] == "finding":
            assert item["status"] in ("open", "acknowledged"), item
            assert set(item["actions"]) <= {"acknowledge", "explain"} and item["actions"], item
    # only the findings of the county's own region (or of its pairing as a whole)
    others = inbox("ganyu.office")
    assert not set(got) & set(ids_of(others, "finding")), (got, ids_of(others, "finding"))
    # the donor is never asked to answer a finding; the auditors wait for an explanation
    assert ids_of(inbox("wuxi.finance"), "finding") == []
    assert ids_of(inbox("admin"), "finding") == []
    fid = got[0]
    assert fid not in ids_of(inbox("audit.wxlyg"), "finding")
    must("POST", "/api/v1/audit/findings/%s/responses" % fid,
         {"action": "explain", "note": "已整改：补充了验收材料。"}, "donghai.office", 201)
    assert fid not in ids_of(inbox("donghai.office"), "finding")
    auditor = inbox("audit.wxlyg")
    item = [i for i in auditor["items"] if i.get("id") == fid]
    assert item and item[0]["actions"] == ["resolve"] and item[0]["status"] == "explained", auditor
    assert auditor["counts"]["findings"] == len(ids_of(auditor, "finding"))
    must("POST", "/api/v1/audit/findings/%s/responses" % fid,
         {"action": "resolve", "note": "核实无误，销号。"}, "audit.wxlyg", 201)
    assert fid not in ids_of(inbox("audit.wxlyg"), "finding")


def test_inbox_measures_await_each_side():
    out = must("POST", "/api/v1/measures", {"text": "[idle_funds]\nenabled = true\n"},
               "audit.wxlyg", 201)
    version = out["version"]
    for user in ("wuxi.finance", "donghai.office"):
        box = inbox(user)
        item = [i for i in box["items"] if i["kind"] == "measures" and i["version"] == version]
        assert item and item[0]["proposed_by"] == "audit.wxlyg", box
        assert item[0]["side"] == ("donor" if user == "wuxi.finance" else "recipient"), item
    for user in ("audit.wxlyg", "province.assess", "admin"):
        assert version not in ids_of(inbox(user), "measures"), user
    must("POST", "/api/v1/measures/%d/approve" % version, None, "donghai.office", 200)
    assert version not in ids_of(inbox("donghai.office"), "measures")
    item = [i for i in inbox("wuxi.finance")["items"] if i["kind"] == "measures"]
    assert item and item[0]["other_side_by"] == "donghai.office", item
    must("POST", "/api/v1/measures/%d/approve" % version, None, "wuxi.finance", 200)
    assert version not in ids_of(inbox("wuxi.finance"), "measures")


def test_inbox_needs_a_session():
    status, out = call("GET", "/api/v1/inbox")
    assert status == 401 and out["error"]["code"] == "unauthenticated", (status, out)


TESTS = [test_approval_comment_is_stored_everywhere,
         test_rejection_comment_and_withdrawal_without_one, test_bad_comments_change_nothing,
         test_inbox_requests_follow_separation_of_duties, test_inbox_findings_per_side,
         test_inbox_measures_await_each_side, test_inbox_needs_a_session]

if __name__ == "__main__":
    with Server() as S:
        main(TESTS)
