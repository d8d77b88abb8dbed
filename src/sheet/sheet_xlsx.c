/*
 * sheet_xlsx.c - a sheet as an XLSX workbook, through libxlsxwriter in its
 * constant-memory mode: each row goes to a temporary file as soon as the next
 * one starts, so a million transfers take no more memory than ten.
 *
 * Layout: a report starts with its title block (the name across the columns,
 * then 制表单位, 截止日期 and 金额单位, each a label and a value), then the
 * heading row, frozen, then the rows.  An export starts with the heading row.
 * An ENUM column shows labels; with codes_beside a hidden column right of it
 * keeps the codes, so that re-import reads exactly what was written.  Column
 * widths fit the headings and the first rows; libxlsxwriter writes the widths
 * when the workbook closes, so they can be decided after the rows.
 */
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "sheet_int.h"

#define WIDTH_ROWS      1000 /* rows whose cells widen the columns */
#define WIDTH_MIN       8.0
#define WIDTH_MAX       50.0
#define EXCEL_EPOCH_1970 25569 /* Excel's serial number of 1970-01-01 */

struct sheet_xlsx {
    lxw_workbook *book;
    lxw_worksheet *ws;
    lxw_format *title, *label, *heading, *money, *date, *count, *rate, *decimal, *text;
    lxw_row_t row;        /* the next row to write */
    lxw_row_t header_row; /* the heading row's */
    lxw_col_t *first;   /* per sheet column, its workbook column */
    lxw_col_t nout;     /* workbook columns, with the hidden code columns */
    double *width;      /* per workbook column, in characters */
    bool *hidden;       /* per workbook column: a code column */
    long rows_written;
};

static bool codes_beside(const struct pa_sheet *sheet, int col)
{
    return sheet->opts.codes_beside && sheet->columns[col].type == PA_CELL_ENUM;
}

/* Characters a spreadsheet shows for s: a Chinese character is two wide. */
static double text_width(const char *s)
{
    double width = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            width += *p >= 0xE1 ? 2.0 : 1.0;
    return width;
}

static void widen(struct sheet_xlsx *x, lxw_col_t col, double chars)
{
    chars += 2.0; /* the cell's padding and the filter arrow */
    if (chars > x->width[col])
        x->width[col] = chars > WIDTH_MAX ? WIDTH_MAX : chars;
}

static lxw_format *number_format(lxw_workbook *book, const char *code)
{
    lxw_format *f = workbook_add_format(book);
    if (f)
        format_set_num_format(f, code);
    return f;
}

static int add_formats(struct sheet_xlsx *x)
{
    x->title = workbook_add_format(x->book);
    x->label = workbook_add_format(x->book);
    x->heading = workbook_add_format(x->book);
    x->text = workbook_add_format(x->book);
    x->money = number_format(x->book, "#,##0.00");
    x->decimal = number_format(x->book, "#,##0.00");
    x->date = number_format(x->book, "yyyy-mm-dd");
    x->count = number_format(x->book, "#,##0");
    x->rate = number_format(x->book, "0.0%");
    if (!x->title || !x->label || !x->heading || !x->text || !x->money || !x->decimal ||
        !x->date || !x->count || !x->rate)
        return PA_ENOMEM;
    format_set_bold(x->title);
    format_set_font_size(x->title, 14);
    format_set_align(x->title, LXW_ALIGN_CENTER);
    format_set_bold(x->label);
    format_set_bold(x->heading);
    format_set_bg_color(x->heading, 0xDDEBF7);
    format_set_border(x->heading, LXW_BORDER_THIN);
    format_set_align(x->heading, LXW_ALIGN_CENTER);
    format_set_text_wrap(x->heading);
    format_set_num_format(x->text, "@"); /* text stays text if edited: "001" is not 1 */
    return 0;
}

