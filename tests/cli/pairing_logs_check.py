#!/usr/bin/env python3
"""pairing_logs_check.py - an independent model of the logs inside the log (tests/cli/pairing_logs.sh).

Standard library only, and none of pairaid's code: which log every event belongs to is
worked out here from the event's JSON and the final projection tables (read with the
sqlite3 module), by the rule of docs/scale-out.md ("Pairing logs") as the brief states it;
the trees are RFC 9162 written here (SHA-256, leaf 0x00||entry, node 0x01||l||r, split at
the largest power of two below n); proofs are checked with RFC 9162 2.1.3.2 and 2.1.4.2;
signed notes and Ed25519 (RFC 8032 section 6, the reference verifier) are read here too.
pairaid is only asked what it answers: `log heads`, `log entries|prove|consistency --log`.

    pairing_logs_check.py model DB [--keys FILE]    every event's log, entries, heads, roots,
                                                      checkpoint notes (signatures by FILE's keys)
    pairing_logs_check.py proofs DB                 inclusion and consistency proofs of every log
    pairing_logs_check.py note DB LOG FILE --keys F --signers A,B [--size N]
                                                      a note printed by log checkpoint|cosign --log
    pairing_logs_check.py heads DB                  "LOG SIZE ROOT" per log, computed here
    pairing_logs_check.py rebuild-tiles DB          rewrites tlog_tiles and log_tiles from the
                                                      events (a tamper that forges the trees too)

$PAIRAID names the binary.  Exit 0 when everything holds, 1 with one "FAIL ..." line per
difference otherwise (tests/http/test_pairing_logs.py imports the functions).
"""
import base64
import hashlib
import json
import os
import sqlite3
import subprocess
import sys

PROVINCE = "*"
PAIRAID = os.environ.get("PAIRAID", "pairaid")

# ---- RFC 9162: tests/tlog/rfc9162.py, shared with the other tests ---------------------------

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tlog"))
from rfc9162 import leaf_hash, mth, node_hash, verify_consistency, verify_inclusion  # noqa: E402,F401


# ---- Ed25519 (RFC 8032 section 6, verification only) ----------------------------------------

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_I = pow(2, (_P - 1) // 4, _P)


def _recover_x(y, sign):
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 % _P == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _I % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0)
_G = (_GX, _GY, 1, _GX * _GY % _P)


def _add(p, q):
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s, p):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, p)
        p = _add(p, p)
        s >>= 1
    return q


def _equal(p, q):
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


def _decompress(s):
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


def ed25519_verify(public, msg, sig):
    if len(public) != 32 or len(sig) != 64:
        return False
    a, r = _decompress(public), _decompress(sig[:32])
    s = int.from_bytes(sig[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(sig[:32] + public + msg).digest(), "little") % _L
    return _equal(_mul(s, _G), _add(r, _mul(h, a)))


# RFC 8032 7.1, test 1: the verifier above must accept it and refuse a changed bit, or
# nothing it says about a checkpoint means anything.
_T1_PUB = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
_T1_SIG = bytes.fromhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a3"
                        "3bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
assert ed25519_verify(_T1_PUB, b"", _T1_SIG)
assert not ed25519_verify(_T1_PUB, b"\x00", _T1_SIG)

# ---- signed notes (golang.org/x/mod/sumdb/note, C2SP tlog-checkpoint) -------------------------


def key_hash(name, public):
    return hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]


def read_keys_line(line):
    """A verifier key NAME+HASH8+BASE64(0x01||pub): (name, {name: (hash4, pub)})."""
    name, khash, b64 = line.strip().split("+", 2)  # a name has no "+", base64 may
    raw = base64.b64decode(b64)
    assert raw[0] == 1 and len(raw) == 33, line
    assert key_hash(name, raw[1:]).hex() == khash, "key hash of " + line
    return name, {name: (bytes.fromhex(khash), raw[1:])}


def read_keys(path):
    """Verifier keys, one a line: {name: (hash4, pub)}."""
    keys = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                keys.update(read_keys_line(line)[1])
    return keys


