/*
 * history.c - a project's change history, read from the event log itself
 * rather than from the tables: who filed the project, who changed which field
 * from what to what, who added a key moment or opened an account for it, and
 * when.  The log is the record both sides sign, so this is the history an
 * auditor can check against a checkpoint, not a second story kept beside it.
 *
 * The old value of a change is not in its event (a project.update carries the
 * new values only); it is what the events before it left, so the walk keeps
 * the project's fields as it goes.  The query scans the log's events of five
 * types; a project page asks once, and the log of a programme holds events by
 * the hundred thousand, not by the billion.
 */
#include <string.h>
#include <time.h>

#include "pairaid/registry.h"
#include "pairaid/tlog.h"

#define HISTORY_MAX 5000 /* events of one project: far beyond a real one, a bound all the same */

static const char sql_readable[] =
    "SELECT 1 FROM projects WHERE code = ?1 AND pa_sees_project(pairing, public)";

static const char sql_events[] =
    "SELECT seq, entry FROM events WHERE "
    "(type IN ('project.create', 'project.update', 'project.advance') "
    "  AND json_extract(CAST(entry AS TEXT), '$.data.code') = ?1) OR "
    "(type IN ('milestone.create', 'account.create') "
    "  AND json_extract(CAST(entry AS TEXT), '$.data.project') = ?1) "
    "ORDER BY seq LIMIT ?2";

/* A field as the API names it ("budget", not "budget_fen"), its value as the
 * API writes it (money as a string of yuan). */
static json_t *api_value(const char *key, const json_t *value)
{
    size_t n = strlen(key);
    if (n > 4 && strcmp(key + n - 4, "_fen") == 0 && json_is_integer(value)) {
        char buf[64];
        pa_money_format(json_integer_value(value), PA_YUAN, 0, buf, sizeof(buf));
        return json_string(buf);
    }
    return json_deep_copy(value);
}

static void api_key(const char *key, char *out, size_t size)
{
    size_t n = strlen(key);
    bool money = n > 4 && strcmp(key + n - 4, "_fen") == 0;
    snprintf(out, size, "%.*s", (int)(money ? n - 4 : n), key);
}

/* One change: the field, the value it had (null: none) and the new one; the
 * state remembers the new value for the next change. */
static void add_change(json_t *changes, json_t *state, const char *key, const json_t *value)
{
    char field[64];
    api_key(key, field, sizeof(field));
    json_t *old = json_object_get(state, field);
    json_t *now = api_value(key, value);
    json_array_append_new(changes, json_pack("{s:s, s:O, s:O}", "field", field, "old",
                                             old ? old : json_null(), "new", now));
    json_object_set_new(state, field, now);
}

static json_t *changes_of(const struct pa_event *ev, json_t *state)
{
    json_t *changes = json_array(), *own = json_object();
    const json_t *data = ev->data, *value;
    const char *key;
    if (strcmp(ev->type, "project.advance") == 0) {
        add_change(changes, state, "status", json_object_get(data, "status"));
        json_decref(own);
        return changes;
    }
    if (strcmp(ev->type, "project.update") == 0)
        data = json_object_get(data, "set");
    json_object_foreach((json_t *)data, key, value)
    {
        if (strcmp(ev->type, "project.create") == 0 && strcmp(key, "code") == 0)
            continue;
        if (strcmp(ev->type, "project.create") == 0 || strcmp(ev->type, "project.update") == 0)
            add_change(changes, state, key, value);
        else if (strcmp(key, "project") != 0) /* a milestone's or an account's own fields */
            add_change(changes, own, key, value);
    }
    json_decref(own);
    return changes;
}

/* "YYYY-MM-DD HH:MM" in Beijing time (UTC+8, no daylight saving), as the
 * programme's officers read a clock. */
static void beijing_time(int64_t unix_seconds, char out[20])
{
    time_t t = (time_t)(unix_seconds + 8 * 3600);
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(out, 20, "%Y-%m-%d %H:%M", &tm) == 0)
        snprintf(out, 20, "?");
}

static json_t *history_row(const struct pa_event *ev, json_t *state)
{
    char when[20];
    beijing_time(ev->time, when);
    const char *subject = NULL;
    if (strcmp(ev->type, "milestone.create") == 0)
        subject = json_string_value(json_object_get(ev->data, "title"));
    else if (strcmp(ev->type, "account.create") == 0)
        subject = json_string_value(json_object_get(ev->data, "code"));
    return json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:o}", "seq", (json_int_t)ev->seq, "type",
                     ev->type, "time", when, "actor", ev->actor, "role", ev->role, "subject",
                     subject, "changes", changes_of(ev, state));
}

static int readable(struct pa_db *db, const char *code, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_scope_read(db, 0, err);
    if (rc == 0)
        rc = pa_db_prepare(db, sql_readable, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    int step = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (step == SQLITE_DONE)
        return pa_error_set(err, PA_ENOTFOUND, "no project '%s'", code);
    return step == SQLITE_ROW ? 0 : pa_db_fail(db, err, "reading a project");
}

static int walk(struct pa_db *db, sqlite3_stmt *stmt, json_t *list, struct pa_error *err)
{
    json_t *state = json_object();
    int rc = 0, step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct pa_event ev;
        memset(&ev, 0, sizeof(ev));
        rc = pa_tlog_decode(sqlite3_column_blob(stmt, 1), (size_t)sqlite3_column_bytes(stmt, 1),
                            &ev, err);
        if (rc != 0)
            break;
        ev.seq = sqlite3_column_int64(stmt, 0);
        json_t *row = history_row(&ev, state);
        pa_event_release(&ev);
        if (row == NULL || json_array_append_new(list, row) != 0)
            rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the log");
    json_decref(state);
    return rc;
}

int pa_project_history(struct pa_db *db, const char *code, json_t **history,
                       struct pa_error *err)
{
    PA_ASSERT(db != NULL && code != NULL && history != NULL);
    *history = NULL;
    int rc = readable(db, code, err);
    sqlite3_stmt *stmt;
    if (rc != 0 || (rc = pa_db_prepare(db, sql_events, &stmt, err)) != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    sqlite3_bind_int64(stmt, 2, HISTORY_MAX);
    json_t *list = json_array();
    rc = list ? walk(db, stmt, list, err) : pa_error_set(err, PA_ENOMEM, "out of memory");
    sqlite3_reset(stmt);
    if (rc != 0)
        json_decref(list);
    else
        *history = list;
    return rc;
}
