/*
 * import.c - CSV import.  The whole file is checked and applied in one
 * transaction; every bad row is reported with its line and column, and if there
 * is any, the transaction is rolled back so the database is left as it was.
 *
 * libcsv does the RFC 4180 parsing.  We feed it one physical line at a time so we
 * always know on which line a record began, even when quoted fields hold line
 * breaks.
 *
 * An XLSX workbook (xlsx_read.c) is the other row source: its rows go through
 * the same on_field/on_record as CSV records, so headers, checks and atomicity
 * are the same; only the position of an error is a cell ("Sheet1!H7") rather
 * than a line, and a pairaid export's hidden code column beside an enum column
 * ("industry_code", 所属产业代码) may be read in place of the visible label.
 */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io_int.h"

#define FILE_MAX_BYTES  ((size_t)1 << 31)
#define CSV_BLOCK_BYTES ((size_t)1 << 20)
#define FIELD_MAX_BYTES ((size_t)64 << 20)

struct field {
    size_t offset, len;
};

struct importer {
    struct pa_db *db;
    const struct pa_kind *kind;
    const struct pa_import_options *opts;
    const struct pa_blob *photos; /* the demo's pictures, by file name; NULL for a user's file */
    struct pa_import_report *report;
    struct pa_error *err; /* a runtime failure that stops the import */
    int fatal;            /* nonzero: stop (runtime failure or a bad header) */

    long line, record_line;
    /* the record being assembled */
    char *buf;
    size_t buf_len, buf_cap;
    struct field *fields;
    size_t nfields, fields_cap;
    /* the header: for each file column, the kind's column (-1 unknown) */
    bool have_header;
    int *column_of;
    size_t ncolumns;
    struct pa_strmap *keys;
    /* XLSX only: each field's problem, the hidden code columns (for each file
     * column, the kind's column whose code it holds, else -1) and the file
     * column an error without a column name is about (-1: the whole row) */
    bool xlsx;
    enum pa_xlsx_problem *problems;
    int *code_of;
    long current_field;
};

void pa_import_report_release(struct pa_import_report *report)
{
    if (report == NULL)
        return;
    free(report->errors);
    memset(report, 0, sizeof(*report));
}

