#!/usr/bin/python3
"""reports_xlsx.py - every report as XLSX and CSV, from the CLI and from the API,
read back with openpyxl (Debian's python3-openpyxl: tests/CMakeLists.txt runs this
file with /usr/bin/python3) and checked against the JSON answer of the same read.

What it checks, for budget (every grouping), balances, a statement, the audit
findings, an assessment's scores and its ranking:
- the title block: the report's name, 制表单位, 截止日期 as a date, 金额单位;
- the heading row (Chinese, English with --headers en / &headers=en), frozen
  just under it, every column given a width;
- money cells are numbers formatted #,##0.00 equal to the JSON's amounts (in
  万元 where the unit is 万元), dates are dates, rates numbers with a percent
  format, points numbers, enums their labels with the code in a hidden column;
- CSV with --bom --headers zh (the API's default) starts with the BOM and the
  Chinese headings, and its figures equal the JSON's; the plain CSV keeps the
  contract's English columns;
- bad options exit 2 (CLI) or get 406/400 (API), and nothing is written.
"""
import csv
import datetime
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

import openpyxl

sys.path.insert(0, os.path.dirname(__file__))
from server import PAIRAID, Server, is_error, main  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GROUPS = ["project", "pairing", "county", "kind", "domain", "donor"]

# Per report: (field, kind) in column order; kinds: code, text, enum, money,
# decimal, count, rate, date.  people: columns the XLSX has and the CSV not.
BUDGET = [("key", "code"), ("name", "text"), ("projects", "count"), ("budget", "money"),
          ("allocated", "money"), ("committed", "money"), ("paid", "money"), ("rate", "rate"),
          ("expired", "money"), ("investment", "money")]
BALANCES = [("account", "code"), ("name", "text"), ("kind", "enum"), ("debits_posted", "money"),
            ("credits_posted", "money"), ("debits_pending", "money"), ("credits_pending", "money"),
            ("balance", "money")]
STATEMENT = [("date", "date"), ("id", "code"), ("kind", "enum"), ("counterparty", "code"),
             ("project", "code"), ("debit", "money"), ("credit", "money"), ("pending", "money"),
             ("balance", "money"), ("memo", "text"), ("comment", "text")]
FINDINGS = [("id", "code"), ("rule", "enum"), ("severity", "enum"), ("subject", "code"),
            ("amount", "money"), ("evidence", "text"), ("message", "text"), ("status", "enum"),
            ("opened", "date"), ("updated", "date")]
SCORES = [("pairing", "code"), ("area", "enum"), ("indicator", "code"), ("name", "text"),
          ("weight", "decimal"), ("metric", "enum"), ("actual", "decimal"),
          ("target", "decimal"), ("score", "decimal"), ("inputs", "text")]
RANKING = [("pairing", "code"), ("name", "text"), ("base", "decimal"), ("bonus", "decimal"),
           ("penalty", "decimal"), ("total", "decimal"), ("tier", "enum"), ("rank", "count"),
           ("spent_share", "decimal")]
PEOPLE = {"balances": {"name", "kind"}, "scores": {"name"}}

ZH = {"name": "名称", "projects": "项目数", "budget": "预算数", "allocated": "已拨付",
      "committed": "待审批", "paid": "已支出", "rate": "执行率", "expired": "其中已过期",
      "investment": "总投资", "account": "账户", "kind": "类型", "debits_posted": "借方已过账",
      "credits_posted": "贷方已过账", "debits_pending": "借方待审批",
      "credits_pending": "贷方待审批", "balance": "余额", "date": "日期", "id": "编号",
      "counterparty": "对方账户", "project": "项目", "debit": "支出", "credit": "收入",
      "pending": "冻结变动", "memo": "摘要", "comment": "审批意见", "rule": "规则",
      "severity": "严重程度", "subject": "问题对象", "amount": "金额", "evidence": "证据",
      "message": "问题描述", "status": "状态", "opened": "发现日期", "updated": "更新日期",
      "pairing": "结对关系", "area": "领域", "indicator": "指标", "weight": "权重",
      "metric": "计算方法", "actual": "实际值", "target": "目标值", "score": "得分",
      "inputs": "计算依据", "base": "基础分", "bonus": "加分", "penalty": "扣分", "total": "总分",
      "tier": "等次", "rank": "名次", "spent_share": "资金支出率（%）"}