static int xlsx_fail(lxw_error error, struct pa_error *err)
{
    return pa_error_set(err, error == LXW_ERROR_MEMORY_MALLOC_FAILED ? PA_ENOMEM : PA_EIO,
                        "cannot write the XLSX file: %s", lxw_strerror(error));
}

static int put_string(struct sheet_xlsx *x, lxw_col_t col, const char *s, lxw_format *f,
                      struct pa_error *err)
{
    lxw_error e = worksheet_write_string(x->ws, x->row, col, s, f);
    return e == LXW_NO_ERROR ? 0 : xlsx_fail(e, err);
}

static int put_number(struct sheet_xlsx *x, lxw_col_t col, double v, lxw_format *f,
                      struct pa_error *err)
{
    lxw_error e = worksheet_write_number(x->ws, x->row, col, v, f);
    return e == LXW_NO_ERROR ? 0 : xlsx_fail(e, err);
}

static const char *unit_name(const struct pa_sheet *sheet)
{
    bool zh = sheet->opts.headers == PA_LANG_ZH;
    if (sheet_money_unit(sheet) == PA_WAN)
        return zh ? "万元" : "10,000 yuan";
    return zh ? "元" : "yuan";
}

/* One "label  value" line of the title block. */
static int title_line(struct pa_sheet *sheet, const char *zh, const char *en, const char *value,
                      const int32_t *date, struct pa_error *err)
{
    struct sheet_xlsx *x = sheet->xlsx;
    const char *label = sheet->opts.headers == PA_LANG_ZH ? zh : en;
    int rc = put_string(x, 0, label, x->label, err);
    lxw_col_t at = x->nout > 1 ? 1 : 0;
    if (rc == 0 && x->nout == 1)
        x->row++; /* one column: the value goes below its label */
    if (rc == 0 && date)
        rc = put_number(x, at, (double)(*date + EXCEL_EPOCH_1970), x->date, err);
    else if (rc == 0)
        rc = put_string(x, at, value, NULL, err);
    widen(x, 0, text_width(label));
    x->row++;
    return rc;
}

static int write_title(struct pa_sheet *sheet, struct pa_error *err)
{
    struct sheet_xlsx *x = sheet->xlsx;
    lxw_error e = x->nout > 1 ? worksheet_merge_range(x->ws, 0, 0, 0, x->nout - 1,
                                                      sheet->title.name, x->title)
                              : worksheet_write_string(x->ws, 0, 0, sheet->title.name, x->title);
    if (e != LXW_NO_ERROR)
        return xlsx_fail(e, err);
    worksheet_set_row(x->ws, 0, 24, NULL);
    x->row = 1;
    int rc = 0;
    if (sheet->title.org && sheet->title.org[0])
        rc = title_line(sheet, "制表单位", "Prepared by", sheet->title.org, NULL, err);
    if (rc == 0)
        rc = title_line(sheet, "截止日期", "As of", NULL, &sheet->title.as_of, err);
    const struct pa_sheet_title *t = &sheet->title;
    if (rc == 0 && t->unit_caption && t->unit_text)
        rc = title_line(sheet, t->unit_caption, t->unit_caption, t->unit_text, NULL, err);
    else if (rc == 0)
        rc = title_line(sheet, "金额单位", "Unit", unit_name(sheet), NULL, err);
    return rc;
}

/* The heading of an enum's code column: industry_code, 所属产业代码. */
static int write_code_heading(struct pa_sheet *sheet, int col, struct pa_error *err)
{
    struct sheet_xlsx *x = sheet->xlsx;
    char heading[256];
    bool zh = sheet->opts.headers == PA_LANG_ZH;
    snprintf(heading, sizeof(heading), "%s%s", zh ? sheet->headings[col] : sheet->columns[col].field,
             zh ? "代码" : "_code");
    widen(x, x->first[col] + 1, text_width(heading));
    return put_string(x, x->first[col] + 1, heading, x->heading, err);
}

/* A drop-down of labels from the first data row down; the import checks the
 * values all the same. */
