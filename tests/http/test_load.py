#!/usr/bin/env python3
"""A bounded load test of `pairaid serve` (loopback only, PA_LOAD_SECONDS of load, default 60).

Readers (anonymous and signed in) GET projects, a project, balances, accounts, the summary and the
transfer list; writers (admin, the donor wuxi.finance, the recipient donghai.office) POST unique
posted transfers, one at a time and in small batches, between accounts they may move money from,
and re-send some they were answered for (which must answer EXISTS); one client sends requests that
must be refused (401, 403, 400, 409, 422) and checks each is.  All of them at once, each on its
own keep-alive connection, while the server's resident memory is sampled from /proc.

Then: no error, no lost transfer (every id answered 201 is in `transfers`), no duplicate and no
refused id stored, the books balance (total debits = total credits; every account's four counters
equal the sums over its transfers), the server stops on SIGTERM with exit 0, `pairaid log verify`
passes, and memory stayed flat (the last third of the samples is not above the first third by
more than 20 % + 8 MiB).  Throughput and latency are printed; they are not asserted (timed
figures belong to bench/http, and the test builds run under AddressSanitizer or, in
make test-tsan, ThreadSanitizer, for which this is the most concurrent test there is).
"""
import datetime
import http.client
import json
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server  # noqa: E402

SECONDS = float(os.environ.get("PA_LOAD_SECONDS", "60"))
SAMPLE_EVERY = min(2.0, SECONDS / 20)  # at least ~18 samples after the warm-up
WARMUP = min(6.0, SECONDS / 10)  # the first seconds of load fill caches: not compared
TODAY = datetime.date.today().isoformat()
PROJECT = "LYG-MS-TAOLIN-CANTEEN"
CANTEEN = "PRJ-LYG-MS-TAOLIN-CANTEEN"
BUILDER = "PAY-SYN-BUILD-DH"  # payee in 东海县
POOL = "POOL-WX-LYG"
SOURCES = ["SRC-WX-CITY", "SRC-WX-JIANGYIN", "SRC-WX-YIXING", "SRC-WX-XISHAN", "SRC-WX-HUISHAN",
           "SRC-WX-BINHU", "SRC-WX-LIANGXI", "SRC-WX-XINWU"]

# AddressSanitizer keeps up to 256 MiB of freed memory in quarantine, which would look like a
# leak in the RSS samples; a small quarantine still catches use-after-free of recent frees.
os.environ["ASAN_OPTIONS"] = ":".join(
    x for x in (os.environ.get("ASAN_OPTIONS", ""), "quarantine_size_mb=8") if x)
# ThreadSanitizer (make test-tsan sets PA_TSAN) keeps shadow memory several times the size of
# every block the server allocates, so the normal growth of its caches as the books grow (SQLite's
# page cache on each reader connection) is multiplied in the RSS samples: the last third was 15
# to 30 MiB above the first where AddressSanitizer shows 12, against a limit of 20 % + 8 MiB.
# There the figures are printed but not judged: the AddressSanitizer run of this test in
# `make test` holds memory flat, and its LeakSanitizer finds leaks.
TSAN = os.environ.get("PA_TSAN") == "1"


def percentile(values, p):
    if not values:
        return 0.0
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


class Client:
    """One keep-alive connection; records every answer."""

    def __init__(self, port, name, token=None):
        self.port = port
        self.name = name
        self.token = token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.latencies = []
        self.errors = []  # (method, path, status, body) of every unexpected answer
        self.requests = 0

    def call(self, method, path, body=None, raw=None, token=True, headers=None):
        h = {"Content-Type": "application/json"} if (body is not None or raw) else {}
        if token and self.token:
            h["Authorization"] = "Bearer " + self.token
        h.update(headers or {})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        t0 = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=h)
            resp = self.conn.getresponse()
            payload = resp.read()
            status = resp.status
        except (OSError, http.client.HTTPException) as e:
            # a dropped keep-alive connection is an error here: the server must not drop one
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            status, payload = None, repr(e).encode()
        self.latencies.append(time.perf_counter() - t0)
        self.requests += 1
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = None
        return status, parsed, payload

    def expect(self, ok_statuses, method, path, **kw):
        status, parsed, payload = self.call(method, path, **kw)
        if status not in ok_statuses:
            self.errors.append((method, path, status, payload[:300]))
        return status, parsed


