"""The logs inside the log over HTTP (docs/openapi.yaml: GET /api/v1/log/heads, and ?log= on
/log/checkpoint, /log/entries, /log/proof/inclusion, /log/proof/consistency), checked against
tests/cli/pairing_logs_check.py's model: which log each event belongs to, each log's RFC 9162
tree, proofs and signed notes, all worked out in Python without pairaid's code.

    PAIRAID=build-test/pairaid PA_SOURCE_DIR=. python3 tests/http/test_pairing_logs.py
"""
import base64
import json
import os
import subprocess
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
import pairing_logs_check as model  # noqa: E402
import server  # noqa: E402
from server import Server, main  # noqa: E402

S = None
TOKENS = {}
KEYS = {}  # verifier keys of the test's signers: name -> (hash, public key)


def token(name):
    if name not in TOKENS:
        TOKENS[name] = S.login(name)
    return TOKENS[name]


def api(path, user=None):
    h = {"Authorization": "Bearer " + token(user)} if user else {}
    status, hdrs, payload = S.request("GET", path, None, h)
    try:
        body = json.loads(payload) if payload else None
    except ValueError:
        body = None
    return status, hdrs, body


def get(path, user=None):
    status, hdrs, body = api(path, user)
    assert status == 200, (path, status, body)
    assert hdrs["content-type"].startswith("application/json"), hdrs
    return body


def assert_error(path, want, code, field=None, user=None):
    status, hdrs, body = api(path, user)
    assert status == want, (path, status, body)
    assert hdrs["content-type"].startswith("application/json"), (path, hdrs)
    assert isinstance(body, dict) and set(body) == {"error"}, (path, body)
    assert set(body["error"]) == {"code", "message", "field"}, (path, body)
    assert code is None or body["error"]["code"] == code, (path, body)
    assert body["error"]["message"], (path, body)
    if field is not None:
        assert body["error"]["field"] == field, (path, body)
    return body["error"]


def q(log):
    return urllib.parse.quote(log, safe="")


def b64(s):
    return base64.b64decode(s, validate=True)


def cli(*args):
    p = subprocess.run([server.PAIRAID, "--db", S.db, *args], capture_output=True, text=True)
    assert p.returncode == 0, (args, p.returncode, p.stderr)
    return p.stdout


def expected():
    """{log: [(seq, entry bytes)]} by the model, from the server's database as it stands."""
    return model.Books(S.db).expected()


# ---- the tests ----------------------------------------------------------------------------------


def test_heads_public_and_as_the_cli():
    body = get("/api/v1/log/heads")
    assert set(body) == {"logs"}, body
    lines = [json.loads(x) for x in cli("log", "heads").splitlines()]
    assert body["logs"] == lines, (body["logs"], lines)
    logs = expected()
    assert [h["log"] for h in body["logs"]] == ["*"] + sorted(k for k in logs if k != "*"), body
    for h in body["logs"]:
        leaves = [model.leaf_hash(e) for _, e in logs[h["log"]]]
        assert h["size"] == len(leaves), (h, len(leaves))
        assert b64(h["root"]) == model.mth(leaves), h
        assert h["origin"] == "pairaid/log/" + h["log"], h
    # the signed ones carry their latest checkpoint, the others null
    signed = {h["log"]: h["checkpoint"] for h in body["logs"]}
    assert signed["*"] is not None and signed["WX-LYG"] is not None, signed
    assert signed["CZ-YC"] is None, signed
    ck = model.Checks()
    model.check_model(S.db, KEYS, ck)
    assert ck.failures == 0, "the model and log heads differ (see the FAIL lines above)"