void sheet_xlsx_choices(struct pa_sheet *sheet, int col, const char *const *labels)
{
    struct sheet_xlsx *x = sheet->xlsx;
    size_t chars = 0;
    for (const char *const *c = labels; *c; c++)
        chars += strlen(*c) + 1;
    if (chars > 255)
        return;
    bool zh = sheet->opts.headers == PA_LANG_ZH;
    lxw_data_validation list = {
        .validate = LXW_VALIDATION_TYPE_LIST,
        .value_list = (char **)labels,
        .ignore_blank = LXW_VALIDATION_ON,
        .show_error = LXW_VALIDATION_ON,
        .error_title = (char *)(zh ? "无效的值" : "Not a choice"),
        .error_message = (char *)(zh ? "请从下拉列表中选择" : "Pick a value from the list"),
    };
    worksheet_data_validation_range(x->ws, x->header_row + 1, x->first[col], LXW_ROW_MAX - 1,
                                    x->first[col], &list);
}

static int write_headings(struct pa_sheet *sheet, struct pa_error *err)
{
    struct sheet_xlsx *x = sheet->xlsx;
    int rc = 0;
    for (int i = 0; rc == 0 && i < sheet->ncolumns; i++) {
        widen(x, x->first[i], text_width(sheet->headings[i]));
        rc = put_string(x, x->first[i], sheet->headings[i], x->heading, err);
        if (rc == 0 && codes_beside(sheet, i))
            rc = write_code_heading(sheet, i, err);
    }
    if (rc == 0) {
        x->header_row = x->row++;
        worksheet_freeze_panes(x->ws, x->row, 0);
    }
    return rc;
}

static int allocate_columns(struct pa_sheet *sheet)
{
    struct sheet_xlsx *x = sheet->xlsx;
    x->first = calloc((size_t)sheet->ncolumns, sizeof(*x->first));
    size_t most = 2 * (size_t)sheet->ncolumns;
    x->width = calloc(most, sizeof(*x->width));
    x->hidden = calloc(most, sizeof(*x->hidden));
    if (!x->first || !x->width || !x->hidden)
        return PA_ENOMEM;
    lxw_col_t col = 0;
    for (int i = 0; i < sheet->ncolumns; i++) {
        x->first[i] = col++;
        if (codes_beside(sheet, i))
            x->hidden[col++] = true;
    }
    x->nout = col;
    for (lxw_col_t c = 0; c < x->nout; c++)
        x->width[c] = WIDTH_MIN;
    return 0;
}

static void xlsx_free(struct pa_sheet *sheet)
{
    struct sheet_xlsx *x = sheet->xlsx;
    if (x == NULL)
        return;
    free(x->first);
    free(x->width);
    free(x->hidden);
    free(x);
    sheet->xlsx = NULL;
}

