"""Regressions from the outside review (issue 9), each written before its fix:
the answer cache, public figures, the login throttle, slow clients, request
framing and bodies.  Every test here failed on the code the review read.

    PAIRAID=build-test/pairaid PA_SOURCE_DIR=. python3 tests/http/test_hardening.py
"""
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server import Server, main  # noqa: E402

S = None


def get(path, headers=None):
    status, hdrs, payload = S.request("GET", path, headers=headers)
    try:
        body = json.loads(payload) if payload else None
    except ValueError:
        body = None
    return status, hdrs, body


def alive():
    status, _, body = get("/healthz")
    return status == 200 and body["status"] == "ok"


# ---- 1. one anonymous GET killed the server ------------------------------------------


def test_long_query_does_not_kill_the_server():
    for path in ["/api/v1/summary?x=" + "A" * 600,
                 "/api/v1/summary?" + "&".join("k%d=%s" % (i, "v" * 40) for i in range(40)),
                 "/api/v1/projects?limit=20&q=" + urllib.parse.quote("桃林镇" * 57),
                 "/api/v1/projects?q=" + "%E6" * 300]:
        status, _, body = get(path)
        assert status in (200, 400), (path[:60], status, body)
        assert alive(), "the server died on " + path[:60]
    # a page's images ask for photos with long names: never a crash
    status, _, _ = get("/media/" + "a" * 64 + ".jpg?" + "x" * 3000)
    assert status == 404 and alive()


if __name__ == "__main__":
    with Server() as srv:
        S = srv
        main([test_long_query_does_not_kill_the_server])
