/*
 * query.c - the ledger as JSON for the API and the web pages: a project with
 * its budget execution, milestones, accounts, payments, contracts and outcome
 * indicators; accounts with their counters;
 * transfers with their state and who recorded them.
 */
#include <string.h>

#include "ledger_int.h"

static json_t *money(int64_t fen)
{
    char buf[64];
    pa_money_format(fen, PA_YUAN, 0, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *text_or_null(sqlite3_stmt *stmt, int col)
{
    const unsigned char *s = sqlite3_column_text(stmt, col);
    return s ? json_string((const char *)s) : json_null();
}

/* ---- one project ----------------------------------------------------------------- */

/* The project's budget row (pa_ledger_budget_of gives at most one) as JSON. */
static int execution_json(const struct pa_budget_row *row, void *ctx)
{
    json_t **out = ctx;
    char rate[16];
    snprintf(rate, sizeof(rate), "%d.%d", row->rate_permille / 10, row->rate_permille % 10);
    *out = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "budget", money(row->budget_fen),
                     "allocated", money(row->allocated_fen), "committed", money(row->committed_fen),
                     "expired", money(row->expired_fen), "paid", money(row->paid_fen), "rate",
                     row->rate_permille < 0 ? json_null() : json_string(rate));
    return 0;
}

/* ---- what a project paid, to whom, under which contracts, for what results ------------ */

/* A column of a project's list (milestones, payments, …): its JSON name, and whether it holds
 * hundredths (fen, or an indicator's quantity) to be written as a string with two decimals. */
struct detail_column {
    const char *name;
    bool hundredths;
};

static int add_detail_rows(struct pa_db *db, const char *sql, const char *code, json_t *list,
                           const struct detail_column *cols, int ncols, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    int step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        json_t *row = json_object();
        for (int i = 0; row && i < ncols; i++)
            json_object_set_new(row, cols[i].name,
                                cols[i].hundredths && sqlite3_column_type(stmt, i) != SQLITE_NULL
                                    ? money(sqlite3_column_int64(stmt, i))
                                    : text_or_null(stmt, i));
        json_array_append_new(list, row);
    }
    sqlite3_reset(stmt);
    return step == SQLITE_DONE ? 0 : pa_db_fail(db, err, "reading a project");
}

/* Payments: money that left the project's accounts for anyone but a fund (a
 * return to a source or pool is not a payment).  The portal shows these to the
 * public, so no memo (it may name a person) and no actor; a payee of kind
 * `individuals` (households, people) is shown by its kind only. */
#define PAYMENTS_FROM                                                                              \
    " FROM transfers t "                                                                           \
    "JOIN accounts a ON a.code = t.from_account AND a.project = ?1 AND a.kind = 'project' "        \
    "JOIN accounts b ON b.code = t.to_account AND b.kind NOT IN ('source', 'pool', 'project') "    \
    "LEFT JOIN orgs o ON o.code = b.org WHERE t.kind IN ('posted', 'post')"

/* The page lists the newest 100: a project paying a builder weekly for years
 * must not make its page (and the server's memory) grow without end.  The
 * count and the sum (sql_payments_sum) are of them all. */
static const char sql_payments[] =
    "SELECT t.id, t.date, t.amount, CASE WHEN o.kind = 'individuals' THEN NULL ELSE b.name END, "
    "coalesce(o.kind, ''), t.purpose, t.stage, t.contract" PAYMENTS_FROM
    " ORDER BY t.date DESC, t.id DESC LIMIT 100";
static const char sql_payments_sum[] = "SELECT count(*), coalesce(sum(t.amount), 0)" PAYMENTS_FROM;
static const struct detail_column payment_columns[] = {
    {"id", false},         {"date", false},    {"amount", true}, {"payee", false},
    {"payee_kind", false}, {"purpose", false}, {"stage", false}, {"contract", false},
};

/* Contracts and their suppliers (承建/供货单位): organisations, never people. */
static const char sql_contracts[] =
    "SELECT c.code, o.name, o.kind, c.category, c.amount, c.signed, c.procurement "
    "FROM contracts c JOIN orgs o ON o.code = c.supplier WHERE c.project = ?1 "
    "ORDER BY c.signed, c.code";