def parse_note(note):
    """(origin, size, root bytes, [(name, keyhash4, sig64)], signed text)."""
    text, sep, sigs = note.partition("\n\n")
    assert sep, "no blank line in the note"
    text += "\n"
    lines = text.split("\n")
    assert len(lines) == 4 and lines[3] == "", "the checkpoint text is not three lines: %r" % text
    origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)
    assert str(size) == lines[1] and len(root) == 32, text
    out = []
    assert sigs.endswith("\n"), "the note does not end with a newline"
    for line in sigs[:-1].split("\n"):
        dash, name, b64 = line.split(" ")
        assert dash == "\u2014", line
        raw = base64.b64decode(b64, validate=True)
        assert len(raw) == 68, line
        out.append((name, raw[:4], raw[4:]))
    return origin, size, root, out, text.encode()


def check_signatures(sigs, text, keys, fail, what, allow_unknown=False):
    """Every signature by a key in `keys` verifies; returns the names that did."""
    good = []
    for name, khash, sig in sigs:
        if name not in keys:
            if not allow_unknown:
                fail("%s: signed by '%s', a key this test does not know" % (what, name))
            continue
        want_hash, public = keys[name]
        if khash != want_hash:
            fail("%s: the signature of '%s' carries key hash %s, not %s"
                 % (what, name, khash.hex(), want_hash.hex()))
        elif not ed25519_verify(public, text, sig):
            fail("%s: the Ed25519 signature of '%s' does not verify" % (what, name))
        else:
            good.append(name)
    return good


# ---- the model: which log each event belongs to ---------------------------------------------


def connect(db):
    return sqlite3.connect("file:%s?mode=ro" % os.path.realpath(db), uri=True)


class Books:
    """The final projection tables the rule reads, and the events."""

    def __init__(self, db):
        con = connect(db)
        try:
            self.parents = dict(con.execute("SELECT code, parent FROM pairings"))
            self.names = dict(con.execute("SELECT code, name FROM pairings"))
            self.projects = dict(con.execute("SELECT code, pairing FROM projects"))
            self.accounts = {c: (pairing, project) for c, pairing, project in
                             con.execute("SELECT code, pairing, project FROM accounts")}
            self.findings = dict(con.execute("SELECT id, pairing FROM findings"))
            self.transfers = {i: (a, b) for i, a, b in
                              con.execute("SELECT id, from_account, to_account FROM transfers")}
            self.events = [(seq, bytes(entry), log) for seq, entry, log in
                           con.execute("SELECT seq, entry, log FROM events ORDER BY seq")]
        finally:
            con.close()

    def city(self, pairing):
        """The city-level pairing above `pairing` (itself if it is one); None if unknown."""
        seen = set()
        while pairing in self.parents and pairing not in seen:
            seen.add(pairing)
            if self.parents[pairing] is None:
                return pairing
            pairing = self.parents[pairing]
        return None

    def cities(self):
        return sorted(c for c, parent in self.parents.items() if parent is None)

    def project_log(self, code):
        return self.city(self.projects[code]) if code in self.projects else None

    def account_log(self, code):
        """An account's pairing, or its project's; a payee's or an unknown account's: none."""
        if code not in self.accounts:
            return None
        pairing, project = self.accounts[code]
        if project is not None and project in self.projects:
            return self.project_log(project)
        return self.city(pairing) if pairing is not None else None

    def log_of(self, ev):
        t, data = ev["type"], ev.get("data", {})
        family = t.split(".")[0]
        if t in ("pairing.create", "org.create", "scheme.add", "assess.run", "log.head") or \
                family in ("user", "score"):
            return PROVINCE
        if family in ("project", "milestone", "exchange", "contract", "notice", "indicator",
                      "revenue_share") or t == "account.create":
            if "pairing" in data:
                log = self.city(data["pairing"])
            elif "project" in data:
                log = self.project_log(data["project"])
            elif family == "project":
                log = self.project_log(data.get("code"))
            else:
                log = None
        elif t == "account.close":
            log = self.account_log(data["code"])
        elif t in ("transfer.create", "transfer.post", "transfer.void"):
            if t == "transfer.create":
                a, b = data["from"], data["to"]
            else:
                a, b = self.transfers[data["pending_id"]]
            la, lb = self.account_log(a), self.account_log(b)
            log = None if (la and lb and la != lb) else (la or lb)
        elif family == "measures" or t in ("audit.run", "finding.open"):
            log = self.city(data["pairing"])
        elif t in ("finding.update", "finding.clear", "finding.respond"):
            log = self.city(self.findings[data["id"]])
        else:
            raise KeyError("the model does not know the event type '%s': add its rule" % t)
        return log or PROVINCE

    def expected(self):
        """{log: [(seq, entry)]} for every log of the database, empty ones included."""
        logs = {PROVINCE: []}
        for c in self.cities():
            logs[c] = []
        self.model = {}
        for seq, entry, _ in self.events:
            log = self.log_of(json.loads(entry))
            self.model[seq] = log
            logs.setdefault(log, []).append((seq, entry))
        return logs


