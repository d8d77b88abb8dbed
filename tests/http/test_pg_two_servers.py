#!/usr/bin/env python3
"""Two `pairaid serve` processes on one PostgreSQL database (issue 15, item 2).

A throwaway cluster (scripts/pg-cluster) gets the demo and its users; two servers run on it, each
with its own PAIRAID_CACHE_DIR, as two machines would.  Then, against both at once:

1. the write rate of test_load's writers on one server alone, then on both (printed, not judged:
   the build under test runs under a sanitizer);
2. test_load's concurrent load for PA_LOAD_SECONDS (default 30 here) on each server at once: its
   writers, readers and refused requests, every client on one server signed in on the OTHER,
   plus a client that signs in on one server and at once uses the session on the other;
3. both servers paying out of the SAME account at once, in more transfers than it can cover: the
   ledger's check must hold across servers, so exactly as many succeed as the balance covers.

Then: no unexpected answer; re-sending acknowledged transfers to the other server answers EXISTS;
both servers' /healthz reach PostgreSQL's log size; both stop cleanly on SIGTERM; every id
answered 201 is in PostgreSQL's log and in both copies' transfers, each once, and no refused id
is anywhere; the books balance in both copies; PostgreSQL's log and both copies have the same
size and the same RFC 9162 root (computed here, independently of pairaid); and `pairaid log
verify --db postgresql://…` passes.  About 60 s on this machine with the default 30 s of load.
"""
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server  # noqa: E402
from test_load import (BUILDER, CANTEEN, POOL, PROJECT, SOURCES, TODAY,  # noqa: E402
                       Client, Reader, Refused, Writer, check_books, run_clients)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tlog"))
from rfc9162 import leaf_hash, mth  # noqa: E402

SECONDS = float(os.environ.get("PA_LOAD_SECONDS", "30"))
RATE_SECONDS = min(8.0, max(2.0, SECONDS / 4))
PG_BINDIR = os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin")
PSQL = os.path.join(PG_BINDIR, "psql")
NAMES = ("admin", "wuxi.finance", "donghai.office", "audit.wxlyg", "province.assess")


# ---- the cluster, and what it holds ---------------------------------------------------------