static const struct detail_column contract_columns[] = {
    {"code", false},  {"supplier", false}, {"supplier_kind", false}, {"category", false},
    {"amount", true}, {"signed", false},   {"procurement", false},
};

static const char sql_indicators[] =
    "SELECT name, unit, baseline, target, actual FROM indicators WHERE project = ?1 ORDER BY name";
static const struct detail_column indicator_columns[] = {
    {"name", false}, {"unit", false}, {"baseline", true}, {"target", true}, {"actual", true},
};

/* payments_count and payments_amount: every payment, not only the ones listed. */
static int add_payments_sum(struct pa_db *db, const char *code, json_t *p, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_payments_sum, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        sqlite3_reset(stmt);
        return pa_db_fail(db, err, "reading a project");
    }
    json_object_set_new(p, "payments_count", json_integer(sqlite3_column_int64(stmt, 0)));
    json_object_set_new(p, "payments_amount", money(sqlite3_column_int64(stmt, 1)));
    sqlite3_reset(stmt);
    return 0;
}

/* Adds payments, contracts and indicators to p: read wherever the project is. */
static int add_details(struct pa_db *db, const char *code, json_t *p, struct pa_error *err)
{
    json_t *payments = json_array(), *contracts = json_array(), *indicators = json_array();
    json_object_set_new(p, "payments", payments);
    json_object_set_new(p, "contracts", contracts);
    json_object_set_new(p, "indicators", indicators);
    int rc = add_detail_rows(db, sql_payments, code, payments, payment_columns,
                             (int)PA_ARRAY_LEN(payment_columns), err);
    if (rc == 0)
        rc = add_payments_sum(db, code, p, err);
    if (rc == 0)
        rc = add_detail_rows(db, sql_contracts, code, contracts, contract_columns,
                             (int)PA_ARRAY_LEN(contract_columns), err);
    if (rc == 0)
        rc = add_detail_rows(db, sql_indicators, code, indicators, indicator_columns,
                             (int)PA_ARRAY_LEN(indicator_columns), err);
    return rc;
}

/* What a signed-in reader may do with the project, for the page's forms. */
static int add_may(struct pa_db *db, json_t *p, struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    if (who == NULL || who->role == PA_ROLE_ANONYMOUS)
        return 0;
    json_t *may;
    int rc = pa_project_may(db, json_string_value(json_object_get(p, "code")),
                            json_string_value(json_object_get(p, "region")),
                            json_string_value(json_object_get(p, "pairing")), &may, err);
    if (rc == 0)
        json_object_set_new(p, "may", may);
    return rc;
}

static const char sql_project[] =
    "SELECT p.code, p.name, p.pairing, p.region, p.domain, p.kind, p.status, p.budget, "
    "p.start_date, p.end_date, p.beneficiaries, p.public, p.source, p.approved_on, "
    "p.benefit_link, p.investment, r.name, g.name "
    "FROM projects p JOIN regions r ON r.code = p.region JOIN pairings g ON g.code = p.pairing "
    "WHERE p.code = ?1 AND pa_sees_project(p.pairing, p.public)";
static const char sql_milestones[] =
    "SELECT date, kind, title, description, CASE WHEN photo IS NULL THEN NULL "
    "ELSE '/media/' || photo END FROM milestones WHERE project = ?1 ORDER BY date, title";
