"""xlsx_fixtures.py - workbooks for the XLSX import's tests, fuzz seeds and benchmark.

openpyxl writes the ordinary files (shared strings, real dates, styles), as
Excel and WPS do.  raw_xlsx() writes the parts by hand, streaming, for what
openpyxl cannot or should not make: inline strings (libxlsxwriter's
constant_memory mode), a million rows without a million objects, a shared
string index out of range, a 1904 workbook, a DTD, a zip bomb.

A raw cell is None (absent), a str (inline string), an int or float (number),
Date(serial) (a number in the date style), Formula(text, cached),
Shared(index) or Bool(value).
"""
import zipfile
from xml.sax.saxutils import escape


class Date(float):
    pass


class Formula:
    def __init__(self, text, cached=""):
        self.text, self.cached = text, cached


class Shared(int):
    pass


class Bool(int):
    pass


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
# style 0 General, style 1 a date (built-in 14), style 2 a custom yyyy/mm/dd
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/mm/dd"/></numFmts>
<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs>
</styleSheet>"""
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def column(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def cell_xml(ref, v):
    if v is None:
        return ""
    if isinstance(v, Formula):
        return '<c r="%s"><f>%s</f><v>%s</v></c>' % (ref, escape(v.text), escape(str(v.cached)))
    if isinstance(v, Shared):
        return '<c r="%s" t="s"><v>%d</v></c>' % (ref, v)
    if isinstance(v, Bool):
        return '<c r="%s" t="b"><v>%d</v></c>' % (ref, 1 if v else 0)
    if isinstance(v, Date):
        return '<c r="%s" s="1"><v>%r</v></c>' % (ref, float(v))
    if isinstance(v, (int, float)):
        return '<c r="%s"><v>%r</v></c>' % (ref, v)
    return '<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (ref, escape(v))


def raw_xlsx(path, sheets, shared=None, date1904=False, extra=None, workbook_sheets=None):
    """sheets: [(name, rows)] with rows an iterable of lists of cells (row 1 first);
    a row may be (number, cells) to give its number.  shared: the shared strings.
    extra: {part name: bytes} replacing or adding parts."""
    extra = dict(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        names = workbook_sheets if workbook_sheets is not None else [n for n, _ in sheets]
        wb = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook %s>' % NS]
        if date1904:
            wb.append('<workbookPr date1904="1"/>')
        wb.append("<sheets>")
        for i, n in enumerate(names):
            wb.append('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (escape(n, {'"': "&quot;"}), i + 1, i + 1))
        wb.append("</sheets></workbook>")
        if "xl/workbook.xml" not in extra:
            z.writestr("xl/workbook.xml", "".join(wb))
        rels = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">']
        for i, _ in enumerate(names):
            rels.append('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (i + 1, i + 1))
        n = len(names)
        rels.append('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' % (n + 1))
        if shared is not None:
            rels.append('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' % (n + 2))
        rels.append("</Relationships>")
        z.writestr("xl/_rels/workbook.xml.rels", "".join(rels))
        z.writestr("xl/styles.xml", extra.pop("xl/styles.xml", STYLES))
        if shared is not None and "xl/sharedStrings.xml" not in extra:
            z.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?><sst %s>%s</sst>' % (
                NS, "".join("<si><t xml:space=\"preserve\">%s</t></si>" % escape(s) for s in shared)))
        for i, (_, rows) in enumerate(sheets):
            part = "xl/worksheets/sheet%d.xml" % (i + 1)
            if part in extra:
                continue
            with z.open(part, "w", force_zip64=True) as f:
                f.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet %s><sheetData>' % NS).encode())
                buf, r = [], 0
                for row in rows:
                    if isinstance(row, tuple):
                        r, row = row
                    else:
                        r += 1
                    buf.append('<row r="%d">%s</row>' % (r, "".join(cell_xml(column(c) + str(r), v) for c, v in enumerate(row))))
                    if len(buf) >= 4096:
                        f.write("".join(buf).encode())
                        buf = []
                f.write(("".join(buf) + "</sheetData></worksheet>").encode())
        for name, data in extra.items():
            z.writestr(name, data)


def openpyxl_xlsx(path, sheets):
    """sheets: [(name, rows)]; cells are written as openpyxl types them
    (str, int, float, datetime.date, "=formula")."""
    import openpyxl
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