static void add_error(struct importer *im, long line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Excel quotes a sheet name that is not a plain word in a reference: 'My data'!A1. */
static bool needs_quotes(const char *sheet)
{
    for (const char *s = sheet; *s; s++)
        if ((unsigned char)*s < 0x80 && !isalnum((unsigned char)*s) && *s != '_')
            return true;
    return sheet[0] == '\0';
}

/* Where an XLSX error is: the file column of `column` (a kind's column name, or
 * a heading for a header error), else the field being read, else the whole row. */
static void cell_ref(struct importer *im, long row, const char *column, char *out, size_t size)
{
    long field = -1;
    int col = column ? pa_kind_column(im->kind, column) : -1;
    for (size_t i = 0; col >= 0 && field < 0 && i < im->ncolumns && im->column_of; i++)
        if (im->column_of[i] == col)
            field = (long)i;
    if (field < 0)
        field = im->current_field;
    char sheet[240];
    const char *name = im->report->sheet;
    if (needs_quotes(name)) {
        size_t j = 0;
        sheet[j++] = '\'';
        for (const char *s = name; *s && j + 3 < sizeof(sheet); s++) {
            if (*s == '\'')
                sheet[j++] = '\'';
            sheet[j++] = *s;
        }
        sheet[j++] = '\'';
        sheet[j] = '\0';
    } else {
        snprintf(sheet, sizeof(sheet), "%s", name);
    }
    /* the cell's own part is never cut; a sheet name too long for out is */
    char where[48], letters[4];
    if (field >= 0 && field < PA_XLSX_MAX_COLUMNS) {
        pa_xlsx_column_name((size_t)field, letters);
        snprintf(where, sizeof(where), "!%s%ld", letters, row);
    } else {
        snprintf(where, sizeof(where), "!%ld:%ld", row, row);
    }
    size_t tail = strlen(where);
    PA_ASSERT(size > tail);
    size_t n = strnlen(sheet, size - tail - 1);
    memcpy(out, sheet, n);
    memcpy(out + n, where, tail + 1);
}

static void add_error(struct importer *im, long line, const char *column, const char *fmt, ...)
{
    struct pa_import_report *r = im->report;
    r->nerrors++;
    if (r->kept >= PA_IMPORT_ERRORS_KEPT)
        return;
    if (r->errors == NULL) {
        r->errors = calloc(PA_IMPORT_ERRORS_KEPT, sizeof(*r->errors));
        if (r->errors == NULL) {
            im->fatal = pa_error_set(im->err, PA_ENOMEM, "out of memory");
            return;
        }
    }
    struct pa_row_error *e = &r->errors[r->kept++];
    e->line = line;
    snprintf(e->column, sizeof(e->column), "%s", column ? column : "");
    if (im->xlsx)
        cell_ref(im, line, column, e->cell, sizeof(e->cell));
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    pa_msg_vformat(e->message_zh, sizeof(e->message_zh), PA_LANG_ZH, fmt, again);
    va_end(again);
    va_end(ap);
}

/* ---- assembling records from libcsv's callbacks ----------------------------- */

static void on_field(void *s, size_t len, void *data)
{
    struct importer *im = data;
    if (im->fatal)
        return;
    if (im->nfields == im->fields_cap) {
        size_t cap = im->fields_cap ? im->fields_cap * 2 : 16;
        struct field *f = realloc(im->fields, cap * sizeof(*f));
        if (f == NULL) {
            im->fatal = pa_error_set(im->err, PA_ENOMEM, "out of memory");
            return;
        }
        im->fields = f;
        im->fields_cap = cap;
    }
    if (im->buf_len + len + 1 > im->buf_cap) {
        size_t cap = (im->buf_len + len + 1) * 2;
        char *b = realloc(im->buf, cap);
        if (b == NULL) {
            im->fatal = pa_error_set(im->err, PA_ENOMEM, "out of memory");
            return;
        }
        im->buf = b;
        im->buf_cap = cap;
    }
    if (len)
        memcpy(im->buf + im->buf_len, s, len);
    im->buf[im->buf_len + len] = '\0';
    im->fields[im->nfields++] = (struct field){im->buf_len, len};
    im->buf_len += len + 1;
}

/* Field text with surrounding spaces and tabs removed (as Excel users expect),
 * NUL-terminated in place; *len is updated. */
static char *field_text(struct importer *im, size_t i, size_t *len)
{
    char *s = im->buf + im->fields[i].offset;
    size_t n = im->fields[i].len;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    s[n] = '\0';
    *len = n;
    return s;
}

/* ---- the header ----------------------------------------------------------- */

static void printable(const char *in, char *out, size_t size)
{
    size_t j = 0;
    for (size_t i = 0; in[i] && j + 1 < size; i++)
        out[j++] = ((unsigned char)in[i] < 0x20 || in[i] == 0x7F) ? '?' : in[i];
    out[j] = '\0';
}

/* A heading names a column by its English name or by its Chinese label
 * (pa_field_label), which `export --headers zh` writes for Chinese Excel. */
static int header_column(const struct pa_kind *kind, const char *name)
{
    int col = pa_kind_column(kind, name);
    for (int c = 0; col < 0 && c < kind->ncolumns; c++)
        if (strcmp(pa_field_label(kind->columns[c].name, PA_LANG_ZH), name) == 0)
            col = c;
    return col;
}

/* XLSX: the hidden column of an enum's codes that pairaid's own workbooks
 * carry right of it, headed "industry_code" or 所属产业代码 (the label + 代码);
 * -1 when the heading is not one. */
static int code_column(const struct pa_kind *kind, const char *name)
{
    for (int c = 0; c < kind->ncolumns; c++) {
        const char *field = kind->columns[c].name, *zh = pa_field_label(field, PA_LANG_ZH);
        size_t n = strlen(field), z = strlen(zh);
        enum pa_col_type type = kind->columns[c].type;
        if (type != PA_COL_ENUM && type != PA_COL_BOOL && type != PA_COL_SET)
            continue; /* the columns a sheet shows by label (export_sheet.c) */
        if ((strncmp(name, field, n) == 0 && strcmp(name + n, "_code") == 0) ||
            (strncmp(name, zh, z) == 0 && strcmp(name + z, "代码") == 0))
            return c;
    }
    return -1;
}

static bool take_code_heading(struct importer *im, size_t i, const char *name, bool *seen_code)
{
    int code = im->xlsx ? code_column(im->kind, name) : -1;
    if (code < 0)
        return false;
    if (seen_code[code])
        add_error(im, im->record_line, name, "column appears twice in the header");
    seen_code[code] = true;
    im->code_of[i] = code;
    return true;
}

static void take_header(struct importer *im)
{
    const struct pa_kind *kind = im->kind;
    bool seen[PA_MAX_COLUMNS] = {false}, seen_code[PA_MAX_COLUMNS] = {false};
    im->ncolumns = im->nfields;
    im->column_of = calloc(im->nfields ? im->nfields : 1, sizeof(int));
    im->code_of = calloc(im->nfields ? im->nfields : 1, sizeof(int));
    if (im->column_of == NULL || im->code_of == NULL) {
        im->fatal = pa_error_set(im->err, PA_ENOMEM, "out of memory");
        return;
    }
    long before = im->report->nerrors;
    for (size_t i = 0; i < im->nfields; i++) {
        size_t len;
        char name[80];
        im->current_field = (long)i;
        im->code_of[i] = -1;
        if (im->problems && im->problems[i] != PA_XLSX_OK) {
            im->column_of[i] = -1;
            add_error(im, im->record_line, NULL, "a header cell must hold a column name as text");
            continue;
        }
        printable(field_text(im, i, &len), name, sizeof(name));
        int col = header_column(kind, name);
        im->column_of[i] = col;
        if (col < 0 && take_code_heading(im, i, name, seen_code))
            continue;
        if (name[0] == '\0')
            add_error(im, im->record_line, NULL, "header column %zu has no name", i + 1);
        else if (col < 0)
            add_error(im, im->record_line, name, "unknown column (%s has no such column)",
                      kind->name);
        else if (seen[col])
            add_error(im, im->record_line, name, "column appears twice in the header");
        else
            seen[col] = true;
    }
    im->current_field = -1;
    for (int c = 0; c < kind->ncolumns; c++)
        if (!seen[c] && !seen_code[c] && (kind->columns[c].flags & PA_COL_REQUIRED))
            add_error(im, im->record_line, kind->columns[c].name, "missing required column");
    im->have_header = true;
    if (im->report->nerrors > before)
        im->fatal = PA_EINVAL; /* rows cannot be read against a wrong header */
}

/* ---- one data row ------------------------------------------------------- */

/* The demo's own pictures (drawn by scripts/make-demo-photos, built in): stored
 * under their SHA-256 like any photo.  A database without a media folder (the
 * demo in memory, for unit tests) keeps the moment without its illustration.
 * Returns 1 when name is not one of them. */
static int demo_photo(struct importer *im, struct pa_record *rec, int col, struct pa_error *err)
{
    const struct pa_blob *b = im->photos;
    while (b && b->name && strcmp(b->name, rec->v[col].s) != 0)
        b++;
    if (b == NULL || b->name == NULL)
        return 1;
    if (pa_db_media_dir(im->db)[0] == '\0') {
        rec->v[col].null = true;
        return 0;
    }
    int rc = pa_media_store_bytes(im->db, b->data, b->len, rec->photo, err);
    rec->v[col].s = rec->photo;
    return rc;
}

/* A photo is looked up beside the CSV file first, then (for re-imported exports,
 * which name photos by content) in the database's media folder. */
static int resolve_photo(struct importer *im, struct pa_record *rec, int col, struct pa_error *err)
{
    const char *name = rec->v[col].s;
    int demo = demo_photo(im, rec, col, err);
    if (demo <= 0)
        return demo;
    if (name[0] == '/' || strstr(name, "..") != NULL)
        return pa_error_setf(err, PA_EINVAL, "photo",
                             "photo must be a file name relative to the CSV file");
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", im->opts->base_dir ? im->opts->base_dir : ".", name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        snprintf(path, sizeof(path), "%s/%s", pa_db_media_dir(im->db), name);
    else
        fclose(f);
    int rc = pa_media_store(im->db, path, rec->photo, err);
    if (rc != 0 && err)
        snprintf(err->field, sizeof(err->field), "photo");
    rec->v[col].s = rec->photo;
    return rc;
}

/* An XLSX cell that could not be read: the reason, as a row error. */
static bool cell_problem(struct importer *im, size_t i, const char *column)
{
    enum pa_xlsx_problem p = im->problems && i < im->ncolumns ? im->problems[i] : PA_XLSX_OK;
    if (p == PA_XLSX_FORMULA)
        add_error(im, im->record_line, column,
                  "a formula is not a value; paste it as values (选择性粘贴 → 数值)");
    else if (p == PA_XLSX_TOO_LONG)
        add_error(im, im->record_line, column,
                  "the cell holds more than 32,767 characters (Excel's limit)");
    else if (p == PA_XLSX_BAD_STRING)
        add_error(im, im->record_line, column,
                  "the cell refers to a shared string the file does not hold");
    return p != PA_XLSX_OK;
}

/* The enum value of column c in XLSX with its hidden code column j: the code
 * while the visible cell still shows that code (or its label); what the user
 * typed in the visible cell once it differs.  Enum, boolean and set columns
 * carry one (export_sheet.c writes them by label). */
static const char *visible_or_code(struct importer *im, int c, size_t j, const char *visible,
                                   size_t *len)
{
    size_t code_len;
    const char *code = field_text(im, j, &code_len);
    if (code_len == 0 || cell_problem(im, j, im->kind->columns[c].name))
        return visible;
    bool same = strcmp(visible, code) == 0;
    struct pa_value value;
    struct pa_error err;
    pa_error_clear(&err);
    const struct pa_column *col = &im->kind->columns[c];
    if (!same && pa_value_parse(col, code, code_len, &value, &err) == 0 && !value.null) {
        char buf[1024]; /* the labels the sheet writer shows for this code */
        for (int lang = PA_LANG_ZH; !same && lang <= PA_LANG_EN; lang++) {
            struct pa_cell cell = pa_export_cell(col, &value, (enum pa_lang)lang, buf, sizeof(buf));
            same = cell.label && strcmp(cell.label, visible) == 0;
        }
    }
    if (!same)
        return visible;
    *len = code_len;
    return code;
}

/* The text of the kind's column c in the current row ("" when the file has no
 * such column); false when an XLSX cell could not be read (reported). */
static bool column_text(struct importer *im, int c, const char **text, size_t *len)
{
    size_t i, j;
    *text = "";
    *len = 0;
    for (i = 0; i < im->ncolumns && im->column_of[i] != c; i++)
        ;
    for (j = 0; im->code_of && j < im->ncolumns && im->code_of[j] != c; j++)
        ;
    if (i < im->ncolumns) {
        if (cell_problem(im, i, im->kind->columns[c].name))
            return false;
        *text = field_text(im, i, len);
    }
    if (im->code_of && j < im->ncolumns && i < im->ncolumns)
        *text = visible_or_code(im, c, j, *text, len);
    else if (im->code_of && j < im->ncolumns) /* only the codes: take them */
        return !cell_problem(im, j, im->kind->columns[c].name) &&
               (*text = field_text(im, j, len)) != NULL;
    return true;
}

static bool parse_row(struct importer *im, struct pa_record *rec)
{
    bool ok = true;
    memset(rec, 0, sizeof(*rec));
    rec->kind = im->kind;
    for (int c = 0; c < im->kind->ncolumns; c++)
        rec->v[c].null = true;
    for (int c = 0; c < im->kind->ncolumns; c++) {
        /* A column missing from the header is the same as an empty one. */
        size_t len = 0;
        const char *text;
        if (!column_text(im, c, &text, &len)) {
            ok = false;
            continue;
        }
        enum pa_col_type type = im->kind->columns[c].type;
        if (type == PA_COL_NAME || type == PA_COL_MEMO) { /* as pa_csv_field protected it */
            const char *plain = pa_csv_text_unescape(text);
            len -= (size_t)(plain - text);
            text = plain;
        }
        struct pa_error err;
        pa_error_clear(&err);
        if (pa_value_parse(&im->kind->columns[c], text, len, &rec->v[c], &err) != 0) {
            add_error(im, im->record_line, im->kind->columns[c].name, "%s", err.message);
            ok = false;
        }
    }
    return ok;
}

/* Two rows of one file with the same key are a mistake even if identical.
 * The key is every key column, whole, each ended by a byte (0x1f) that no
 * valid value holds: a title of 200 Chinese characters is 600 bytes. */
static bool key_is_new(struct importer *im, const struct pa_record *rec)
{
    size_t size = 1;
    const char *first = NULL;
    for (int c = 0; c < im->kind->ncolumns; c++)
        if (im->kind->columns[c].flags & PA_COL_KEY)
            size += strlen(rec->v[c].s) + 1;
    char *key = malloc(size);
    if (key == NULL) {
        im->fatal = pa_error_set(im->err, PA_ENOMEM, "out of memory");
        return false;
    }
    size_t used = 0;
    for (int c = 0; c < im->kind->ncolumns; c++) {
        if (!(im->kind->columns[c].flags & PA_COL_KEY))
            continue;
        first = first ? first : im->kind->columns[c].name;
        size_t n = strlen(rec->v[c].s);
        memcpy(key + used, rec->v[c].s, n);
        key[used + n] = '\x1f';
        used += n + 1;
    }
    PA_ASSERT(used + 1 == size);
    key[used] = '\0';
    long line = 0;
    int put = pa_strmap_put(im->keys, key, im->record_line, &line);
    free(key);
    if (put < 0) {
        im->fatal = pa_error_set(im->err, PA_ENOMEM, "out of memory");
        return false;
    }
    if (put == 0)
        add_error(im, im->record_line, first, "duplicate of the record on line %ld", line);
    return put == 1;
}

static bool is_input_error(int rc)
{
    return rc == PA_EINVAL || rc == PA_ENOTFOUND || rc == PA_EEXIST || rc == PA_ERANGE;
}

static void take_row(struct importer *im)
{
    if (im->nfields != im->ncolumns && !im->xlsx) {
        add_error(im, im->record_line, NULL, "row has %zu fields but the header has %zu",
                  im->nfields, im->ncolumns);
        return;
    }
    struct pa_record rec;
    if (!parse_row(im, &rec) || (!im->kind->repeats_allowed && !key_is_new(im, &rec)))
        return;
    struct pa_error err;
    pa_error_clear(&err);
    int rc = 0;
    int photo = pa_kind_column(im->kind, "photo");
    if (photo >= 0 && im->kind->columns[photo].type == PA_COL_PHOTO && !rec.v[photo].null)
        rc = resolve_photo(im, &rec, photo, &err);
    enum pa_put_result result = PA_PUT_SAME;
    if (rc == 0)
        rc = pa_record_put(im->db, &rec, &result, &err);
    if (rc == 0) {
        im->report->created += result == PA_PUT_CREATED;
        im->report->updated += result == PA_PUT_UPDATED;
        im->report->skipped += result == PA_PUT_SAME;
    } else if (is_input_error(rc)) {
        add_error(im, im->record_line, err.field, "%s", err.message);
    } else {
        im->fatal = pa_error_set(im->err, rc, "line %ld: %s", im->record_line, err.message);
    }
}

static void on_record(int terminator, void *data)
{
    struct importer *im = data;
    (void)terminator;
    if (!im->fatal) {
        if (!im->have_header)
            take_header(im);
        else {
            im->report->rows++;
            take_row(im);
        }
    }
    im->nfields = 0;
    im->buf_len = 0;
}

/* ---- feeding the parser ------------------------------------------------- */

/* No field may make libcsv hold more than FIELD_MAX_BYTES: past that it reports
 * CSV_ENOMEM, which becomes a row error rather than exhausting memory. */
static void *capped_realloc(void *ptr, size_t size)
{
    return size > FIELD_MAX_BYTES ? NULL : realloc(ptr, size);
}

static void parse_lines(struct importer *im, struct csv_parser *p, const char *data, size_t len)
{
    const char *end = data + len;
    im->line = 0;
    for (const char *s = data; s < end && !im->fatal;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
        im->line++;
        if (p->pstate == 0) /* between records: one starts on this line */
            im->record_line = im->line;
        if (csv_parse(p, s, n, on_field, on_record, im) != n) {
            if (csv_error(p) == CSV_ENOMEM)
                add_error(im, im->line, NULL, "a field is larger than %zu MiB",
                          FIELD_MAX_BYTES >> 20);
            else
                add_error(im, im->line, NULL,
                          "malformed CSV: a quote inside an unquoted field, or text after a "
                          "closing quote");
            im->fatal = PA_EINVAL;
            return;
        }
        s += n;
    }
    if (!im->fatal && csv_fini(p, on_field, on_record, im) != 0) {
        add_error(im, im->record_line, NULL, "malformed CSV: a quoted field is never closed");
        im->fatal = PA_EINVAL;
    }
}

static bool blank(const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r' && data[i] != '\n')
            return false;
    return true;
}

static int run_import(struct importer *im, const char *data, size_t len)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return pa_error_set(im->err, PA_ENOMEM, "out of memory");
    /* libcsv grows a field's buffer by one block at a time: 128 bytes by default,
     * which makes a 10 MB field take minutes.  Bigger blocks, and a cap. */
    csv_set_blk_size(&p, CSV_BLOCK_BYTES);
    csv_set_realloc_func(&p, capped_realloc);
    if (pa_strmap_new(&im->keys) != 0) {
        csv_free(&p);
        return pa_error_set(im->err, PA_ENOMEM, "out of memory");
    }
    if (!blank(data, len))
        parse_lines(im, &p, data, len);
    if (!im->fatal && !im->have_header)
        add_error(im, 1, NULL, "the file is empty; a header line is expected");
    csv_free(&p);
    pa_strmap_free(im->keys);
    free(im->buf);
    free(im->fields);
    free(im->column_of);
    free(im->code_of);
    if (im->fatal && im->fatal != PA_EINVAL)
        return im->fatal;
    return im->report->nerrors ? PA_EINVAL : 0;
}