int pa_project_detail(struct pa_db *db, const char *code, json_t **out, struct pa_error *err)
{
    *out = NULL;
    sqlite3_stmt *stmt;
    int rc = pa_scope_read(db, PA_SCOPE_ACCOUNTS, err);
    if (rc == 0)
        rc = pa_db_prepare(db, sql_project, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    json_t *p = NULL;
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        struct pa_record rec;
        pa_record_from_row(&rec, pa_kind_find("projects"), stmt);
        p = pa_record_json(&rec);
        json_object_set_new(p, "region_name", text_or_null(stmt, 16));
        json_object_set_new(p, "pairing_name", text_or_null(stmt, 17));
    }
    sqlite3_reset(stmt);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return pa_db_fail(db, err, "reading a project");
    if (p == NULL)
        return pa_error_set(err, PA_ENOTFOUND, "no project '%s'", code);
    static const struct detail_column milestone_columns[] = {
        {"date", false},        {"kind", false},  {"title", false},
        {"description", false}, {"photo", false},
    };
    json_t *milestones = json_array(), *accounts = json_array();
    json_object_set_new(p, "milestones", milestones);
    json_object_set_new(p, "accounts", accounts);
    rc = add_detail_rows(db, sql_milestones, code, milestones, milestone_columns,
                         (int)PA_ARRAY_LEN(milestone_columns), err);
    json_t *listed = NULL;
    if (rc == 0)
        rc = pa_account_list(db, NULL, code, &listed, err);
    if (rc == 0)
        json_array_extend(accounts, listed);
    json_decref(listed);
    if (rc == 0)
        rc = add_details(db, code, p, err);
    json_t *execution = NULL;
    if (rc == 0)
        rc = pa_ledger_budget_of(db, code, execution_json, &execution, err);
    json_object_set_new(p, "execution", execution ? execution : json_null());
    if (rc == 0)
        rc = add_may(db, p, err);
    if (rc != 0)
        json_decref(p);
    else
        *out = p;
    return rc;
}

/* ---- accounts ----------------------------------------------------------------------- */

static const char sql_account_list[] =
    "SELECT a.code, a.name, a.kind, a.region, a.pairing, a.project, a.closed, "
    "a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending, r.name "
    "FROM accounts a JOIN regions r ON r.code = a.region "
    "WHERE pa_sees_account(a.code) AND (?1 = '' OR a.kind = ?1) AND (?2 = '' OR a.project = ?2) "
    "ORDER BY a.kind, a.code";

static json_t *account_json(sqlite3_stmt *stmt)
{
    int64_t dpo = sqlite3_column_int64(stmt, 7), cpo = sqlite3_column_int64(stmt, 8);
    int64_t dpe = sqlite3_column_int64(stmt, 9), cpe = sqlite3_column_int64(stmt, 10);
    /* balances of accounts that passed the ledger's checks fit in int64 */
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "code", text_or_null(stmt, 0), "name", text_or_null(stmt, 1), "kind",
                     text_or_null(stmt, 2), "region", text_or_null(stmt, 3), "region_name",
                     text_or_null(stmt, 11), "pairing", text_or_null(stmt, 4), "closed",
                     sqlite3_column_int(stmt, 6), "project", text_or_null(stmt, 5), "debits_posted",
                     money(dpo), "credits_posted", money(cpo), "debits_pending", money(dpe),
                     "credits_pending", money(cpe), "balance", money(cpo - dpo), "available",
                     money(cpo - dpo - dpe));
}

/* For a signed-in reader: is each account one they pay from or ask money of
 * (the same rule as a pending transfer's)?  The app offers those first. */
static int mark_mine(struct pa_db *db, json_t *list, struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    if (who == NULL || who->role == PA_ROLE_ANONYMOUS)
        return 0;
    size_t i;
    json_t *a;
    json_array_foreach(list, i, a)
    {
        const char *code = json_string_value(json_object_get(a, "code"));
        struct pa_error denied;
        int rc = pa_ledger__authorize_request(db, code, code, &denied);
        if (rc != 0 && rc != PA_EDENIED)
            return pa_error_set(err, rc, "%s", denied.message);
        json_object_set_new(a, "mine", json_boolean(rc == 0));
    }
    return 0;
}

int pa_account_list(struct pa_db *db, const char *kind, const char *project, json_t **out,
                    struct pa_error *err)
{
    *out = NULL;
    sqlite3_stmt *stmt;
    int rc = pa_scope_read(db, PA_SCOPE_ACCOUNTS, err);
    if (rc == 0)
        rc = pa_db_prepare(db, sql_account_list, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, kind ? kind : "");
    pa_db_bind_text(stmt, 2, project ? project : "");
    json_t *list = json_array();
    int step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
        json_array_append_new(list, account_json(stmt));
    sqlite3_reset(stmt);
    if (step != SQLITE_DONE) {
        json_decref(list);
        return pa_db_fail(db, err, "listing accounts");
    }
    rc = mark_mine(db, list, err);
    if (rc != 0)
        json_decref(list);
    else
        *out = list;
    return rc;
}

