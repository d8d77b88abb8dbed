/*
 * export_sheet.c - exports written to a file: CSV and JSON beside their final
 * name and renamed, XLSX through the sheet writer.  In XLSX a record's values
 * keep their types (money and quantities are numbers, dates are dates) and
 * enums show their Chinese names with the codes in a hidden column beside
 * them, so that the file reads like a programme office's own ledger and still
 * re-imports exactly.
 */
#include <stdlib.h>
#include <string.h>

#include "pairaid/io.h"
#include "pairaid/sheet.h"
#include "io_int.h"

#define LABEL_MAX 1024 /* a set's labels joined: the longest set is well under this */

enum pa_cell_type pa_export_cell_type(const struct pa_column *col)
{
    switch (col->type) {
    case PA_COL_NAME:
    case PA_COL_MEMO:
        return PA_CELL_TEXT;
    case PA_COL_MONEY:
        return PA_CELL_MONEY;
    case PA_COL_QUANTITY:
        return PA_CELL_DECIMAL;
    case PA_COL_DATE:
        return PA_CELL_DATE;
    case PA_COL_COUNT:
        return PA_CELL_COUNT;
    case PA_COL_BOOL:
    case PA_COL_ENUM:
    case PA_COL_SET:
        return PA_CELL_ENUM;
    default:
        return PA_CELL_CODE;
    }
}

const char *pa_export_enum_label(const struct pa_column *col, const char *code, size_t len,
                              enum pa_lang lang)
{
    for (const struct pa_enum_value *e = col->values; e && e->name; e++)
        if (strlen(e->name) == len && memcmp(e->name, code, len) == 0)
            return lang == PA_LANG_ZH && e->zh ? e->zh : e->name;
    return NULL;
}

/* A set "industry|education" read as 产业、教育 (the importer takes 、 back). */
static const char *set_label(const struct pa_column *col, const char *codes, enum pa_lang lang,
                             char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const char *p = codes; *p;) {
        size_t len = strcspn(p, "|");
        const char *label = pa_export_enum_label(col, p, len, lang);
        if (label == NULL)
            return codes;
        int n = snprintf(buf + used, size - used, "%s%s", used ? (lang == PA_LANG_ZH ? "、" : "|")
                                                               : "", label);
        if (n < 0 || (size_t)n >= size - used)
            return codes;
        used += (size_t)n;
        p += len + (p[len] == '|');
    }
    return buf;
}

struct pa_cell pa_export_cell(const struct pa_column *col, const struct pa_value *v,
                              enum pa_lang lang, char *buf, size_t size)
{
    if (v->null)
        return (struct pa_cell){0};
    int32_t days;
    switch (col->type) {
    case PA_COL_MONEY:
        return pa_cell_money(v->i);
    case PA_COL_QUANTITY:
        return pa_cell_decimal(v->i);
    case PA_COL_COUNT:
        return pa_cell_count(v->i);
    case PA_COL_DATE:
        return pa_date_parse(v->s, &days, NULL) == 0 ? pa_cell_date(days) : (struct pa_cell){0};
    case PA_COL_BOOL:
        return pa_cell_enum(v->i ? "true" : "false",
                            lang == PA_LANG_ZH ? (v->i ? "是" : "否") : (v->i ? "true" : "false"));
    case PA_COL_ENUM: {
        const char *label = pa_export_enum_label(col, v->s, strlen(v->s), lang);
        return pa_cell_enum(v->s, label ? label : v->s);
    }
    case PA_COL_SET:
        return pa_cell_enum(v->s, set_label(col, v->s, lang, buf, size));
    case PA_COL_NAME:
    case PA_COL_MEMO:
        return pa_cell_text(v->s);
    default:
        return pa_cell_code(v->s);
    }
}

struct xlsx_export {
    const struct pa_kind *kind;
    sqlite3_stmt *stmt;
    struct pa_db *db;
    const bool *shown;
    enum pa_lang lang;
};

static int fill_rows(struct pa_sheet *sheet, void *ctx, struct pa_error *err)
{
    struct xlsx_export *x = ctx;
    struct pa_cell cells[PA_MAX_COLUMNS];
    char labels[PA_MAX_COLUMNS][LABEL_MAX];
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(x->stmt)) == SQLITE_ROW) {
        struct pa_record rec;
        pa_record_from_row(&rec, x->kind, x->stmt);
        int n = 0;
        for (int i = 0; i < x->kind->ncolumns; i++) {
            if (!x->shown[i])
                continue;
            cells[n] = pa_export_cell(&x->kind->columns[i], &rec.v[i], x->lang, labels[n], LABEL_MAX);
            n++;
        }
        rc = pa_sheet_row(sheet, cells, err);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(x->db, err, "export");
    return rc;
}

static int export_xlsx(struct pa_db *db, const struct pa_kind *kind,
                       const struct pa_export_options *opts, const char *path, struct pa_error *err)
{
    bool extras, shown[PA_MAX_COLUMNS];
    sqlite3_stmt *stmt;
    int rc = pa_export_prepare(db, kind, &extras, &stmt, err);
    if (rc != 0)
        return rc;
    struct pa_sheet_column columns[PA_MAX_COLUMNS];
    int n = 0;
    for (int i = 0; i < kind->ncolumns; i++) {
        shown[i] = extras || !(kind->columns[i].flags & PA_COL_EXTRA);
        if (shown[i])
            columns[n++] = (struct pa_sheet_column){.field = kind->columns[i].name,
                                                    .type = pa_export_cell_type(&kind->columns[i])};
    }
    struct pa_sheet_options sheet_opts = {PA_SHEET_XLSX, opts->headers, false, true};
    struct xlsx_export x = {kind, stmt, db, shown, opts->headers};
    rc = pa_sheet_write_atomic(path, &sheet_opts, NULL, columns, n, fill_rows, &x, err);
    sqlite3_reset(stmt);
    return rc;
}

struct text_export {
    struct pa_db *db;
    const char *kind;
    enum pa_format format;
    const struct pa_export_options *opts;
};

static int write_text(FILE *f, void *ctx, struct pa_error *err)
{
    struct text_export *t = ctx;
    return pa_export_with(t->db, t->kind, t->format, t->opts, f, err);
}

int pa_export_file(struct pa_db *db, const char *kind_name, enum pa_format format,
                   const struct pa_export_options *opts, const char *path, struct pa_error *err)
{
    if (format != PA_FORMAT_XLSX || strcmp(kind_name, "iati") == 0) {
        struct text_export t = {db, kind_name, format, opts};
        return pa_file_write_atomic(path, write_text, &t, err);
    }
    const struct pa_kind *kind;
    int rc = pa_export_kind(kind_name, &kind, err);
    return rc == 0 ? export_xlsx(db, kind, opts, path, err) : rc;
}
