/*
 * iati.c - the published projects as IATI 2.03 activities, for d-portal and
 * every other tool that reads aid data (docs/exchange.md, "IATI 2.03", is the
 * mapping, field by field, and says why each choice was made).
 *
 * One iati-activity per published project, in code order.  Its money comes
 * from the same rows as `pairaid budget`: the commitment is the budget the
 * project was approved with, disbursements are what its project accounts
 * received (less what they gave back to a fund), expenditure what they paid
 * out; so the sums of an activity's transactions are the budget report's
 * 已拨付 and 已支出 to the fen.
 *
 * The projects, their partners and their transfers are read by three queries
 * ordered by project code and walked side by side (struct cursor), so the
 * export reads the transfers once however many projects there are.  Nothing
 * here reads the wall clock: the file's date is pa_date_today's, and each
 * activity's last update is the time of its newest event, so the same
 * database gives the same bytes on the same day.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pairaid/io.h"

/* ---- the queries ------------------------------------------------------------------- */

/* The projects, with their pairing's donor and recipient and the donor of the
 * city-level pairing at the top of its tree (the reporting organisation). */
static const char sql_activities[] =
    "WITH RECURSIVE up(code, root) AS (SELECT code, code FROM pairings WHERE parent IS NULL "
    "UNION ALL SELECT p.code, up.root FROM pairings p JOIN up ON p.parent = up.code) "
    "SELECT p.code, p.name, p.domain, p.kind, p.status, p.budget, p.start_date, p.end_date, "
    "p.approved_on, p.beneficiaries, p.investment, p.region, pr.name, pr.donor, pr.recipient, "
    "pr.end_date, (SELECT donor FROM pairings WHERE code = up.root) "
    "FROM projects p JOIN pairings pr ON pr.code = p.pairing JOIN up ON up.code = p.pairing "
    "WHERE p.public = 1 AND pa_sees_project(p.pairing, p.public) "
    "AND (?1 IS NULL OR pa_pairing_under(p.pairing, ?1)) ORDER BY p.code";

enum {
    A_CODE,
    A_NAME,
    A_DOMAIN,
    A_KIND,
    A_STATUS,
    A_BUDGET,
    A_START,
    A_END,
    A_APPROVED,
    A_BENEFICIARIES,
    A_INVESTMENT,
    A_REGION,
    A_PAIRING_NAME,
    A_DONOR,
    A_RECIPIENT,
    A_PAIRING_END,
    A_ROOT_DONOR
};

/* When each project last changed: its own events and those of the transfers
 * of its project accounts. */
static const char sql_updated[] =
    "SELECT code, max(t) FROM ("
    "SELECT json_extract(CAST(entry AS TEXT), '$.data.code') AS code, time AS t FROM events "
    "WHERE type IN ('project.create', 'project.update', 'project.advance') "
    "UNION ALL SELECT a.project, e.time FROM transfers tr JOIN accounts a ON a.kind = 'project' "
    "AND a.code IN (tr.from_account, tr.to_account) JOIN events e ON e.seq = tr.seq) "
    "WHERE code IS NOT NULL GROUP BY code ORDER BY code";

/* Extending (3): the regions whose pools paid into the project; implementing
 * (4): the organisations it paid (a payee without an organisation by its
 * account's name) and its contractors.  Households taken together
 * (`individuals`) are beneficiaries, not implementers. */
static const char sql_partners[] =
    "SELECT x.project, x.role, x.region, o.name, o.credit_code, o.kind, x.name FROM ("
    "SELECT DISTINCT ta.project AS project, 3 AS role, fa.region AS region, NULL AS org, "
    "NULL AS name FROM transfers t JOIN accounts fa ON fa.code = t.from_account "
    "AND fa.kind = 'pool' JOIN accounts ta ON ta.code = t.to_account AND ta.kind = 'project' "
    "WHERE t.kind IN ('posted', 'post') "
    "UNION SELECT fa.project, 4, NULL, ta.org, CASE WHEN ta.org IS NULL THEN ta.name END "
    "FROM transfers t JOIN accounts fa ON fa.code = t.from_account AND fa.kind = 'project' "
    "JOIN accounts ta ON ta.code = t.to_account AND ta.kind = 'payee' "
    "WHERE t.kind IN ('posted', 'post') "
    "UNION SELECT project, 4, NULL, supplier, NULL FROM contracts) x "
    "LEFT JOIN orgs o ON o.code = x.org "
    "WHERE x.project IS NOT NULL AND coalesce(o.kind, '') <> 'individuals' "
    "ORDER BY x.project, x.role, x.region, o.credit_code, coalesce(o.name, x.name)";

