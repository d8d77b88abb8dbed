/*
 * export.c - writing records out as CSV (the same columns the importer reads, so
 * an export re-imports into an empty database and exports again byte for byte)
 * or as a JSON array with the same field names.  The one CSV field writer of the
 * program is here too: a name or memo that a spreadsheet would run as a formula
 * (=HYPERLINK(...)) is written with a leading ', which the importer removes.
 */
#include <string.h>

#include "pairaid/io.h"
#include "io_int.h"

int pa_format_parse(const char *name, enum pa_format *format, struct pa_error *err)
{
    if (strcmp(name, "csv") == 0)
        *format = PA_FORMAT_CSV;
    else if (strcmp(name, "json") == 0)
        *format = PA_FORMAT_JSON;
    else if (strcmp(name, "xlsx") == 0)
        *format = PA_FORMAT_XLSX;
    else
        return pa_error_set(err, PA_EINVAL, "unknown format '%.40s' (csv, json or xlsx)", name);
    return 0;
}

/* What a spreadsheet may read as the start of a formula (or of DDE), and the
 * quote that marks such a value as protected. */
static bool starts_formula(const char *s)
{
    return s[0] != '\0' && strchr("=+-@\t\r'", s[0]) != NULL;
}

const char *pa_csv_text_unescape(const char *s)
{
    return s[0] == '\'' && starts_formula(s + 1) ? s + 1 : s;
}

/* RFC 4180: quote a field only when it holds a comma, a quote or a line break. */
void pa_csv_field(FILE *out, const char *s, unsigned flags, bool last)
{
    s = s ? s : "";
    const char *guard = (flags & PA_CSV_TEXT) && starts_formula(s) ? "'" : "";
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(guard, out);
        fputs(s, out);
    } else {
        fputc('"', out);
        fputs(guard, out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    }
    fputc(last ? '\n' : ',', out);
}

static bool is_text(const struct pa_column *col)
{
    return col->type == PA_COL_NAME || col->type == PA_COL_MEMO;
}

/* Whether column i is written: PA_COL_EXTRA columns only when some record uses them. */
static bool column_shown(const struct pa_kind *kind, int i, bool extras)
{
    return extras || !(kind->columns[i].flags & PA_COL_EXTRA);
}

static int has_extras(struct pa_db *db, const struct pa_kind *kind, bool *extras,
                      struct pa_error *err)
{
    *extras = false;
    if (kind->sql_has_extra == NULL)
        return 0;
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, kind->sql_has_extra, &stmt, err);
    if (rc != 0)
        return rc;
    if (sqlite3_step(stmt) == SQLITE_ROW)
        *extras = sqlite3_column_int(stmt, 0) != 0;
    else
        rc = pa_db_fail(db, err, "export");
    sqlite3_reset(stmt);
    return rc;
}

static void write_csv_row(FILE *out, const struct pa_record *rec, bool extras)
{
    int last = rec->kind->ncolumns - 1;
    while (last > 0 && !column_shown(rec->kind, last, extras))
        last--;
    for (int i = 0; i <= last; i++) {
        char buf[64];
        const struct pa_column *col = &rec->kind->columns[i];
        if (column_shown(rec->kind, i, extras))
            pa_csv_field(out, pa_value_format(col, &rec->v[i], buf, sizeof(buf)),
                         is_text(col) ? PA_CSV_TEXT : 0, i == last);
    }
}

static int write_json_row(FILE *out, const struct pa_record *rec, bool first, bool extras)
{
    json_t *obj = json_object();
    for (int i = 0; obj && i < rec->kind->ncolumns; i++)
        if (column_shown(rec->kind, i, extras) &&
            json_object_set_new(obj, rec->kind->columns[i].name,
                                pa_value_json(&rec->kind->columns[i], &rec->v[i])) != 0) {
            json_decref(obj);
            obj = NULL;
        }
    if (obj == NULL)
        return PA_ENOMEM;
    fputs(first ? "[\n  " : ",\n  ", out);
    int rc = json_dumpf(obj, out, JSON_PRESERVE_ORDER | JSON_COMPACT) == 0 ? 0 : PA_EIO;
    json_decref(obj);
    return rc;
}

static void write_csv_header(FILE *out, const struct pa_kind *kind, bool extras,
                             const struct pa_export_options *opts)
{
    if (opts->bom)
        fputs("\xEF\xBB\xBF", out);
    for (int i = 0, n = 0; i < kind->ncolumns; i++)
        if (column_shown(kind, i, extras))
            fprintf(out, "%s%s", n++ ? "," : "",
                    pa_field_label(kind->columns[i].name, opts->headers));
    fputc('\n', out);
}

int pa_export(struct pa_db *db, const char *kind_name, enum pa_format format, FILE *out,
              struct pa_error *err)
{
    static const struct pa_export_options plain = {.bom = false, .headers = PA_LANG_EN};
    return pa_export_with(db, kind_name, format, &plain, out, err);
}

int pa_export_kind(const char *kind_name, const struct pa_kind **kind, struct pa_error *err)
{
    *kind = pa_kind_find(kind_name);
    if (*kind == NULL && strcmp(kind_name, "regions") == 0)
        *kind = &pa_region_kind;
    if (*kind == NULL)
        return pa_error_set(err, PA_EINVAL, "unknown kind '%.40s' (regions, %s)", kind_name,
                            pa_kind_names());
    return 0;
}

int pa_export_prepare(struct pa_db *db, const struct pa_kind *kind, bool *extras,
                      sqlite3_stmt **stmt, struct pa_error *err)
{
    /* the rows the principal reads (scope.c): a county auditor exports its pairing */
    int rc = pa_scope_read(db, PA_SCOPE_ACCOUNTS, err);
    if (rc == 0)
        rc = has_extras(db, kind, extras, err);
    if (rc == 0)
        rc = pa_db_prepare(db, pa_kind_sql(kind, PA_SQL_EXPORT), stmt, err);
    return rc;
}

int pa_export_with(struct pa_db *db, const char *kind_name, enum pa_format format,
                   const struct pa_export_options *opts, FILE *out, struct pa_error *err)
{
    if (strcmp(kind_name, "iati") == 0) { /* a file of its own shape (iati.c) */
        struct pa_iati_options iati = {opts->pairing};
        return pa_export_iati(db, &iati, out, err);
    }
    const struct pa_kind *kind;
    int rc = pa_export_kind(kind_name, &kind, err);
    if (rc == 0 && format == PA_FORMAT_XLSX)
        rc = pa_error_set(err, PA_EINVAL, "an XLSX file must be written to a file (-o FILE)");
    bool extras;
    sqlite3_stmt *stmt;
    if (rc == 0)
        rc = pa_export_prepare(db, kind, &extras, &stmt, err);
    if (rc != 0)
        return rc;
    if (format == PA_FORMAT_CSV)
        write_csv_header(out, kind, extras, opts);
    bool first = true;
    int step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct pa_record rec;
        pa_record_from_row(&rec, kind, stmt);
        if (format == PA_FORMAT_CSV)
            write_csv_row(out, &rec, extras);
        else
            rc = write_json_row(out, &rec, first, extras);
        first = false;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "export");
    sqlite3_reset(stmt);
    if (rc == 0 && format == PA_FORMAT_JSON)
        fputs(first ? "[]\n" : "\n]\n", out);
    if (rc == 0 && (fflush(out) != 0 || ferror(out)))
        rc = pa_error_set(err, PA_EIO, "cannot write the export");
    return rc != 0 && err && err->code == 0 ? pa_error_set(err, rc, "export failed") : rc;
}
