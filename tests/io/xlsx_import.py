#!/usr/bin/python3
"""xlsx_import.py - `pairaid import KIND FILE.xlsx` against the same rows as CSV.

Runs under Debian's /usr/bin/python3 (python3-openpyxl); ctest io/xlsx_import.

1. Every kind of the demo, imported from CSV into one database and from XLSX
   into another (numbers as numbers and as text, dates as serials and as text,
   shared strings (openpyxl) and inline strings (raw parts, as libxlsxwriter's
   constant_memory mode writes)), exports identically.
2. pairaid's own XLSX exports (Chinese and English headings, hidden code
   columns) import back to the same books; a 1904 workbook, 0.1+0.2 noise,
   the hidden code columns, --sheet.
3. Bad files: each exits 2 with the message (and the cell where there is one)
   and leaves the database byte for byte as it was (sqlite3 .dump).
4. A 1,048,576-row sheet is streamed: every row is checked, memory stays flat.
5. A GB18030 CSV is detected, with the note; --encoding utf-8 still wins.
"""
import csv
import datetime
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from xlsx_fixtures import Bool, Date, Formula, Shared, openpyxl_xlsx, raw_xlsx  # noqa: E402

PAIRAID = os.environ.get("PAIRAID", "pairaid")
SOURCE = os.environ.get("PA_SOURCE_DIR", os.path.join(HERE, "..", ".."))
DEMO = os.path.join(SOURCE, "data", "demo")
ORDER = ["pairings", "orgs", "projects", "milestones", "exchanges", "contracts", "notices",
         "indicators", "revenue_shares", "accounts", "transfers", "scores"]
MONEY = {"budget", "amount", "investment", "agreed", "settled"}
QUANTITY = {"baseline", "target", "actual"}
COUNT = {"people", "beneficiaries", "year"}
DATES = {"date", "start_date", "end_date", "signed", "posted", "until", "approved_on",
         "registered", "expires"}
DOMAIN_ZH = {"industry": "产业", "technology": "科技", "education": "教育", "health": "卫健",
             "employment": "人社", "culture_tourism": "文旅康养", "transport": "交通", "other": "其他"}

ENV = dict(os.environ, PAIRAID_TODAY="2025-06-30", PAIRAID_LANG="en")
failures = []


def pairaid(*args, db):
    p = subprocess.run([PAIRAID, "--db", db, "--lang", "en", *args], capture_output=True,
                       text=True, errors="replace", env=ENV)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def dump(db):
    return subprocess.run(["sqlite3", db, ".dump"], capture_output=True, text=True).stdout