def test_checkpoint_of_one_log():
    logs = expected()
    for log, signers in (("WX-LYG", ["wuxi.example/donor", "lyg.example/recipient"]),
                         ("*", ["js.example/province"]), ("SZ-SQ", ["audit.example/witness"])):
        cp = get("/api/v1/log/checkpoint?log=" + q(log))
        assert set(cp) == {"size", "root", "checkpoint", "signers"}, cp
        leaves = [model.leaf_hash(e) for _, e in logs[log]]
        assert cp["size"] == len(leaves) and b64(cp["root"]) == model.mth(leaves), (log, cp)
        origin, size, root, sigs, text = model.parse_note(cp["checkpoint"])
        assert origin == "pairaid/log/" + log and root == model.mth(leaves[:size]), (log, cp)
        ck = model.Checks()
        good = model.check_signatures(sigs, text, KEYS, ck.fail, "checkpoint of " + log)
        assert ck.failures == 0 and good == signers, (log, good)
        # the signers of that log only, each with the size of that log's tree it signed
        assert sorted(s["name"] for s in cp["signers"]) == sorted(signers), (log, cp["signers"])
        for s in cp["signers"]:
            assert s["size"] == size, (log, s)
            assert model.read_keys_line(s["verifier"])[0] == s["name"], s
    # without ?log: the whole log's, signed by the donor alone
    cp = get("/api/v1/log/checkpoint")
    assert [s["name"] for s in cp["signers"]] == ["wuxi.example/donor"], cp["signers"]
    assert not cp["checkpoint"].startswith("pairaid/log/"), cp
    # an unsigned log: its head, no note, no signers
    cp = get("/api/v1/log/checkpoint?log=CZ-YC")
    assert cp["checkpoint"] is None and cp["signers"] == [], cp
    assert cp["size"] == len(logs["CZ-YC"]), cp


def test_entries_of_one_log():
    assert_error("/api/v1/log/entries?log=WX-LYG", 401, "unauthenticated")
    logs = expected()
    for log in ("WX-LYG", "*"):
        want = logs[log]
        got, start = [], 0
        while True:
            body = get("/api/v1/log/entries?log=%s&from=%d&count=1000" % (q(log), start),
                       "audit.wxlyg")
            assert set(body) == {"entries", "size"} and body["size"] == len(want), (log, body["size"])
            got += body["entries"]
            if len(body["entries"]) < 1000:
                break
            start += 1000
        assert len(got) == len(want), (log, len(got), len(want))
        for i, ((seq, entry), e) in enumerate(zip(want, got)):
            assert list(e) == ["index", "seq", "type", "actor", "time", "entry", "leaf_hash"], e
            assert (e["index"], e["seq"]) == (i, seq), (log, i, seq, e["index"], e["seq"])
            assert e["entry"].encode() == entry, (log, i)
            assert b64(e["leaf_hash"]) == model.leaf_hash(entry), (log, i)
            assert e["type"] == json.loads(entry)["type"], (log, i)
    # a page in the middle, and past the end
    body = get("/api/v1/log/entries?log=WX-LYG&from=10&count=3", "admin")
    assert [(e["index"], e["seq"]) for e in body["entries"]] == \
        [(i, logs["WX-LYG"][i][0]) for i in (10, 11, 12)], body
    body = get("/api/v1/log/entries?log=WX-LYG&from=%d" % len(logs["WX-LYG"]), "admin")
    assert body["entries"] == [] and body["size"] == len(logs["WX-LYG"]), body
    # the whole log's entries have no seq, as before
    body = get("/api/v1/log/entries?from=0&count=2", "admin")
    assert all("seq" not in e for e in body["entries"]), body