/* ---- the XLSX row source -------------------------------------------------- */

/* One worksheet row as one record: its cells as fields, padded with empty ones
 * to the header's width (a sheet leaves empty cells out), so that only a
 * non-empty cell right of the header is "more fields than the header". */
static int on_xlsx_row(void *ctx, long row, const struct pa_xlsx_cell *cells, size_t ncells)
{
    struct importer *im = ctx;
    size_t n = im->have_header && ncells < im->ncolumns ? im->ncolumns : ncells;
    enum pa_xlsx_problem *p = realloc(im->problems, (n ? n : 1) * sizeof(*p));
    if (p == NULL)
        return im->fatal = pa_error_set(im->err, PA_ENOMEM, "out of memory");
    im->problems = p;
    im->record_line = row;
    for (size_t i = 0; i < n && !im->fatal; i++) {
        p[i] = i < ncells ? cells[i].problem : PA_XLSX_OK;
        on_field((void *)(i < ncells ? cells[i].text : ""), i < ncells ? cells[i].len : 0, im);
    }
    if (!im->fatal && im->have_header && n > im->ncolumns) {
        im->current_field = (long)im->ncolumns;
        add_error(im, row, NULL, "row has %zu fields but the header has %zu", n, im->ncolumns);
        im->current_field = -1;
        im->report->rows++;
        im->nfields = im->buf_len = 0;
        return 0;
    }
    on_record(0, im);
    return im->fatal ? im->fatal : 0;
}

