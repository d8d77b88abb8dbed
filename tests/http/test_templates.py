"""GET /api/v1/templates/{kind}: the import templates of `pairaid template` over
HTTP, for the import screen's 下载模板.  XLSX by default, with Chinese headings
and a Chinese file name; CSV (with a BOM unless bom=0) the same bytes as the
command line's; every kind; an unknown kind 404, a bad format 406, bad headers
400, the public 401 - each the error shape of docs/api.md.

    PAIRAID=build-test/pairaid PA_SOURCE_DIR=. python3 tests/http/test_templates.py
"""
import json
import os
import sys
import urllib.parse
import zipfile
import io

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server import Server, is_error, main, run  # noqa: E402

S = None
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ["pairings", "orgs", "projects", "milestones", "exchanges", "contracts", "notices",
         "indicators", "revenue_shares", "accounts", "transfers", "scores"]


def get(path, user="donghai.office", accept=None):
    headers = {"Authorization": "Bearer " + S.login(user)} if user else {}
    if accept:
        headers["Accept"] = accept
    return S.request("GET", path, None, headers, None)


def filename_star(headers):
    return urllib.parse.unquote(headers["content-disposition"].split("filename*=UTF-8''", 1)[1])


def test_xlsx_by_default_for_every_kind():
    for kind in KINDS:
        status, headers, body = get("/api/v1/templates/" + kind)
        assert status == 200, (kind, status, body[:200])
        assert headers["content-type"] == XLSX, headers
        assert 'filename="%s-template.xlsx"' % kind in headers["content-disposition"], headers
        assert filename_star(headers).endswith("导入模板.xlsx"), headers
        book = zipfile.ZipFile(io.BytesIO(body))
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
        # a heading row and one example row, the heading frozen
        assert sheet.count("<row ") == 2, (kind, sheet.count("<row "))
        assert 'state="frozen"' in sheet, kind
    status, headers, _ = get("/api/v1/templates/projects")
    assert filename_star(headers) == "项目导入模板.xlsx", headers


def test_csv_the_command_lines_bytes():
    for kind in KINDS:
        status, headers, body = get("/api/v1/templates/%s?format=csv&headers=en&bom=0" % kind)
        assert status == 200 and headers["content-type"].startswith("text/csv"), (kind, status)
        code, out, err = run("template", kind)
        assert code == 0, err
        assert body == out.encode("utf-8"), (kind, body[:120], out[:120])
    # for Chinese Excel by default: BOM and Chinese headings, as `--bom --headers zh`
    status, headers, body = get("/api/v1/templates/projects", accept="text/csv")
    code, out, err = run("template", "projects", "--bom", "--headers", "zh")
    assert status == 200 and body == out.encode("utf-8"), body[:80]
    assert body.startswith(b"\xef\xbb\xbf")


def test_bad_requests():
    status, _, body = get("/api/v1/templates/regions")
    assert is_error(status, json.loads(body), 404, "not_found"), (status, body)
    status, _, body = get("/api/v1/templates/nothing")
    assert is_error(status, json.loads(body), 404, "not_found"), (status, body)
    status, _, body = get("/api/v1/templates/projects?format=xls")
    assert is_error(status, json.loads(body), 406), (status, body)
    status, _, body = get("/api/v1/templates/projects?headers=fr")
    parsed = json.loads(body)
    assert is_error(status, parsed, 400, "malformed") and parsed["error"]["field"] == "headers"
    status, _, body = get("/api/v1/templates/projects", user=None)
    assert is_error(status, json.loads(body), 401), (status, body)


TESTS = [test_xlsx_by_default_for_every_kind, test_csv_the_command_lines_bytes, test_bad_requests]

if __name__ == "__main__":
    with Server() as S:
        main(TESTS)