/* Every posted movement in or out of a project account, seen from the
 * project: dir 'in' or 'out', and the account on the other side. */
static const char sql_moves[] =
    "SELECT x.project, x.id, x.date, x.amount, x.memo, x.dir, x.other_kind, x.other_region, "
    "o.name, o.credit_code, o.kind, x.other_name, x.own_region FROM ("
    "SELECT ta.project AS project, t.id AS id, t.date AS date, t.seq AS seq, t.amount AS amount, "
    "coalesce(t.memo, (SELECT memo FROM transfers p WHERE p.id = t.pending_id)) AS memo, "
    "'in' AS dir, fa.kind AS other_kind, fa.region AS other_region, fa.org AS other_org, "
    "fa.name AS other_name, ta.region AS own_region FROM transfers t "
    "JOIN accounts ta ON ta.code = t.to_account AND ta.kind = 'project' "
    "JOIN accounts fa ON fa.code = t.from_account WHERE t.kind IN ('posted', 'post') "
    "UNION ALL SELECT fa.project, t.id, t.date, t.seq, t.amount, "
    "coalesce(t.memo, (SELECT memo FROM transfers p WHERE p.id = t.pending_id)), 'out', "
    "ta.kind, ta.region, ta.org, ta.name, fa.region FROM transfers t "
    "JOIN accounts fa ON fa.code = t.from_account AND fa.kind = 'project' "
    "JOIN accounts ta ON ta.code = t.to_account WHERE t.kind IN ('posted', 'post')) x "
    "LEFT JOIN orgs o ON o.code = x.other_org WHERE x.project IS NOT NULL "
    "ORDER BY x.project, x.date, x.seq, x.dir";

enum {
    M_PROJECT,
    M_ID,
    M_DATE,
    M_AMOUNT,
    M_MEMO,
    M_DIR,
    M_OTHER_KIND,
    M_OTHER_REGION,
    M_ORG_NAME,
    M_ORG_CREDIT,
    M_ORG_KIND,
    M_OTHER_NAME,
    M_OWN_REGION
};

/* A region's government: its name, and its credit code when the registry
 * holds the government as an organisation with one. */
static const char sql_government[] =
    "SELECT r.name || '人民政府', (SELECT credit_code FROM orgs WHERE kind = 'government' "
    "AND region = r.code AND name = r.name || '人民政府' AND credit_code IS NOT NULL) "
    "FROM regions r WHERE r.code = ?1";

static const char sql_place[] =
    "SELECT r.name, r.level, coalesce(g.name, '') || coalesce(p.name, '') || r.name "
    "FROM regions r LEFT JOIN regions p ON p.code = r.parent "
    "LEFT JOIN regions g ON g.code = p.parent WHERE r.code = ?1";

static const char sql_pairing_exists[] = "SELECT 1 FROM pairings WHERE code = ?1";

/* ---- codelists --------------------------------------------------------------------- */

/* IATI identifiers: the credit code under org-id.guide's CN-USCI; a
 * government without one gets pairaid's own scope and its GB/T 2260 code. */
#define PREFIX_CREDIT_CODE "CN-USCI-"
#define PREFIX_GOVERNMENT  "CN-PAIRAID-GOV-"

struct org {
    char ref[64];     /* empty: no identifier (the name alone) */
    char name[800];   /* 200 characters of UTF-8 at most */
    const char *type; /* OrganisationType, NULL if unknown */
};

/* OrganisationType from an organisation's kind (orgs.csv). */
static const char *org_type(const char *kind)
{
    static const char *const types[][2] = {
        {"government", "11"}, {"enterprise", "70"}, {"park_company", "70"}, {"school", "80"},
        {"institute", "80"},  {"hospital", "15"},   {"cooperative", "90"},  {"other", "90"}};
    for (size_t i = 0; kind && i < PA_ARRAY_LEN(types); i++)
        if (strcmp(kind, types[i][0]) == 0)
            return types[i][1];
    return NULL;
}

