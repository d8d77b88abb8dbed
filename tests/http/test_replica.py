"""GET /api/v1/log/digest: the digest of the tables that `pairaid replica pull`
compares with its own.  It is the digest `log export` writes into a bundle for
the same books, it changes when a table is changed behind pairaid's back (and
names that table's hash), it is for signed-in users, and a size other than the
log's is 409 naming `size`.

    PAIRAID=build-test/pairaid PA_SOURCE_DIR=. python3 tests/http/test_replica.py
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server import Server, is_error, main, run  # noqa: E402

S = None


def get(path, user="audit.wxlyg"):
    headers = {"Authorization": "Bearer " + S.login(user)} if user else {}
    status, _, body = S.request("GET", path, None, headers, None)
    return status, json.loads(body)


def test_same_digest_as_the_bundle():
    status, digest = get("/api/v1/log/digest")
    assert status == 200, (status, digest)
    assert digest["size"] == S.sql("SELECT count(*) FROM events")[0][0], digest
    names = [t["name"] for t in digest["tables"]]
    assert names[0] == "regions" and "transfers" in names and "projects" in names, names
    with tempfile.TemporaryDirectory() as d:
        code, _, err = run("--db", S.db, "log", "export", d + "/b")
        assert code == 0, err
        with open(d + "/b/digest") as f:
            assert json.load(f) == digest, "the bundle's digest differs from the server's"


def test_a_changed_table_changes_its_hash():
    _, before = get("/api/v1/log/digest")
    S.execute("UPDATE projects SET budget = budget + 1 WHERE code = 'LYG-MS-052'")
    _, after = get("/api/v1/log/digest")
    S.execute("UPDATE projects SET budget = budget - 1 WHERE code = 'LYG-MS-052'")
    changed = [a["name"] for a, b in zip(after["tables"], before["tables"]) if a != b]
    assert changed == ["projects"], changed
    assert after["digest"] != before["digest"]
    _, again = get("/api/v1/log/digest")
    assert again == before, "the digest is not a function of the tables"


def test_refusals():
    status, body = get("/api/v1/log/digest", None)
    assert is_error(status, body, 401), (status, body)
    size = S.sql("SELECT count(*) FROM events")[0][0]
    status, body = get("/api/v1/log/digest?size=%d" % (size - 1))
    assert is_error(status, body, 409, "conflict") and body["error"]["field"] == "size", body
    status, body = get("/api/v1/log/digest?size=%d" % size)
    assert status == 200 and body["size"] == size, body
    status, body = get("/api/v1/log/digest?size=abc")
    assert is_error(status, body, 400, "malformed"), body


if __name__ == "__main__":
    with Server() as server:
        S = server
        main([test_same_digest_as_the_bundle, test_a_changed_table_changes_its_hash,
              test_refusals])