class Writer(Client):
    """Posts unique transfers FROM one of `sources` TO `to`, singly and in batches of 5."""

    def __init__(self, port, name, token, tag, sources, to, amount="0.01", project=None):
        super().__init__(port, name, token)
        self.tag = tag
        self.sources = sources
        self.to = to
        self.amount = amount
        self.project = project
        self.n = 0
        self.acked = {}  # id -> the transfer sent
        self.first_acked = None  # read by the refused-request client's thread
        self.retried = 0
        self.transfers_sent = 0

    def transfer(self):
        self.n += 1
        t = {"id": "LD-%s-%06d" % (self.tag, self.n), "date": TODAY,
             "from": self.sources[self.n % len(self.sources)], "to": self.to,
             "amount": self.amount, "memo": "load test %s" % self.name, "kind": "posted"}
        if self.project:
            t["project"] = self.project
        return t

    def step(self, rng):
        r = rng.random()
        if r < 0.1 and self.acked:
            # a retry of a transfer already answered: EXISTS, 200, and nothing changes
            tid = rng.choice(list(self.acked))
            status, body = self.expect({200}, "POST", "/api/v1/transfers", body=self.acked[tid])
            if status == 200 and body["results"] != [{"id": tid, "result": "EXISTS"}]:
                self.errors.append(("POST", "retry " + tid, status, json.dumps(body)))
            self.retried += 1
            return
        batch = [self.transfer() for _ in range(5 if r < 0.3 else 1)]
        body = batch if len(batch) > 1 else batch[0]
        status, answer = self.expect({201}, "POST", "/api/v1/transfers", body=body)
        self.transfers_sent += len(batch)
        if status != 201:
            return
        results = {x["id"]: x["result"] for x in answer["results"]}
        for t in batch:
            if results.get(t["id"]) != "CREATED":
                self.errors.append(("POST", t["id"], status, json.dumps(answer)[:300]))
            else:
                self.acked[t["id"]] = t
                if self.first_acked is None:
                    self.first_acked = t


class Reader(Client):
    PATHS = ["/api/v1/projects", "/api/v1/projects/" + PROJECT, "/api/v1/balances",
             "/api/v1/accounts", "/api/v1/summary", "/api/v1/transfers?limit=50",
             "/api/v1/transfers?account=%s&limit=20" % CANTEEN, "/healthz"]
    ANONYMOUS = ["/api/v1/projects", "/api/v1/projects/" + PROJECT, "/api/v1/summary", "/healthz"]

    def step(self, rng):
        paths = self.PATHS if self.token else self.ANONYMOUS
        path = rng.choice(paths)
        status, body = self.expect({200}, "GET", path)
        if status == 200 and body is None:
            self.errors.append(("GET", path, status, b"not JSON"))


