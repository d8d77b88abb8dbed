/*
 * metrics.c - what the assessment can compute from the books.  Each metric is
 * a function of a city-level pairing (with the pairings below it) and a year,
 * written as one SQL query that returns the actual value (in hundredths of
 * its unit) and the inputs it came from ("arranged=...;spent=..."), so every
 * score can be traced to the figures, and those to the transfers and projects.
 * docs/assessment.md defines each one in words; the SQL is the definition.
 *
 * Parameters: :pairing, :year (an integer), :first and :last (the year's
 * first day and the indicator's deadline in that year, default 12-31).
 *
 * The money metrics read temp.assess_transfers, not transfers: the year's
 * posted transfers (kind posted or post, dated :first to :year-12-31), which
 * pa_assess__year_transfers copies once per run and indexes by the account
 * paying.  Every condition on the transfers is still written out below, so
 * the rows that count are those of the transfers table; the copy only spares
 * a scan of every transfer of every year for each pairing (bench/assess).
 * spent_share's CROSS JOINs fix SQLite's join order (the same inner joins):
 * the pairing's projects, their accounts, their payments through the index;
 * left to itself it scanned every transfer of the year for each pairing.
 * Shares with nothing to share (no projects ended this year ...) are 100 %:
 * there was nothing to fail at -- but the shares of money (transferred_share,
 * spent_share) are 0 when nothing was arranged.  Shares are rounded down to
 * hundredths of a percent (integer division).
 */
#include <string.h>

#include "assess_int.h"

/* The pairing's money: what left its sources during the year. */
#define ARRANGED                                                                                  \
    "arranged AS (SELECT t.amount, t.date FROM temp.assess_transfers t JOIN accounts a "          \
    "ON a.code = t.from_account WHERE a.kind = 'source' AND a.pairing IS NOT NULL "               \
    "AND pa_pairing_under(a.pairing, :pairing) AND t.kind IN ('posted', 'post') "                 \
    "AND t.date BETWEEN :first AND :year || '-12-31')"

#define PROJECTS_OF_PAIRING "p.pairing IN (SELECT code FROM pairings WHERE pa_pairing_under(code, :pairing))"

#define SHARE(part, whole) \
    "CASE WHEN (" whole ") > 0 THEN (" part ") * 10000 / (" whole ") ELSE 10000 END"

const struct pa_metric pa_metrics[] = {
    {"transferred_share", "资金拨付到位率", "%",
     "WITH " ARRANGED " SELECT "
     "CASE WHEN sum(amount) > 0 THEN coalesce(sum(amount) FILTER (WHERE date <= :last), 0) * "
     "10000 / sum(amount) ELSE 0 END, "
     "printf('arranged=%s;transferred_by_%s=%s', pa_money(coalesce(sum(amount), 0)), :last, "
     "pa_money(coalesce(sum(amount) FILTER (WHERE date <= :last), 0))) FROM arranged"},
    {"spent_share", "资金支出率", "%",
     "WITH " ARRANGED ", spent AS (SELECT t.amount FROM projects p "
     "CROSS JOIN accounts f ON f.project = p.code "
     "CROSS JOIN temp.assess_transfers t ON t.from_account = f.code "
     "JOIN accounts d ON d.code = t.to_account WHERE f.kind = 'project' AND d.kind = 'payee' "
     "AND " PROJECTS_OF_PAIRING " AND t.kind IN ('posted', 'post') "
     "AND t.date BETWEEN :first AND :last) "
     "SELECT CASE WHEN a.total > 0 THEN s.total * 10000 / a.total ELSE 0 END, "
     "printf('arranged=%s;spent_by_%s=%s', pa_money(a.total), :last, pa_money(s.total)) "
     "FROM (SELECT coalesce(sum(amount), 0) AS total FROM arranged) a, "
     "(SELECT coalesce(sum(amount), 0) AS total FROM spent) s"},
    {"findings_resolved_share", "审计发现整改销号率", "%",
     "SELECT " SHARE("count(*) FILTER (WHERE status = 'resolved')", "count(*)") ", "
     "printf('opened=%d;resolved=%d', count(*), count(*) FILTER (WHERE status = 'resolved')) "
     "FROM findings WHERE pairing = :pairing AND opened BETWEEN :first AND :year || '-12-31' "
     "AND status <> 'cleared'"},
    {"new_chain_projects", "新开工产业链合作项目", "个",
     "SELECT count(*) * 100, printf('projects=%s', coalesce(group_concat(code, ' '), '')) FROM "
     "(SELECT p.code FROM projects p WHERE p.kind = 'chain' AND " PROJECTS_OF_PAIRING
     " AND p.start_date BETWEEN :first AND :last ORDER BY p.code)"},
    {"new_chain_investment", "新开工产业项目投资额", "万元",
     /* a chain project is measured by its total investment (总投资); one
      * recorded before investment existed carried it in its budget */
     "SELECT coalesce(sum(budget), 0) / 10000, printf('investment=%s;projects=%s', "
     "pa_money(coalesce(sum(budget), 0)), coalesce(group_concat(code, ' '), '')) FROM "
     "(SELECT p.code, coalesce(p.investment, p.budget) AS budget FROM projects p "
     "WHERE p.kind = 'chain' AND " PROJECTS_OF_PAIRING
     " AND p.start_date BETWEEN :first AND :last ORDER BY p.code)"},
    {"revenue_share_settled", "共建园区利益共享结算率", "%",
     "SELECT " SHARE("count(*) FILTER (WHERE r.settled IS NOT NULL AND r.agreed - r.settled <= "
                     "100)",
                     "count(*)") ", "
     "printf('agreements=%d;settled=%d', count(*), count(*) FILTER (WHERE r.settled IS NOT NULL "
     "AND r.agreed - r.settled <= 100)) "
     "FROM revenue_shares r JOIN projects p ON p.code = r.project WHERE r.year = :year AND "
     PROJECTS_OF_PAIRING},
    {"projects_on_time", "民生项目按期完成率", "%",
     "WITH due AS (SELECT p.code, p.status IN ('completed', 'accepted') AND NOT EXISTS ("
     "SELECT 1 FROM milestones m WHERE m.project = p.code AND m.kind IN ('completion', "
     "'acceptance') AND m.date > p.end_date) AS done "
     "FROM projects p WHERE p.kind = 'livelihood' AND " PROJECTS_OF_PAIRING
     " AND p.end_date BETWEEN :first AND :year || '-12-31') "
     "SELECT " SHARE("count(*) FILTER (WHERE done)", "count(*)") ", "
     "printf('due=%d;on_time=%d', count(*), count(*) FILTER (WHERE done)) FROM due"},
    {"beneficiaries", "受益群众", "人",
     "SELECT coalesce(sum(p.beneficiaries), 0) * 100, printf('projects=%d;beneficiaries=%d', "
     "count(*), coalesce(sum(p.beneficiaries), 0)) FROM projects p WHERE " PROJECTS_OF_PAIRING
     " AND p.status IN ('completed', 'accepted') AND p.end_date BETWEEN :first AND :year || "
     "'-12-31'"},
    {"benefit_link_share", "产业项目联农带农比例", "%",
     "SELECT " SHARE("count(*) FILTER (WHERE p.benefit_link = 1)", "count(*)") ", "
     "printf('industry_projects=%d;linked=%d', count(*), count(*) FILTER (WHERE "
     "p.benefit_link = 1)) FROM projects p WHERE p.domain = 'industry' AND " PROJECTS_OF_PAIRING
     " AND p.start_date <= :year || '-12-31' AND coalesce(p.end_date, :first) >= :first"},
    {"seconded_cadres", "选派挂职干部", "人",
     "SELECT coalesce(sum(people), 0) * 100, printf('exchanges=%d;people=%d', count(*), "
     "coalesce(sum(people), 0)) FROM exchanges WHERE role = 'cadre' AND pa_pairing_under("
     "pairing, :pairing) AND start_date BETWEEN :first AND :last"},
    {"seconded_professionals", "选派教师、医生、技术人员", "人",
     "SELECT coalesce(sum(people), 0) * 100, printf('exchanges=%d;people=%d', count(*), "
     "coalesce(sum(people), 0)) FROM exchanges WHERE role IN ('teacher', 'doctor', "
     "'technician') AND pa_pairing_under(pairing, :pairing) AND start_date BETWEEN :first AND "
     ":last"},
    {"open_error_findings", "未整改的错误级审计发现", "条",
     "SELECT count(*) * 100, printf('open_errors=%s', coalesce(group_concat(id, ' '), '')) "
     "FROM (SELECT id FROM findings WHERE pairing = :pairing AND severity = 'error' AND status "
     "IN ('open', 'acknowledged', 'explained') AND opened <= :year || '-12-31' ORDER BY id)"},
    {NULL, NULL, NULL, NULL},
};