def test_proofs_of_one_log():
    logs = expected()
    for log in ("WX-LYG", "*", "SZ-SQ"):
        leaves = [model.leaf_hash(e) for _, e in logs[log]]
        n = len(leaves)
        for index, size in ((0, n), (n - 1, n), (n // 2, n), (0, 1), (5, 10), (n - 2, n - 1)):
            p = get("/api/v1/log/proof/inclusion?log=%s&index=%d&size=%d" % (q(log), index, size))
            root = model.mth(leaves[:size])
            assert (p["index"], p["size"]) == (index, size) and b64(p["root"]) == root, (log, p)
            assert b64(p["leaf_hash"]) == leaves[index], (log, p)
            proof = [b64(x) for x in p["proof"]]
            assert model.verify_inclusion(index, size, leaves[index], proof, root), (log, index, size)
        p = get("/api/v1/log/proof/inclusion?log=%s&index=3" % q(log))
        assert p["size"] == n, (log, p)
        for first, second in ((1, n), (2, n), (n // 2, n), (n - 1, n), (n, n), (7, n // 3)):
            c = get("/api/v1/log/proof/consistency?log=%s&from=%d&to=%d" % (q(log), first, second))
            old, new = model.mth(leaves[:first]), model.mth(leaves[:second])
            assert b64(c["old_root"]) == old and b64(c["new_root"]) == new, (log, c)
            proof = [b64(x) for x in c["proof"]]
            assert model.verify_consistency(first, second, old, new, proof), (log, first, second)
        c = get("/api/v1/log/proof/consistency?log=%s&from=1" % q(log))
        assert c["to"] == n, (log, c)


def test_unknown_and_county_level_logs():
    snap = S.snapshot()
    for path, user in (("/api/v1/log/checkpoint?log=%s", None),
                       ("/api/v1/log/entries?log=%s", "audit.wxlyg"),
                       ("/api/v1/log/proof/inclusion?log=%s&index=0", None),
                       ("/api/v1/log/proof/consistency?log=%s&from=1", None)):
        err = assert_error(path % "NOPE", 404, "not_found", "log", user)
        assert "NOPE" in err["message"], err
        err = assert_error(path % "WX-LYG-HS-GY", 422, "invalid", "log", user)
        assert "'WX-LYG'" in err["message"], err
        assert_error(path % "wx-lyg", 404, "not_found", "log", user)
        assert_error(path % "LYG-MS-041", 404, "not_found", "log", user)
    assert S.snapshot() == snap


def test_bad_numbers_as_the_whole_log():
    n = len(expected()["WX-LYG"])
    whole = get("/api/v1/log/checkpoint")["size"]
    assert n < whole
    for path, field, status in (("/log/proof/inclusion?index=abc", "index", 400),
                                ("/log/proof/inclusion?index=-1", "index", 400),
                                ("/log/proof/inclusion?index=1&size=x", "size", 400),
                                ("/log/proof/consistency?from=x&to=3", "from", 400),
                                ("/log/proof/inclusion", "index", 400),
                                ("/log/proof/consistency?from=0&to=3", "from", 422)):
        assert_error("/api/v1" + path, status, None, field)
        assert_error("/api/v1" + path + "&log=WX-LYG" if "?" in path else
                     "/api/v1" + path + "?log=WX-LYG", status, None, field)
    # numbers beyond this log but within the whole log: this log's answer
    for path, field in (("/log/proof/inclusion?log=WX-LYG&index=%d" % n, "index"),
                        ("/log/proof/inclusion?log=WX-LYG&index=0&size=%d" % (n + 1), "size"),
                        ("/log/proof/consistency?log=WX-LYG&from=1&to=%d" % (n + 1), "to"),
                        ("/log/proof/consistency?log=WX-LYG&from=%d" % (n + 1), "from")):
        err = assert_error("/api/v1" + path, 422, "invalid", field)
        assert str(n) in err["message"], err
    assert_error("/api/v1/log/proof/inclusion?index=%d" % whole, 422, "invalid", "index")
    assert_error("/api/v1/log/entries?log=WX-LYG&count=0", 400, "malformed", "count", "admin")


def sign():
    """Keys in the server's folder; WX-LYG signed by both sides, '*' by the province,
    SZ-SQ by the audit team, and the whole log by the donor; a project updated first."""
    names = {"donor": "wuxi.example/donor", "recipient": "lyg.example/recipient",
             "witness": "audit.example/witness", "province": "js.example/province"}
    for role, name in names.items():
        path = os.path.join(S.dir, role + ".key")
        verifier = cli("key", "generate", "--name", name, "-o", path).strip()
        KEYS.update(model.read_keys_line(verifier)[1])
    key = lambda role: os.path.join(S.dir, role + ".key")  # noqa: E731
    # a project changed through the API (project.update, which the CLI does not write):
    # its event is its pairing's, WX-LYG's
    status, body = S.call("PATCH", "/api/v1/projects/LYG-MS-041", {"beneficiaries": 761},
                          token=token("donghai.office"))
    assert status == 200, (status, body)
    assert S.sql("SELECT type, log FROM events ORDER BY seq DESC LIMIT 1") == \
        [("project.update", "WX-LYG")], S.sql("SELECT type, log FROM events ORDER BY seq DESC LIMIT 1")
    cli("log", "checkpoint", "--log", "WX-LYG", "--key", key("donor"))
    cli("log", "cosign", "--log", "WX-LYG", "--key", key("recipient"))
    cli("log", "checkpoint", "--log", "*", "--key", key("province"))
    cli("log", "checkpoint", "--log", "SZ-SQ", "--key", key("witness"))
    cli("log", "checkpoint", "--key", key("donor"))


TESTS = [test_heads_public_and_as_the_cli, test_checkpoint_of_one_log, test_entries_of_one_log,
         test_proofs_of_one_log, test_unknown_and_county_level_logs,
         test_bad_numbers_as_the_whole_log]

if __name__ == "__main__":
    code = 0
    with Server() as S:
        sign()
        try:
            main(TESTS)
        except SystemExit as e:
            code = e.code or 0
    sys.exit(code)
