#!/usr/bin/python3
"""xlsx_check.py - reads an XLSX file pairaid wrote, with openpyxl (what Python users
and the province's own scripts read Excel files with), and checks it against the CSV
export of the same records: `xlsx_check.py export FILE.xlsx FILE.csv zh|en` or
`xlsx_check.py template FILE.xlsx FILE.csv zh|en`.

Run by tests/cli/xlsx.sh under Debian's /usr/bin/python3, where python3-openpyxl is.
Checks, for an export: the heading row (the CSV's columns, in Chinese or English, an
enum column followed by its hidden code column `X_code` / `X代码`), the frozen pane
just under it, every cell against the CSV: text and codes as strings (never numbers),
money and quantities as numbers formatted #,##0.00 equal to the CSV's yuan, dates as
dates formatted yyyy-mm-dd, counts as whole numbers, enums as labels whose hidden code
is the CSV's; column widths set and hidden columns hidden.  A template also offers
each enum's labels in a drop-down.  Prints what differs and exits 1.
"""
import csv
import datetime
import sys
from decimal import Decimal

sys.path.append("/usr/lib/python3/dist-packages")
import openpyxl  # noqa: E402

problems = []


def check(ok, what):
    if not ok:
        problems.append(what)
        if len(problems) > 20:
            finish()


def finish():
    for p in problems:
        print("xlsx_check:", p)
    sys.exit(1 if problems else 0)


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def unguard(s):
    return s[1:] if s[:1] == "'" and s[1:2] in ("=", "+", "-", "@", "\t", "\r", "'") else s


def is_money_format(fmt):
    return fmt == "#,##0.00"


def check_cell(cell, text, where):
    """One visible cell against the CSV's text for it; returns whether it is an enum label."""
    if text == "":
        check(cell.value is None, f"{where}: {cell.value!r} where the CSV is empty")
        return
    v = cell.value
    if isinstance(v, datetime.datetime):
        check(v.date().isoformat() == text, f"{where}: date {v} != {text}")
        check(cell.number_format == "yyyy-mm-dd", f"{where}: date format {cell.number_format}")
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        if "." in text:
            check(Decimal(repr(v)).quantize(Decimal("0.01")) == Decimal(text),
                  f"{where}: {v!r} != {text}")
            check(is_money_format(cell.number_format), f"{where}: format {cell.number_format}")
        else:
            check(int(v) == int(text) and v == int(v), f"{where}: {v!r} != {text}")
    else:
        check(isinstance(v, str), f"{where}: {v!r} is not text")
        check(v == unguard(text), f"{where}: {v!r} != {unguard(text)!r}")


def headings_with_codes(ws):
    heads = [c.value for c in ws[1]]
    pairs = []  # (visible column index, hidden code column index or None)
    i = 0
    while i < len(heads):
        code = i + 1 if i + 1 < len(heads) and ws.column_dimensions[
            openpyxl.utils.get_column_letter(i + 2)].hidden else None
        pairs.append((i, code))
        i += 2 if code is not None else 1
    return heads, pairs


def check_export(xlsx, csv_path, lang, template=False):
    wb = openpyxl.load_workbook(xlsx)
    ws = wb.worksheets[0]
    header, rows = read_csv(csv_path)
    heads, pairs = headings_with_codes(ws)
    check(len(pairs) == len(header), f"{len(pairs)} visible columns, the CSV has {len(header)}")
    check(ws.freeze_panes == "A2", f"frozen at {ws.freeze_panes}, not under the heading row")
    for (vis, code), name in zip(pairs, header):
        check(heads[vis] == name if lang == "en" else heads[vis] and heads[vis] != "" and
              not heads[vis].isascii(), f"heading {heads[vis]!r} for column {name}")
        if code is not None:
            want = name + "_code" if lang == "en" else heads[vis] + "代码"
            check(heads[code] == want, f"code heading {heads[code]!r}, not {want!r}")
        width = ws.column_dimensions[openpyxl.utils.get_column_letter(vis + 1)].width
        check(width and width >= 8, f"column {name}: width {width}")
    check(ws.max_row - 1 == len(rows), f"{ws.max_row - 1} rows, the CSV has {len(rows)}")
    for r, row in enumerate(rows, start=2):
        cells = ws[r]
        for (vis, code), name, text in zip(pairs, header, row + [""] * (len(header) - len(row))):
            where = f"{xlsx}!{cells[vis].coordinate} ({name})"
            if code is not None:
                check((cells[code].value or "") == text,
                      f"{where}: code {cells[code].value!r} != {text!r}")
                check(text == "" or isinstance(cells[vis].value, str) and cells[vis].value != "",
                      f"{where}: no label for {text!r}")
                if lang == "zh" and text not in ("", "true", "false") and "|" not in text:
                    check(not cells[vis].value.isascii() or template,
                          f"{where}: label {cells[vis].value!r} is not Chinese")
            else:
                check_cell(cells[vis], text, where)
    if template and any(code is not None for _, code in pairs):
        lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
        check(lists, "a template without drop-downs on its enum columns")
    finish()


def check_template(xlsx, csv_path, lang):
    check_export(xlsx, csv_path, lang, template=True)


if __name__ == "__main__":
    mode, xlsx, csv_path, lang = sys.argv[1:5]
    (check_export if mode == "export" else check_template)(xlsx, csv_path, lang)
