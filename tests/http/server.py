"""Starts `pairaid serve` for a test and talks to it (standard library only).

    with Server() as s:                    # fresh demo database, demo users, free port
        token = s.login("donghai.office")
        status, body = s.call("GET", "/api/v1/projects", token=token)

The server runs against a demo database in a temporary folder, on a port the
kernel picks, and is stopped with SIGTERM at the end; a test fails if it does
not stop cleanly or if its stderr shows a sanitizer report.
"""
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

PAIRAID = os.environ.get("PAIRAID", "build/pairaid")
# What the sanitizers print when they find something: AddressSanitizer and UBSan in the
# PA_SANITIZE build, ThreadSanitizer in the PA_TSAN one (make test-tsan).  Each of them
# stops the server at its first report (tests/CMakeLists.txt sets halt_on_error for TSan).
SANITIZER_REPORTS = ("ERROR: AddressSanitizer", "runtime error", "WARNING: ThreadSanitizer")
SOURCE = os.environ.get("PA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

# The demo users of scripts/demo-users, and two more for scope tests.
PASSWORDS = {
    "admin": "pairaid-root",
    "wuxi.finance": "pairaid-donor",
    "donghai.office": "pairaid-recipient",
    "audit.wxlyg": "pairaid-auditor",
    "province.assess": "pairaid-assessor",
    "ganyu.office": "pairaid-recipient-2",  # recipient of 赣榆区, another county
    "jiangyin.finance": "pairaid-donor-2",  # donor of 江阴市, another donor
}
EXTRA_USERS = [
    ("ganyu.office", "recipient", ["--region", "320707"]),
    ("jiangyin.finance", "donor", ["--region", "320281"]),
]


def run(*args, stdin=None, env=None):
    """Runs pairaid; returns (exit code, stdout, stderr)."""
    p = subprocess.run([PAIRAID, *args], input=stdin, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


class Server:
    def __init__(self, extra_args=(), env=None):
        self.dir = tempfile.mkdtemp(prefix="pairaid-http-")
        self.db = os.path.join(self.dir, "pairaid.db")
        self.extra_args = list(extra_args)
        self.env = dict(os.environ, **(env or {}))
        self.proc = None
        self.port = None

    def __enter__(self):
        # The demo is loaded on the server's day: its open requests are dated
        # relative to today, and a test that sets the day must see them so.
        code, _, err = run("--db", self.db, "--as", "demo", "demo", env=self.env)
        assert code == 0, err
        demo_users = os.path.join(SOURCE, "scripts", "demo-users")
        subprocess.run([demo_users, PAIRAID, self.db], check=True, capture_output=True,
                       env=self.env)
        for name, role, scope in EXTRA_USERS:
            code, _, err = run("--db", self.db, "user", "add", name, "--role", role, *scope,
                               stdin=PASSWORDS[name] + "\n", env=self.env)
            assert code == 0, err
        self.start()
        return self

    def start(self):
        self.stderr = open(os.path.join(self.dir, "stderr.log"), "w+")
        self.access = open(os.path.join(self.dir, "access.log"), "w+")
        self.proc = subprocess.Popen(
            [PAIRAID, "--db", self.db, "serve", "--listen", "127.0.0.1:0", *self.extra_args],
            stdout=self.access, stderr=self.stderr, env=self.env)
        deadline = time.time() + 30
        while time.time() < deadline:
            self.stderr.seek(0)
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", self.stderr.read())
            if m:
                self.port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("the server did not start: " + self.stderr_text())

    def stop(self):
        """SIGTERM, then the exit code (0 when it stopped cleanly)."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self.stderr.flush()
        return code

    def stderr_text(self):
        self.stderr.seek(0)
        return self.stderr.read()

    def __exit__(self, kind, value, tb):
        if self.proc and self.proc.poll() is None:
            code = self.stop()
            if kind is None:
                assert code == 0, "the server stopped with %d: %s" % (code, self.stderr_text())
        text = self.stderr_text()
        self.stderr.close()
        self.access.close()
        if not os.environ.get("PA_KEEP_TMP"):
            shutil.rmtree(self.dir, ignore_errors=True)
        # checked even when the test already failed: a sanitizer that stopped the server is
        # why its requests failed, and its report is what the reader needs to see
        assert not any(r in text for r in SANITIZER_REPORTS), \
            "sanitizer report in the server's stderr:\n" + text

    # ---- requests ---------------------------------------------------------------

    def request(self, method, path, body=None, headers=None, raw=None):
        """Returns (status, headers dict, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        headers = dict(headers or {})
        if body is not None and raw is None:
            headers.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
        result = (resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload)
        conn.close()
        return result

    def call(self, method, path, body=None, token=None, raw=None, headers=None):
        """A JSON call with a bearer token; returns (status, parsed body or None)."""
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        status, _, payload = self.request(method, path, body, h, raw)
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = None
        return status, parsed

    def login(self, name, password=None):
        status, body = self.call("POST", "/api/v1/login",
                                 {"username": name, "password": password or PASSWORDS[name]})
        assert status == 200, (status, body)
        return body["token"]

    def sql(self, query, args=()):
        """Reads the database behind the server's back (for 'nothing changed')."""
        con = sqlite3.connect(self.db)
        try:
            return con.execute(query, args).fetchall()
        finally:
            con.close()

    def execute(self, query, args=()):
        """Writes to the database behind the server's back (e.g. to expire a session);
        returns the number of rows changed."""
        con = sqlite3.connect(self.db, timeout=30)
        try:
            with con:
                return con.execute(query, args).rowcount
        finally:
            con.close()

    def snapshot(self):
        """Everything a refused request must leave alone."""
        return (self.sql("SELECT count(*), max(seq) FROM events"),
                self.sql("SELECT code, debits_posted, credits_posted, debits_pending, "
                         "credits_pending FROM accounts ORDER BY code"))


def is_error(status, body, expected, code=None):
    """The one error shape of docs/api.md, with this status (and this code, if given)."""
    ok = (status == expected and isinstance(body, dict) and set(body) == {"error"} and
          {"code", "message", "field"} <= set(body["error"]))
    return ok and (code is None or body["error"]["code"] == code)


def main(tests):
    """Runs test functions in order, printing each; exits 1 on the first failure."""
    failed = 0
    for t in tests:
        start = time.time()
        try:
            t()
            print("ok   %-50s %.1fs" % (t.__name__, time.time() - start), flush=True)
        except Exception as e:  # report and go on to the next test
            failed += 1
            print("FAIL %s: %r" % (t.__name__, e), flush=True)
            import traceback
            traceback.print_exc()
    sys.exit(1 if failed else 0)