/* ActivityStatus from a project's status. */
static const char *activity_status(const char *status)
{
    if (strcmp(status, "in_progress") == 0)
        return "2";
    if (strcmp(status, "completed") == 0)
        return "3";
    if (strcmp(status, "accepted") == 0)
        return "4";
    return "1"; /* proposed, approved: pipeline */
}

static bool approved(const char *status)
{
    return strcmp(status, "proposed") != 0;
}

/* A DAC 5-digit purpose code (Sector vocabulary 1) for a project's domain and
 * kind: the kind decides for people exchanges, the domain otherwise
 * (docs/exchange.md has the table and its reasons). */
static const char *dac_sector(const char *domain, const char *kind)
{
    static const char *const talent[][2] = {
        {"education", "11130"}, {"health", "12181"}, {"other", "15110"}};
    static const char *const by_domain[][3] = {
        /* domain, livelihood, any other kind */
        {"industry", "43040", "32120"},   {"technology", "32182", "32182"},
        {"education", "11120", "11120"},  {"health", "12230", "12230"},
        {"employment", "16020", "16020"}, {"culture_tourism", "16061", "33210"},
        {"transport", "21020", "21020"},  {"other", "43040", "43010"}};
    if (strcmp(kind, "talent") == 0) {
        for (size_t i = 0; i < PA_ARRAY_LEN(talent); i++)
            if (strcmp(domain, talent[i][0]) == 0)
                return talent[i][1];
        return "43081";
    }
    bool livelihood = strcmp(kind, "livelihood") == 0;
    for (size_t i = 0; i < PA_ARRAY_LEN(by_domain); i++)
        if (strcmp(domain, by_domain[i][0]) == 0)
            return by_domain[i][livelihood ? 1 : 2];
    return "43010";
}

static const char *enum_zh(const struct pa_enum_value *values, const char *name)
{
    for (; values->name; values++)
        if (strcmp(values->name, name) == 0)
            return values->zh;
    return name;
}

/* ---- small helpers ----------------------------------------------------------------- */

static const char *text_or(sqlite3_stmt *stmt, int col, const char *fallback)
{
    const char *s = (const char *)sqlite3_column_text(stmt, col);
    return s ? s : fallback;
}

static void format_yuan(int64_t fen, char buf[64])
{
    int n = pa_money_format(fen, PA_YUAN, 0, buf, 64);
    PA_ASSERT(n > 0);
}

/* Unix seconds as an xsd:dateTime in UTC. */
static void format_time(int64_t seconds, char buf[32])
{
    time_t t = (time_t)seconds;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, 32, "1970-01-01T00:00:00Z");
}

/* Rows of a query ordered by project code, walked beside the projects. */
struct cursor {
    sqlite3_stmt *stmt;
    int step;
};

static int cursor_open(struct pa_db *db, const char *sql, struct cursor *c, struct pa_error *err)
{
    int rc = pa_db_prepare(db, sql, &c->stmt, err);
    if (rc == 0)
        c->step = sqlite3_step(c->stmt);
    return rc;
}

/* Moves c past the rows of projects before code; true when its row is code's. */
static bool cursor_at(struct cursor *c, const char *code)
{
    while (c->step == SQLITE_ROW) {
        int order = strcmp((const char *)sqlite3_column_text(c->stmt, 0), code);
        if (order >= 0)
            return order == 0;
        c->step = sqlite3_step(c->stmt);
    }
    return false;
}

static void cursor_next(struct cursor *c)
{
    c->step = sqlite3_step(c->stmt);
}

struct iati {
    struct pa_db *db;
    struct pa_xml x;
    struct cursor updated, partners, moves;
    char today[PA_DATE_LEN + 1];
    long activities;
};

static int government(struct iati *w, const char *region, struct org *o, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(w->db, sql_government, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, region);
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *credit = (const char *)sqlite3_column_text(stmt, 1);
        snprintf(o->name, sizeof(o->name), "%s", sqlite3_column_text(stmt, 0));
        snprintf(o->ref, sizeof(o->ref), "%s%s", credit ? PREFIX_CREDIT_CODE : PREFIX_GOVERNMENT,
                 credit ? credit : region);
        o->type = "11";
    } else {
        rc = pa_error_set(err, PA_ENOTFOUND, "unknown region code %s (GB/T 2260)", region);
    }
    sqlite3_reset(stmt);
    return rc;
}