static int run_xlsx_import(struct importer *im, const char *data, size_t len)
{
    im->xlsx = im->report->xlsx = true;
    im->current_field = -1;
    if (pa_strmap_new(&im->keys) != 0)
        return pa_error_set(im->err, PA_ENOMEM, "out of memory");
    int rc = pa_xlsx_read(data, len, im->opts->sheet, im->report->sheet,
                          sizeof(im->report->sheet), on_xlsx_row, im, im->err);
    if (rc == 0 && !im->fatal && !im->have_header)
        add_error(im, 1, NULL, "the sheet is empty; a header row is expected");
    pa_strmap_free(im->keys);
    free(im->buf);
    free(im->fields);
    free(im->column_of);
    free(im->code_of);
    free(im->problems);
    if (im->fatal && im->fatal != PA_EINVAL)
        return im->fatal;
    if (rc != 0 && !im->fatal)
        return rc; /* the workbook itself is bad: err says why */
    return im->report->nerrors ? PA_EINVAL : 0;
}

/* Converts GB18030 (what Chinese Excel saves as "CSV") to UTF-8. */
static int from_gb18030(const char *data, size_t len, char **out, size_t *out_len,
                        struct pa_import_report *report, struct pa_error *err)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return pa_error_set(err, PA_EIO, "this system cannot convert from GB18030");
    size_t cap = len * 2 + 16, in_left = len, out_left = cap;
    char *buf = malloc(cap), *in = (char *)data, *o = buf;
    int rc = buf ? 0 : pa_error_set(err, PA_ENOMEM, "out of memory");
    if (rc == 0 && iconv(cd, &in, &in_left, &o, &out_left) == (size_t)-1) {
        long line = 1;
        for (const char *s = data; s < in; s++)
            line += *s == '\n';
        report->nerrors++;
        report->errors = calloc(PA_IMPORT_ERRORS_KEPT, sizeof(*report->errors));
        if (report->errors) {
            report->kept = 1;
            report->errors[0].line = line;
            pa_msg_format2(report->errors[0].message, report->errors[0].message_zh,
                           sizeof(report->errors[0].message), "not valid GB18030 text (byte %zu)",
                           (size_t)(in - data) + 1);
        }
        rc = PA_EINVAL;
    }
    iconv_close(cd);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *out = buf;
    *out_len = cap - out_left;
    return 0;
}

