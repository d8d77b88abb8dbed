"""The web pages' weight and caching (issue 12, item 7): gzip chosen by
Accept-Encoding, content-hashed /static/HASH/ URLs cached for a year, the pages
revalidated by ETag (304), and no URL with a wrong hash cached for long.

    PAIRAID=build-test/pairaid PA_SOURCE_DIR=. python3 tests/http/test_static_cache.py
"""
import gzip
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server  # noqa: E402
from server import Server, main  # noqa: E402

S = None
IMMUTABLE = "public, max-age=31536000, immutable"
ECHARTS = os.path.join(server.SOURCE, "node_modules", "echarts", "dist", "echarts.min.js")


def get(path, method="GET", **headers):
    return S.request(method, path, headers=headers)


def assets(page):
    """The /static/ URLs a page names in src= and href=."""
    status, _, body = get(page)
    assert status == 200, (page, status)
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', body.decode())


def test_pages_name_their_scripts_by_hash():
    for page in ("/", "/app/"):
        urls = assets(page)
        assert any(u.endswith("/style.css") for u in urls), urls
        assert any(u.endswith(".js") for u in urls), urls
        for u in urls:
            assert re.fullmatch(r"/static/[0-9a-f]{16}/[a-z0-9/._-]+", u), u
            status, hdrs, _ = get(u)
            assert status == 200 and hdrs["cache-control"] == IMMUTABLE, (u, status, hdrs)
    # the plain names still answer (an old bookmark, a curious reader), but revalidated
    status, hdrs, body = get("/portal.js")
    assert status == 200 and hdrs["cache-control"] == "no-cache" and hdrs["etag"], hdrs


def test_module_imports_stay_under_the_hash():
    """app.js imports ../api.js: under /static/HASH/app/ that is /static/HASH/api.js."""
    app = [u for u in assets("/app/") if u.endswith("/app/app.js")][0]
    prefix = app[: -len("app/app.js")]
    status, _, body = get(app)
    assert status == 200 and b"from '../api.js'" in body, body[:200]
    status, hdrs, _ = get(prefix + "api.js")
    assert status == 200 and hdrs["cache-control"] == IMMUTABLE, hdrs


def test_gzip_when_accepted_identity_otherwise():
    echarts = [u for u in assets("/") if u.endswith("echarts.min.js")][0]
    with open(ECHARTS, "rb") as f:
        plain = f.read()
    status, hdrs, body = get(echarts, **{"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200 and hdrs.get("content-encoding") == "gzip", hdrs
    assert hdrs["vary"] == "Accept-Encoding" and int(hdrs["content-length"]) == len(body)
    assert gzip.decompress(body) == plain
    assert len(body) < len(plain) / 2.5, (len(body), len(plain))
    for refusing in (None, "identity", "gzip;q=0", "br", "gzip;q=0, *;q=1", "*;q=0"):
        headers = {"Accept-Encoding": refusing} if refusing else {}
        status, hdrs, body = get(echarts, **headers)
        assert status == 200 and "content-encoding" not in hdrs, (refusing, hdrs)
        assert hdrs["vary"] == "Accept-Encoding" and body == plain, refusing
    for taking in ("GZIP", "x-gzip", "*", "br;q=1, gzip;q=0.5", "deflate, gzip ; q=0.8"):
        status, hdrs, body = get(echarts, **{"Accept-Encoding": taking})
        assert hdrs.get("content-encoding") == "gzip", (taking, hdrs)


def test_head_says_what_get_would_send():
    for enc in ("gzip", "identity"):
        _, got, body = get("/app/", **{"Accept-Encoding": enc})
        status, head, empty = get("/app/", "HEAD", **{"Accept-Encoding": enc})
        assert status == 200 and empty == b"", (status, empty[:50])
        for h in ("content-length", "content-encoding", "etag", "vary", "cache-control"):
            assert head.get(h) == got.get(h), (enc, h, head.get(h), got.get(h))
        assert int(head["content-length"]) == len(body)
    # no ranges offered: a Range request gets the whole file, never a wrong slice
    status, hdrs, body = get("/style.css", Range="bytes=0-9")
    assert status == 200 and "accept-ranges" not in hdrs and len(body) > 10, (status, hdrs)


def test_pages_revalidate_with_etag():
    for page in ("/", "/app/", "/index.html"):
        for enc in ("gzip", "identity"):
            status, hdrs, _ = get(page, **{"Accept-Encoding": enc})
            assert status == 200 and hdrs["cache-control"] == "no-cache", hdrs
            etag = hdrs["etag"]
            assert re.fullmatch(r'"[0-9a-f]{16}(-gz)?"', etag), etag
            assert etag.endswith('-gz"') == (enc == "gzip"), (enc, etag)
            status, hdrs, body = get(page, **{"Accept-Encoding": enc, "If-None-Match": etag})
            assert status == 304 and body == b"" and hdrs["etag"] == etag, (status, hdrs)
            status, _, _ = get(page, **{"If-None-Match": 'W/' + etag + ', "x"'})
            assert status in (200, 304)
            status, _, body = get(page, **{"Accept-Encoding": enc, "If-None-Match": '"0000"'})
            assert status == 200 and body, status


def test_a_wrong_hash_is_never_cached_for_long():
    good = [u for u in assets("/") if u.endswith("/portal.js")][0]
    wrong = re.sub(r"/static/[0-9a-f]{16}/", "/static/0123456789abcdef/", good)
    status, hdrs, _ = get(wrong)
    assert status == 200 and hdrs["cache-control"] == "no-cache", (status, hdrs)
    # the vendor hash covers vendor/ only: it does not make a page script immutable
    vendor_hash = [u for u in assets("/") if "vendor/" in u][0].split("/")[2]
    status, hdrs, _ = get("/static/%s/portal.js" % vendor_hash)
    assert status == 200 and hdrs["cache-control"] == "no-cache", hdrs
    for bad in ("/static/0123456789abcdef/index.html", "/static/abc/portal.js",
                "/static/0123456789ABCDEF/portal.js", "/static/0123456789abcdef/nope.js",
                "/static/0123456789abcdef/../pairaid.db", "/static/"):
        status, hdrs, _ = get(bad)
        assert status == 404 and hdrs.get("cache-control") != IMMUTABLE, (bad, status)


def run_all():
    global S
    code = 0
    with Server() as s:  # stopped and checked for sanitizer reports before the exit
        S = s
        try:
            main([test_pages_name_their_scripts_by_hash, test_module_imports_stay_under_the_hash,
                  test_gzip_when_accepted_identity_otherwise, test_head_says_what_get_would_send,
                  test_pages_revalidate_with_etag, test_a_wrong_hash_is_never_cached_for_long])
        except SystemExit as e:
            code = e.code or 0
    sys.exit(code)


if __name__ == "__main__":
    run_all()