# the budget report's key column is headed by what it groups by
BUDGET_KEY = {"project": "项目代码", "pairing": "结对关系代码", "county": "行政区划代码",
              "kind": "项目类型", "domain": "投向领域", "donor": "帮扶方行政区划代码"}
NAMES = {"budget": "预算执行情况表", "balances": "资金账户余额表", "statement": "账户明细账",
         "findings": "审计发现问题清单", "scores": "考核得分表", "ranking": "考核排名表"}
LABELS = {("findings", "severity"): {"error": "错误", "warning": "提示"},
          ("findings", "status"): {"open": "待整改", "acknowledged": "已确认",
                                   "explained": "已说明", "resolved": "已销号", "cleared": "已消除"},
          ("balances", "kind"): {"source": "资金来源", "pool": "资金池", "project": "项目",
                                 "payee": "收款单位"},
          ("statement", "kind"): {"posted": "入账", "pending": "申请冻结", "post": "批准入账",
                                  "void": "驳回释放"}}
TODAY = datetime.date.today()
S = None  # the server
DB = None


def cli(*args, code=0):
    p = subprocess.run([PAIRAID, "--db", S.db, *args], capture_output=True)
    assert p.returncode == code, (args, p.returncode, p.stderr.decode())
    return p


def fen(text):
    """Hundredths from "-43.42", "12.3%", "5.00" (exact)."""
    s = str(text).rstrip("%")
    neg = s.startswith("-")
    whole, _, frac = s.lstrip("-").partition(".")
    v = int(whole or "0") * 100 + int((frac + "00")[:2])
    return -v if neg else v


def close(a, b):
    return abs(a - b) < 1e-6


def heading(f, zh, group):
    if not zh:
        return f
    return BUDGET_KEY[group or "project"] if f == "key" else ZH[f]


def group_of(where):
    """The grouping of a budget command (args) or request (path); None for other reports."""
    if isinstance(where, str):
        m = re.search(r"group=(\w+)", where)
        return m.group(1) if m else None
    return where[2] if where[:2] == ["budget", "--by"] else None


def check_title(ws, report, zh=True):
    """The title block: name, 制表单位, 截止日期 (a date), 金额单位; returns the unit."""
    name = ws["A1"].value
    assert isinstance(name, str) and (NAMES[report] in name if zh else name), name
    points = report in ("scores", "ranking")  # points, not money: 计分单位 分
    labels = ["制表单位", "截止日期", "计分单位" if points else "金额单位"] if zh else \
        ["Prepared by", "As of", "Unit"]
    assert [ws.cell(row=r, column=1).value for r in (2, 3, 4)] == labels, \
        [ws.cell(row=r, column=1).value for r in (2, 3, 4)]
    assert ws["B2"].value, "制表单位 is empty"
    assert isinstance(ws["B3"].value, datetime.datetime), ws["B3"].value
    assert ws["B3"].number_format == "yyyy-mm-dd"
    unit = ws["B4"].value
    if points:
        assert unit == ("分" if zh else "points"), unit
        return False
    assert unit in (("元", "万元") if zh else ("yuan", "10,000 yuan")), unit
    return unit in ("万元", "10,000 yuan")


def columns_of(report, spec, people=True):
    return [(f, k) for f, k in spec if people or f not in PEOPLE.get(report, ())]