/* ---- transfers ------------------------------------------------------------------------ */

/* state: posted (moved money), pending (open request), voided/approved (a
 * resolved request), expired (an open request past its expiry), or, for the
 * post and void transfers themselves, their kind. */
#define TRANSFER_STATE                                                                             \
    "CASE WHEN t.kind = 'pending' AND t.resolved_by IS NULL AND t.expires IS NOT NULL "            \
    "AND t.expires < ?6 THEN 'expired' "                                                           \
    "WHEN t.kind = 'pending' AND t.resolved_by IS NULL THEN 'pending' "                            \
    "WHEN t.kind = 'pending' THEN (SELECT CASE r.kind WHEN 'void' THEN 'voided' "                  \
    "ELSE 'approved' END FROM transfers r WHERE r.id = t.resolved_by) "                            \
    "ELSE t.kind END"

/* A transfer is read when either of its accounts is (scope.c); then the filters. */
#define TRANSFER_FILTERS                                                                           \
    " (pa_sees_account(t.from_account) OR pa_sees_account(t.to_account))"                         \
    " AND (?1 = '' OR " TRANSFER_STATE " = ?1) "                                                   \
    " AND (?2 = '' OR t.from_account = ?2 OR t.to_account = ?2)"                                   \
    " AND (?7 = '' OR t.id = ?7)"                                                                  \
    " AND (?8 = '' OR EXISTS (SELECT 1 FROM accounts a JOIN regions r ON r.code = a.region"        \
    "      WHERE a.code IN (t.from_account, t.to_account) AND (a.region = ?8 OR r.parent = ?8"     \
    "      OR r.parent IN (SELECT code FROM regions WHERE parent = ?8))))"
#define TRANSFER_WHERE " FROM transfers t WHERE" TRANSFER_FILTERS
/* One account's transfers, found through its two indexes (transfers_by_from,
 * transfers_by_to) rather than by reading every transfer: no index can serve
 * the "?2 = '' OR" of the general text. */
#define ACCOUNT_TRANSFER_WHERE                                                                     \
    " FROM transfers t WHERE t.id IN (SELECT id FROM transfers WHERE from_account = ?2 "          \
    "UNION ALL SELECT id FROM transfers WHERE to_account = ?2) AND" TRANSFER_FILTERS

#define TRANSFER_COLUMNS                                                                           \
    "SELECT t.id, t.kind, t.date, t.from_account, t.to_account, t.amount, t.project, t.memo, "     \
    "t.pending_id, t.expires, t.resolved_by, t.actor, " TRANSFER_STATE                             \
    ", t.seq, t.purpose, t.stage, t.contract, t.comment"
#define NEWEST_FIRST " ORDER BY t.seq DESC LIMIT ?4 OFFSET ?5"

static const char sql_transfer_list[] = TRANSFER_COLUMNS TRANSFER_WHERE NEWEST_FIRST;
static const char sql_transfer_count[] = "SELECT count(*)" TRANSFER_WHERE;
static const char sql_account_transfer_list[] =
    TRANSFER_COLUMNS ACCOUNT_TRANSFER_WHERE NEWEST_FIRST;
static const char sql_account_transfer_count[] = "SELECT count(*)" ACCOUNT_TRANSFER_WHERE;

static void bind_transfer_filter(sqlite3_stmt *stmt, const struct pa_transfer_filter *f)
{
    char today[PA_DATE_LEN + 1];
    pa_date_format(pa_date_today(), today);
    sqlite3_bind_text(stmt, 6, today, -1, SQLITE_TRANSIENT);
    pa_db_bind_text(stmt, 1, f->state ? f->state : "");
    pa_db_bind_text(stmt, 2, f->account ? f->account : "");
    pa_db_bind_text(stmt, 7, f->id ? f->id : "");
    pa_db_bind_text(stmt, 8, f->region ? f->region : "");
}