/* An organisation of the registry from the columns name, credit_code, kind;
 * without one, `fallback` names it (a payee account's name). */
static void registered_org(sqlite3_stmt *stmt, int col, const char *fallback, struct org *o)
{
    const char *name = (const char *)sqlite3_column_text(stmt, col);
    const char *credit = (const char *)sqlite3_column_text(stmt, col + 1);
    snprintf(o->name, sizeof(o->name), "%s", name ? name : fallback ? fallback : "");
    o->ref[0] = '\0';
    if (credit)
        snprintf(o->ref, sizeof(o->ref), "%s%s", PREFIX_CREDIT_CODE, credit);
    o->type = org_type((const char *)sqlite3_column_text(stmt, col + 2));
}

/* <element ref type role><narrative>name</narrative></element> */
static void write_org(struct pa_xml *x, const char *element, const char *role, const struct org *o)
{
    pa_xml_start(x, element, "ref", o->ref[0] ? o->ref : NULL, "type", o->type, "role", role, NULL);
    pa_xml_text(x, "narrative", o->name, NULL);
    pa_xml_end(x);
}

/* <element type><narrative>text</narrative></element> */
static void write_narrated(struct pa_xml *x, const char *element, const char *type,
                           const char *text)
{
    pa_xml_start(x, element, "type", type, NULL);
    pa_xml_text(x, "narrative", text, NULL);
    pa_xml_end(x);
}

/* ---- one activity ------------------------------------------------------------------ */

/* What the activity row holds, borrowed from the statement until its next step. */
struct project {
    const char *code, *name, *domain, *kind, *status, *start, *end, *approved_on, *region;
    const char *pairing_name, *donor, *recipient, *pairing_end, *root_donor;
    int64_t budget_fen, investment_fen, beneficiaries;
    bool has_beneficiaries;
};

static void project_from_row(sqlite3_stmt *s, struct project *p)
{
    p->code = text_or(s, A_CODE, "");
    p->name = text_or(s, A_NAME, "");
    p->domain = text_or(s, A_DOMAIN, "other");
    p->kind = text_or(s, A_KIND, "other");
    p->status = text_or(s, A_STATUS, "proposed");
    p->start = text_or(s, A_START, "");
    p->end = text_or(s, A_END, NULL);
    p->approved_on = text_or(s, A_APPROVED, NULL);
    p->region = text_or(s, A_REGION, "");
    p->pairing_name = text_or(s, A_PAIRING_NAME, "");
    p->donor = text_or(s, A_DONOR, "");
    p->recipient = text_or(s, A_RECIPIENT, "");
    p->pairing_end = text_or(s, A_PAIRING_END, NULL);
    p->root_donor = text_or(s, A_ROOT_DONOR, p->donor);
    p->budget_fen = sqlite3_column_int64(s, A_BUDGET);
    p->investment_fen = sqlite3_column_int64(s, A_INVESTMENT);
    p->has_beneficiaries = sqlite3_column_type(s, A_BENEFICIARIES) != SQLITE_NULL;
    p->beneficiaries = sqlite3_column_int64(s, A_BENEFICIARIES);
}

/* A description in Chinese from the facts pairaid keeps about a project. */
static void describe(const struct project *p, char *buf, size_t size)
{
    char money[64];
    int n = snprintf(buf, size, "%s·%s项目，领域：%s。", p->pairing_name,
                     enum_zh(pa_project_kinds, p->kind), enum_zh(pa_project_domains, p->domain));
    if (p->budget_fen > 0 && n >= 0 && (size_t)n < size) {
        pa_money_format(p->budget_fen, PA_WAN, PA_MONEY_GROUP, money, sizeof(money));
        n += snprintf(buf + n, size - (size_t)n, "帮扶资金 %s 万元。", money);
    }
    if (p->investment_fen > 0 && n >= 0 && (size_t)n < size) {
        pa_money_format(p->investment_fen, PA_WAN, PA_MONEY_GROUP, money, sizeof(money));
        n += snprintf(buf + n, size - (size_t)n, "总投资 %s 万元。", money);
    }
    if (p->has_beneficiaries && n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, "受益 %lld 人。", (long long)p->beneficiaries);
}