static int import_in_transaction(struct pa_db *db, const struct pa_kind *kind, const char *data,
                                 size_t len, const struct pa_import_options *opts,
                                 const struct pa_blob *photos, struct pa_import_report *report,
                                 struct pa_error *err)
{
    static const struct pa_import_options defaults = {NULL, NULL, NULL, false};
    struct importer im = {.db = db,
                          .kind = kind,
                          .opts = opts ? opts : &defaults,
                          .photos = photos,
                          .report = report,
                          .err = err};
    if (pa_xlsx_is_zip(data, len))
        return run_xlsx_import(&im, data, len);
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    return run_import(&im, data, len);
}

static int check_kind(const char *name, const struct pa_kind **kind, struct pa_error *err)
{
    *kind = pa_kind_find(name);
    if (*kind == NULL && strcmp(name, "regions") == 0)
        return pa_error_set(err, PA_EINVAL, "regions are built in and cannot be imported");
    if (*kind == NULL)
        return pa_error_set(err, PA_EINVAL, "unknown kind '%.40s' (%s)", name, pa_kind_names());
    return 0;
}

/* Whether data is UTF-8 throughout (no overlongs, surrogates or values past
 * U+10FFFF); a NUL byte is left for the row checks to name. */
static bool valid_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : 0;
        if (n == 0 || i + n >= len)
            return false;
        if (n == 2 && ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F)))
            return false;
        if (n == 3 && ((c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F)))
            return false;
        for (size_t k = 1; k <= n; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
        i += n + 1;
    }
    return true;
}