def read_sheet(path, report, spec, zh=True, group=None):
    """Checks the layout and returns (rows as dicts of (value, format), wan, hidden codes)."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    wan = check_title(ws, report, zh)
    heading_row = 5
    assert ws.freeze_panes == "A%d" % (heading_row + 1), ws.freeze_panes
    headings = [c.value for c in ws[heading_row]]
    expect = []
    for f, k in spec:
        expect.append(heading(f, zh, group))
        if k == "enum":
            expect.append((heading(f, zh, group) + "代码") if zh else f + "_code")
    assert headings == expect, (headings, expect)
    code_columns, at = set(), 1  # the hidden one right of each enum column
    for f, k in spec:
        at += 1
        if k == "enum":
            code_columns.add(at)
            at += 1
    for i, h in enumerate(headings, start=1):
        letter = openpyxl.utils.get_column_letter(i)
        dim = ws.column_dimensions[letter]
        assert dim.width and dim.width >= 8, (h, dim.width)
        assert bool(dim.hidden) == (i in code_columns), (h, dim.hidden)
    rows = []
    for r in ws.iter_rows(min_row=heading_row + 1):
        cells = list(r)
        row, at = {}, 0
        for f, k in spec:
            row[f] = (cells[at].value, cells[at].number_format)
            at += 1
            if k == "enum":
                row[f + "@code"] = cells[at].value
                at += 1
        rows.append(row)
    return rows, wan


def check_cell(report, field, kind, got, want, wan, zh=True):
    value, fmt = got[field]
    if kind in ("money", "decimal"):
        if want in (None, ""):
            assert value is None, (field, value)
            return
        assert isinstance(value, (int, float)) and fmt == "#,##0.00", (field, value, fmt)
        scale = 1e6 if kind == "money" and wan else 1e2
        assert close(value, fen(want) / scale), (field, value, want)
    elif kind == "rate":
        if want in (None, ""):
            assert value is None, (field, value)
            return
        assert fmt.endswith("%") and close(value, fen(want) / 10000), (field, value, want, fmt)
    elif kind == "count":
        assert value == int(want), (field, value, want)
    elif kind == "date":
        assert isinstance(value, datetime.datetime) and value.date().isoformat() == want, \
            (field, value, want)
        assert fmt == "yyyy-mm-dd", fmt
    elif kind == "enum":
        assert got[field + "@code"] == str(want), (field, got[field + "@code"], want)
        labels = LABELS.get((report, field))
        if zh and labels:
            assert value == labels[want], (field, value, want)
        assert isinstance(value, str) and value, (field, value)
    else:
        assert (value or "") == (want or ""), (field, value, want)
        assert kind != "code" or value is None or isinstance(value, str)


def compare(report, spec, rows, wan, items, zh=True):
    assert len(rows) == len(items), (report, len(rows), len(items))
    assert items, report + ": nothing to compare"
    for got, want in zip(rows, items):
        for f, k in spec:
            # a kind's or a domain's name is its label in XLSX (the CLI's JSON has none)
            if f == "name" and spec[0] == ("key", "enum"):
                continue
            if f in want:
                check_cell(report, f, k, got, want[f], wan, zh)


def check_csv(text, report, spec, items, zh, group=None):
    """A CSV: BOM and Chinese headings (zh), or the contract's first line; figures equal."""
    if zh:
        assert text.startswith("\ufeff"), repr(text[:5])
        text = text[1:]
    reader = list(csv.reader(io.StringIO(text)))
    plain = columns_of(report, spec, people=False)
    assert reader[0] == [heading(f, zh, group) for f, _ in plain], reader[0]
    assert len(reader) - 1 == len(items)
    for line, want in zip(reader[1:], items):
        for (f, k), v in zip(plain, line):
            if f not in want or want[f] is None:
                continue
            if k in ("money", "decimal", "rate") and want[f] != "":
                assert fen(v) == fen(want[f]), (f, v, want[f])
            elif k in ("code", "enum", "date", "count"):
                assert v == str(want[f]), (f, v, want[f])


# ---- the CLI ---------------------------------------------------------------------------------

def cli_json(*args):
    return json.loads(cli(*args, "--format", "json").stdout)


def cli_cases():
    """(report, spec, command args, JSON rows from the CLI)."""
    cases = [("budget", BUDGET, ["budget", "--by", g], None) for g in GROUPS]
    cases += [("balances", BALANCES, ["balance"], None),
              ("statement", STATEMENT, ["statement", "PRJ-LYG-MS-039"], None),
              ("findings", FINDINGS, ["audit", "findings", "--status", "all"], None),
              ("scores", SCORES, ["assess", "scores", "--year", str(TODAY.year)], None),
              ("ranking", RANKING, ["assess", "ranking", "--year", str(TODAY.year)], None)]
    out = []
    for report, spec, args, _ in cases:
        items = cli_json(*args)
        if report == "budget" and args[2] in ("kind", "domain"):
            spec = [("key", "enum")] + spec[1:]
        out.append((report, spec, args, items))
    return out