# ---- asking pairaid -------------------------------------------------------------------------


def pairaid(db, *args):
    p = subprocess.run([PAIRAID, "--db", db, *args], capture_output=True)
    if p.returncode != 0:
        raise RuntimeError("pairaid %s: exit %d: %s" % (" ".join(args), p.returncode,
                                                        p.stderr.decode(errors="replace")))
    return p.stdout.decode()


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line]


def b64(s):
    return base64.b64decode(s, validate=True)


class Checks:
    def __init__(self):
        self.failures = 0

    def fail(self, msg):
        self.failures += 1
        print("FAIL " + msg, flush=True)

    def eq(self, what, want, got):
        if want != got:
            self.fail("%s: expected %r, got %r" % (what, want, got))
        return want == got

    def done(self, what):
        if self.failures == 0:
            print("ok: " + what)
        return 1 if self.failures else 0


def check_model(db, keys, ck):
    """Every event's log by the model, against events.log, log heads and log entries --log."""
    books = Books(db)
    logs = books.expected()
    for seq, _, stored in books.events:
        if stored != books.model[seq]:
            ck.fail("event %d: events.log is %r, the model says %r" % (seq, stored, books.model[seq]))
    heads = json_lines(pairaid(db, "log", "heads"))
    ck.eq("log heads: the logs, the province's first then the pairings' by code",
          [PROVINCE] + books.cities(), [h.get("log") for h in heads])
    unexpected = sorted(set(logs) - {PROVINCE} - set(books.cities()))
    if unexpected:
        ck.fail("the model puts events into logs that are not city-level pairings: %s" % unexpected)
    seen = {}
    for h in heads:
        log = h.get("log")
        ck.eq("log heads %s: its keys" % log,
              ["log", "name", "origin", "size", "root", "checkpoint"], list(h))
        ck.eq("log heads %s: name" % log, books.names.get(log), h.get("name"))
        ck.eq("log heads %s: origin" % log, "pairaid/log/" + str(log), h.get("origin"))
        want = logs.get(log, [])
        got = json_lines(pairaid(db, "log", "entries", "--log", log, "--count", "1000000"))
        ck.eq("log entries --log %s: how many" % log, len(want), len(got))
        leaves, wrong = [], 0
        for i, (seq, entry) in enumerate(want):
            leaves.append(leaf_hash(entry))
            if i >= len(got):
                continue
            e = got[i]
            ok = (e.get("index") == i and e.get("seq") == seq and b64(e.get("entry", "")) == entry
                  and b64(e.get("leaf_hash", "")) == leaf_hash(entry)
                  and e.get("event") == json.loads(entry)
                  and list(e) == ["index", "leaf_hash", "entry", "event", "seq"])
            wrong += not ok
            if not ok and wrong <= 3:  # the first few; one moved event shifts all after it
                ck.fail("log entries --log %s, line %d: expected index %d, seq %d and the bytes of "
                        "event %d, got %s" % (log, i + 1, i, seq, seq, json.dumps(e)[:300]))
        if wrong > 3:
            ck.fail("log entries --log %s: %d more lines differ" % (log, wrong - 3))
        for e in got:
            seen.setdefault(e.get("seq"), []).append(log)
        ck.eq("log heads %s: size" % log, len(want), h.get("size"))
        ck.eq("log heads %s: root" % log, base64.b64encode(mth(leaves)).decode(), h.get("root"))
        if h.get("checkpoint") is not None:
            check_stored_note(h["checkpoint"], log, leaves, keys, ck, "log heads %s: checkpoint" % log)
    # the logs partition the whole log: every event in exactly one
    n = len(books.events)
    ck.eq("events 1..n", list(range(1, n + 1)), [seq for seq, _, _ in books.events])
    twice = {s: l for s, l in seen.items() if len(l) > 1}
    missing = [s for s in range(1, n + 1) if s not in seen]
    if twice:
        ck.fail("events in more than one log: %s" % dict(list(twice.items())[:5]))
    if missing:
        ck.fail("%d events in no log, the first %s" % (len(missing), missing[:5]))
    ck.eq("the logs' sizes add up to the whole log's", n, sum(h.get("size", 0) for h in heads))
    con = connect(db)
    try:
        # the latest checkpoint of each log in the table is the one log heads shows
        for h in heads:
            row = con.execute("SELECT note FROM checkpoints WHERE log = ? ORDER BY id DESC LIMIT 1",
                              (h["log"],)).fetchone()
            ck.eq("log heads %s: the latest checkpoint of table checkpoints" % h["log"],
                  row[0] if row else None, h.get("checkpoint"))
        # each log's stored tree is the one over the model's events
        for log, events in logs.items():
            stored = [(lvl, t, bytes(hs)) for lvl, t, hs in con.execute(
                "SELECT level, tile, hashes FROM log_tiles WHERE log = ? ORDER BY level, tile", (log,))]
            want = tiles([leaf_hash(e) for _, e in events])
            if stored != want:
                bad = [w[:2] for w, g in zip(want, stored) if w != g][:3]
                ck.fail("table log_tiles, log %s: %d rows stored, %d computed here; first differing "
                        "(level, tile): %s" % (log, len(stored), len(want), bad))
        # the province log binds the pairings': every head a pairing's checkpoint signed is a
        # log.head event of the province log, once
        bound = {}
        for seq, entry in logs[PROVINCE]:
            ev = json.loads(entry)
            if ev["type"] == "log.head":
                d = ev["data"]
                key = (d["log"], d["size"])
                if key in bound:
                    ck.fail("log.head: the head of %s at size %d recorded twice" % key)
                bound[key] = d["root"]
        for log, size, root in con.execute(
                "SELECT log, size, root FROM checkpoints WHERE log IS NOT NULL AND log <> ?",
                (PROVINCE,)):
            ck.eq("the province log's log.head of the checkpoint of %s at size %d" % (log, size),
                  base64.b64encode(bytes(root)).decode(), bound.get((log, size)))
        for (log, size), root in bound.items():
            want = logs.get(log, [])
            if size > len(want) or root != base64.b64encode(
                    mth([leaf_hash(e) for _, e in want[:size]])).decode():
                ck.fail("log.head of %s at size %d: not that log's root at that size" % (log, size))
    finally:
        con.close()
    return books, logs


