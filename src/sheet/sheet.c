/*
 * sheet.c - opening, feeding and closing a sheet whichever its format; the
 * formats themselves are in sheet_csv.c and sheet_xlsx.c.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sheet_int.h"

#define XLSX_MEDIA "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

const char *pa_sheet_extension(enum pa_sheet_format format)
{
    return format == PA_SHEET_XLSX ? "xlsx" : "csv";
}

const char *pa_sheet_media_type(enum pa_sheet_format format)
{
    return format == PA_SHEET_XLSX ? XLSX_MEDIA : "text/csv; charset=utf-8";
}

int pa_sheet_format_parse(const char *name, enum pa_sheet_format *format, struct pa_error *err)
{
    if (strcmp(name, "csv") == 0)
        *format = PA_SHEET_CSV;
    else if (strcmp(name, "xlsx") == 0)
        *format = PA_SHEET_XLSX;
    else
        return pa_error_set(err, PA_EINVAL, "unknown format '%.40s' (csv or xlsx)", name);
    return 0;
}

int pa_sheet_headers_parse(const char *name, enum pa_lang *lang, struct pa_error *err)
{
    if (strcmp(name, "en") == 0)
        *lang = PA_LANG_EN;
    else if (strcmp(name, "zh") == 0)
        *lang = PA_LANG_ZH;
    else
        return pa_error_set(err, PA_EINVAL, "unknown headers '%.40s' (en or zh)", name);
    return 0;
}

enum pa_money_unit sheet_money_unit(const struct pa_sheet *sheet)
{
    if (!sheet->has_title || sheet->title.unit == PA_YUAN)
        return PA_YUAN;
    return PA_WAN; /* a spreadsheet keeps 亿元 figures in 万元: four decimals would hide fen */
}

static void sheet_free(struct pa_sheet *sheet)
{
    if (sheet == NULL)
        return;
    for (int i = 0; sheet->headings && i < sheet->ncolumns; i++)
        free(sheet->headings[i]);
    free(sheet->headings);
    free(sheet->columns);
    free(sheet->title_name);
    free(sheet->title_org);
    free(sheet->unit_caption);
    free(sheet->unit_text);
    free(sheet);
}

static char *copy_or_null(const char *s, bool *failed)
{
    char *copy = s ? strdup(s) : NULL;
    if (s && copy == NULL)
        *failed = true;
    return copy;
}

/* A new sheet holding copies of what the caller described. */
static struct pa_sheet *sheet_new(const struct pa_sheet_options *opts,
                                  const struct pa_sheet_title *title,
                                  const struct pa_sheet_column *columns, int ncolumns)
{
    PA_ASSERT(ncolumns > 0 && columns != NULL && opts != NULL);
    struct pa_sheet *sheet = calloc(1, sizeof(*sheet));
    if (sheet == NULL)
        return NULL;
    bool failed = false;
    sheet->opts = *opts;
    sheet->ncolumns = ncolumns;
    sheet->columns = malloc((size_t)ncolumns * sizeof(*columns));
    sheet->headings = calloc((size_t)ncolumns, sizeof(char *));
    failed = sheet->columns == NULL || sheet->headings == NULL;
    for (int i = 0; !failed && i < ncolumns; i++) {
        sheet->columns[i] = columns[i];
        const char *heading = opts->headers == PA_LANG_ZH && columns[i].heading_zh
                                  ? columns[i].heading_zh
                                  : pa_field_label(columns[i].field, opts->headers);
        sheet->headings[i] = copy_or_null(heading, &failed);
    }
    if (title) {
        sheet->has_title = true;
        sheet->title = *title;
        sheet->title_name = copy_or_null(title->name ? title->name : "", &failed);
        sheet->title_org = copy_or_null(title->org, &failed);
        sheet->unit_caption = copy_or_null(title->unit_caption, &failed);
        sheet->unit_text = copy_or_null(title->unit_text, &failed);
        sheet->title.name = sheet->title_name;
        sheet->title.org = sheet->title_org;
        sheet->title.unit_caption = sheet->unit_caption;
        sheet->title.unit_text = sheet->unit_text;
    }
    if (failed) {
        sheet_free(sheet);
        return NULL;
    }
    return sheet;
}