static int write_participants(struct iati *w, const struct project *p, struct pa_error *err)
{
    struct org o;
    int rc = government(w, p->donor, &o, err);
    if (rc == 0)
        write_org(&w->x, "participating-org", "1", &o);
    if (rc == 0 && (rc = government(w, p->recipient, &o, err)) == 0)
        write_org(&w->x, "participating-org", "2", &o);
    bool implementer = false;
    for (struct cursor *c = &w->partners; rc == 0 && cursor_at(c, p->code); cursor_next(c)) {
        const char *role = sqlite3_column_int(c->stmt, 1) == 3 ? "3" : "4";
        if (role[0] == '3')
            rc = government(w, text_or(c->stmt, 2, ""), &o, err);
        else
            registered_org(c->stmt, 3, text_or(c->stmt, 6, ""), &o);
        implementer |= role[0] == '4';
        if (rc == 0)
            write_org(&w->x, "participating-org", role, &o);
    }
    /* nobody paid yet: the project's own county (or city) carries it out */
    if (rc == 0 && !implementer && (rc = government(w, p->region, &o, err)) == 0)
        write_org(&w->x, "participating-org", "4", &o);
    return rc;
}

/* Planned dates until they have passed: an actual start or end is never in
 * the future, and a project not yet started has none. */
static void write_dates(struct iati *w, const struct project *p)
{
    bool finished = strcmp(p->status, "completed") == 0 || strcmp(p->status, "accepted") == 0;
    bool started = finished || strcmp(p->status, "in_progress") == 0;
    bool actual_start = started && strcmp(p->start, w->today) <= 0;
    pa_xml_empty(&w->x, "activity-date", "type", actual_start ? "2" : "1", "iso-date", p->start,
                 NULL);
    if (p->end == NULL)
        return;
    bool actual_end = finished && strcmp(p->end, w->today) <= 0;
    pa_xml_empty(&w->x, "activity-date", "type", actual_end ? "4" : "3", "iso-date", p->end, NULL);
}

static int write_location(struct iati *w, const struct project *p, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(w->db, sql_place, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, p->region);
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        static const char *const features[] = {"ADM1", "ADM1", "ADM2", "ADM3"};
        int level = sqlite3_column_int(stmt, 1);
        char ref[32], description[400];
        snprintf(ref, sizeof(ref), "GBT2260-%s", p->region);
        snprintf(description, sizeof(description), "%s（行政区划代码 %s）", text_or(stmt, 2, ""),
                 p->region);
        pa_xml_start(&w->x, "location", "ref", ref, NULL);
        pa_xml_empty(&w->x, "location-reach", "code", "1", NULL);
        write_narrated(&w->x, "name", NULL, text_or(stmt, 0, ""));
        write_narrated(&w->x, "description", NULL, description);
        pa_xml_empty(&w->x, "exactness", "code", "1", NULL);
        pa_xml_empty(&w->x, "location-class", "code", "1", NULL);
        pa_xml_empty(&w->x, "feature-designation", "code",
                     features[level >= 0 && level <= 3 ? level : 3], NULL);
        pa_xml_end(&w->x);
    } else {
        rc = pa_error_set(err, PA_ENOTFOUND, "unknown region code %s (GB/T 2260)", p->region);
    }
    sqlite3_reset(stmt);
    return rc;
}

/* The period of the budget: the project's dates; without an end date, the
 * end of its pairing's agreement, else a year from the start. */
static void budget_end(const struct project *p, char end[PA_DATE_LEN + 1])
{
    const char *until = p->end ? p->end : p->pairing_end;
    if (until && strcmp(until, p->start) >= 0) {
        snprintf(end, PA_DATE_LEN + 1, "%s", until);
        return;
    }
    int32_t days;
    if (pa_date_parse(p->start, &days, NULL) == 0)
        pa_date_format(days + 364, end);
    else
        snprintf(end, PA_DATE_LEN + 1, "%s", p->start);
}

static void write_budget(struct iati *w, const struct project *p)
{
    if (p->budget_fen <= 0)
        return; /* a park's or a chain's money that is all investment: no assistance budget */
    char end[PA_DATE_LEN + 1], value[64];
    budget_end(p, end);
    format_yuan(p->budget_fen, value);
    pa_xml_start(&w->x, "budget", "type", "1", "status", approved(p->status) ? "2" : "1", NULL);
    pa_xml_empty(&w->x, "period-start", "iso-date", p->start, NULL);
    pa_xml_empty(&w->x, "period-end", "iso-date", end, NULL);
    pa_xml_text(&w->x, "value", value, "value-date", p->start, NULL);
    pa_xml_end(&w->x);
}

