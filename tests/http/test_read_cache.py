"""Signed-in answers kept per scope (src/http/cache.c): no answer crosses from one
scope to another, a field of the user never crosses from one user to another, and
a write is seen by the next read.

The truth for each reader is what a server with an empty cache answers them; the
server is then restarted (an empty cache), one reader warms it, and every other
reader must still get exactly its own truth.

    PAIRAID=build-test/pairaid PA_SOURCE_DIR=. python3 tests/http/test_read_cache.py
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server  # noqa: E402
from server import Server, main, run  # noqa: E402

S = None
TOKENS = {}

# Two officers of 东海县 (one scope), one of 赣榆区 (another county of 连云港), two
# donors of 无锡市 (one scope), an auditor, the public (None).
SECOND_USERS = [("donghai.office2", "recipient", "320722", "pairaid-recipient-3"),
                ("wuxi.finance2", "donor", "320200", "pairaid-donor-3")]
server.PASSWORDS.update({name: pw for name, _, _, pw in SECOND_USERS})

READS = ["/api/v1/balances", "/api/v1/transfers?limit=1000", "/api/v1/accounts",
         "/api/v1/projects?limit=1000", "/api/v1/summary", "/api/v1/budget?group=project",
         "/api/v1/log/entries?count=5",
         "/api/v1/accounts/PRJ-LYG-MS-TAOLIN-CANTEEN/statement",
         "/api/v1/projects/LYG-MS-TAOLIN-CANTEEN"]
READERS = ["donghai.office", "donghai.office2", "ganyu.office", "audit.wxlyg", "wuxi.finance",
           None]


def token(user):
    if user not in TOKENS:
        TOKENS[user] = S.login(user)
    return TOKENS[user]


def get(path, user, lang=None):
    """(status, body bytes) of a GET as user (None: anonymous)."""
    h = {"Authorization": "Bearer " + token(user)} if user else {}
    if lang:
        h["Accept-Language"] = lang
    status, _, payload = S.request("GET", path, None, h)
    return status, payload


def must(method, path, body, user="admin"):
    status, parsed = S.call(method, path, body, token(user))
    assert status in (200, 201), (method, path, status, parsed)
    return parsed


def restart():
    """An empty cache; the sessions live in the database and survive."""
    assert S.stop() == 0, S.stderr_text()
    S.start()


def answers():
    return {(u, p): get(p, u) for u in READERS for p in READS}


def test_no_answer_crosses_scopes():
    restart()
    truth = {}
    for u in READERS:  # each reader alone on an empty cache: what it may see
        for p in READS:
            restart() if p == READS[0] else None
            truth[(u, p)] = get(p, u)
    # the test has teeth: the two counties see different books
    assert truth[("donghai.office", "/api/v1/balances")] != \
        truth[("ganyu.office", "/api/v1/balances")]
    assert truth[("donghai.office", "/api/v1/accounts")] != \
        truth[("ganyu.office", "/api/v1/accounts")]
    # and two officers of one county see the same
    for p in READS:
        assert truth[("donghai.office", p)] == truth[("donghai.office2", p)], p
    for warmer in READERS:
        restart()
        for p in READS:
            assert get(p, warmer) == truth[(warmer, p)], (warmer, p)
        for u in READERS:
            for p in READS:
                assert get(p, u) == truth[(u, p)], ("warmed by", warmer, "read by", u, p)


def test_ganyu_gets_only_its_rows_after_donghai():
    def accounts(user):
        status, body = get("/api/v1/balances", user)
        assert status == 200
        return {b["account"] for b in json.loads(body)["balances"]}
    restart()
    only_ganyu = accounts("ganyu.office") - accounts("donghai.office")
    restart()
    only_donghai = accounts("donghai.office") - accounts("ganyu.office")
    assert only_ganyu and "SRC-HUIYU-INVEST" in only_ganyu, sorted(only_ganyu)
    for first, second, foreign in (("donghai.office", "ganyu.office", only_donghai),
                                   ("ganyu.office", "donghai.office", only_ganyu)):
        restart()
        accounts(first)  # warms the cache with the first county's rows
        leaked = accounts(second) & foreign
        assert not leaked, ("read by", second, "after", first, sorted(leaked))


def test_user_field_differs_within_one_scope():
    """wuxi.finance reserves money; wuxi.finance2, of the same scope, may approve it and
    the requester may not: can_resolve is the user's, never the scope's."""
    tid = "RC-REQ-0001"
    must("POST", "/api/v1/transfers",
         {"id": tid, "date": "2024-09-10", "from": "SRC-WX-CITY", "to": "POOL-WX-LYG",
          "amount": "1.00", "kind": "pending"}, "wuxi.finance")
    path = "/api/v1/transfers?state=pending&limit=1000"

    def can_resolve(user):
        status, body = get(path, user)
        assert status == 200, body
        rows = [t for t in json.loads(body)["transfers"] if t["id"] == tid]
        assert len(rows) == 1, rows
        return rows[0].get("can_resolve")

    for first, second in (("wuxi.finance", "wuxi.finance2"), ("wuxi.finance2", "wuxi.finance")):
        restart()
        for _ in range(2):  # the second read of each may come from the cache
            assert can_resolve(first) is (first == "wuxi.finance2")
            assert can_resolve(second) is (second == "wuxi.finance2")
    restart()
    # /me names the user: never shared within a scope
    for u in ("donghai.office", "donghai.office2", "donghai.office"):
        status, body = get("/api/v1/me", u)
        assert status == 200 and json.loads(body)["user"]["name"] == u, body


def test_a_write_is_seen_by_the_next_read():
    restart()
    code = "LYG-MS-TAOLIN-CANTEEN"
    path = "/api/v1/projects/" + code
    before = json.loads(get(path, "donghai.office")[1])
    assert json.loads(get(path, "donghai.office2")[1]) == before  # from the cache
    must("PATCH", path, {"name": before["name"] + "（更名）"})
    after = json.loads(get(path, "donghai.office2")[1])
    assert after["name"] == before["name"] + "（更名）", after
    bal = "/api/v1/balances?account=POOL-WX-LYG"

    def pool(user):
        return json.loads(get(bal, user)[1])["balances"][0]["credits_posted"]
    start = pool("wuxi.finance")
    assert pool("wuxi.finance2") == start
    must("POST", "/api/v1/transfers",
         {"id": "RC-POST-0001", "date": "2024-09-10", "from": "SRC-WX-CITY",
          "to": "POOL-WX-LYG", "amount": "2.00", "kind": "posted"})
    assert pool("wuxi.finance2") == "%.2f" % (float(start) + 2), (start, pool("wuxi.finance2"))


def test_language_and_files_are_kept_apart():
    restart()
    # an error in Chinese never becomes the English answer, nor the other way
    zh = get("/api/v1/projects?limit=0", "donghai.office", "zh-CN")
    en = get("/api/v1/projects?limit=0", "donghai.office", "en")
    assert zh[0] == en[0] == 400 and zh[1] != en[1], (zh, en)
    for lang in ("zh-CN", "en", "zh-CN"):
        status, body = get("/api/v1/balances", "donghai.office", lang)
        assert status == 200 and body.startswith(b"{"), body[:40]
    # a file is never answered from the JSON kept for the same path
    for _ in range(2):
        status, hdrs, body = S.request("GET", "/api/v1/balances?format=csv", None,
                                       {"Authorization": "Bearer " + token("donghai.office")})
        assert status == 200 and hdrs["content-type"].startswith("text/csv"), hdrs


def add_second_users():
    for name, role, region, pw in SECOND_USERS:
        code, _, err = run("--db", S.db, "user", "add", name, "--role", role, "--region", region,
                           stdin=pw + "\n")
        assert code == 0, err


if __name__ == "__main__":
    with Server() as s:
        S = s
        add_second_users()
        main([test_no_answer_crosses_scopes, test_ganyu_gets_only_its_rows_after_donghai,
              test_user_field_differs_within_one_scope, test_a_write_is_seen_by_the_next_read,
              test_language_and_files_are_kept_apart])