def demo_rows(kind):
    with open(os.path.join(DEMO, kind + ".csv"), encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if kind == "milestones":  # the demo's built-in pictures are not beside the file
        i = rows[0].index("photo")
        for r in rows[1:]:
            r[i] = ""
    return rows


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def typed(header, row, n):
    """Every other row with its numbers and dates as Excel types them."""
    out = []
    for name, v in zip(header, row):
        if v == "":
            out.append(None)
        elif n % 2 == 0 and name in MONEY | QUANTITY:
            out.append(float(v.replace(",", "")))
        elif n % 2 == 0 and name in COUNT:
            out.append(int(v))
        elif n % 2 == 0 and name in DATES:
            out.append(datetime.date.fromisoformat(v))
        elif n % 2 == 1 and name == "domain":
            out.append(DOMAIN_ZH.get(v, v))  # the Chinese names, as a user types them
        else:
            out.append(v)
    return out


def to_serial(d, date1904=False):
    return Date((d - (datetime.date(1904, 1, 1) if date1904 else datetime.date(1899, 12, 30))).days)


def same_rows_as_csv(tmp):
    """Each kind as CSV into csv.db, as XLSX into xlsx.db: the exports agree."""
    csv_db, xlsx_db = os.path.join(tmp, "csv.db"), os.path.join(tmp, "xlsx.db")
    for db in (csv_db, xlsx_db):
        pairaid("init", db=db)
    for i, kind in enumerate(ORDER):
        rows = demo_rows(kind)
        write_csv(os.path.join(tmp, kind + ".csv"), rows)
        body = [typed(rows[0], r, n) for n, r in enumerate(rows[1:])]
        xlsx = os.path.join(tmp, kind + ".xlsx")
        if i % 2 == 0:  # shared strings and real dates, as Excel writes them
            openpyxl_xlsx(xlsx, [("Sheet1", [rows[0]] + body)])
        else:  # inline strings and serial dates, as libxlsxwriter's constant_memory writes them
            raw = [[to_serial(v) if isinstance(v, datetime.date) else v for v in r] for r in body]
            raw_xlsx(xlsx, [("Sheet1", [rows[0]] + raw)])
        rc1, _, e1 = pairaid("import", kind, os.path.join(tmp, kind + ".csv"), db=csv_db)
        rc2, out2, e2 = pairaid("import", kind, xlsx, db=xlsx_db)
        check(rc1 == 0 and rc2 == 0, "%s: CSV and XLSX both import (%s%s)" % (kind, e1[:200], e2[:300]))
    for kind in ORDER:
        a = pairaid("export", kind, db=csv_db)[1]
        b = pairaid("export", kind, db=xlsx_db)[1]
        check(a == b and a.count("\n") > 1, "%s: the XLSX import stores what the CSV import stores" % kind)
    return csv_db


def export_round_trip(tmp, base_db):
    """pairaid's own XLSX (Chinese labels, hidden code columns), in Chinese and
    in English headings, imports to the same books: export CSV agrees."""
    for headers in ("zh", "en"):
        db = os.path.join(tmp, "rt-%s.db" % headers)
        pairaid("init", db=db)
        for kind in ORDER:
            path = os.path.join(tmp, "rt-%s-%s.xlsx" % (kind, headers))
            rc, _, err = pairaid("export", kind, "--format", "xlsx", "--headers", headers, "-o", path, db=base_db)
            check(rc == 0, "export %s --format xlsx --headers %s (%s)" % (kind, headers, err[:200]))
            rc, _, err = pairaid("import", kind, path, db=db)
            check(rc == 0, "pairaid's own %s.xlsx (%s headings) imports (%s)" % (kind, headers, err[:300]))
        for kind in ORDER:
            a = pairaid("export", kind, db=base_db)[1]
            b = pairaid("export", kind, db=db)[1]
            check(a == b, "%s: export xlsx -> import -> export gives the same rows (%s headings)" % (kind, headers))


def values(tmp, base_db):
    """Dates (1900 and 1904), numbers, booleans and the hidden code columns."""
    db = os.path.join(tmp, "values.db")
    shutil.copy(base_db, db)
    header = ["code", "name", "pairing", "region", "domain", "domain_code", "kind", "status",
              "budget", "start_date", "public"]
    rows = [header,
            ["XV-1", "日期序列值", "WX-LYG", 320700, "产业", "industry", "park", "approved", 0.1 + 0.2,
             to_serial(datetime.date(2024, 2, 29)), Bool(1)],
            ["XV-2", "改过的可见列", "WX-LYG", "320700", "教育", "industry", "park", "approved",
             1400000.5, "2024-03-01", Bool(0)],
            ["XV-3", "标签未改", "WX-LYG", "320700", "卫健", "health", "park", "approved", "2,000.00",
             Date(60 + 1), "true"]]
    path = os.path.join(tmp, "values.xlsx")
    raw_xlsx(path, [("Sheet1", rows)])
    rc, out, err = pairaid("import", "projects", path, db=db)
    check(rc == 0, "values.xlsx imports (%s)" % err[:300])
    exported = {r["code"]: r for r in csv.DictReader(io.StringIO(pairaid("export", "projects", db=db)[1]))}
    v1, v2, v3 = exported.get("XV-1", {}), exported.get("XV-2", {}), exported.get("XV-3", {})
    check(v1.get("budget") == "0.30", "0.1+0.2 is read as Excel shows it, 0.30 (%s)" % v1.get("budget"))
    check(v1.get("start_date") == "2024-02-29", "a serial date in a date style is YYYY-MM-DD")
    check(v1.get("domain") == "industry", "the code column is read while the label matches it")
    check(v2.get("domain") == "education", "a changed visible cell wins over its hidden code")
    check(v2.get("budget") == "1400000.50", "1400000.5 as a number")
    check(v3.get("domain") == "health", "the Chinese label of the code: the code is read")
    check(v3.get("start_date") == "1900-03-01", "serial 61 is 1900-03-01 (after Excel's 1900-02-29)")
    check(v3.get("public") == "true" and v2.get("public") == "false", "booleans")
    # 1904: the same day is 1462 smaller
    db1904 = os.path.join(tmp, "v1904.db")
    shutil.copy(base_db, db1904)
    path = os.path.join(tmp, "v1904.xlsx")
    raw_xlsx(path, [("Sheet1", [[],  # an empty <row></row> first (fuzz_xlsx found it)
                                header[:5] + header[6:10],
                                ["XV-4", "1904年制", "WX-LYG", "320700", "科技", "park", "approved",
                                 "1.00", to_serial(datetime.date(2024, 5, 6), True)]])], date1904=True)
    rc, _, err = pairaid("import", "projects", path, db=db1904)
    got = {r["code"]: r for r in csv.DictReader(io.StringIO(pairaid("export", "projects", db=db1904)[1]))}
    check(rc == 0 and got.get("XV-4", {}).get("start_date") == "2024-05-06", "a 1904 workbook's dates (%s)" % err[:200])


def second_sheet(tmp, base_db):
    db = os.path.join(tmp, "sheet.db")
    shutil.copy(base_db, db)
    path = os.path.join(tmp, "two.xlsx")
    openpyxl_xlsx(path, [("说明", [["本表由业务处填写"]]),
                         ("项目表", [["code", "name", "pairing", "region", "domain", "kind", "status", "budget", "start_date"],
                                   ["XS-1", "第二张表", "WX-LYG", "320700", "industry", "park", "approved", 5, datetime.date(2024, 1, 2)]])])
    before = dump(db)
    rc, _, err = pairaid("import", "projects", path, db=db)
    check(rc == 2 and "two.xlsx:说明!A1: column 本表由业务处填写: unknown column" in err, "the first sheet by default (%s)" % err[:200])
    rc, _, err = pairaid("import", "projects", path, "--sheet", "没有", db=db)
    check(rc == 2 and "has no sheet '没有' (its sheets: 说明, 项目表)" in err, "a missing sheet lists the sheets (%s)" % err)
    check(dump(db) == before, "a refused sheet changes nothing")
    rc, out, err = pairaid("import", "projects", path, "--sheet", "项目表", db=db)
    check(rc == 0 and "1 created" in out, "--sheet reads the sheet named (%s%s)" % (out, err))


def refused(tmp, base_db, name, make, expect, kind="projects"):
    """A bad file: exit 2, the message on stderr, the database as it was."""
    db = os.path.join(tmp, "bad.db")
    shutil.copy(base_db, db)
    path = os.path.join(tmp, name)
    make(path)
    before = dump(db)
    rc, out, err = pairaid("import", kind, path, db=db)
    check(rc == 2 and expect in err and dump(db) == before,
          "%s: exit 2, '%s', nothing changed (rc %d: %s)" % (name, expect, rc, err[:300]))


PROJECT_HEADER = ["code", "name", "pairing", "region", "domain", "kind", "status", "budget", "start_date"]


def project(code, **change):
    row = [code, "项目", "WX-LYG", "320700", "industry", "park", "approved", "100.00", "2024-01-02"]
    for k, v in change.items():
        row[PROJECT_HEADER.index(k)] = v
    return row


def bad_files(tmp, base_db):
    def text(path):
        with open(path, "w") as f:
            f.write("code,name\nnot,a zip\n")
    refused(tmp, base_db, "text.xlsx", text, "not an XLSX file: not a zip archive that can be read")

    def no_sheet(path):
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
    refused(tmp, base_db, "nosheet.xlsx", no_sheet, "the zip holds no xl/workbook.xml")

    def sheet_missing(path):
        raw_xlsx(path, [("Sheet1", [PROJECT_HEADER])], extra={"xl/worksheets/sheet1.xml": b""})
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist() if n != "xl/worksheets/sheet1.xml"}
        with zipfile.ZipFile(path, "w") as z:
            for n, d in parts.items():
                z.writestr(n, d)
    refused(tmp, base_db, "lost.xlsx", sheet_missing, "the zip holds no xl/worksheets/sheet1.xml")

    refused(tmp, base_db, "项目.xlsx",
            lambda p: openpyxl_xlsx(p, [("Sheet1", [PROJECT_HEADER, project("XB-1"), project("XB-2", budget="=SUM(1,2)")])]),
            "项目.xlsx:Sheet1!H3: column budget: a formula is not a value; paste it as values (选择性粘贴 → 数值)")
    refused(tmp, base_db, "value.xlsx",
            lambda p: openpyxl_xlsx(p, [("Sheet1", [PROJECT_HEADER, project("XB-1"), project("XB-2"), project("XB-3"), project("XB-4", budget="abc")])]),
            "value.xlsx:Sheet1!H5: column budget:")
    refused(tmp, base_db, "long.xlsx",
            lambda p: raw_xlsx(p, [("Sheet1", [PROJECT_HEADER, project("XB-1", name="长" * 32768)])]),
            "long.xlsx:Sheet1!B2: column name: the cell holds more than 32,767 characters (Excel's limit)")
    refused(tmp, base_db, "name.xlsx",
            lambda p: raw_xlsx(p, [("Sheet1", [PROJECT_HEADER, project("XB-1", name="名" * 201)])]),
            "name.xlsx:Sheet1!B2: column name:")
    refused(tmp, base_db, "shared.xlsx",
            lambda p: raw_xlsx(p, [("Sheet1", [PROJECT_HEADER, project("XB-1", name=Shared(7))])], shared=["x"]),
            "shared.xlsx:Sheet1!B2: column name: the cell refers to a shared string the file does not hold")
    refused(tmp, base_db, "dtd.xlsx",
            lambda p: raw_xlsx(p, [("Sheet1", [PROJECT_HEADER, project("XB-1", name=Shared(0))])], shared=["x"],
                               extra={"xl/sharedStrings.xml": '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t></si></sst>'}),
            "xl/sharedStrings.xml declares a DTD")
    refused(tmp, base_db, "row.xlsx",
            lambda p: raw_xlsx(p, [("Sheet1", [PROJECT_HEADER, (1048577, project("XB-1"))])]),
            "row number 1048577 is outside 1..1048576")

    def bomb(path):  # 300 MiB of spaces, deflated to a few hundred KiB
        raw_xlsx(path, [("Sheet1", [PROJECT_HEADER])], shared=["x"], extra={"xl/sharedStrings.xml": b""})
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist() if n != "xl/sharedStrings.xml"}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in parts.items():
                z.writestr(n, d)
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
                f.write(b"<sst>")
                block = b" " * (1 << 20)
                for _ in range(300):
                    f.write(block)
                f.write(b"</sst>")
    refused(tmp, base_db, "bomb.xlsx", bomb, "xl/sharedStrings.xml is larger than 256 MiB uncompressed")


