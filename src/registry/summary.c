/*
 * summary.c - the programme at a glance: counts and budgets by kind, status and
 * domain, people exchanged, and the latest key moments.  Front ends decide how to
 * show it (a terminal table, a portal page).
 *
 * Projects and their moments are counted as the principal reads them (scope.c):
 * the public's summary adds up exactly the published projects it can list.
 * Pairings, organisations and people exchanges are the programme's public
 * reference data, counted whole.
 */
#include <stdio.h>
#include <string.h>

#include "pairaid/registry.h"

static int scalar(struct pa_db *db, const char *sql, int64_t *out, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    if (sqlite3_step(stmt) == SQLITE_ROW)
        *out = sqlite3_column_int64(stmt, 0);
    else
        rc = pa_db_fail(db, err, "summary");
    sqlite3_reset(stmt);
    return rc;
}

static int grouped(struct pa_db *db, const char *sql, struct pa_summary_row *rows, int max, int *n,
                   struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    *n = 0;
    int step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW && *n < max) {
        struct pa_summary_row *row = &rows[(*n)++];
        snprintf(row->key, sizeof(row->key), "%s", sqlite3_column_text(stmt, 0));
        row->count = sqlite3_column_int64(stmt, 1);
        row->budget_fen = sqlite3_column_int64(stmt, 2);
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "summary");
    sqlite3_reset(stmt);
    return rc;
}

static int latest_moments(struct pa_db *db, struct pa_summary *s, struct pa_error *err)
{
    static const char sql[] = "SELECT m.date, m.project, m.title FROM milestones m "
                              "JOIN projects p ON p.code = m.project "
                              "WHERE pa_sees_project(p.pairing, p.public) "
                              "ORDER BY m.date DESC, m.project, m.title LIMIT 5";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    s->nmoments = 0;
    int step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW &&
           s->nmoments < (int)PA_ARRAY_LEN(s->moments)) {
        struct pa_summary_moment *m = &s->moments[s->nmoments++];
        snprintf(m->date, sizeof(m->date), "%s", sqlite3_column_text(stmt, 0));
        snprintf(m->project, sizeof(m->project), "%s", sqlite3_column_text(stmt, 1));
        snprintf(m->title, sizeof(m->title), "%s", sqlite3_column_text(stmt, 2));
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "summary");
    sqlite3_reset(stmt);
    return rc;
}

int pa_summary_load(struct pa_db *db, struct pa_summary *s, struct pa_error *err)
{
    /* Budgets are summed with SQLite's total-overflow check: sum() raises an
     * "integer overflow" error rather than wrapping. */
    static const char q_pairings[] = "SELECT count(*) FROM pairings WHERE parent IS NULL";
    static const char q_county[] = "SELECT count(*) FROM pairings WHERE parent IS NOT NULL";
    static const char q_orgs[] = "SELECT count(*) FROM orgs";
#define SEEN " FROM projects WHERE pa_sees_project(pairing, public)"
    static const char q_projects[] = "SELECT count(*)" SEEN;
    static const char q_budget[] = "SELECT coalesce(sum(budget), 0)" SEEN;
    static const char q_investment[] = "SELECT coalesce(sum(investment), 0)" SEEN;
    static const char q_milestones[] =
        "SELECT count(*) FROM milestones WHERE project IN (SELECT code" SEEN ")";
    static const char q_exchanges[] = "SELECT count(*) FROM exchanges";
    static const char q_people[] = "SELECT coalesce(sum(people), 0) FROM exchanges";
    static const char q_kind[] = "SELECT kind, count(*), sum(budget)" SEEN
                                 " GROUP BY kind ORDER BY sum(budget) DESC, kind";
    static const char q_status[] =
        "SELECT status, count(*), sum(budget)" SEEN " GROUP BY status ORDER BY "
        "CASE status WHEN 'proposed' THEN 1 WHEN 'approved' THEN 2 WHEN 'in_progress' THEN 3 "
        "WHEN 'completed' THEN 4 ELSE 5 END";
    static const char q_domain[] = "SELECT domain, count(*), sum(budget)" SEEN
                                   " GROUP BY domain ORDER BY count(*) DESC, domain";
#undef SEEN
    memset(s, 0, sizeof(*s));
    int rc = pa_scope_read(db, 0, err);
    if (rc == 0)
        rc = scalar(db, q_pairings, &s->pairings, err);
    if (rc == 0)
        rc = scalar(db, q_county, &s->county_pairings, err);
    if (rc == 0)
        rc = scalar(db, q_orgs, &s->orgs, err);
    if (rc == 0)
        rc = scalar(db, q_projects, &s->projects, err);
    if (rc == 0)
        rc = scalar(db, q_budget, &s->budget_fen, err);
    if (rc == 0)
        rc = scalar(db, q_investment, &s->investment_fen, err);
    if (rc == 0)
        rc = scalar(db, q_milestones, &s->milestones, err);
    if (rc == 0)
        rc = scalar(db, q_exchanges, &s->exchanges, err);
    if (rc == 0)
        rc = scalar(db, q_people, &s->people, err);
    if (rc == 0)
        rc = grouped(db, q_kind, s->by_kind, PA_ARRAY_LEN(s->by_kind), &s->nkind, err);
    if (rc == 0)
        rc = grouped(db, q_status, s->by_status, PA_ARRAY_LEN(s->by_status), &s->nstatus, err);
    if (rc == 0)
        rc = grouped(db, q_domain, s->by_domain, PA_ARRAY_LEN(s->by_domain), &s->ndomain, err);
    if (rc == 0)
        rc = latest_moments(db, s, err);
    return rc;
}