static json_t *transfer_json(sqlite3_stmt *stmt)
{
    static const char *const names[] = {"id",          "kind",    "date", "from",       "to",
                                        "amount",      "project", "memo", "pending_id", "expires",
                                        "resolved_by", "actor",   "state"};
    json_t *t = json_object();
    for (int i = 0; t && i < (int)PA_ARRAY_LEN(names); i++)
        json_object_set_new(t, names[i],
                            i == 5 ? money(sqlite3_column_int64(stmt, i)) : text_or_null(stmt, i));
    json_object_set_new(t, "seq", json_integer(sqlite3_column_int64(stmt, 13)));
    static const char *const details[] = {"purpose", "stage", "contract", "comment"};
    for (int i = 0; t && i < (int)PA_ARRAY_LEN(details); i++)
        json_object_set_new(t, details[i], text_or_null(stmt, 14 + i));
    return t;
}

/* When each listed transfer was recorded ("time", Unix seconds: its event's),
 * and a request's approval history: who decided it (post or void), on which
 * date and when, with the approver's comment, as "decision".  Looked up for
 * the page only, not in the listing's query, which sorts every match. */
static const char sql_decision[] =
    "SELECT r.kind, r.actor, r.date, r.comment, r.amount, e.time FROM transfers r "
    "JOIN events e ON e.seq = r.seq WHERE r.id = ?1";
static const char sql_event_time[] = "SELECT time FROM events WHERE seq = ?1";

static int add_times(struct pa_db *db, json_t *list, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_event_time, &stmt, err);
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t)
    {
        if (rc != 0)
            break;
        sqlite3_bind_int64(stmt, 1, json_integer_value(json_object_get(t, "seq")));
        int step = sqlite3_step(stmt);
        if (step == SQLITE_ROW)
            json_object_set_new(t, "time", json_integer(sqlite3_column_int64(stmt, 0)));
        else if (step != SQLITE_DONE)
            rc = pa_db_fail(db, err, "reading a transfer's time");
        sqlite3_reset(stmt);
    }
    return rc;
}

static int add_decisions(struct pa_db *db, json_t *list, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_decision, &stmt, err);
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t)
    {
        const char *by = json_string_value(json_object_get(t, "resolved_by"));
        if (rc != 0 || by == NULL)
            continue;
        pa_db_bind_text(stmt, 1, by);
        int step = sqlite3_step(stmt);
        if (step == SQLITE_ROW)
            json_object_set_new(t, "decision",
                                json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:I}", "id", by, "kind",
                                          text_or_null(stmt, 0), "actor", text_or_null(stmt, 1),
                                          "date", text_or_null(stmt, 2), "comment",
                                          text_or_null(stmt, 3), "amount",
                                          money(sqlite3_column_int64(stmt, 4)), "time",
                                          (json_int_t)sqlite3_column_int64(stmt, 5)));
        else if (step != SQLITE_DONE)
            rc = pa_db_fail(db, err, "reading a decision");
        sqlite3_reset(stmt);
    }
    return rc;
}

/* For a signed-in reader: may they post or void each open request?  The same
 * rules as the ledger's (the donor whose money it is, never the requester), so
 * the app can show who decides instead of letting the click fail. */
static int mark_resolvable(struct pa_db *db, json_t *list, struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t)
    {
        const char *state = json_string_value(json_object_get(t, "state"));
        if (who == NULL || who->role == PA_ROLE_ANONYMOUS ||
            (strcmp(state, "pending") != 0 && strcmp(state, "expired") != 0))
            continue;
        const char *from = json_string_value(json_object_get(t, "from"));
        const char *actor = json_string_value(json_object_get(t, "actor"));
        struct pa_error denied;
        int rc = pa_ledger__authorize_approval(db, from, "decide", &denied);
        if (rc != 0 && rc != PA_EDENIED)
            return pa_error_set(err, rc, "%s", denied.message);
        json_object_set_new(t, "can_resolve",
                            json_boolean(rc == 0 && strcmp(actor, who->name) != 0));
    }
    return 0;
}

