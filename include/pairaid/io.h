/*
 * io.h - exchange with the spreadsheets programme offices already keep: CSV
 * import (atomic: every row is checked, every bad row reported, and nothing is
 * stored unless all are good) and CSV/JSON export; the built-in demo dataset.
 */
#ifndef PAIRAID_IO_H
#define PAIRAID_IO_H

#include <stdio.h>

#include "pairaid/registry.h"

#define PA_IMPORT_ERRORS_KEPT 100

struct pa_import_options {
    const char *encoding; /* NULL or "auto" (UTF-8, else GB18030 with a note), "utf-8", "gb18030" */
    const char *base_dir; /* where photo file names are looked up; NULL = "." */
    const char *sheet;    /* XLSX: the sheet to read; NULL = the first */
    bool xlsx;            /* the caller was told it is XLSX (file name, Content-Type):
                             a file that is not a zip is then refused, not read as CSV */
};

struct pa_row_error {
    long line;       /* physical line where the record starts, 1-based; an XLSX row */
    char cell[112];  /* XLSX only: "Sheet1!H7", or "Sheet1!7:7" for a whole row */
    char column[64]; /* empty when the problem is not one column's */
    char message[512];
    char message_zh[512]; /* the same in Chinese */
};

struct pa_import_report {
    long rows, created, updated, skipped;
    long nerrors;                /* every problem found */
    struct pa_row_error *errors; /* the first PA_IMPORT_ERRORS_KEPT of them */
    int kept;
    /* How the file was read, when people should know: "" or e.g. "the file is
     * not UTF-8; it was read as GB18030" (an encoding found by detection). */
    char note[200], note_zh[200];
    bool xlsx;          /* the file was an XLSX workbook */
    char sheet[112];    /* ... and this sheet was read */
};
void pa_import_report_release(struct pa_import_report *report);

/* Imports CSV text or an XLSX workbook (told apart by the zip signature) of
 * `kind` in one transaction.  Returns 0 when every row was
 * good and the transaction committed; PA_EINVAL when any row was bad (the
 * report lists them, nothing was stored); another code for a runtime failure. */
int pa_import(struct pa_db *db, const char *kind, const void *data, size_t len,
              const struct pa_import_options *opts, struct pa_import_report *report,
              struct pa_error *err);
/* The same for a file; photos are looked up beside it. */
int pa_import_file(struct pa_db *db, const char *kind, const char *path,
                   const struct pa_import_options *opts, struct pa_import_report *report,
                   struct pa_error *err);

/* ---- XLSX: one worksheet as rows of text (xlsx_read.c) --------------------------------- */

#define PA_XLSX_CELL_CHARS  32767   /* Excel's limit on a cell's text */
#define PA_XLSX_MAX_ROWS    1048576 /* Excel's rows ... */
#define PA_XLSX_MAX_COLUMNS 16384   /* ... and columns (A..XFD) */

/* Why a cell has no text to give. */
enum pa_xlsx_problem {
    PA_XLSX_OK,
    PA_XLSX_FORMULA,    /* a formula: its cached result is not taken for a value */
    PA_XLSX_TOO_LONG,   /* more than PA_XLSX_CELL_CHARS characters */
    PA_XLSX_BAD_STRING, /* a shared string index the file does not hold */
};

struct pa_xlsx_cell {
    const char *text; /* NUL-terminated, borrowed until the callback returns */
    size_t len;
    enum pa_xlsx_problem problem;
};

/* Called for each row that has a non-empty cell, in the sheet's order, with
 * cells[i] the cell of column i (A = 0) up to the last non-empty one; missing
 * cells are empty.  A nonzero return stops the reading and is returned. */
typedef int (*pa_xlsx_row_fn)(void *ctx, long row, const struct pa_xlsx_cell *cells,
                              size_t ncells);

/* True when data starts as a zip archive (and so may be an XLSX workbook). */
bool pa_xlsx_is_zip(const void *data, size_t len);
/* Reads the sheet named `sheet` (NULL: the first) of the workbook in data and
 * hands its rows to on_row; sheet_used receives the sheet's name.  Numbers in
 * a date style come as YYYY-MM-DD, other numbers as Excel shows them (at 15
 * significant digits), booleans as true/false.  PA_EINVAL for a file that is
 * not a workbook, lacks the sheet (the message lists the sheets), is over a
 * size limit or is not well-formed XML. */
int pa_xlsx_read(const void *data, size_t len, const char *sheet, char *sheet_used,
                 size_t sheet_used_size, pa_xlsx_row_fn on_row, void *ctx,
                 struct pa_error *err);
/* Column index 0 as "A", 16383 as "XFD". */
void pa_xlsx_column_name(size_t col, char out[4]);

/* ---- CSV text: one writer for every CSV pairaid writes ------------------------- */

enum pa_csv_flags {
    PA_CSV_TEXT = 1 << 0, /* free text (names, memos) a spreadsheet must not run */
};

/* Writes one field, quoted as RFC 4180 asks, then ',' or (last) '\n'.  With
 * PA_CSV_TEXT a value starting with = + - @ TAB CR or ' gets a ' in front
 * (OWASP's advice against formula injection): a spreadsheet shows it as text,
 * and an import takes that ' off again (pa_csv_text_unescape), so a re-import
 * restores the value exactly. */
