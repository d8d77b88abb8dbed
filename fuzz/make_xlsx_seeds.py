#!/usr/bin/python3
"""make_xlsx_seeds.py DIR - writes fuzz_xlsx's seed corpus: small valid
workbooks of projects, accounts and transfers, shared and inline strings,
dates, a formula, a second sheet, a 1904 workbook, a rich-text string.

fuzz_xlsx picks the kind by the file's length modulo 3, so each seed is padded
(in the zip's comment) to the length that selects its kind.

    /usr/bin/python3 fuzz/make_xlsx_seeds.py fuzz/corpus/xlsx
"""
import os
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "io"))
from xlsx_fixtures import Bool, Date, Formula, Shared, raw_xlsx  # noqa: E402

KINDS = {"projects": 0, "accounts": 1, "transfers": 2}

PROJECTS = [
    ["code", "name", "pairing", "region", "domain", "kind", "status", "budget", "start_date", "public"],
    ["FZ-1", "惠榆产业园", "WX-LYG", "320700", "industry", "park", "approved", 1400000.5, Date(45292), Bool(1)],
    ["FZ-2", "小而美", "WX-LYG", 320700, "产业", "livelihood", "proposed", "1,000.00", "2024-03-01", Bool(0)],
]
ACCOUNTS = [
    ["code", "name", "kind", "region", "pairing", "project"],
    ["FZ-POOL", "资金池", "pool", "320700", "WX-LYG", None],
]
TRANSFERS = [
    ["id", "date", "from", "to", "amount", "project", "memo"],
    ["FZ-T1", Date(45300), "SRC-WX-CITY", "POOL-WX-LYG", 0.1 + 0.2, None, "拨付"],
    ["FZ-T2", "2024-02-01", "SRC-WX-CITY", "POOL-WX-LYG", Formula("1+1", 2), None, None],
]


def pad(path, kind):
    """Sets the zip comment so that the file's length selects kind."""
    with zipfile.ZipFile(path, "a") as z:
        z.comment = b""
    size = os.path.getsize(path)
    need = (KINDS[kind] - size) % 3
    with zipfile.ZipFile(path, "a") as z:
        z.comment = b"x" * need


def main(out):
    os.makedirs(out, exist_ok=True)
    seeds = [
        ("projects-inline", "projects", dict(sheets=[("Sheet1", PROJECTS)])),
        ("projects-shared", "projects", dict(
            sheets=[("项目", [[Shared(i) for i in range(3)] + PROJECTS[0][3:],
                               ["FZ-3", Shared(3), "WX-LYG"] + PROJECTS[1][3:]])],
            shared=["code", "name", "pairing", "<b>富文本</b> & 名称"])),
        ("projects-1904", "projects", dict(sheets=[("Sheet1", PROJECTS)], date1904=True)),
        ("projects-second-sheet", "projects", dict(sheets=[("说明", [["x"]]), ("Sheet2", PROJECTS)])),
        ("accounts", "accounts", dict(sheets=[("Sheet1", ACCOUNTS)])),
        ("transfers", "transfers", dict(sheets=[("Sheet1", TRANSFERS)])),
        ("transfers-sparse", "transfers", dict(sheets=[("Sheet1", [TRANSFERS[0], (5, TRANSFERS[1])])])),
    ]
    for name, kind, args in seeds:
        path = os.path.join(out, name + ".xlsx")
        raw_xlsx(path, **args)
        pad(path, kind)
    # Not zips: worksheets that fuzz_xlsx wraps in a workbook of its own (whose
    # shared strings are code, name, WX-LYG, industry), padded to select projects.
    sheets = {
        "sheet-projects.xml": '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
        '<c r="B1" t="s"><v>1</v></c><c t="inlineStr"><is><t>pairing</t></is></c>'
        '<c t="inlineStr"><is><t>region</t></is></c><c t="inlineStr"><is><t>domain</t></is></c>'
        '<c t="inlineStr"><is><t>kind</t></is></c><c t="inlineStr"><is><t>status</t></is></c>'
        '<c t="inlineStr"><is><t>budget</t></is></c><c t="inlineStr"><is><t>start_date</t></is></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>FZ-9</t></is></c><c r="B3" t="str"><v>x</v></c>'
        '<c r="C3" t="s"><v>2</v></c><c r="D3"><v>320700</v></c><c r="E3" t="s"><v>3</v></c>'
        '<c r="F3" t="inlineStr"><is><t>park</t></is></c><c r="G3" t="inlineStr"><is><r><t>appr</t></r><r><t>oved</t></r></is></c>'
        '<c r="H3"><v>1.4E6</v></c><c r="I3" s="2"><v>45300.75</v></c></row>'
        '<row r="4"><c r="A4" t="b"><v>1</v></c><c r="H4"><f>SUM(A1)</f><v>3</v></c><c r="I4" t="d"><v>2024-01-02T00:00:00</v></c></row>'
        '</sheetData></worksheet>',
    }
    for name, text in sheets.items():
        data = text.encode()
        data += b" " * ((KINDS["projects"] - len(data)) % 3)
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus/xlsx")