int pa_transfer_list(struct pa_db *db, const struct pa_transfer_filter *f, json_t **out,
                     int64_t *total, struct pa_error *err)
{
    *out = NULL;
    bool one_account = f->account && f->account[0];
    sqlite3_stmt *stmt;
    int rc = pa_scope_read(db, PA_SCOPE_ACCOUNTS, err);
    if (rc == 0)
        rc = pa_db_prepare(db, one_account ? sql_account_transfer_count : sql_transfer_count,
                           &stmt, err);
    if (rc != 0)
        return rc;
    bind_transfer_filter(stmt, f);
    int step = sqlite3_step(stmt);
    *total = step == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_reset(stmt);
    if (step != SQLITE_ROW)
        return pa_db_fail(db, err, "counting transfers");
    if ((rc = pa_db_prepare(db, one_account ? sql_account_transfer_list : sql_transfer_list,
                            &stmt, err)) != 0)
        return rc;
    bind_transfer_filter(stmt, f);
    sqlite3_bind_int64(stmt, 4, f->limit);
    sqlite3_bind_int64(stmt, 5, f->offset);
    json_t *list = json_array();
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
        json_array_append_new(list, transfer_json(stmt));
    sqlite3_reset(stmt);
    if (step != SQLITE_DONE) {
        json_decref(list);
        return pa_db_fail(db, err, "listing transfers");
    }
    rc = mark_resolvable(db, list, err);
    if (rc == 0)
        rc = add_decisions(db, list, err);
    if (rc == 0)
        rc = add_times(db, list, err);
    if (rc != 0)
        json_decref(list);
    else
        *out = list;
    return rc;
}

/* ---- fund flows ----------------------------------------------------------------------- */

/* Posted money along each edge of donor sources -> pools -> project kinds ->
 * counties.  Money a source pays into a project directly skips the pool; money
 * between pools (a city pool feeding a county pool) is an edge of its own.
 * What the donors arranged (sources -> pools) is a public aggregate; what
 * reached projects counts only the projects the principal reads (scope.c).  The
 * kind -> county edges count the same transfers as the edges into the kinds, so
 * what enters a kind node leaves it.  Payments out of projects are not flows of
 * the programme's funds between its parts, and are left out.  What a project
 * account gave back to a fund (结余资金收回) did not stay in the project: as in
 * the budget report (report.c), it is taken off what reached the project, off its
 * largest inflow first, so that what flows into a county is what the budget
 * report counts as allocated there. */
static const char sql_flows[] =
    "WITH moved AS (SELECT from_account AS f, to_account AS t, sum(amount) AS amount "
    "  FROM transfers WHERE kind IN ('posted', 'post') GROUP BY from_account, to_account), "
    "returned AS (SELECT m.f AS account, sum(m.amount) AS amount FROM moved m "
    "  JOIN accounts a ON a.code = m.f JOIN accounts b ON b.code = m.t "
    "  WHERE a.kind = 'project' AND b.kind IN ('source', 'pool') GROUP BY m.f), "
    "received AS (SELECT a.code AS from_code, a.kind AS from_kind, a.name AS from_name, "
    "  p.kind AS kind, p.region AS region, m.amount AS amount, "
    "  coalesce(r.amount, 0) AS given_back, "
    "  sum(m.amount) OVER (PARTITION BY b.code ORDER BY m.amount DESC, a.code "
    "    ROWS UNBOUNDED PRECEDING) - m.amount AS larger_inflows "
    "  FROM moved m JOIN accounts a ON a.code = m.f JOIN accounts b ON b.code = m.t "
    "  JOIN projects p ON p.code = b.project LEFT JOIN returned r ON r.account = b.code "
    "  WHERE a.kind IN ('source', 'pool') AND b.kind = 'project' "
    "  AND pa_sees_project(p.pairing, p.public)), "
    "funded AS (SELECT from_code, from_kind, from_name, kind, region, "
    "  amount - max(0, min(amount, given_back - larger_inflows)) AS amount FROM received) "
    "SELECT * FROM ("
    "  SELECT 0 AS stage, a.kind, a.code, a.name, 'pool', b.code, b.name, m.amount AS amount "
    "  FROM moved m JOIN accounts a ON a.code = m.f JOIN accounts b ON b.code = m.t "
    "  WHERE a.kind IN ('source', 'pool') AND b.kind = 'pool' "
    "  UNION ALL SELECT 1, from_kind, from_code, from_name, 'kind', kind, NULL, sum(amount) "
    "  FROM funded GROUP BY from_code, kind HAVING sum(amount) > 0 "
    "  UNION ALL SELECT 2, 'kind', kind, NULL, 'county', region, "
    "  (SELECT name FROM regions WHERE code = region), sum(amount) "
    "  FROM funded GROUP BY kind, region HAVING sum(amount) > 0) "
    "ORDER BY 1, 8 DESC, 3, 6";