const struct pa_metric *pa_metric_find(const char *name)
{
    for (int i = 0; pa_metrics[i].name; i++)
        if (strcmp(pa_metrics[i].name, name) == 0)
            return &pa_metrics[i];
    return NULL;
}

int pa_assess__year_transfers(struct pa_db *db, int year, struct pa_error *err)
{
    char sql[512];
    PA_ASSERT(year >= 1949 && year <= 2999);
    snprintf(sql, sizeof(sql),
             "DROP TABLE IF EXISTS temp.assess_transfers; "
             "CREATE TEMP TABLE assess_transfers AS SELECT from_account, to_account, kind, date, "
             "amount FROM transfers WHERE kind IN ('posted', 'post') "
             "AND date BETWEEN '%04d-01-01' AND '%04d-12-31'; "
             "CREATE INDEX temp.assess_transfers_from ON assess_transfers(from_account)",
             year, year);
    return pa_db_exec(db, sql, err);
}

void pa_assess__year_transfers_drop(struct pa_db *db)
{
    sqlite3_exec(pa_db_sqlite(db), "DROP TABLE IF EXISTS temp.assess_transfers", NULL, NULL,
                 NULL);
}

static void bind_text(sqlite3_stmt *stmt, const char *name, const char *value)
{
    int i = sqlite3_bind_parameter_index(stmt, name);
    if (i > 0)
        sqlite3_bind_text(stmt, i, value, -1, SQLITE_TRANSIENT);
}

int pa_assess__metric(struct pa_db *db, const struct pa_metric *m, const char *pairing, int year,
                      const char *deadline, int64_t *actual, char *inputs, size_t size,
                      struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, m->sql, &stmt, err);
    if (rc != 0)
        return rc;
    char first[16], last[16], year_text[8];
    snprintf(year_text, sizeof(year_text), "%04d", year);
    snprintf(first, sizeof(first), "%04d-01-01", year);
    snprintf(last, sizeof(last), "%04d-%s", year, deadline && deadline[0] ? deadline : "12-31");
    if (pa_date_parse(last, NULL, NULL) != 0) /* 02-29 in a common year: its last day of February */
        snprintf(last, sizeof(last), "%04d-02-28", year);
    bind_text(stmt, ":pairing", pairing);
    bind_text(stmt, ":year", year_text);
    bind_text(stmt, ":first", first);
    bind_text(stmt, ":last", last);
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        *actual = sqlite3_column_int64(stmt, 0);
        snprintf(inputs, size, "%s", (const char *)sqlite3_column_text(stmt, 1));
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return step == SQLITE_ROW ? 0 : pa_db_fail(db, err, m->name);
}
