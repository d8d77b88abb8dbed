/*
 * demo_dates.c - keeps the demo's open payment requests current.  The demo's
 * books stop on 2024-09-10 (data/demo/README.md), so its requests for payment
 * would all have expired long before anyone opens a fresh demo, and the officers'
 * app would have nothing to approve.  The open requests are therefore moved
 * forward by the days between that date and today (pa_date_today, the one
 * clock), keeping their spacing: what was waiting on the books' last day waits
 * today, and what had expired by then has expired now.
 *
 * Only transfers.csv is touched, and only the date and expires columns of a
 * pending row that no void row resolves (a void must stay after its request).
 * A request already in the database keeps its stored dates, so loading the demo
 * again on a later day still changes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "pairaid/io.h"

#define DEMO_BOOKS_END "2024-09-10" /* the last day of the demo's books */
#define COL_ID         0
#define COL_DATE       1
#define COL_KIND       7
#define COL_PENDING_ID 8
#define COL_EXPIRES    9
#define NCOLS          13

struct line_fields {
    char *start[NCOLS];
    size_t len[NCOLS];
};

/* Splits one unquoted CSV line (the demo's generated file has no quotes). */
static bool split_line(char *line, size_t len, struct line_fields *f)
{
    int col = 0;
    f->start[0] = line;
    for (size_t i = 0; i < len; i++) {
        if (line[i] != ',')
            continue;
        f->len[col] = (size_t)(line + i - f->start[col]);
        if (++col == NCOLS)
            return false;
        f->start[col] = line + i + 1;
    }
    f->len[col] = (size_t)(line + len - f->start[col]);
    return col == NCOLS - 1;
}

static bool field_is(const struct line_fields *f, int col, const char *text)
{
    return f->len[col] == strlen(text) && memcmp(f->start[col], text, f->len[col]) == 0;
}

static void field_copy(const struct line_fields *f, int col, char *buf, size_t size)
{
    size_t n = f->len[col] < size - 1 ? f->len[col] : size - 1;
    memcpy(buf, f->start[col], n);
    buf[n] = '\0';
}

/* Moves a YYYY-MM-DD field in place by days (a date keeps its ten bytes). */
static int shift_date(const struct line_fields *f, int col, int32_t days, struct pa_error *err)
{
    char text[PA_DATE_LEN + 1];
    int32_t d;
    field_copy(f, col, text, sizeof(text));
    if (f->len[col] != PA_DATE_LEN || pa_date_parse(text, &d, err) != 0)
        return pa_error_set(err, PA_EINVAL, "demo transfers.csv: bad date '%s'", text);
    pa_date_format(d + days, text);
    memcpy(f->start[col], text, PA_DATE_LEN);
    return 0;
}

/* The stored date and expiry of a request already loaded, written over the row. */
static int stored_dates(struct pa_db *db, const struct line_fields *f, bool *found,
                        struct pa_error *err)
{
    static const char sql[] = "SELECT date, expires FROM transfers WHERE id = ?1";
    char id[PA_CODE_MAX + 1];
    field_copy(f, COL_ID, id, sizeof(id));
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, id);
    *found = sqlite3_step(stmt) == SQLITE_ROW;
    const char *date = *found ? (const char *)sqlite3_column_text(stmt, 0) : NULL;
    const char *expires = *found ? (const char *)sqlite3_column_text(stmt, 1) : NULL;
    if (date && strlen(date) == PA_DATE_LEN)
        memcpy(f->start[COL_DATE], date, PA_DATE_LEN);
    if (expires && strlen(expires) == PA_DATE_LEN && f->len[COL_EXPIRES] == PA_DATE_LEN)
        memcpy(f->start[COL_EXPIRES], expires, PA_DATE_LEN);
    sqlite3_reset(stmt);
    return 0;
}

/* Ids of the requests some void row resolves. */
static int voided_ids(char *data, size_t len, struct pa_strmap *voided)
{
    for (char *line = data, *end = data + len; line < end;) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
        struct line_fields f;
        char id[PA_CODE_MAX + 1];
        if (split_line(line, n, &f) && field_is(&f, COL_KIND, "void")) {
            field_copy(&f, COL_PENDING_ID, id, sizeof(id));
            if (pa_strmap_put(voided, id, 0, NULL) < 0)
                return PA_ENOMEM;
        }
        line += n + 1;
    }
    return 0;
}

static int shift_open_requests(struct pa_db *db, char *data, size_t len, int32_t days,
                               const struct pa_strmap *voided, struct pa_error *err)
{
    int rc = 0;
    for (char *line = data, *end = data + len; rc == 0 && line < end;) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
        struct line_fields f;
        char id[PA_CODE_MAX + 1];
        line += n + 1;
        if (!split_line(line - n - 1, n, &f) || !field_is(&f, COL_KIND, "pending"))
            continue;
        field_copy(&f, COL_ID, id, sizeof(id));
        if (pa_strmap_get(voided, id, NULL))
            continue;
        bool found = false;
        rc = stored_dates(db, &f, &found, err);
        if (rc == 0 && !found)
            rc = shift_date(&f, COL_DATE, days, err);
        if (rc == 0 && !found && f.len[COL_EXPIRES] > 0)
            rc = shift_date(&f, COL_EXPIRES, days, err);
    }
    return rc;
}

int pa_demo_transfers_current(struct pa_db *db, const char *data, size_t len, char **out,
                              struct pa_error *err)
{
    PA_ASSERT(db != NULL && data != NULL && out != NULL);
    int32_t books_end;
    PA_ASSERT(pa_date_parse(DEMO_BOOKS_END, &books_end, NULL) == 0);
    *out = NULL;
    if (memchr(data, '"', len) != NULL)
        return pa_error_set(err, PA_EINVAL, "demo transfers.csv must not be quoted");
    int32_t days = pa_date_today() - books_end;
    if (days <= 0)
        return 0; /* the demo's own days, or before: its dates stand as they are */
    char *copy = malloc(len + 1);
    struct pa_strmap *voided = NULL;
    if (copy == NULL || pa_strmap_new(&voided) != 0) {
        free(copy);
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    memcpy(copy, data, len);
    copy[len] = '\0';
    int rc = voided_ids(copy, len, voided) == 0
                 ? shift_open_requests(db, copy, len, days, voided, err)
                 : pa_error_set(err, PA_ENOMEM, "out of memory");
    pa_strmap_free(voided);
    if (rc != 0)
        free(copy);
    else
        *out = copy;
    return rc;
}
