"""GET /api/v1/export/iati[?pairing=CODE]: the IATI 2.03 file over HTTP is the
same bytes as `pairaid export iati` on the same database and day, as
application/xml for download; a bad pairing is the error shape of docs/api.md;
the public (not signed in) gets 401 like every export.

    PAIRAID=build-test/pairaid PA_SOURCE_DIR=. python3 tests/http/test_iati.py
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server import Server, is_error, main, run  # noqa: E402

S = None


def get(path, user=None):
    headers = {"Authorization": "Bearer " + S.login(user)} if user else {}
    return S.request("GET", path, None, headers, None)


def same_as_cli(path, *args):
    status, headers, body = get(path, "admin")
    assert status == 200, (status, body[:200])
    assert headers["content-type"] == "application/xml", headers
    assert headers["content-disposition"] == 'attachment; filename="iati-activities.xml"', headers
    code, out, err = run("--db", S.db, "export", "iati", *args)
    assert code == 0, err
    assert body == out.encode("utf-8"), "the server's file differs from the command line's"
    return ET.fromstring(body)


def test_same_bytes_as_the_command_line():
    root = same_as_cli("/api/v1/export/iati")
    published = S.sql("SELECT count(*) FROM projects WHERE public")[0][0]
    assert len(root.findall("iati-activity")) == published
    county = same_as_cli("/api/v1/export/iati?pairing=WX-LYG-YX-DH", "--pairing", "WX-LYG-YX-DH")
    assert 0 < len(county.findall("iati-activity")) < published


def test_every_role_reads_the_published_projects():
    # publication is the public projects: every signed-in role gets the same activities
    counts = set()
    for user in ("wuxi.finance", "donghai.office", "audit.wxlyg", "province.assess"):
        status, _, body = get("/api/v1/export/iati", user)
        assert status == 200, (user, status)
        counts.add(len(ET.fromstring(body).findall("iati-activity")))
    assert len(counts) == 1, counts


def test_bad_requests():
    status, _, body = get("/api/v1/export/iati?pairing=NO-SUCH", "admin")
    parsed = json.loads(body)
    assert is_error(status, parsed, 422, "invalid"), (status, parsed)
    assert parsed["error"]["field"] == "pairing", parsed
    status, _, body = get("/api/v1/export/iati")
    assert is_error(status, json.loads(body), 401), (status, body)


def test_zh_error():
    headers = {"Authorization": "Bearer " + S.login("admin"), "Accept-Language": "zh-CN"}
    status, _, body = S.request("GET", "/api/v1/export/iati?pairing=NO-SUCH", None, headers, None)
    assert status == 422 and "NO-SUCH" in json.loads(body)["error"]["message"], body


if __name__ == "__main__":
    with Server() as server:
        S = server
        main([test_same_bytes_as_the_command_line, test_every_role_reads_the_published_projects,
              test_bad_requests, test_zh_error])
