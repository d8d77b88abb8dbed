#!/usr/bin/env python3
"""replica_proxy.py DIR - a loopback HTTP proxy for tests/cli/replica.sh.

The replica talks to this proxy, which forwards each request to the base URL
written in DIR/backend (read again for every request), so that the test can put
another server behind the same URL (a forked log).  If DIR/kill-on-entries
holds a process id, the first GET of /api/v1/log/entries kills that process
(SIGKILL) before forwarding: the server dies in the middle of a pull.  The
proxy writes its port to DIR/port once it listens.
"""
import http.client
import http.server
import os
import signal
import sys
import urllib.parse

DIR = sys.argv[1]


class Forward(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def forward(self, body=None):
        kill = os.path.join(DIR, 'kill-on-entries')
        if self.path.startswith('/api/v1/log/entries') and os.path.exists(kill):
            with open(kill) as f:
                pid = int(f.read().strip())
            os.unlink(kill)
            os.kill(pid, signal.SIGKILL)
        with open(os.path.join(DIR, 'backend')) as f:
            base = urllib.parse.urlparse(f.read().strip())
        try:
            conn = http.client.HTTPConnection(base.hostname, base.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() != 'host'}
            conn.request(self.command, self.path, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
        except OSError:
            self.close_connection = True  # the server is gone: so is the answer
            return
        self.send_response(answer.status)
        for k, v in answer.getheaders():
            if k.lower() not in ('transfer-encoding', 'connection', 'content-length'):
                self.send_header(k, v)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.forward()

    def do_POST(self):
        n = int(self.headers.get('Content-Length') or 0)
        self.forward(self.rfile.read(n))


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Forward)
with open(os.path.join(DIR, 'port.tmp'), 'w') as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(DIR, 'port.tmp'), os.path.join(DIR, 'port'))
server.serve_forever()
