/*
 * portal.c - what the public portal shows: GET /api/v1/summary, /moments,
 * /budget, /flows, /pairings, /regions and /enums.  /budget is also the
 * 预算执行情况表 as a CSV or XLSX file (report.c).
 *
 * The library computes each from what the reader may read (registry.h, "who
 * may read what"): the public's figures add up the published projects.  The
 * Chinese names of codes come from the kinds' own column
 * definitions, so a code is named the same here as in CSV and reports.
 */
#include <string.h>

#include "http_int.h"

/* The values of a kind's enum column; asserted, since the names are ours. */
static const struct pa_enum_value *enum_values(const char *kind_name, const char *column)
{
    const struct pa_kind *kind = pa_kind_find(kind_name);
    PA_ASSERT(kind != NULL);
    int col = pa_kind_column(kind, column);
    PA_ASSERT(col >= 0 && kind->columns[col].type == PA_COL_ENUM);
    return kind->columns[col].values;
}

/* The Chinese name of a project's code (kind, status, domain), or the code. */
static const char *project_zh(const char *column, const char *code)
{
    for (const struct pa_enum_value *e = enum_values("projects", column); e->name; e++)
        if (strcmp(e->name, code) == 0)
            return e->zh;
    return code;
}

static void answer(struct pa_http_request *r, int rc, const struct pa_error *err, json_t *body)
{
    if (rc != 0) {
        json_decref(body);
        pa_http_fail(r, err);
    } else if (body == NULL) {
        pa_http_error(r, 503, "busy", NULL, "out of memory");
    } else {
        pa_http_json(r, 200, body);
    }
}

/* ---- summary ------------------------------------------------------------------------ */

static json_t *summary_rows(const char *column, const struct pa_summary_row *rows, int n)
{
    json_t *list = json_array();
    for (int i = 0; list && i < n; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:o}", "key", rows[i].key, "name",
                                              project_zh(column, rows[i].key), "count",
                                              (json_int_t)rows[i].count, "budget",
                                              pa_http_money(rows[i].budget_fen)));
    return list;
}

static json_t *summary_json(const struct pa_summary *s, const struct pa_funds_summary *f)
{
    json_t *counts = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "pairings", (json_int_t)s->pairings,
        "county_pairings", (json_int_t)s->county_pairings, "orgs", (json_int_t)s->orgs, "projects",
        (json_int_t)s->projects, "milestones", (json_int_t)s->milestones, "exchanges",
        (json_int_t)s->exchanges, "people", (json_int_t)s->people, "pending_transfers",
        (json_int_t)f->pending_transfers, "expired_pending", (json_int_t)f->expired_pending);
    /* pending is all that open requests reserve; pending_live what can still be
     * approved, expired what can only be voided (counted on today, the one clock) */
    json_t *funds = json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "arranged", pa_http_money(f->arranged_fen),
        "pooled", pa_http_money(f->pooled_fen), "allocated", pa_http_money(f->allocated_fen),
        "paid", pa_http_money(f->paid_fen), "pending", pa_http_money(f->pending_fen),
        "pending_live", pa_http_money(f->pending_fen - f->expired_pending_fen), "expired",
        pa_http_money(f->expired_pending_fen));
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "counts", counts, "budget",
                     pa_http_money(s->budget_fen), "investment", pa_http_money(s->investment_fen),
                     "funds", funds, "by_kind",
                     summary_rows("kind", s->by_kind, s->nkind), "by_status",
                     summary_rows("status", s->by_status, s->nstatus), "by_domain",
                     summary_rows("domain", s->by_domain, s->ndomain));
}

void pa_h_summary(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_summary s;
    struct pa_funds_summary funds;
    struct pa_error err;
    pa_error_clear(&err);
    int rc = pa_summary_load(db, &s, &err);
    if (rc == 0)
        rc = pa_funds_summary_load(db, &funds, &err);
    answer(r, rc, &err, rc == 0 ? summary_json(&s, &funds) : NULL);
}