struct transaction {
    const char *ref, *type, *date, *description;
    int64_t value_fen;
    const struct org *provider, *receiver;
};

static void write_transaction(struct iati *w, const struct transaction *t)
{
    char value[64];
    format_yuan(t->value_fen, value);
    pa_xml_start(&w->x, "transaction", "ref", t->ref, NULL);
    pa_xml_empty(&w->x, "transaction-type", "code", t->type, NULL);
    pa_xml_empty(&w->x, "transaction-date", "iso-date", t->date, NULL);
    pa_xml_text(&w->x, "value", value, "value-date", t->date, NULL);
    if (t->description && t->description[0])
        write_narrated(&w->x, "description", NULL, t->description);
    write_org(&w->x, "provider-org", NULL, t->provider);
    write_org(&w->x, "receiver-org", NULL, t->receiver);
    pa_xml_end(&w->x);
}

/* Commitment (2): the budget approved for the project (立项), from its donor
 * to its county, on the day of approval. */
static int write_commitment(struct iati *w, const struct project *p, struct pa_error *err)
{
    if (!approved(p->status) || p->budget_fen <= 0)
        return 0;
    struct org donor, county;
    int rc = government(w, p->donor, &donor, err);
    if (rc == 0)
        rc = government(w, p->region, &county, err);
    if (rc != 0)
        return rc;
    struct transaction t = {NULL,
                            "2",
                            p->approved_on ? p->approved_on : p->start,
                            "立项批复帮扶资金",
                            p->budget_fen,
                            &donor,
                            &county};
    write_transaction(w, &t);
    return 0;
}

static bool is_fund(const char *kind)
{
    return strcmp(kind, "source") == 0 || strcmp(kind, "pool") == 0;
}

/* One movement of a project account as a disbursement (3) or expenditure (4):
 * money in is disbursed to the project; money out to a fund is given back (a
 * negative disbursement, 结余资金收回); money out to anyone else is spent. */
static int write_move(struct iati *w, sqlite3_stmt *s, struct pa_error *err)
{
    const char *other_kind = text_or(s, M_OTHER_KIND, "");
    bool in = strcmp(text_or(s, M_DIR, ""), "in") == 0;
    struct org own, other;
    int rc = government(w, text_or(s, M_OWN_REGION, ""), &own, err);
    if (rc == 0 && strcmp(other_kind, "payee") == 0)
        registered_org(s, M_ORG_NAME, text_or(s, M_OTHER_NAME, ""), &other);
    else if (rc == 0)
        rc = government(w, text_or(s, M_OTHER_REGION, ""), &other, err);
    if (rc != 0)
        return rc;
    char description[1200];
    const char *memo = text_or(s, M_MEMO, "");
    bool returned = !in && is_fund(other_kind);
    if (returned)
        snprintf(description, sizeof(description), "结余资金收回%s%s", memo[0] ? "：" : "", memo);
    struct transaction t = {text_or(s, M_ID, ""),
                            in || returned ? "3" : "4",
                            text_or(s, M_DATE, ""),
                            returned ? description : memo,
                            sqlite3_column_int64(s, M_AMOUNT),
                            in || returned ? &other : &own,
                            in || returned ? &own : &other};
    if (returned)
        t.value_fen = -t.value_fen;
    write_transaction(w, &t);
    return 0;
}

static int write_transactions(struct iati *w, const struct project *p, struct pa_error *err)
{
    int rc = write_commitment(w, p, err);
    for (struct cursor *c = &w->moves; rc == 0 && cursor_at(c, p->code); cursor_next(c))
        rc = write_move(w, c->stmt, err);
    return rc;
}