class Refused(Client):
    """Requests that must be refused; each is checked for its status.  The ids used are
    remembered: none of them may be stored."""

    def __init__(self, port, tokens, acked_source):
        super().__init__(port, "refused")
        self.tokens = tokens
        self.acked_source = acked_source
        self.n = 0
        self.ids = set()
        self.expected = 0

    def bad(self, **extra):
        self.n += 1
        t = {"id": "LD-BAD-%06d" % self.n, "date": TODAY, "from": "SRC-WX-CITY", "to": POOL,
             "amount": "0.01", "kind": "posted"}
        t.update(extra)
        self.ids.add(t["id"])
        return t

    def step(self, rng):
        self.token = None
        k = self.n % 8
        if k == 0:  # no sign-in
            want, args = {401}, dict(body=self.bad())
        elif k == 1:  # the donor cannot move a project's money
            self.token = self.tokens["wuxi.finance"]
            want, args = {403}, dict(body=self.bad(**{"from": CANTEEN, "to": BUILDER}))
        elif k == 2:  # three decimals
            self.token = self.tokens["admin"]
            want, args = {422}, dict(body=self.bad(amount="0.010"))
        elif k == 3:  # more than the canteen holds: refused by the ledger, on the writer
            self.token = self.tokens["donghai.office"]
            want, args = {422}, dict(body=self.bad(**{"from": CANTEEN, "to": BUILDER,
                                                       "amount": "99999999999.00"}))
        elif k == 4:  # a batch with one bad transfer stores none of them
            self.token = self.tokens["admin"]
            good = self.bad()
            want, args = {422}, dict(body=[good, self.bad(to="NO-SUCH-ACCOUNT")])
        elif k == 5:  # not JSON
            self.token = self.tokens["admin"]
            self.n += 1
            want, args = {400}, dict(raw=b'{"id": "LD-BAD-%06d", ' % self.n)
        elif k == 6:  # an acknowledged id with a different amount
            self.token = self.tokens["admin"]
            acked = self.acked_source()
            if acked is None:
                self.n += 1
                return
            t = dict(acked, amount="0.02")
            want, args = {409}, dict(body=t)
        else:  # an unknown field
            self.token = self.tokens["admin"]
            want, args = {422}, dict(body=self.bad(colour="red"))
        self.expected += 1
        self.expect(want, "POST", "/api/v1/transfers", **args)


def rss_sampler(pid, stop, samples):
    while not stop.is_set():
        try:
            with open("/proc/%d/status" % pid) as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            samples.append((time.time(), int(fields["VmRSS"].split()[0]),
                            int(fields["VmHWM"].split()[0])))
        except (OSError, KeyError, ValueError):
            pass
        stop.wait(SAMPLE_EVERY)