/* ---- key moments, pairings, regions ----------------------------------------------------- */

void pa_h_moments(struct pa_http_request *r)
{
    int64_t limit, offset;
    struct pa_db *db;
    if (pa_http_page(r, &limit, &offset) != 0 || (db = pa_http_reader(r)) == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *moments = NULL;
    int64_t total = 0;
    int rc = pa_moment_list(db, limit, offset, &moments, &total, &err);
    answer(r, rc, &err,
           rc == 0 ? json_pack("{s:o, s:I}", "moments", moments, "total", (json_int_t)total)
                   : NULL);
}

void pa_h_pairings(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    /* ?may=create_project: only the pairings the user may file a project in */
    const char *may = pa_http_query(r, "may");
    if (may && strcmp(may, "create_project") != 0) {
        pa_http_error(r, 400, "malformed", "may", "may is create_project or left out");
        return;
    }
    json_t *pairings = NULL;
    int rc = may ? pa_pairing_list_may_create(db, &pairings, &err)
                 : pa_pairing_list(db, &pairings, &err);
    answer(r, rc, &err, rc == 0 ? json_pack("{s:o}", "pairings", pairings) : NULL);
}

/* ?may=create_project&pairing=CODE: where the user may file a project of CODE. */
static void regions_may_create(struct pa_http_request *r)
{
    const char *pairing = pa_http_query(r, "pairing");
    if (strcmp(pa_http_query(r, "may"), "create_project") != 0 || pairing == NULL ||
        pa_http_query(r, "parent") != NULL) {
        pa_http_error(r, 400, "malformed", "may",
                      "may is create_project, with pairing and without parent");
        return;
    }
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *regions = NULL;
    int rc = pa_region_list_may_create(db, pairing, &regions, &err);
    answer(r, rc, &err, rc == 0 ? json_pack("{s:o}", "regions", regions) : NULL);
}

void pa_h_regions(struct pa_http_request *r)
{
    if (pa_http_query(r, "may") || pa_http_query(r, "pairing")) {
        regions_may_create(r);
        return;
    }
    /* "?parent=" is the same as no parent, as with the project filters */
    const char *parent = pa_http_query(r, "parent");
    if (parent && parent[0] == '\0')
        parent = NULL;
    struct pa_error err;
    pa_error_clear(&err);
    if (parent && pa_region_code_check(parent, &err) != 0) {
        pa_http_error(r, 400, "malformed", "parent", "%s", pa_error_text(&err, r->lang));
        return;
    }
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    json_t *regions = NULL;
    int rc = pa_region_children(db, parent, &regions, &err);
    answer(r, rc, &err, rc == 0 ? json_pack("{s:o}", "regions", regions) : NULL);
}

/* ---- budget execution -------------------------------------------------------------------- */

struct budget_rows {
    json_t *rows;
    enum pa_budget_group group;
    struct pa_strmap *only; /* NULL, or the projects the reader may see */
    bool failed;            /* out of memory: the table would be short */
};

static int budget_row(const struct pa_budget_row *row, void *ctx)
{
    struct budget_rows *b = ctx;
    if (b->only && !pa_strmap_get(b->only, row->key, NULL))
        return 0;
    const char *name = row->name;
    if (b->group == PA_BUDGET_KIND)
        name = project_zh("kind", row->key);
    else if (b->group == PA_BUDGET_DOMAIN)
        name = project_zh("domain", row->key);
    json_t *o = json_pack(
        "{s:s, s:s?, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "key", row->key, "name", name,
        "projects", (json_int_t)row->projects, "budget", pa_http_money(row->budget_fen),
        "allocated", pa_http_money(row->allocated_fen), "committed",
        pa_http_money(row->committed_fen), "expired", pa_http_money(row->expired_fen), "paid",
        pa_http_money(row->paid_fen), "rate", pa_http_rate(row->rate_permille), "investment",
        pa_http_money(row->investment_fen));
    b->failed = o == NULL || json_array_append_new(b->rows, o) != 0;
    return b->failed;
}

void pa_h_budget(struct pa_http_request *r)
{
    const char *group = pa_http_query(r, "group");
    struct budget_rows b = {json_array(), PA_BUDGET_COUNTY, NULL, false};
    struct pa_error err;
    pa_error_clear(&err);
    if (group && pa_budget_group_parse(group, &b.group, &err) != 0) {
        json_decref(b.rows);
        pa_http_error(r, 400, "malformed", "group",
                      "group must be one of county, kind, domain, donor, pairing, project");
        return;
    }
    const char *scope = pa_http_query(r, "scope");
    if (scope && (strcmp(scope, "mine") != 0 || b.group != PA_BUDGET_PROJECT || !r->signed_in)) {
        json_decref(b.rows);
        pa_http_error(r, 400, "malformed", "scope",
                      "scope=mine goes with group=project, signed in");
        return;
    }
    bool file;
    struct pa_sheet_options opts;
    struct pa_db *db;
    if (pa_http_report_format(r, &file, &opts) != 0 || (db = pa_http_reader(r)) == NULL) {
        json_decref(b.rows);
        return;
    }
    int rc = b.rows ? 0 : pa_error_set(&err, PA_ENOMEM, "out of memory");
    /* the library shows what the reader reads; scope=mine keeps the reader's
     * own projects (their dashboard sums them) */
    if (rc == 0 && scope)
        rc = pa_project_scope_set(db, &b.only, &err);
    if (rc == 0 && file) { /* 预算执行情况表 as a file: the same rows */
        struct pa_report_query q = {.kind = PA_REPORT_BUDGET, .group = b.group, .only = b.only};
        pa_http_report(r, db, &q, &opts);
        pa_strmap_free(b.only);
        json_decref(b.rows);
        return;
    }
    if (rc == 0)
        rc = pa_ledger_budget(db, b.group, budget_row, &b, &err);
    if (rc == 0 && b.failed)
        rc = pa_error_set(&err, PA_ENOMEM, "out of memory");
    pa_strmap_free(b.only);
    answer(r, rc, &err, rc == 0 ? json_pack("{s:o}", "rows", b.rows) : b.rows);
}

/* ---- fund flows and codes ------------------------------------------------------------------ */

void pa_h_flows(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *flows = NULL;
    int rc = pa_fund_flows(db, &flows, &err);
    answer(r, rc, &err, flows);
}

static json_t *enum_json(const char *kind, const char *column)
{
    json_t *list = json_array();
    for (const struct pa_enum_value *e = enum_values(kind, column); list && e->name; e++)
        json_array_append_new(list, json_pack("{s:s, s:s}", "name", e->name, "zh", e->zh));
    return list;
}

/* The audit's rules in their order (domain/rules.md), for filters and labels. */
static json_t *rules_json(void)
{
    json_t *list = json_array();
    for (int i = 0; list && i < PA_RULES; i++)
        json_array_append_new(list, json_pack("{s:s, s:s}", "name", pa_rules[i].id, "zh",
                                              pa_rules[i].zh));
    return list;
}

/* The Chinese labels of record fields and of the codes messages name, so that
 * a page can name the field an error is about as the message does. */
static json_t *fields_json(void)
{
    json_t *list = json_array();
    const char *name;
    for (size_t i = 0; list && (name = pa_field_name(i)) != NULL; i++)
        json_array_append_new(list, json_pack("{s:s, s:s}", "name", name, "zh",
                                              pa_field_label(name, PA_LANG_ZH)));
    return list;
}

void pa_h_enums(struct pa_http_request *r)
{
    answer(r, 0, NULL,
           json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "fields", fields_json(), "project_kinds",
                     enum_json("projects", "kind"), "statuses", enum_json("projects", "status"),
                     "domains", enum_json("projects", "domain"), "milestone_kinds",
                     enum_json("milestones", "kind"), "account_kinds",
                     enum_json("accounts", "kind"), "audit_rules", rules_json()));
}