/* No encoding given: UTF-8 when the file is UTF-8; else GB18030 when it reads
 * as GB18030 (Chinese Excel's "CSV"), with a note in the report; else UTF-8,
 * whose checks then name the first bad byte. */
static int detect(const void *data, size_t len, char **converted, size_t *converted_len,
                  struct pa_import_report *report, struct pa_error *err)
{
    if (pa_xlsx_is_zip(data, len) || valid_utf8(data, len))
        return 0;
    struct pa_import_report trial = {0};
    int rc = from_gb18030(data, len, converted, converted_len, &trial, err);
    pa_import_report_release(&trial);
    if (rc == PA_EINVAL) {
        pa_error_clear(err);
        return 0;
    }
    if (rc == 0)
        pa_msg_format2(report->note, report->note_zh, sizeof(report->note),
                       "the file is not UTF-8; it was read as GB18030");
    return rc;
}

static int decode(const void *data, size_t len, const struct pa_import_options *opts,
                  char **converted, size_t *converted_len, struct pa_import_report *report,
                  struct pa_error *err)
{
    const char *enc = opts ? opts->encoding : NULL;
    *converted = NULL;
    if (enc == NULL || strcasecmp(enc, "auto") == 0)
        return detect(data, len, converted, converted_len, report, err);
    if (strcasecmp(enc, "utf-8") == 0 || strcasecmp(enc, "utf8") == 0)
        return 0;
    if (strcasecmp(enc, "gb18030") != 0 && strcasecmp(enc, "gbk") != 0)
        return pa_error_setf(err, PA_EINVAL, "encoding",
                             "unknown encoding '%.40s' (auto, utf-8 or gb18030)", enc);
    return from_gb18030(data, len, converted, converted_len, report, err);
}