def run_clients(clients, seconds):
    deadline = time.time() + seconds

    def loop(c, seed):
        rng = random.Random(seed)
        while time.time() < deadline:
            c.step(rng)

    threads = [threading.Thread(target=loop, args=(c, i)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def check_books(s):
    debits, credits, dpend, cpend = s.sql(
        "SELECT sum(debits_posted), sum(credits_posted), sum(debits_pending), "
        "sum(credits_pending) FROM accounts")[0]
    assert debits == credits, ("debits_posted != credits_posted", debits, credits)
    assert dpend == cpend, ("debits_pending != credits_pending", dpend, cpend)
    # every account's counters from its transfers: posted and post move money, a pending
    # transfer reserves it until a post or void resolves it
    wrong = s.sql("""
        WITH moves(account, dp, cp, dpe, cpe) AS (
            SELECT from_account, amount, 0, 0, 0 FROM transfers WHERE kind IN ('posted', 'post')
            UNION ALL
            SELECT to_account, 0, amount, 0, 0 FROM transfers WHERE kind IN ('posted', 'post')
            UNION ALL
            SELECT from_account, 0, 0, amount, 0 FROM transfers
                WHERE kind = 'pending' AND resolved_by IS NULL
            UNION ALL
            SELECT to_account, 0, 0, 0, amount FROM transfers
                WHERE kind = 'pending' AND resolved_by IS NULL),
        sums AS (SELECT account, sum(dp) dp, sum(cp) cp, sum(dpe) dpe, sum(cpe) cpe
                 FROM moves GROUP BY account)
        SELECT a.code, a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending,
               coalesce(s.dp, 0), coalesce(s.cp, 0), coalesce(s.dpe, 0), coalesce(s.cpe, 0)
        FROM accounts a LEFT JOIN sums s ON s.account = a.code
        WHERE a.debits_posted != coalesce(s.dp, 0) OR a.credits_posted != coalesce(s.cp, 0)
           OR a.debits_pending != coalesce(s.dpe, 0) OR a.credits_pending != coalesce(s.cpe, 0)""")
    assert not wrong, ("counters differ from the transfers", wrong[:10])
    orphans = s.sql("SELECT count(*) FROM transfers WHERE from_account NOT IN "
                    "(SELECT code FROM accounts) OR to_account NOT IN (SELECT code FROM accounts)")
    assert orphans == [(0,)], orphans


def test_load():
    with server.Server() as s:
        tokens = {name: s.login(name) for name in
                  ("admin", "wuxi.finance", "donghai.office", "audit.wxlyg", "province.assess")}
        # the canteen gets money the recipient can pay out, and the pool money the admin
        # allocates, one fen at a time (the demo's pool has allocated all it received)
        status, body = s.call("POST", "/api/v1/transfers", token=tokens["admin"], body=[
            {"id": "LD-FUND-1", "date": TODAY, "from": "SRC-WX-CITY", "to": CANTEEN,
             "amount": "100000.00", "project": PROJECT, "kind": "posted"},
            {"id": "LD-FUND-2", "date": TODAY, "from": "SRC-WX-CITY", "to": POOL,
             "amount": "100000.00", "kind": "posted"}])
        assert status == 201, (status, body)
        status, body = s.call("GET", "/api/v1/accounts?project=" + PROJECT,
                              token=tokens["donghai.office"])
        assert status == 200, (status, body)
        canteen = [a for a in body["accounts"] if a["code"] == CANTEEN][0]
        assert float(canteen["available"]) >= 100000, canteen
        books_before = s.sql("SELECT count(*) FROM transfers")[0][0]

        port = s.port
        writers = [
            Writer(port, "admin", tokens["admin"], "A1", ["SRC-WX-CITY", "SRC-HUIYU-INVEST"], POOL),
            Writer(port, "admin", tokens["admin"], "A2", [POOL], "PRJ-LYG-MS-001"),
            Writer(port, "wuxi.finance", tokens["wuxi.finance"], "D1", SOURCES, POOL),
            Writer(port, "wuxi.finance", tokens["wuxi.finance"], "D2", SOURCES[::-1], POOL),
            Writer(port, "donghai.office", tokens["donghai.office"], "R1", [CANTEEN], BUILDER,
                   project=PROJECT),
        ]
        readers = [Reader(port, "anonymous"), Reader(port, "anonymous"),
                   Reader(port, "admin", tokens["admin"]),
                   Reader(port, "donghai.office", tokens["donghai.office"]),
                   Reader(port, "audit.wxlyg", tokens["audit.wxlyg"]),
                   Reader(port, "province.assess", tokens["province.assess"])]

        refused = Refused(port, tokens, lambda: writers[0].first_acked)
        clients = writers + readers + [refused]

        samples = []
        stop = threading.Event()
        sampler = threading.Thread(target=rss_sampler, args=(s.proc.pid, stop, samples))
        t0 = time.time()
        sampler.start()
        run_clients(clients, SECONDS)
        elapsed = time.time() - t0
        stop.set()
        sampler.join()

        # ---- figures ----------------------------------------------------------------
        reads = sum(r.requests for r in readers)
        writes = sum(w.requests for w in writers)
        acked = {}
        for w in writers:
            acked.update(w.acked)
        read_lat = [x for r in readers for x in r.latencies]
        write_lat = [x for w in writers for x in w.latencies]
        print("load: %.1f s, %d clients (%d writers, %d readers, 1 refused-request client)"
              % (elapsed, len(clients), len(writers), len(readers)))
        print("  reads:  %d requests, %.0f/s, latency p50 %.1f ms, p99 %.1f ms"
              % (reads, reads / elapsed, percentile(read_lat, 50) * 1e3,
                 percentile(read_lat, 99) * 1e3))
        print("  writes: %d requests, %.0f/s, %d transfers acknowledged (%.0f/s), %d retries, "
              "latency p50 %.1f ms, p99 %.1f ms"
              % (writes, writes / elapsed, len(acked), len(acked) / elapsed,
                 sum(w.retried for w in writers), percentile(write_lat, 50) * 1e3,
                 percentile(write_lat, 99) * 1e3))
        print("  refused as expected: %d requests" % refused.expected)
        print("  RSS samples (MiB, every %.1f s, the first %.0f s of load are warm-up): %s" % (
            SAMPLE_EVERY, WARMUP,
            " ".join("%s%.1f" % ("(" if t < t0 + WARMUP else "", rss / 1024) +
                     (")" if t < t0 + WARMUP else "") for t, rss, _ in samples)))
        if samples:
            print("  VmHWM at the end: %.1f MiB" % (samples[-1][2] / 1024))
        sys.stdout.flush()

        # ---- no error -----------------------------------------------------------------
        errors = [(c.name,) + e for c in clients for e in c.errors]
        assert not errors, "%d unexpected answers, first ones: %r" % (len(errors), errors[:10])
        assert len(acked) > 0 and reads > 0 and refused.expected > 0
        for w in writers:
            assert w.acked, "writer %s got nothing through" % w.tag

        # ---- retries after the load: EXISTS, each id once ----------------------------------
        some = random.Random(1).sample(sorted(acked), min(100, len(acked)))
        for w in writers:
            mine = [tid for tid in some if tid in w.acked]
            if not mine:
                continue
            c = Client(port, w.name, w.token)
            status, body = c.expect({200}, "POST", "/api/v1/transfers",
                                    body=[w.acked[tid] for tid in mine])
            assert status == 200 and all(x["result"] == "EXISTS" for x in body["results"]), \
                (status, body, c.errors)

        # ---- stop, then the database ------------------------------------------------------
        code = s.stop()
        assert code == 0, "the server stopped with %d: %s" % (code, s.stderr_text()[-2000:])
        stored = {row[0] for row in s.sql("SELECT id FROM transfers WHERE id LIKE 'LD-%'")}
        lost = [tid for tid in acked if tid not in stored]
        assert not lost, "%d acknowledged transfers are not stored: %r" % (len(lost), lost[:10])
        bad_stored = sorted(refused.ids & stored)
        assert not bad_stored, ("refused transfers were stored", bad_stored[:10])
        # (transfers.id is the primary key, so "each id once" is the table's own rule; the
        # retries above must not have added rows either)
        total = s.sql("SELECT count(*) FROM transfers")[0][0]
        assert total == books_before + len(acked), (total, books_before, len(acked))
        for tid in random.Random(2).sample(sorted(acked), min(200, len(acked))):
            t = acked[tid]
            row = s.sql("SELECT from_account, to_account, amount, actor FROM transfers "
                        "WHERE id = ?", (tid,))
            assert row and row[0][:3] == (t["from"], t["to"], 1), (tid, row, t)
        check_books(s)
        text = s.stderr_text()
        assert "LeakSanitizer" not in text, text[-4000:]
        code, out, err = server.run("--db", s.db, "log", "verify")
        assert code == 0, "log verify exit %d: %s %s" % (code, out[-1000:], err[-1000:])

        # ---- memory flat ------------------------------------------------------------------
        samples = [x for x in samples if x[0] >= t0 + WARMUP]
        assert len(samples) >= 6, samples
        third = len(samples) // 3
        first = sum(x[1] for x in samples[:third]) / third
        last = sum(x[1] for x in samples[-third:]) / third
        print("  RSS first third %.1f MiB, last third %.1f MiB%s" % (
            first / 1024, last / 1024, " (not judged under ThreadSanitizer)" if TSAN else ""))
        assert TSAN or last <= first * 1.2 + 8 * 1024, (
            "resident memory grew under load: %.1f MiB -> %.1f MiB" % (first / 1024, last / 1024))


if __name__ == "__main__":
    server.main([test_load])