void pa_csv_field(FILE *out, const char *s, unsigned flags, bool last);
/* A text value as it was before pa_csv_field protected it: without a leading '
 * that precedes one of = + - @ TAB CR '.  Returns s or s + 1. */
const char *pa_csv_text_unescape(const char *s);

enum pa_format { PA_FORMAT_CSV, PA_FORMAT_JSON, PA_FORMAT_XLSX };
int pa_format_parse(const char *name, enum pa_format *format, struct pa_error *err);

/* Writes every record of `kind` (including "regions") to out. */
int pa_export(struct pa_db *db, const char *kind, enum pa_format format, FILE *out,
              struct pa_error *err);

/* For Chinese Excel, which reads a CSV without a BOM as GBK: bom writes the
 * UTF-8 BOM first, headers PA_LANG_ZH names the columns by pa_field_label.
 * The importer reads both back.  JSON ignores them. */
struct pa_export_options {
    bool bom;
    enum pa_lang headers;
    const char *pairing; /* the kind "iati" only: one pairing and those below it */
};
int pa_export_with(struct pa_db *db, const char *kind, enum pa_format format,
                   const struct pa_export_options *opts, FILE *out, struct pa_error *err);
/* Writes the export to the file at path, whole or not at all (written beside
 * it and renamed).  The only way to XLSX, which needs a file: typed cells (money
 * and quantities as numbers, dates as dates), enums by their names in the
 * headings' language with the codes in a hidden column beside them
 * (export_sheet.c), a frozen heading row. */
int pa_export_file(struct pa_db *db, const char *kind, enum pa_format format,
                   const struct pa_export_options *opts, const char *path, struct pa_error *err);

/* A template to start an import of kind from: a heading for every column the
 * importer reads and one example row (the demo's first), in the sheet's
 * format and heading language; XLSX enum columns offer their names in a
 * drop-down (template.c).  pa_template_file writes path whole or not at all;
 * pa_template_write streams CSV. */
struct pa_sheet_options;
int pa_template_file(const char *kind, const struct pa_sheet_options *opts, const char *path,
                     struct pa_error *err);
int pa_template_write(const char *kind, const struct pa_sheet_options *opts, FILE *out,
                      struct pa_error *err);
/* The template's file name for a download: "项目导入模板.xlsx" in Chinese,
 * "projects-template.xlsx" otherwise (ASCII). */
void pa_template_filename(const char *kind, const struct pa_sheet_options *opts, enum pa_lang lang,
                          char *buf, size_t size);

/* Loads the Wuxi -> Lianyungang demo built into the binary, all files in one
 * transaction; loading it twice changes nothing.  `file` names the demo file at
 * fault when the report has errors. */
/* The demo's transfers.csv (data, len) with its open payment requests dated
 * relative to today (demo_dates.c), in *out (malloc'd, len bytes, the caller
 * frees it); *out stays NULL when nothing needs to move (today is on or before
 * the books' last day).  Requests already in db keep their stored dates. */
int pa_demo_transfers_current(struct pa_db *db, const char *data, size_t len, char **out,
                              struct pa_error *err);
int pa_demo_load(struct pa_db *db, struct pa_import_report *report, const char **file,
                 struct pa_error *err);

/* ---- IATI 2.03 (iati.c, xml.c) ------------------------------------------------- */

/* Writes the published projects as an IATI 2.03 iati-activities file
 * (docs/exchange.md, "IATI 2.03", maps every field): one iati-activity per
 * published project the principal reads, with its organisations, status,
 * dates, place, sector, budget and the commitment, disbursement and
 * expenditure transactions of its ledger accounts.  pairing (NULL: all)
 * keeps the projects of that pairing and the pairings below it; an unknown
 * pairing is PA_ENOTFOUND (field "pairing"), and so is a selection without a
 * published project, since the schema asks for at least one activity.  The
 * same database on the same day (pa_date_today) gives the same bytes. */
struct pa_iati_options {
    const char *pairing;
};
int pa_export_iati(struct pa_db *db, const struct pa_iati_options *opts, FILE *out,
                   struct pa_error *err);

/* The XML writer under it: every text and attribute value goes through
 * pa_xml_escape, so markup is never built from data.  Element names are
 * literals owned by the caller; attributes are name/value pairs ending with
 * NULL, and a pair whose value is NULL is left out. */
#define PA_XML_DEPTH_MAX 16
struct pa_xml {
    FILE *out;
    int depth;
    const char *names[PA_XML_DEPTH_MAX];
};
void pa_xml_init(struct pa_xml *x, FILE *out);
/* <name ...>, <name .../>, <name ...>text</name>, and the </name> of the latest start. */
void pa_xml_start(struct pa_xml *x, const char *name, ...);
void pa_xml_empty(struct pa_xml *x, const char *name, ...);
void pa_xml_text(struct pa_xml *x, const char *name, const char *text, ...);
void pa_xml_end(struct pa_xml *x);
/* Escapes text for XML 1.0 (attribute: for a value in double quotes): & < >
 * (and " TAB LF CR) as references; a character XML 1.0 forbids, or a byte that
 * is not UTF-8, as U+FFFD. */
void pa_xml_escape(FILE *out, const char *text, bool attribute);

#endif