def test_cli_xlsx_every_report():
    d = tempfile.mkdtemp()
    for report, spec, args, items in cli_cases():
        path = os.path.join(d, report + ".xlsx")
        cli(*args, "--format", "xlsx", "-o", path)
        rows, wan = read_sheet(path, report, spec, group=group_of(args))
        compare(report, spec, rows, wan, items)


def test_cli_xlsx_english_headings():
    d = tempfile.mkdtemp()
    for report, spec, args, items in cli_cases():
        path = os.path.join(d, report + "-en.xlsx")
        cli(*args, "--format", "xlsx", "--headers", "en", "-o", path)
        rows, wan = read_sheet(path, report, spec, zh=False)
        compare(report, spec, rows, wan, items, zh=False)


def test_cli_csv_bom_chinese_and_plain():
    for report, spec, args, items in cli_cases():
        text = cli(*args, "--format", "csv", "--bom", "--headers", "zh").stdout.decode("utf-8")
        check_csv(text, report, spec, items, zh=True, group=group_of(args))
        plain = cli(*args, "--format", "csv").stdout.decode("utf-8")
        check_csv(plain, report, spec, items, zh=False)
        d = tempfile.mkdtemp()
        path = os.path.join(d, "out.csv")
        cli(*args, "--format", "csv", "-o", path)
        assert open(path, encoding="utf-8", newline="").read() == plain, report


def test_cli_bad_options():
    d = tempfile.mkdtemp()
    target = os.path.join(d, "never.xlsx")
    bad = [["budget", "--format", "xlsx"],                       # XLSX needs -o FILE
           ["budget", "--format", "pdf", "-o", target],
           ["balance", "--format", "csv", "--headers", "fr"],
           ["balance", "--format", "xlsx", "--bom", "-o", target],
           ["audit", "findings", "--format", "json", "-o", target],
           ["audit", "findings", "--format", "table", "--headers", "zh"],
           ["assess", "ranking", "--year", str(TODAY.year), "--format", "xlsx"],
           ["statement", "NO-SUCH-ACCOUNT", "--format", "xlsx", "-o", target]]
    for args in bad:
        p = cli(*args, code=2)
        assert p.stderr.decode().startswith("pairaid: "), p.stderr
        assert len(p.stderr.decode().strip().splitlines()) == 1, p.stderr
    assert os.listdir(d) == [], os.listdir(d)
    p = cli("budget", "--format", "xlsx", code=2)
    assert "XLSX needs -o FILE" in p.stderr.decode()


# ---- the API ---------------------------------------------------------------------------------

def api_json(path, token):
    status, body = S.call("GET", path, token=token)
    assert status == 200, (path, status, body)
    return body


def api_file(path, token=None, accept=None, status=200):
    headers = {}
    if token:
        headers["Authorization"] = "Bearer " + token
    if accept:
        headers["Accept"] = accept
    st, h, payload = S.request("GET", path, headers=headers)
    assert st == status, (path, st, payload[:300])
    return h, payload


def api_cases(tokens):
    year = TODAY.year
    cases = []
    for g in GROUPS:
        spec = BUDGET if g not in ("kind", "domain") else [("key", "enum")] + BUDGET[1:]
        cases.append(("budget", spec, "/api/v1/budget?group=" + g, "rows", tokens["admin"]))
    cases += [("balances", BALANCES, "/api/v1/balances", "balances", tokens["admin"]),
              ("statement", STATEMENT, "/api/v1/accounts/PRJ-LYG-MS-039/statement", "lines",
               tokens["donghai.office"]),
              ("findings", FINDINGS, "/api/v1/audit/findings?status=all", "findings",
               tokens["audit.wxlyg"]),
              ("scores", SCORES, "/api/v1/assessment/WX-LYG?year=%d" % year, "scores", None),
              ("ranking", RANKING, "/api/v1/assessment?year=%d" % year, "ranking", None)]
    return cases


def tokens():
    return {n: S.login(n) for n in ("admin", "donghai.office", "audit.wxlyg", "wuxi.finance")}


def with_format(path, fmt):
    return path + ("&" if "?" in path else "?") + fmt