/* An import that adds more rows than half the log holds builds its table's
 * reader indexes once at the end rather than row by row: updating them costs
 * about three times what sorting everything once does (bench/RESULTS.md, "an
 * account's transfers").  The log's size stands for the table's (it is
 * larger), 64 bytes for a row (a transfer's line is longer). */
static int defer_indexes_if_bulk(struct pa_db *db, const struct pa_kind *kind, size_t len,
                                 struct pa_error *err)
{
    int64_t logged;
    int rc = pa_tlog_size(db, &logged, err);
    if (rc == 0 && kind->table && (int64_t)(len / 64) > logged / 2) {
        rc = pa_db_defer_indexes(db, kind->table, err);
        if (rc == 0) /* every row is an event too */
            rc = pa_tlog_defer_indexes(db, err);
    }
    return rc;
}

int pa_import(struct pa_db *db, const char *kind_name, const void *data, size_t len,
              const struct pa_import_options *opts, struct pa_import_report *report,
              struct pa_error *err)
{
    PA_ASSERT(db != NULL && kind_name != NULL && data != NULL && report != NULL);
    memset(report, 0, sizeof(*report));
    const struct pa_kind *kind;
    char *converted = NULL;
    size_t converted_len = 0;
    int rc = check_kind(kind_name, &kind, err);
    if (rc == 0 && opts && opts->xlsx && !pa_xlsx_is_zip(data, len))
        rc = pa_error_set(err, PA_EINVAL, "not an XLSX file: not a zip archive that can be read");
    if (rc == 0 && !pa_xlsx_is_zip(data, len)) /* a workbook's XML says its own encoding */
        rc = decode(data, len, opts, &converted, &converted_len, report, err);
    if (rc != 0)
        return rc;
    rc = pa_db_begin(db, err);
    if (rc == 0)
        rc = defer_indexes_if_bulk(db, kind, len, err);
    if (rc == 0)
        rc = import_in_transaction(db, kind, converted ? converted : data,
                                   converted ? converted_len : len, opts, NULL, report, err);
    if (rc == 0)
        rc = pa_db_commit(db, err);
    if (rc != 0)
        pa_db_rollback(db);
    free(converted);
    return rc;
}

