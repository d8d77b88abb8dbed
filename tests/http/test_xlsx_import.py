#!/usr/bin/env python3
"""test_xlsx_import.py - POST /api/v1/import/{kind} with an XLSX body, and the
GB18030 detection of a CSV body.

The workbooks are written by tests/io/xlsx_fixtures.py's raw_xlsx (zipfile
only: this runs under the python3 without openpyxl).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "io"))
import tempfile  # noqa: E402

from server import Server, is_error, main  # noqa: E402
from xlsx_fixtures import Date, Formula, raw_xlsx  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["code", "name", "pairing", "region", "domain", "kind", "status", "budget", "start_date"]
S = None


def project(code, budget=100.5, name="表格导入"):
    return [code, name, "WX-LYG-YX-DH", 320722, "教育", "livelihood", "proposed", budget, Date(45292)]


def workbook(rows, sheets=None):
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
        raw_xlsx(f.name, sheets or [("项目", rows)])
        with open(f.name, "rb") as g:
            return g.read()


def post(body, content_type=XLSX, query="", lang=None):
    headers = {"Content-Type": content_type, "Authorization": "Bearer " + S.login("admin")}
    if lang:
        headers["Accept-Language"] = lang
    return S.call("POST", "/api/v1/import/projects" + query, raw=body, headers=headers)


def test_xlsx_upload():
    data = workbook([HEADER, project("API-X-1"), project("API-X-2", budget="2,000.00")])
    status, body = post(data)
    assert status == 200, body
    assert body == {"rows": 2, "created": 2, "unchanged": 0, "updated": 0, "bytes": len(data),
                    "sheet": "项目"}, body
    row = S.sql("SELECT budget, start_date, domain FROM projects WHERE code = 'API-X-1'")
    assert row == [(10050, "2024-01-01", "education")], row
    # told by its signature even when the client calls it something else
    status, body = post(data, content_type="application/octet-stream")
    assert status == 200 and body["unchanged"] == 2, body


def test_xlsx_bad_rows():
    snap = S.snapshot()
    bad = project("API-X-4")
    bad[7] = Formula("SUM(H2:H3)", 3)
    data = workbook([HEADER, project("API-X-3"), project("API-X-5", budget="1.234"), bad])
    status, body = post(data)
    assert is_error(status, {"error": {k: v for k, v in body["error"].items() if k != "errors"}},
                    422, "invalid"), body
    errors = body["error"]["errors"]
    assert [(e["line"], e["column"], e["cell"]) for e in errors] == [
        (3, "budget", "项目!H3"), (4, "budget", "项目!H4")], errors
    assert "a formula is not a value" in errors[1]["message"], errors
    assert S.snapshot() == snap
    status, body = post(data, lang="zh-CN")
    assert "公式不是数值" in body["error"]["errors"][1]["message"], body


def test_xlsx_bad_files():
    snap = S.snapshot()
    status, body = post(b"code,name\n")
    assert is_error(status, body, 422) and "not an XLSX file" in body["error"]["message"], body
    data = workbook(None, sheets=[("说明", [["x"]]), ("项目", [HEADER])])
    status, body = post(data, query="?sheet=" + "%E6%B2%A1%E6%9C%89")  # 没有
    assert is_error(status, body, 422) and "its sheets: 说明, 项目" in body["error"]["message"], body
    status, body = post(b"PK\x03\x04 not really a zip")
    assert is_error(status, body, 422), body
    assert S.snapshot() == snap


def test_gb18030_detected():
    text = ",".join(HEADER) + "\nAPI-G-1,东海县温室,WX-LYG-YX-DH,320722,产业,livelihood,申报,1.00,2024-01-02\n"
    status, body = post(text.encode("gb18030"), content_type="text/csv")
    assert status == 200 and body["created"] == 1, body
    assert body["note"] == "the file is not UTF-8; it was read as GB18030", body
    status, body = post(text.encode("gb18030"), content_type="text/csv", lang="zh-CN")
    assert body["note"] == "文件不是 UTF-8 编码，已按 GB18030 读取", body
    # an explicit encoding still wins; UTF-8 gets no note
    status, body = post(text.encode("gb18030"), content_type="text/csv", query="?encoding=utf-8")
    assert status == 422, body
    status, body = post(text.encode("utf-8"), content_type="text/csv")
    assert status == 200 and "note" not in body, body
    status, body = post(text.encode("utf-8"), content_type="text/csv", query="?encoding=latin1")
    assert is_error(status, body, 400) and body["error"]["field"] == "encoding", body


if __name__ == "__main__":
    with Server() as S:
        main([test_xlsx_upload, test_xlsx_bad_rows, test_xlsx_bad_files, test_gb18030_detected])