def test_api_xlsx_every_report():
    t = tokens()
    d = tempfile.mkdtemp()
    for report, spec, path, key, token in api_cases(t):
        items = api_json(path, token)[key]
        h, payload = api_file(with_format(path, "format=xlsx"), token)
        assert h["content-type"] == XLSX, h["content-type"]
        disp = h["content-disposition"]
        date = disp.split('filename="', 1)[1].split('"', 1)[0]
        assert date.startswith(report + "-") and date.endswith(".xlsx"), disp
        star = urllib.parse.unquote(disp.split("filename*=UTF-8''", 1)[1])
        assert star.startswith(NAMES[report] + "-") and star.endswith(".xlsx"), star
        file = os.path.join(d, report + ".xlsx")
        open(file, "wb").write(payload)
        rows, wan = read_sheet(file, report, spec, group=group_of(path))
        compare(report, spec, rows, wan, items)


def test_api_accept_and_csv_defaults():
    t = tokens()
    for report, spec, path, key, token in api_cases(t):
        items = api_json(path, token)[key]
        h, payload = api_file(path, token, accept="text/csv")
        assert h["content-type"].startswith("text/csv"), h["content-type"]
        assert 'filename="%s-' % report in h["content-disposition"]
        check_csv(payload.decode("utf-8"), report, spec, items, zh=True, group=group_of(path))
        h, payload = api_file(with_format(path, "format=csv&headers=en&bom=0"), token)
        check_csv(payload.decode("utf-8"), report, spec, items, zh=False)
        h, payload = api_file(path, token, accept=XLSX)
        assert h["content-type"] == XLSX and payload[:2] == b"PK"


def test_api_scope_and_cache():
    t = tokens()
    # a county office's file holds the rows its JSON holds, no more
    mine = api_json("/api/v1/budget?group=project", t["donghai.office"])["rows"]
    everyone = api_json("/api/v1/budget?group=project", t["admin"])["rows"]
    assert 0 < len(mine) < len(everyone)
    _, payload = api_file("/api/v1/budget?group=project&format=csv&headers=en&bom=0",
                          t["donghai.office"])
    assert len(payload.decode().strip().splitlines()) == len(mine) + 1
    # the public: a cached JSON answer is never served to a request for a file, nor the reverse
    st, h, body = S.request("GET", "/api/v1/budget?group=county")
    assert st == 200 and h["content-type"] == "application/json"
    h, payload = api_file("/api/v1/budget?group=county", accept=XLSX)
    assert h["content-type"] == XLSX and payload[:2] == b"PK"
    st, h, again = S.request("GET", "/api/v1/budget?group=county")
    assert h["content-type"] == "application/json" and again == body
    # what is not public stays so
    st, h, _ = S.request("GET", "/api/v1/balances?format=xlsx")
    assert st == 401
    # the public reads the public figures only
    public = json.loads(body)["rows"]
    f = os.path.join(tempfile.mkdtemp(), "p.xlsx")
    open(f, "wb").write(payload)
    rows, wan = read_sheet(f, "budget", BUDGET, group="county")
    compare("budget", BUDGET, rows, wan, public)


def test_api_bad_formats():
    t = tokens()["admin"]
    for path, status in [("/api/v1/budget?format=pdf", 406),
                         ("/api/v1/balances?format=xls", 406),
                         ("/api/v1/budget?format=csv&headers=fr", 400),
                         ("/api/v1/budget?format=csv&bom=maybe", 400),
                         ("/api/v1/accounts/NOPE/statement?format=xlsx", 404),
                         ("/api/v1/audit/findings?format=xlsx&status=nonsense", 400),
                         ("/api/v1/assessment?year=1990&format=xlsx", 404)]:
        st, body = S.call("GET", path, token=t)
        assert is_error(st, body, status), (path, st, body)


def setup():
    """A published assessment and an audit run, so that every report has rows."""
    t = tokens()
    st, body = S.call("POST", "/api/v1/audit/run", {}, token=t["audit.wxlyg"])
    assert st == 200, body
    st, body = S.call("POST", "/api/v1/assessment/run", {"year": TODAY.year},
                      token=S.login("province.assess"))
    assert st in (200, 201), (st, body)


if __name__ == "__main__":
    with Server() as server:
        S = server
        setup()
        main([test_cli_xlsx_every_report, test_cli_xlsx_english_headings,
              test_cli_csv_bom_chinese_and_plain, test_cli_bad_options,
              test_api_xlsx_every_report, test_api_accept_and_csv_defaults,
              test_api_scope_and_cache, test_api_bad_formats])