static int read_file(const char *path, char **data, size_t *len, struct pa_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return pa_error_set(err, errno == ENOENT ? PA_ENOTFOUND : PA_EIO, "cannot open '%s': %s",
                            path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    int rc = buf ? 0 : pa_error_set(err, PA_ENOMEM, "out of memory");
    while (rc == 0) {
        if (n == cap) {
            char *bigger = cap < FILE_MAX_BYTES ? realloc(buf, cap * 2) : NULL;
            if (bigger == NULL) {
                rc = pa_error_set(err, PA_EINVAL, "'%s' is too large to import", path);
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                rc = pa_error_set(err, PA_EIO, "cannot read '%s'", path);
            break;
        }
    }
    fclose(f);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *data = buf;
    *len = n;
    return 0;
}

int pa_import_file(struct pa_db *db, const char *kind, const char *path,
                   const struct pa_import_options *opts, struct pa_import_report *report,
                   struct pa_error *err)
{
    char *data = NULL, *dir_copy = strdup(path);
    size_t len = 0;
    memset(report, 0, sizeof(*report));
    if (dir_copy == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    struct pa_import_options o = opts ? *opts : (struct pa_import_options){NULL, NULL, NULL, false};
    if (o.base_dir == NULL)
        o.base_dir = dirname(dir_copy);
    size_t n = strlen(path);
    o.xlsx |= n > 5 && strcasecmp(path + n - 5, ".xlsx") == 0;
    int rc = read_file(path, &data, &len, err);
    if (rc == 0)
        rc = pa_import(db, kind, data, len, &o, report, err);
    free(data);
    free(dir_copy);
    return rc;
}

/* ---- the demo ------------------------------------------------------------ */

extern const struct pa_blob pa_demo_data[];

int pa_demo_load(struct pa_db *db, struct pa_import_report *report, const char **file,
                 struct pa_error *err)
{
    /* Each file after what it names: contracts before the transfers paid under them,
     * the pairings before their manual assessment scores. */
    static const char *const order[] = {
        "pairings",   "orgs",          "projects",  "milestones",     "exchanges",
        "contracts",  "notices",       "indicators", "revenue_shares", "accounts",
        "transfers",  "scores",        NULL};
    memset(report, 0, sizeof(*report));
    int rc = pa_db_begin(db, err);
    for (int i = 0; rc == 0 && order[i]; i++) {
        char name[64];
        snprintf(name, sizeof(name), "%s.csv", order[i]);
        const struct pa_blob *b = pa_demo_data;
        while (b->name && strcmp(b->name, name) != 0)
            b++;
        PA_ASSERT(b->name != NULL);
        struct pa_import_report part = {0};
        char *current = NULL; /* the requests dated relative to today */
        if (strcmp(order[i], "transfers") == 0)
            rc = pa_demo_transfers_current(db, (const char *)b->data, b->len, &current, err);
        if (rc == 0)
            rc = import_in_transaction(db, pa_kind_find(order[i]),
                                       current ? current : (const char *)b->data, b->len, NULL,
                                       pa_demo_data, &part, err);
        free(current);
        report->rows += part.rows;
        report->created += part.created;
        report->skipped += part.skipped;
        report->updated += part.updated;
        if (rc != 0) {
            pa_import_report_release(report);
            *report = part;
            *file = b->name;
        } else {
            pa_import_report_release(&part);
        }
    }
    if (rc == 0)
        rc = pa_db_commit(db, err);
    if (rc != 0)
        pa_db_rollback(db);
    return rc;
}
