#!/usr/bin/python3
"""xlsx_same.py - are two XLSX files the same sheet for a person or a program?
bench/xlsx runs it on the export of pairaid and of its baseline (bare_xlsx_export)
from the same small database, so that the benchmark compares equal work:

  /usr/bin/python3 bench/xlsx_same.py PAIRAID.xlsx BASELINE.xlsx

Compared, with openpyxl (Debian's python3-openpyxl, hence /usr/bin/python3): the
sheet's name, its size, every cell's value and Python type (str, float, datetime),
its number format, bold, fill and alignment; the frozen pane; which columns are
hidden.  Not compared, and printed for the record: column widths (pairaid fits them
to the first rows, the baseline sets fixed ones).  Then, byte for byte, the parts of
the two zip files (the sheet's XML, styles, shared strings ...), except
docProps/core.xml, which holds the time of writing: it says whether they are the same
file.  Prints what differs and exits 1 (values) or 0 with a note (bytes only).
"""
import sys
import zipfile

sys.path.append("/usr/lib/python3/dist-packages")
import openpyxl  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402


def style(cell):
    return (cell.number_format, bool(cell.font.b), cell.fill.fgColor.rgb if cell.fill.fill_type else None,
            cell.alignment.horizontal)


def main():
    pa_path, bl_path = sys.argv[1], sys.argv[2]
    pa = openpyxl.load_workbook(pa_path).worksheets[0]
    bl = openpyxl.load_workbook(bl_path).worksheets[0]
    problems = []
    if pa.title != bl.title:
        problems.append(f"sheet name {pa.title!r} != {bl.title!r}")
    if (pa.max_row, pa.max_column) != (bl.max_row, bl.max_column):
        problems.append(f"size {pa.max_row}x{pa.max_column} != {bl.max_row}x{bl.max_column}")
    if pa.freeze_panes != bl.freeze_panes:
        problems.append(f"frozen pane {pa.freeze_panes} != {bl.freeze_panes}")
    cells = 0
    for row_pa, row_bl in zip(pa.iter_rows(), bl.iter_rows()):
        for a, b in zip(row_pa, row_bl):
            cells += 1
            if type(a.value) is not type(b.value) or a.value != b.value:
                problems.append(f"{a.coordinate}: {a.value!r} != {b.value!r}")
            elif a.value is not None and style(a) != style(b):
                problems.append(f"{a.coordinate}: style {style(a)} != {style(b)}")
            if len(problems) > 20:
                break
    widths = []
    for c in range(1, pa.max_column + 1):
        letter = get_column_letter(c)
        dim_pa, dim_bl = pa.column_dimensions[letter], bl.column_dimensions[letter]
        if bool(dim_pa.hidden) != bool(dim_bl.hidden):
            problems.append(f"column {letter}: hidden {dim_pa.hidden} != {dim_bl.hidden}")
        widths.append(f"{letter} {dim_pa.width:g}/{dim_bl.width:g}")
    for p in problems:
        print("xlsx_same:", p)
    if problems:
        sys.exit(1)
    parts_differ = []
    with zipfile.ZipFile(pa_path) as za, zipfile.ZipFile(bl_path) as zb:
        names = sorted(set(za.namelist()) | set(zb.namelist()))
        for name in names:
            if name == "docProps/core.xml":
                continue
            if name not in za.namelist() or name not in zb.namelist() or \
                    za.read(name) != zb.read(name):
                parts_differ.append(name)
    bytes_note = (f"the zip parts {', '.join(parts_differ)} differ in bytes" if parts_differ else
                  f"all {len(names) - 1} zip parts but docProps/core.xml (the time) are byte for "
                  "byte the same")
    print(f"xlsx_same: {pa.max_row} rows x {pa.max_column} columns, {cells} cells: same values, "
          f"types, formats, frozen pane {pa.freeze_panes} and hidden columns; widths "
          f"(pairaid/baseline) {', '.join(widths)}; {bytes_note}")


if __name__ == "__main__":
    main()