static int sheet_open(const char *path, FILE *out, const struct pa_sheet_options *opts,
                      const struct pa_sheet_title *title, const struct pa_sheet_column *columns,
                      int ncolumns, struct pa_sheet **result, struct pa_error *err)
{
    *result = NULL;
    struct pa_sheet *sheet = sheet_new(opts, title, columns, ncolumns);
    if (sheet == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    int rc;
    if (opts->format == PA_SHEET_XLSX) {
        rc = sheet_xlsx_begin(sheet, path, err);
    } else {
        sheet->csv = out ? out : fopen(path, "w");
        sheet->own_csv = out == NULL;
        rc = sheet->csv ? sheet_csv_begin(sheet, err)
                        : pa_error_set(err, PA_EIO, "cannot write '%s'", path);
    }
    if (rc != 0) {
        pa_sheet_abandon(sheet);
        return rc;
    }
    *result = sheet;
    return 0;
}

int pa_sheet_open_file(const char *path, const struct pa_sheet_options *opts,
                       const struct pa_sheet_title *title, const struct pa_sheet_column *columns,
                       int ncolumns, struct pa_sheet **sheet, struct pa_error *err)
{
    PA_ASSERT(path != NULL);
    return sheet_open(path, NULL, opts, title, columns, ncolumns, sheet, err);
}

int pa_sheet_open_stream(FILE *out, const struct pa_sheet_options *opts,
                         const struct pa_sheet_title *title, const struct pa_sheet_column *columns,
                         int ncolumns, struct pa_sheet **sheet, struct pa_error *err)
{
    PA_ASSERT(out != NULL);
    if (opts->format != PA_SHEET_CSV) {
        *sheet = NULL;
        return pa_error_set(err, PA_EINVAL, "an XLSX file must be written to a file (-o FILE)");
    }
    return sheet_open(NULL, out, opts, title, columns, ncolumns, sheet, err);
}

void pa_sheet_choices(struct pa_sheet *sheet, int column, const char *const *labels)
{
    PA_ASSERT(column >= 0 && column < sheet->ncolumns && labels != NULL);
    if (sheet->opts.format == PA_SHEET_XLSX && sheet->columns[column].type == PA_CELL_ENUM)
        sheet_xlsx_choices(sheet, column, labels);
}

int pa_sheet_row(struct pa_sheet *sheet, const struct pa_cell *cells, struct pa_error *err)
{
    for (int i = 0; i < sheet->ncolumns; i++)
        PA_ASSERT(cells[i].type == PA_CELL_EMPTY || cells[i].type == sheet->columns[i].type);
    return sheet->opts.format == PA_SHEET_XLSX ? sheet_xlsx_row(sheet, cells, err)
                                               : sheet_csv_row(sheet, cells, err);
}

int pa_sheet_close(struct pa_sheet *sheet, struct pa_error *err)
{
    int rc = sheet->opts.format == PA_SHEET_XLSX ? sheet_xlsx_end(sheet, err)
                                                 : sheet_csv_end(sheet, err);
    sheet_free(sheet);
    return rc;
}

void pa_sheet_abandon(struct pa_sheet *sheet)
{
    if (sheet == NULL)
        return;
    if (sheet->opts.format == PA_SHEET_XLSX)
        sheet_xlsx_abandon(sheet);
    else if (sheet->own_csv && sheet->csv)
        fclose(sheet->csv);
    sheet_free(sheet);
}

int pa_sheet_write_atomic(const char *path, const struct pa_sheet_options *opts,
                          const struct pa_sheet_title *title, const struct pa_sheet_column *columns,
                          int ncolumns, pa_sheet_fill_fn fill, void *ctx, struct pa_error *err)
{
    char tmp[4096];
    struct pa_sheet *sheet;
    int rc = pa_file_tmp_path(path, tmp, sizeof(tmp), err);
    if (rc == 0)
        rc = pa_sheet_open_file(tmp, opts, title, columns, ncolumns, &sheet, err);
    if (rc != 0)
        return rc;
    rc = fill(sheet, ctx, err);
    if (rc == 0)
        rc = pa_sheet_close(sheet, err);
    else
        pa_sheet_abandon(sheet);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = pa_error_set(err, PA_EIO, "cannot write '%s'", path);
    if (rc != 0)
        unlink(tmp);
    return rc;
}