def check_stored_note(note, log, leaves, keys, ck, what, size=None):
    try:
        origin, nsize, root, sigs, text = parse_note(note)
    except (AssertionError, ValueError) as e:
        ck.fail("%s: not a signed note: %s" % (what, e))
        return []
    ck.eq(what + ": origin line", "pairaid/log/" + log, origin)
    if size is not None:
        ck.eq(what + ": size", size, nsize)
    if nsize > len(leaves):
        ck.fail("%s: size %d beyond the log's %d" % (what, nsize, len(leaves)))
    else:
        ck.eq(what + ": root (computed here over the log's first %d events)" % nsize,
              base64.b64encode(mth(leaves[:nsize])).decode(), base64.b64encode(root).decode())
    return check_signatures(sigs, text, keys or {}, ck.fail, what, allow_unknown=keys is None)


def check_proofs(db, ck, books=None):
    """Inclusion and consistency proofs of every log, from log prove|consistency --log."""
    books = books or Books(db)
    logs = books.expected()
    for log, events in logs.items():
        leaves = [leaf_hash(e) for _, e in events]
        n = len(leaves)
        if n == 0:
            continue
        # (index, size): first, last, middle, size 1, a tree smaller than the log
        cases = sorted({(0, n), (n - 1, n), (n // 2, n), (0, 1), (1 % n, max(n // 3, 2) if n > 1 else 1),
                        (n - 2 if n > 1 else 0, n - 1 if n > 1 else 1)})
        for index, size in cases:
            if index >= size:
                continue
            p = json.loads(pairaid(db, "log", "prove", "--log", log, str(index), "--size", str(size)))
            root = mth(leaves[:size])
            proof = [b64(x) for x in p["proof"]]
            what = "log prove --log %s %d --size %d" % (log, index, size)
            ck.eq(what + ": index, size", (index, size), (p["index"], p["size"]))
            ck.eq(what + ": leaf_hash", leaves[index], b64(p["leaf_hash"]))
            ck.eq(what + ": root", root, b64(p["root"]))
            if not verify_inclusion(index, size, leaves[index], proof, root):
                ck.fail(what + ": the proof does not verify (RFC 9162 2.1.3.2)")
            if size > 1 and verify_inclusion(index, size, leaf_hash(b"forged"), proof, root):
                ck.fail(what + ": a forged leaf verifies: the verifier here is broken")
        p = json.loads(pairaid(db, "log", "prove", "--log", log, str(n - 1)))
        ck.eq("log prove --log %s %d: the size defaults to the log's" % (log, n - 1), n, p["size"])
        for first, second in sorted({(1, n), (n, n), (max(n // 2, 1), n), (max(n - 1, 1), n),
                                     (1, max(n // 2, 1)), (min(3, n), n)}):
            c = json.loads(pairaid(db, "log", "consistency", "--log", log, str(first), str(second)))
            old, new = mth(leaves[:first]), mth(leaves[:second])
            what = "log consistency --log %s %d %d" % (log, first, second)
            ck.eq(what + ": from, to", (first, second), (c["from"], c["to"]))
            ck.eq(what + ": old_root", old, b64(c["old_root"]))
            ck.eq(what + ": new_root", new, b64(c["new_root"]))
            proof = [b64(x) for x in c["proof"]]
            if not verify_consistency(first, second, old, new, proof):
                ck.fail(what + ": the proof does not verify (RFC 9162 2.1.4.2)")
            if first < second and verify_consistency(first, second, old, b"\x00" * 32, proof):
                ck.fail(what + ": verifies against a wrong root: the verifier here is broken")


def heads_here(db):
    books = Books(db)
    out = []
    for log, events in books.expected().items():
        root = mth([leaf_hash(e) for _, e in events])
        out.append("%s %d %s" % (log, len(events), base64.b64encode(root).decode()))
    return out


def tiles(leaves):
    """[(level, tile, hashes)]: every perfect subtree over `leaves`, 256 hashes of a level a
    row, as pairaid keeps a tree (tlog_tiles for the whole log, log_tiles for each log)."""
    rows, level, lvl = [], list(leaves), 0
    while level:
        for t in range(0, len(level), 256):
            rows.append((lvl, t // 256, b"".join(level[t:t + 256])))
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        lvl += 1
    return rows


def rebuild_tiles(db):
    """Rewrites every stored tree from the events as they stand (a forger's last step)."""
    con = sqlite3.connect(os.path.realpath(db))
    with con:
        events = [(bytes(e), log) for e, log in
                  con.execute("SELECT entry, log FROM events ORDER BY seq")]
        con.execute("DELETE FROM tlog_tiles")
        con.executemany("INSERT INTO tlog_tiles(level, tile, hashes) VALUES (?, ?, ?)",
                        tiles([leaf_hash(e) for e, _ in events]))
        con.execute("DELETE FROM log_tiles")
        for log in sorted({log for _, log in events if log is not None}):
            con.executemany("INSERT INTO log_tiles(log, level, tile, hashes) VALUES (?, ?, ?, ?)",
                            [(log,) + row for row in
                             tiles([leaf_hash(e) for e, l in events if l == log])])
    con.close()


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, db, rest = argv[1], argv[2], argv[3:]
    opts = {}
    pos = []
    while rest:
        a = rest.pop(0)
        if a.startswith("--"):
            opts[a[2:]] = rest.pop(0)
        else:
            pos.append(a)
    keys = read_keys(opts["keys"]) if "keys" in opts else None
    ck = Checks()
    if cmd == "model":
        check_model(db, keys, ck)
        return ck.done("every event is in the log the model says, and every log's entries, size, "
                       "root and checkpoint are the ones computed here")
    if cmd == "proofs":
        check_proofs(db, ck)
        return ck.done("every log's inclusion and consistency proofs verify")
    if cmd == "note":
        log, path = pos
        with open(path) as f:
            note = f.read()
        books = Books(db)
        leaves = [leaf_hash(e) for _, e in books.expected()[log]]
        size = int(opts["size"]) if "size" in opts else len(leaves)
        good = check_stored_note(note, log, leaves, keys, ck, path, size=size)
        ck.eq(path + ": the signers, in order", opts.get("signers", "").split(","), good)
        return ck.done("%s: a checkpoint of log %s at size %d signed by %s"
                       % (path, log, size, ", ".join(good)))
    if cmd == "heads":
        print("\n".join(heads_here(db)))
        return 0
    if cmd == "rebuild-tiles":
        rebuild_tiles(db)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