def million_rows(tmp, base_db):
    """1,048,576 rows (Excel's most): streamed, every row checked, memory flat."""
    db = os.path.join(tmp, "big.db")
    shutil.copy(base_db, db)
    path = os.path.join(tmp, "million.xlsx")
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    raw_xlsx(path, [("Sheet1", [["id"]])], extra={"xl/worksheets/sheet1.xml": b""})
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist() if n != "xl/worksheets/sheet1.xml"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in parts.items():
            z.writestr(n, d)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(('<worksheet %s><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>'
                     '<c r="B1" t="inlineStr"><is><t>date</t></is></c><c r="C1" t="inlineStr"><is><t>from</t></is></c>'
                     '<c r="D1" t="inlineStr"><is><t>to</t></is></c><c r="E1" t="inlineStr"><is><t>amount</t></is></c></row>' % ns).encode())
            for start in range(2, 1048577, 8192):
                f.write("".join(
                    '<row r="%d"><c r="A%d" t="inlineStr"><is><t>T%d</t></is></c><c r="B%d" s="1"><v>45300</v></c>'
                    '<c r="C%d" t="inlineStr"><is><t>SRC-WX-CITY</t></is></c><c r="D%d" t="inlineStr"><is><t>POOL-WX-LYG</t></is></c>'
                    '<c r="E%d"><v>-1</v></c></row>' % (r, r, r, r, r, r, r)
                    for r in range(start, min(start + 8192, 1048577))).encode())
            f.write(b"</sheetData></worksheet>")
    before = dump(db)
    p = subprocess.Popen([PAIRAID, "--db", db, "--lang", "en", "import", "transfers", path],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    out, err = p.communicate()
    rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print("peak RSS of the children so far: %d MiB" % rss_mib)
    check(p.returncode == 2 and "million.xlsx:Sheet1!E1048576: column amount:" not in err
          and "million.xlsx: and 1048475 more" in err and "million.xlsx:Sheet1!E2: column amount:" in err,
          "a 1,048,576-row sheet is read to its end, every row checked (%s)" % err[-300:])
    check(dump(db) == before, "... and nothing is stored")
    # The sheet's XML is about 300 MB; the reader holds one row.  The bound
    # leaves room for AddressSanitizer's shadow and quarantine (the test build).
    check(rss_mib < 512, "... in flat memory: peak RSS %d MiB < 512 MiB" % rss_mib)


def gb18030(tmp, base_db):
    db = os.path.join(tmp, "gb.db")
    shutil.copy(base_db, db)
    path = os.path.join(tmp, "中文.csv")
    text = "code,name,pairing,region,domain,kind,status,budget,start_date\nXG-1,东海县温室大棚,WX-LYG,320722,产业,livelihood,立项,1000.00,2024-01-02\n"
    with open(path, "wb") as f:
        f.write(text.encode("gb18030"))
    before = dump(db)
    rc, out, err = pairaid("import", "projects", path, "--encoding", "utf-8", db=db)
    check(rc == 2 and "is not valid UTF-8" in err and dump(db) == before, "--encoding utf-8 wins over detection (%s)" % err)
    rc, out, err = pairaid("import", "projects", path, db=db)
    check(rc == 0 and "the file is not UTF-8; it was read as GB18030" in out and "1 created" in out,
          "a GB18030 CSV is detected, with a note (%s%s)" % (out, err))
    p = subprocess.run([PAIRAID, "--db", db, "--lang", "zh", "import", "projects", path], capture_output=True, text=True, errors="replace", env=ENV)
    check("文件不是 UTF-8 编码，已按 GB18030 读取" in p.stdout, "the note in Chinese (%s)" % p.stdout)


def main():
    tmp = tempfile.mkdtemp(prefix="pa-xlsx-")
    try:
        base = same_rows_as_csv(tmp)
        export_round_trip(tmp, base)
        values(tmp, base)
        second_sheet(tmp, base)
        bad_files(tmp, base)
        gb18030(tmp, base)
        if os.environ.get("PA_XLSX_SKIP_MILLION") != "1":
            million_rows(tmp, base)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failure(s)" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
