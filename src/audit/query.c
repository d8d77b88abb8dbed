/*
 * query.c - reading findings: the list with its filters, one finding with its
 * history, and the public summary (counts and amounts per county, rule and
 * status; never the notes).  Signed-in users read the findings of the
 * pairings they read (scope.c); the public reads only the summary.
 */
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"

static json_t *yuan(int64_t fen)
{
    char buf[64];
    pa_money_format(fen, PA_YUAN, 0, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *text_or_null(sqlite3_stmt *stmt, int col)
{
    const char *s = (const char *)sqlite3_column_text(stmt, col);
    return s ? json_string(s) : json_null();
}

#define FINDING_COLUMNS                                                                            \
    "f.id, f.rule, f.severity, f.subject, f.amount, f.evidence, f.message, f.status, f.opened, "   \
    "f.updated, f.pairing, f.project, f.region, (SELECT name FROM regions WHERE code = f.region), " \
    "f.measures"

static json_t *finding_json(sqlite3_stmt *stmt)
{
    static const char *const names[] = {"id",      "rule",    "severity", "subject",
                                        "amount",  "evidence", "message", "status",
                                        "opened",  "updated", "pairing",  "project",
                                        "region",  "region_name"};
    json_t *f = json_object();
    for (int i = 0; f && i < (int)PA_ARRAY_LEN(names); i++)
        json_object_set_new(f, names[i],
                            i == 4 ? yuan(sqlite3_column_int64(stmt, i)) : text_or_null(stmt, i));
    int r = pa_audit__rule_index((const char *)sqlite3_column_text(stmt, 1));
    json_object_set_new(f, "rule_zh", json_string(r >= 0 ? pa_rules[r].zh : ""));
    json_object_set_new(f, "measures", json_integer(sqlite3_column_int64(stmt, 14)));
    return f;
}

static int require_signed_in(struct pa_db *db, struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    if (who && who->role == PA_ROLE_ANONYMOUS)
        return pa_error_set(err, PA_EUNAUTH,
                            "sign in to read findings; the public summary is open to all");
    return pa_scope_read(db, 0, err);
}

int pa_audit_findings(struct pa_db *db, const struct pa_finding_filter *f, json_t **out,
                      struct pa_error *err)
{
    static const char sql[] =
        "SELECT " FINDING_COLUMNS " FROM findings f "
        "WHERE pa_sees_pairing(f.pairing) "
        "AND (?1 = 'all' OR (?1 = 'open' AND f.status NOT IN ('resolved', 'cleared')) "
        "     OR f.status = ?1) "
        "AND (?2 = '' OR f.rule = ?2) AND (?3 = '' OR f.severity = ?3) "
        "AND (?4 = '' OR f.region = ?4) AND (?5 = '' OR f.project = ?5) "
        "AND (?6 = '' OR pa_pairing_under(f.pairing, ?6)) "
        "ORDER BY CAST(substr(f.id, 3) AS INTEGER)";
    static const char *const statuses[] = {"open",      "all",      "acknowledged", "explained",
                                           "resolved",  "cleared"};
    const char *status = f && f->status ? f->status : "open";
    bool known = false;
    for (size_t i = 0; i < PA_ARRAY_LEN(statuses); i++)
        known = known || strcmp(statuses[i], status) == 0;
    if (!known)
        return pa_error_setf(err, PA_EINVAL, "status",
                             "'%s' is not a status: open, all, acknowledged, explained, "
                             "resolved or cleared",
                             status);
    if (f && f->rule && f->rule[0] && pa_audit__rule_index(f->rule) < 0)
        return pa_error_setf(err, PA_EINVAL, "rule", "'%s' is not a rule id (docs/audit.md)",
                             f->rule);
    if (f && f->severity && f->severity[0] && strcmp(f->severity, "warning") != 0 &&
        strcmp(f->severity, "error") != 0)
        return pa_error_setf(err, PA_EINVAL, "severity", "severity is warning or error");
    int rc = require_signed_in(db, err);
    sqlite3_stmt *stmt;
    if (rc != 0 || (rc = pa_db_prepare(db, sql, &stmt, err)) != 0)
        return rc;
    const char *args[] = {status,
                          f && f->rule ? f->rule : "",
                          f && f->severity ? f->severity : "",
                          f && f->region ? f->region : "",
                          f && f->project ? f->project : "",
                          f && f->pairing ? f->pairing : ""};
    for (int i = 0; i < 6; i++)
        pa_db_bind_text(stmt, i + 1, args[i]);
    json_t *list = json_array();
    int step;
    while (list && (step = sqlite3_step(stmt)) == SQLITE_ROW)
        json_array_append_new(list, finding_json(stmt));
    sqlite3_reset(stmt);
    if (list == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    if (step != SQLITE_DONE) {
        json_decref(list);
        return pa_db_fail(db, err, "reading findings");
    }
    *out = list;
    return 0;
}

int pa_audit_finding(struct pa_db *db, const char *id, json_t **out, struct pa_error *err)
{
    static const char sql[] =
        "SELECT " FINDING_COLUMNS " FROM findings f WHERE f.id = ?1 AND pa_sees_pairing(f.pairing)";
    static const char sql_history[] =
        "SELECT seq, action, status, actor, role, date, note, attachment FROM finding_history "
        "WHERE finding = ?1 ORDER BY seq";
    int rc = require_signed_in(db, err);
    sqlite3_stmt *stmt;
    if (rc != 0 || (rc = pa_db_prepare(db, sql, &stmt, err)) != 0)
        return rc;
    pa_db_bind_text(stmt, 1, id);
    int step = sqlite3_step(stmt);
    json_t *f = step == SQLITE_ROW ? finding_json(stmt) : NULL;
    sqlite3_reset(stmt);
    if (step == SQLITE_DONE)
        return pa_error_setf(err, PA_ENOTFOUND, "id", "no finding '%s'", id);
    if (step != SQLITE_ROW || (rc = pa_db_prepare(db, sql_history, &stmt, err)) != 0) {
        json_decref(f);
        return rc != 0 ? rc : pa_db_fail(db, err, "reading a finding");
    }
    pa_db_bind_text(stmt, 1, id);
    json_t *list = json_array();
    static const char *const names[] = {"seq",  "action", "status", "actor",
                                        "role", "date",   "note",   "attachment"};
    while (list && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        json_t *h = json_object();
        for (int i = 0; h && i < (int)PA_ARRAY_LEN(names); i++)
            json_object_set_new(h, names[i],
                                i == 0 ? json_integer(sqlite3_column_int64(stmt, 0))
                                       : text_or_null(stmt, i));
        json_array_append_new(list, h);
    }
    sqlite3_reset(stmt);
    if (f == NULL || list == NULL || step != SQLITE_DONE) {
        json_decref(f);
        json_decref(list);
        return step != SQLITE_DONE ? pa_db_fail(db, err, "reading a finding's history")
                                   : pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    json_object_set_new(f, "history", list);
    *out = f;
    return 0;
}

/* What the public sees: findings about published projects, or about no
 * project at all (a fund, a supplier), counted per county, rule and status. */
int pa_audit_public_summary(struct pa_db *db, json_t **out, struct pa_error *err)
{
    static const char sql[] =
        "SELECT f.region, r.name, f.rule, f.status, count(*), sum(f.amount) "
        "FROM findings f LEFT JOIN regions r ON r.code = f.region "
        "WHERE f.project IS NULL OR EXISTS (SELECT 1 FROM projects p "
        "                                    WHERE p.code = f.project AND p.public = 1) "
        "GROUP BY f.region, f.rule, f.status ORDER BY f.region, f.rule, f.status";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    json_t *rows = json_array();
    int step;
    while (rows && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        int r = pa_audit__rule_index((const char *)sqlite3_column_text(stmt, 2));
        json_t *row = json_pack("{s:o, s:o, s:s, s:s, s:s, s:I, s:o}", "region",
                                text_or_null(stmt, 0), "region_name", text_or_null(stmt, 1),
                                "rule", (const char *)sqlite3_column_text(stmt, 2), "rule_zh",
                                r >= 0 ? pa_rules[r].zh : "", "status",
                                (const char *)sqlite3_column_text(stmt, 3), "count",
                                (json_int_t)sqlite3_column_int64(stmt, 4), "amount",
                                yuan(sqlite3_column_int64(stmt, 5)));
        json_array_append_new(rows, row);
    }
    sqlite3_reset(stmt);
    if (rows == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    if (step != SQLITE_DONE) {
        json_decref(rows);
        return pa_db_fail(db, err, "summing findings");
    }
    *out = rows;
    return 0;
}
