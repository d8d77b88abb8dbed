/*
 * sheet.h - one writer for every table pairaid hands to people.  An export or a
 * report is described once, as typed columns and rows of typed cells, and the
 * writer renders it as CSV (for programs, or for Chinese Excel with a BOM and
 * Chinese headings) or as an XLSX workbook (libxlsxwriter, constant memory: a
 * million rows cost no more memory than ten).
 *
 * What each type becomes:
 *
 *   type    CSV                          XLSX
 *   TEXT    the text (formula-guarded)   a string cell
 *   CODE    the code                     a string cell (never a number: "001")
 *   ENUM    the code                     the label (Chinese with zh headings), and
 *                                        with codes_beside the code in a hidden
 *                                        column right of it, so re-import is exact
 *   MONEY   yuan, two decimals           a number, #,##0.00; in a report whose
 *                                        unit is 万元 the number is in 万元
 *   DATE    YYYY-MM-DD                   an Excel date, yyyy-mm-dd
 *   COUNT   the integer                  a number, 0
 *   RATE    12.3% (per mille in)         a number (0.123), 0.0%
 *   DECIMAL 12.50 (hundredths in)        a number, #,##0.00, never scaled (a
 *                                        quantity, not money)
 *
 * A report has a title block (report name, 制表单位, 截止日期, 金额单位) above
 * its heading row in XLSX, and none in CSV, whose first line stays the headings
 * so that programs keep reading it.  The heading row is frozen in XLSX and
 * column widths fit the first rows written.
 */
#ifndef PAIRAID_SHEET_H
#define PAIRAID_SHEET_H

#include <stdio.h>

#include "pairaid/core.h"

enum pa_cell_type {
    PA_CELL_EMPTY,
    PA_CELL_TEXT,
    PA_CELL_CODE,
    PA_CELL_ENUM,
    PA_CELL_MONEY,
    PA_CELL_DATE,
    PA_CELL_COUNT,
    PA_CELL_RATE,
    PA_CELL_DECIMAL,
};

struct pa_sheet_column {
    const char *field;      /* the English name: CSV heading, key of pa_field_label */
    enum pa_cell_type type; /* what the column holds (a cell may still be EMPTY) */
    /* The Chinese heading where the field's own label is not the right one in
     * this table (预算数 in a budget report, 县区 for a group key); NULL for
     * pa_field_label's.  English headings are always the field name, which
     * CSV readers depend on. */
    const char *heading_zh;
};

/* One cell.  PA_CELL_EMPTY (all zero) is a blank cell of any column. */
struct pa_cell {
    enum pa_cell_type type;
    const char *text;  /* TEXT and CODE: the value; ENUM: the code */
    const char *label; /* ENUM: what people read (in the headings' language) */
    int64_t number;    /* MONEY: fen; DATE: days since 1970-01-01; COUNT; RATE: per mille;
                        * DECIMAL: hundredths */
};

/* Cell constructors, for rows written as compound literals. */
static inline struct pa_cell pa_cell_text(const char *s)
{
    return (struct pa_cell){s ? PA_CELL_TEXT : PA_CELL_EMPTY, s, NULL, 0};
}
static inline struct pa_cell pa_cell_code(const char *s)
{
    return (struct pa_cell){s ? PA_CELL_CODE : PA_CELL_EMPTY, s, NULL, 0};
}
static inline struct pa_cell pa_cell_enum(const char *code, const char *label)
{
    return (struct pa_cell){code ? PA_CELL_ENUM : PA_CELL_EMPTY, code, label ? label : code, 0};
}
static inline struct pa_cell pa_cell_money(int64_t fen)
{
    return (struct pa_cell){PA_CELL_MONEY, NULL, NULL, fen};
}
static inline struct pa_cell pa_cell_date(int32_t days)
{
    return (struct pa_cell){PA_CELL_DATE, NULL, NULL, days};
}
static inline struct pa_cell pa_cell_count(int64_t n)
{
    return (struct pa_cell){PA_CELL_COUNT, NULL, NULL, n};
}
static inline struct pa_cell pa_cell_decimal(int64_t hundredths)
{
    return (struct pa_cell){PA_CELL_DECIMAL, NULL, NULL, hundredths};
}
/* permille < 0 means "no rate" (nothing to divide by): a blank cell. */
static inline struct pa_cell pa_cell_rate(int permille)
{
    return (struct pa_cell){permille < 0 ? PA_CELL_EMPTY : PA_CELL_RATE, NULL, NULL, permille};
}