#define FLOW_NODES_MAX 100000 /* far above any programme: a bound, not a limit in use */

struct flows {
    json_t *nodes, *links;
    struct pa_strmap *seen;
    long nnodes;
};

/* A project kind's Chinese name, from the projects kind's own column. */
static const char *kind_label(const char *key)
{
    const struct pa_kind *projects = pa_kind_find("projects");
    int col = pa_kind_column(projects, "kind");
    PA_ASSERT(col >= 0);
    for (const struct pa_enum_value *e = projects->columns[col].values; e && e->name; e++)
        if (strcmp(e->name, key) == 0)
            return e->zh;
    return key;
}

/* The node `type:key`, added the first time it is seen. */
static int flow_node(struct flows *f, const char *type, const char *key, const char *label,
                     char name[PA_CODE_MAX + 16], struct pa_error *err)
{
    snprintf(name, PA_CODE_MAX + 16, "%s:%s", type, key);
    int put = pa_strmap_put(f->seen, name, f->nnodes, NULL);
    if (put < 0)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    if (put == 0)
        return 0;
    if (++f->nnodes > FLOW_NODES_MAX)
        return pa_error_set(err, PA_ERANGE, "more than %d nodes in the fund flow", FLOW_NODES_MAX);
    if (label == NULL)
        label = strcmp(type, "kind") == 0 ? kind_label(key) : key;
    json_t *node = json_pack("{s:s, s:s}", "name", name, "label", label);
    if (node == NULL || json_array_append_new(f->nodes, node) != 0)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    return 0;
}

static int flow_link(struct flows *f, sqlite3_stmt *stmt, struct pa_error *err)
{
    char from[PA_CODE_MAX + 16], to[PA_CODE_MAX + 16];
    const char *col[7];
    for (int i = 0; i < 7; i++)
        col[i] = (const char *)sqlite3_column_text(stmt, i);
    if (col[1] == NULL || col[2] == NULL || col[4] == NULL || col[5] == NULL)
        return pa_error_set(err, PA_ETAMPER, "a fund flow names an account without a kind");
    int rc = flow_node(f, col[1], col[2], col[3], from, err);
    if (rc == 0)
        rc = flow_node(f, col[4], col[5], col[6], to, err);
    if (rc != 0)
        return rc;
    json_t *link = json_pack("{s:s, s:s, s:o}", "source", from, "target", to, "amount",
                             money(sqlite3_column_int64(stmt, 7)));
    if (link == NULL || json_array_append_new(f->links, link) != 0)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    return 0;
}

int pa_fund_flows(struct pa_db *db, json_t **out, struct pa_error *err)
{
    PA_ASSERT(db != NULL && out != NULL);
    *out = NULL;
    struct flows f = {json_array(), json_array(), NULL, 0};
    sqlite3_stmt *stmt = NULL;
    int rc = f.nodes && f.links && pa_strmap_new(&f.seen) == 0
                 ? pa_scope_read(db, 0, err)
                 : pa_error_set(err, PA_ENOMEM, "out of memory");
    if (rc == 0)
        rc = pa_db_prepare(db, sql_flows, &stmt, err);
    int step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW)
        rc = flow_link(&f, stmt, err);
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "computing the fund flows");
    if (stmt)
        sqlite3_reset(stmt);
    pa_strmap_free(f.seen);
    if (rc != 0) {
        json_decref(f.nodes);
        json_decref(f.links);
        return rc;
    }
    PA_ASSERT(json_array_size(f.nodes) == (size_t)f.nnodes);
    *out = json_pack("{s:o, s:o}", "nodes", f.nodes, "links", f.links);
    if (*out == NULL)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    return rc;
}