int sheet_xlsx_begin(struct pa_sheet *sheet, const char *path, struct pa_error *err)
{
    struct sheet_xlsx *x = calloc(1, sizeof(*x));
    if (x == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    sheet->xlsx = x;
    if (allocate_columns(sheet) != 0)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    x->book = workbook_new_opt(path, &options);
    if (x->book == NULL)
        return pa_error_set(err, PA_EIO, "cannot write '%s'", path);
    x->ws = workbook_add_worksheet(x->book, sheet->opts.headers == PA_LANG_ZH ? "数据" : "Data");
    if (x->ws == NULL || add_formats(x) != 0)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    int rc = sheet->has_title ? write_title(sheet, err) : 0;
    return rc == 0 ? write_headings(sheet, err) : rc;
}

static int write_cell(struct pa_sheet *sheet, int col, const struct pa_cell *cell,
                      struct pa_error *err)
{
    struct sheet_xlsx *x = sheet->xlsx;
    lxw_col_t at = x->first[col];
    double money_scale = sheet_money_unit(sheet) == PA_WAN ? 1e6 : 1e2;
    switch (cell->type) {
    case PA_CELL_TEXT:
    case PA_CELL_CODE:
        return put_string(x, at, cell->text, x->text, err);
    case PA_CELL_ENUM: {
        int rc = put_string(x, at, cell->label, NULL, err);
        return rc == 0 && codes_beside(sheet, col) ? put_string(x, at + 1, cell->text, x->text, err)
                                                   : rc;
    }
    case PA_CELL_MONEY:
        return put_number(x, at, (double)cell->number / money_scale, x->money, err);
    case PA_CELL_DECIMAL:
        return put_number(x, at, (double)cell->number / 100.0, x->decimal, err);
    case PA_CELL_DATE:
        return put_number(x, at, (double)(cell->number + EXCEL_EPOCH_1970), x->date, err);
    case PA_CELL_COUNT:
        return put_number(x, at, (double)cell->number, x->count, err);
    case PA_CELL_RATE:
        return put_number(x, at, (double)cell->number / 1000.0, x->rate, err);
    case PA_CELL_EMPTY:
        break;
    }
    return 0;
}

/* How wide the cell shows, as formatted. */
static double cell_width(const struct pa_sheet *sheet, const struct pa_cell *cell)
{
    char buf[64];
    switch (cell->type) {
    case PA_CELL_TEXT:
    case PA_CELL_CODE:
        return text_width(cell->text);
    case PA_CELL_ENUM:
        return text_width(cell->label);
    case PA_CELL_MONEY:
        pa_money_format(cell->number, sheet_money_unit(sheet), PA_MONEY_GROUP, buf, sizeof(buf));
        return text_width(buf);
    case PA_CELL_DECIMAL:
        pa_money_format(cell->number, PA_YUAN, PA_MONEY_GROUP, buf, sizeof(buf));
        return text_width(buf);
    case PA_CELL_DATE:
        return PA_DATE_LEN;
    case PA_CELL_COUNT:
    case PA_CELL_RATE:
        return (double)snprintf(buf, sizeof(buf), "%lld", (long long)cell->number) + 2;
    case PA_CELL_EMPTY:
        break;
    }
    return 0;
}

int sheet_xlsx_row(struct pa_sheet *sheet, const struct pa_cell *cells, struct pa_error *err)
{
    struct sheet_xlsx *x = sheet->xlsx;
    if (x->row >= LXW_ROW_MAX)
        return pa_error_set(err, PA_ERANGE, "more rows than a worksheet holds (%d)", LXW_ROW_MAX);
    bool measure = x->rows_written < WIDTH_ROWS;
    int rc = 0;
    for (int i = 0; rc == 0 && i < sheet->ncolumns; i++) {
        rc = write_cell(sheet, i, &cells[i], err);
        if (measure) {
            widen(x, x->first[i], cell_width(sheet, &cells[i]));
            if (codes_beside(sheet, i) && cells[i].type == PA_CELL_ENUM)
                widen(x, x->first[i] + 1, text_width(cells[i].text));
        }
    }
    x->row++;
    x->rows_written++;
    return rc;
}

static void set_widths(struct sheet_xlsx *x)
{
    for (lxw_col_t c = 0; c < x->nout; c++) {
        lxw_row_col_options hide = {.hidden = 1};
        worksheet_set_column_opt(x->ws, c, c, x->width[c], NULL, x->hidden[c] ? &hide : NULL);
    }
}

int sheet_xlsx_end(struct pa_sheet *sheet, struct pa_error *err)
{
    struct sheet_xlsx *x = sheet->xlsx;
    set_widths(x);
    lxw_error e = workbook_close(x->book);
    x->book = NULL;
    xlsx_free(sheet);
    return e == LXW_NO_ERROR ? 0 : xlsx_fail(e, err);
}

void sheet_xlsx_abandon(struct pa_sheet *sheet)
{
    struct sheet_xlsx *x = sheet->xlsx;
    if (x && x->book)
        workbook_close(x->book); /* frees it; the caller removes the half-written file */
    xlsx_free(sheet);
}