static int write_activity(struct iati *w, sqlite3_stmt *row, struct pa_error *err)
{
    struct project p;
    project_from_row(row, &p);
    char updated[32] = "", identifier[160], description[1200];
    if (cursor_at(&w->updated, p.code))
        format_time(sqlite3_column_int64(w->updated.stmt, 1), updated);
    struct org reporter;
    int rc = government(w, p.root_donor, &reporter, err);
    if (rc != 0)
        return rc;
    snprintf(identifier, sizeof(identifier), "%s-%s", reporter.ref, p.code);
    describe(&p, description, sizeof(description));
    struct pa_xml *x = &w->x;
    pa_xml_start(x, "iati-activity", "last-updated-datetime", updated[0] ? updated : NULL,
                 "xml:lang", "zh", "default-currency", "CNY", NULL);
    pa_xml_text(x, "iati-identifier", identifier, NULL);
    write_org(x, "reporting-org", NULL, &reporter);
    write_narrated(x, "title", NULL, p.name);
    write_narrated(x, "description", "1", description);
    rc = write_participants(w, &p, err);
    if (rc == 0) {
        pa_xml_empty(x, "activity-status", "code", activity_status(p.status), NULL);
        write_dates(w, &p);
        pa_xml_empty(x, "activity-scope", "code", "7", NULL);
        pa_xml_empty(x, "recipient-country", "code", "CN", NULL);
        rc = write_location(w, &p, err);
    }
    if (rc == 0) {
        pa_xml_empty(x, "sector", "vocabulary", "1", "code", dac_sector(p.domain, p.kind), NULL);
        write_budget(w, &p);
        rc = write_transactions(w, &p, err);
    }
    pa_xml_end(x);
    w->activities++;
    return rc;
}

/* ---- the file ---------------------------------------------------------------------- */

static int check_pairing(struct pa_db *db, const char *pairing, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_pairing_exists, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, pairing);
    int step = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (step == SQLITE_DONE)
        return pa_error_setf(err, PA_ENOTFOUND, "pairing", "unknown pairing '%s'", pairing);
    return step == SQLITE_ROW ? 0 : pa_db_fail(db, err, "export");
}

static int walk_activities(struct iati *w, sqlite3_stmt *stmt, struct pa_error *err)
{
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (w->activities == 0) {
            /* the start of the day in Beijing: the program's clock is a day */
            char generated[32];
            snprintf(generated, sizeof(generated), "%sT00:00:00+08:00", w->today);
            fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", w->x.out);
            pa_xml_start(&w->x, "iati-activities", "version", "2.03", "generated-datetime",
                         generated, NULL);
        }
        rc = write_activity(w, stmt, err);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(w->db, err, "export");
    struct cursor *cursors[] = {&w->updated, &w->partners, &w->moves};
    for (size_t i = 0; rc == 0 && i < PA_ARRAY_LEN(cursors); i++)
        if (cursors[i]->step != SQLITE_ROW && cursors[i]->step != SQLITE_DONE)
            rc = pa_db_fail(w->db, err, "export");
    return rc;
}

int pa_export_iati(struct pa_db *db, const struct pa_iati_options *opts, FILE *out,
                   struct pa_error *err)
{
    PA_ASSERT(db != NULL && out != NULL);
    const char *pairing = opts ? opts->pairing : NULL;
    struct iati w = {.db = db};
    pa_xml_init(&w.x, out);
    pa_date_format(pa_date_today(), w.today);
    sqlite3_stmt *stmt = NULL;
    int rc = pa_scope_read(db, PA_SCOPE_ACCOUNTS, err);
    if (rc == 0 && pairing)
        rc = check_pairing(db, pairing, err);
    if (rc == 0)
        rc = cursor_open(db, sql_updated, &w.updated, err);
    if (rc == 0)
        rc = cursor_open(db, sql_partners, &w.partners, err);
    if (rc == 0)
        rc = cursor_open(db, sql_moves, &w.moves, err);
    if (rc == 0 && (rc = pa_db_prepare(db, sql_activities, &stmt, err)) == 0) {
        pa_db_bind_text(stmt, 1, pairing);
        rc = walk_activities(&w, stmt, err);
        sqlite3_reset(stmt);
    }
    struct cursor *cursors[] = {&w.updated, &w.partners, &w.moves};
    for (size_t i = 0; i < PA_ARRAY_LEN(cursors); i++)
        if (cursors[i]->stmt)
            sqlite3_reset(cursors[i]->stmt);
    if (rc == 0 && w.activities == 0)
        return pa_error_setf(err, PA_ENOTFOUND, pairing ? "pairing" : "",
                             "no published project to export");
    if (rc == 0) {
        pa_xml_end(&w.x);
        PA_ASSERT(w.x.depth == 0);
        if (fflush(out) != 0 || ferror(out))
            rc = pa_error_set(err, PA_EIO, "cannot write the export");
    }
    return rc;
}