class Cluster:
    """A throwaway cluster with the demo and its users; removed however the test ends."""

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="pairaid-pg2-")
        os.chmod(self.dir, 0o711)  # run as root, the cluster's own user must reach DIR/pg
        self.script = os.path.join(server.SOURCE, "scripts", "pg-cluster")
        p = subprocess.run([self.script, "start", os.path.join(self.dir, "pg")],
                           capture_output=True, text=True)
        if p.returncode != 0:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise RuntimeError("pg-cluster start: " + p.stderr)
        self.uri = p.stdout.strip()
        env = self.env("cli")
        code, _, err = server.run("--db", self.uri, "--as", "demo", "demo", env=env)
        assert code == 0, err
        subprocess.run([os.path.join(server.SOURCE, "scripts", "demo-users"), server.PAIRAID,
                        self.uri], check=True, capture_output=True, env=env)
        return self

    def env(self, name):
        """The environment of one 'machine': its own folder for the local copy."""
        return dict(os.environ, PAIRAID_CACHE_DIR=os.path.join(self.dir, "cache-" + name))

    def copy_path(self, name):
        folder = os.path.join(self.dir, "cache-" + name)
        copies = [f for f in os.listdir(folder) if f.startswith("pg-") and f.endswith(".db")]
        assert len(copies) == 1, copies
        return os.path.join(folder, copies[0])

    def psql(self, sql):
        p = subprocess.run([PSQL, self.uri, "-XAtq", "-c", sql], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        return p.stdout

    def log(self):
        """PostgreSQL's log: [(seq, entry bytes)], in order."""
        out = self.psql("COPY (SELECT seq, encode(entry, 'hex') FROM pairaid_events ORDER BY seq)"
                        " TO STDOUT")
        return [(int(s), bytes.fromhex(h)) for s, h in
                (line.split("\t") for line in out.splitlines())]

    def __exit__(self, *exc):
        subprocess.run([self.script, "stop", os.path.join(self.dir, "pg")], capture_output=True)
        if not os.environ.get("PA_KEEP_TMP"):
            shutil.rmtree(self.dir, ignore_errors=True)


class Copy:
    """A server's local copy, read behind its back once it has stopped (check_books's `s`)."""

    def __init__(self, path):
        self.path = path

    def sql(self, query, args=()):
        con = sqlite3.connect("file:%s?mode=ro" % self.path, uri=True)
        try:
            return con.execute(query, args).fetchall()
        finally:
            con.close()

    def log(self):
        return [(s, bytes(e)) for s, e in self.sql("SELECT seq, entry FROM events ORDER BY seq")]


def merkle_root(entries):
    """RFC 9162 §2.1.1 (tests/tlog/rfc9162.py), so that the roots are not only pairaid's word."""
    return mth([leaf_hash(e) for e in entries])


def transfer_ids(log):
    """The ids of the transfers in a log (a post or void is one too), as often as each is there."""
    ids = []
    for _, entry in log:
        event = json.loads(entry)
        if event["type"] in ("transfer.create", "transfer.post", "transfer.void"):
            ids.append(event["data"]["id"])
    return ids


def start_server(cluster, name):
    s = server.Server(env={"PAIRAID_CACHE_DIR": os.path.join(cluster.dir, "cache-" + name)})
    s.db = cluster.uri
    s.start()
    return s


def fen(yuan):
    whole, _, cents = yuan.partition(".")
    return int(whole.replace(",", "")) * 100 + int((cents + "00")[:2])


# ---- the clients beyond test_load's ----------------------------------------------------------

class Hopper(Client):
    """Signs in on the other server, uses the session here at once, then signs out here."""

    def __init__(self, port, other_port, name):
        super().__init__(port, "hopper " + name)
        self.other = Client(other_port, "hopper sign-in")
        self.user = name

    def step(self, rng):
        status, body, _ = self.other.call("POST", "/api/v1/login", body={
            "username": self.user, "password": server.PASSWORDS[self.user]})
        if status != 200:
            self.errors.append(("POST", "/api/v1/login (other server)", status, repr(body)))
            return
        self.token = body["token"]
        status, me = self.expect({200}, "GET", "/api/v1/me")
        if status == 200 and self.user not in json.dumps(me, ensure_ascii=False):
            self.errors.append(("GET", "/api/v1/me", status, repr(me)[:300]))
        self.expect({200, 204}, "POST", "/api/v1/logout")
        self.token = None


def writers_for(port, tokens, prefix):
    """test_load's five writers on one server, signed in with `tokens`, ids tagged by prefix."""
    return [
        Writer(port, "admin", tokens["admin"], prefix + "A1", ["SRC-WX-CITY", "SRC-HUIYU-INVEST"],
               POOL),
        Writer(port, "admin", tokens["admin"], prefix + "A2", [POOL], "PRJ-LYG-MS-001"),
        Writer(port, "wuxi.finance", tokens["wuxi.finance"], prefix + "D1", SOURCES, POOL),
        Writer(port, "wuxi.finance", tokens["wuxi.finance"], prefix + "D2", SOURCES[::-1], POOL),
        Writer(port, "donghai.office", tokens["donghai.office"], prefix + "R1", [CANTEEN],
               BUILDER, project=PROJECT),
    ]


def readers_for(port, tokens):
    return [Reader(port, "anonymous"), Reader(port, "admin", tokens["admin"]),
            Reader(port, "donghai.office", tokens["donghai.office"]),
            Reader(port, "audit.wxlyg", tokens["audit.wxlyg"])]


def acked_of(writers):
    acked = {}
    for w in writers:
        acked.update(w.acked)
    return acked


def errors_of(clients):
    return [(c.name,) + e for c in clients for e in c.errors]


# ---- the phases ----------------------------------------------------------------------------

def write_rate(servers, tokens, tag):
    """test_load's writers alone on these servers for RATE_SECONDS: transfers a second."""
    writers = []
    for i, s in enumerate(servers):
        writers += writers_for(s.port, tokens[1 - i], "%s%d-" % (tag, i))
    t0 = time.time()
    run_clients(writers, RATE_SECONDS)
    elapsed = time.time() - t0
    acked = acked_of(writers)
    print("  write rate, %d server(s), %d writers: %d transfers in %.1f s, %.0f/s" % (
        len(servers), len(writers), len(acked), elapsed, len(acked) / elapsed), flush=True)
    assert not errors_of(writers), errors_of(writers)[:10]
    return writers


def mixed_load(a, b, tokens):
    """test_load's load on both servers at once, each signed in on the other."""
    per_server = [writers_for(s.port, tokens[1 - i], "S%d-" % i) for i, s in enumerate((a, b))]
    writers, clients, refused = per_server[0] + per_server[1], [], []
    for i, s in enumerate((a, b)):
        other = tokens[1 - i]
        # the acknowledged id sent again with another amount was answered by the other server
        r = Refused(s.port, other, lambda ws=per_server[1 - i]: ws[0].first_acked)
        r.n = 500000 * i  # the two refused-request clients use different ids
        refused.append(r)
        clients += per_server[i] + readers_for(s.port, other) + [r]
    clients += [Hopper(a.port, b.port, "donghai.office"), Hopper(b.port, a.port, "audit.wxlyg")]
    t0 = time.time()
    run_clients(clients, SECONDS)
    elapsed = time.time() - t0
    acked = acked_of(writers)
    reads = sum(c.requests for c in clients if isinstance(c, Reader))
    print("  mixed load, 2 servers, %d clients, %.1f s: %d transfers acknowledged (%.0f/s), "
          "%d reads (%.0f/s), %d refused as expected, %d cross-server sign-ins" % (
              len(clients), elapsed, len(acked), len(acked) / elapsed, reads, reads / elapsed,
              sum(r.expected for r in refused),
              sum(c.requests for c in clients if isinstance(c, Hopper)) // 2), flush=True)
    errors = errors_of(clients)
    assert not errors, "%d unexpected answers, first ones: %r" % (len(errors), errors[:10])
    for w in writers:
        assert w.acked, "writer %s got nothing through" % w.tag
    return writers, set().union(*(r.ids for r in refused))


def no_overdraft(cluster, a, b, tokens):
    """Both servers pay out of the canteen at once, 36 transfers of which the balance covers 9."""
    converge(cluster, (a, b))  # the balance read below is the books', not a lagging copy's
    status, body = a.call("GET", "/api/v1/accounts?project=" + PROJECT,
                          token=tokens[0]["donghai.office"])
    assert status == 200, (status, body)
    available = fen([x for x in body["accounts"] if x["code"] == CANTEEN][0]["available"])
    amount = available // 10 + 1  # 9 fit, a 10th does not
    assert available >= 100 and 9 * amount <= available < 10 * amount, available
    answers = []
    lock = threading.Lock()

    def pay(port, token, tag):
        c = Client(port, "overdraft " + tag, token)
        for k in range(6):
            t = {"id": "OD-%s-%d" % (tag, k), "date": TODAY, "from": CANTEEN, "to": BUILDER,
                 "amount": "%d.%02d" % divmod(amount, 100), "project": PROJECT, "kind": "posted"}
            status, body, _ = c.call("POST", "/api/v1/transfers", body=t)
            with lock:
                answers.append((t["id"], status, body))

    threads = [threading.Thread(target=pay, args=(s.port, tokens[1 - i]["donghai.office"],
                                                   "%d%d" % (i, n)))
               for i, s in enumerate((a, b)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    accepted = [tid for tid, status, _ in answers if status == 201]
    refused = [(tid, status, body) for tid, status, body in answers if status != 201]
    print("  same account from both servers: %d of %d transfers of %.2f accepted, balance %.2f"
          % (len(accepted), len(answers), amount / 100, available / 100), flush=True)
    assert all(s == 422 for _, s, _ in refused), refused[:5]
    assert len(accepted) * amount <= available, (len(accepted), amount, available)
    assert len(accepted) == 9, (len(accepted), "the balance covers exactly 9")
    return set(accepted), {tid for tid, _, _ in refused}


def converge(cluster, servers, seconds=20):
    """Waits until every server's copy has PostgreSQL's log (what /healthz says it holds)."""
    want = len(cluster.log())
    deadline = time.time() + seconds
    while True:
        have = [s.call("GET", "/healthz")[1]["events"] for s in servers]
        if all(h == want for h in have):
            return want
        assert time.time() < deadline, ("the copies do not catch up", want, have)
        time.sleep(0.05)


def test_two_servers():
    with Cluster() as cluster:
        a, b = start_server(cluster, "a"), start_server(cluster, "b")
        try:
            run_two_servers(cluster, a, b)
        finally:
            for s in (a, b):
                if s.proc.poll() is None:
                    s.stop()
                s.__exit__(None, None, None)


def run_two_servers(cluster, a, b):
    tokens = [{n: s.login(n) for n in NAMES} for s in (a, b)]
    status, body = a.call("POST", "/api/v1/transfers", token=tokens[0]["admin"], body=[
        {"id": "LD-FUND-1", "date": TODAY, "from": "SRC-WX-CITY", "to": CANTEEN,
         "amount": "100000.00", "project": PROJECT, "kind": "posted"},
        {"id": "LD-FUND-2", "date": TODAY, "from": "SRC-WX-CITY", "to": POOL,
         "amount": "100000.00", "kind": "posted"}])
    assert status == 201, (status, body)
    before = len(set(transfer_ids(cluster.log())))

    print("two servers on one PostgreSQL database (%s)" % cluster.uri.split("@")[-1])
    writers = write_rate([a], tokens, "W1")
    writers += write_rate([a, b], tokens, "W2")
    mixed, refused_ids = mixed_load(a, b, tokens)
    writers += mixed
    accepted, refused_od = no_overdraft(cluster, a, b, tokens)
    refused_ids |= refused_od
    acked = acked_of(writers)

    # re-sent to the other server than the one that answered: EXISTS, nothing added
    some = random.Random(1).sample(sorted(acked), min(60, len(acked)))
    for w in writers:
        mine = [tid for tid in some if tid in w.acked]
        if mine:
            other = b if w.port == a.port else a
            c = Client(other.port, w.name, tokens[0 if other is a else 1][w.name])
            status, body = c.expect({200}, "POST", "/api/v1/transfers",
                                    body=[w.acked[tid] for tid in mine])
            assert status == 200 and all(x["result"] == "EXISTS" for x in body["results"]), \
                (status, body, c.errors)

    t0 = time.time()
    size = converge(cluster, (a, b))
    print("  both copies at PostgreSQL's %d events %.0f ms after the last write"
          % (size, (time.time() - t0) * 1e3))
    for s in (a, b):
        code = s.stop()
        assert code == 0, "a server stopped with %d: %s" % (code, s.stderr_text()[-2000:])
        assert "LeakSanitizer" not in s.stderr_text(), s.stderr_text()[-4000:]

    pg_log = cluster.log()
    pg_ids = transfer_ids(pg_log)
    wanted = set(acked) | accepted
    assert len(pg_ids) == len(set(pg_ids)), "a transfer id is twice in PostgreSQL's log"
    lost = sorted(wanted - set(pg_ids))
    assert not lost, "%d acknowledged transfers are not in PostgreSQL's log: %r" % (
        len(lost), lost[:10])
    assert not refused_ids & set(pg_ids), sorted(refused_ids & set(pg_ids))[:10]
    assert len(pg_ids) == before + len(wanted), (len(pg_ids), before, len(wanted))

    root = merkle_root([e for _, e in pg_log])
    assert [s for s, _ in pg_log] == list(range(1, len(pg_log) + 1)), "gaps in PostgreSQL's log"
    for name in ("a", "b"):
        copy = Copy(cluster.copy_path(name))
        log = copy.log()
        assert (len(log), merkle_root([e for _, e in log])) == (len(pg_log), root), \
            ("copy %s is not PostgreSQL's log" % name, len(log), len(pg_log))
        stored = {row[0] for row in copy.sql("SELECT id FROM transfers")}
        assert not wanted - stored, ("copy %s lacks transfers" % name,
                                     sorted(wanted - stored)[:10])
        assert not refused_ids & stored, sorted(refused_ids & stored)[:10]
        assert stored == set(pg_ids), (name, len(stored), len(pg_ids))
        check_books(copy)
        overdrawn = copy.sql("SELECT code FROM accounts WHERE kind != 'source' AND "
                             "debits_posted + debits_pending > credits_posted")
        assert not overdrawn, ("overdrawn in copy " + name, overdrawn)
    print("  PostgreSQL and both copies: %d events, root %s" % (len(pg_log), root.hex()[:16]))

    code, out, err = server.run("--db", cluster.uri, "log", "verify", env=cluster.env("verify"))
    assert code == 0, "log verify exit %d: %s %s" % (code, out[-1000:], err[-1000:])
    assert "verified: %d events" % len(pg_log) in out, out


if __name__ == "__main__":
    server.main([test_two_servers])