enum pa_sheet_format { PA_SHEET_CSV, PA_SHEET_XLSX };

struct pa_sheet_options {
    enum pa_sheet_format format;
    enum pa_lang headers; /* headings, and the title block, in this language */
    bool bom;             /* CSV: the UTF-8 BOM first, for Chinese Excel */
    bool codes_beside;    /* XLSX: each ENUM column's code in a hidden column beside it */
};

/* The title block of a report (NULL for a plain export). */
struct pa_sheet_title {
    const char *name;      /* 预算执行情况表, in the headings' language */
    const char *org;       /* 制表单位; NULL or "" leaves the line out */
    int32_t as_of;         /* 截止日期 (days) */
    enum pa_money_unit unit; /* 金额单位: MONEY cells in 元 or 万元 (PA_YI counts as 万元) */
    /* A report without money says what its figures count instead: the caption
     * and the unit in the headings' language (计分单位, 分); NULL for 金额单位
     * and the money unit. */
    const char *unit_caption, *unit_text;
};

struct pa_sheet;

/* Opens a sheet written to the file at path (XLSX or CSV), or to out (CSV only:
 * XLSX needs a file it can seek).  Columns and title are copied.  On failure
 * nothing is left open and *sheet is NULL. */
int pa_sheet_open_file(const char *path, const struct pa_sheet_options *opts,
                       const struct pa_sheet_title *title, const struct pa_sheet_column *columns,
                       int ncolumns, struct pa_sheet **sheet, struct pa_error *err);
int pa_sheet_open_stream(FILE *out, const struct pa_sheet_options *opts,
                         const struct pa_sheet_title *title, const struct pa_sheet_column *columns,
                         int ncolumns, struct pa_sheet **sheet, struct pa_error *err);

/* XLSX: offers labels (NULL-terminated, kept by the caller until close) as a
 * drop-down on an ENUM column, for people filling a template in.  Excel takes
 * at most 255 characters of list: a longer one is not offered.  CSV: nothing. */
void pa_sheet_choices(struct pa_sheet *sheet, int column, const char *const *labels);

/* Writes one row of ncolumns cells; a cell's type must be its column's or EMPTY. */
int pa_sheet_row(struct pa_sheet *sheet, const struct pa_cell *cells, struct pa_error *err);

/* Finishes the file and frees the sheet (also after a failure: always call it,
 * or pa_sheet_abandon).  A file that failed is left incomplete: write it beside
 * its final name and rename it on success (pa_sheet_write_atomic does). */
int pa_sheet_close(struct pa_sheet *sheet, struct pa_error *err);
void pa_sheet_abandon(struct pa_sheet *sheet);

/* The file extension and the HTTP media type of a format. */
const char *pa_sheet_extension(enum pa_sheet_format format);
const char *pa_sheet_media_type(enum pa_sheet_format format);

/* "csv" or "xlsx"; PA_EINVAL otherwise. */
int pa_sheet_format_parse(const char *name, enum pa_sheet_format *format, struct pa_error *err);
/* "en" or "zh" (the --headers option); PA_EINVAL otherwise. */
int pa_sheet_headers_parse(const char *name, enum pa_lang *lang, struct pa_error *err);

/* Runs fill(sheet) for a new sheet at path.tmp and renames it to path when
 * both succeed, so that a failure never leaves half a file under path. */
typedef int (*pa_sheet_fill_fn)(struct pa_sheet *sheet, void *ctx, struct pa_error *err);
int pa_sheet_write_atomic(const char *path, const struct pa_sheet_options *opts,
                          const struct pa_sheet_title *title, const struct pa_sheet_column *columns,
                          int ncolumns, pa_sheet_fill_fn fill, void *ctx, struct pa_error *err);

#endif
