/*
 * rows.c - a report's rows from the library's own queries (the same ones
 * behind the JSON answers, so a report shows what its page shows), and the
 * typed cell of each column.
 */
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

/* ---- loading ------------------------------------------------------------------------------ */

struct budget_load {
    json_t *rows;
    const struct pa_strmap *only;
    bool failed;
};

static int budget_row(const struct pa_budget_row *row, void *ctx)
{
    struct budget_load *b = ctx;
    if (b->only && !pa_strmap_get(b->only, row->key, NULL))
        return 0;
    json_t *o = json_pack(
        "{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "key", row->key, "name",
        row->name ? row->name : "", "projects", (json_int_t)row->projects, "budget",
        (json_int_t)row->budget_fen, "allocated", (json_int_t)row->allocated_fen, "committed",
        (json_int_t)row->committed_fen, "paid", (json_int_t)row->paid_fen, "expired",
        (json_int_t)row->expired_fen, "investment", (json_int_t)row->investment_fen);
    if (o && row->rate_permille >= 0)
        json_object_set_new(o, "rate", json_integer(row->rate_permille));
    b->failed = o == NULL || json_array_append_new(b->rows, o) != 0;
    return b->failed;
}

static int balance_row(const struct pa_balance *b, void *ctx)
{
    json_t *o =
        json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "account", b->account, "kind", b->kind,
                  "debits_posted", (json_int_t)b->debits_posted, "credits_posted",
                  (json_int_t)b->credits_posted, "debits_pending", (json_int_t)b->debits_pending,
                  "credits_pending", (json_int_t)b->credits_pending, "balance",
                  (json_int_t)(b->credits_posted - b->debits_posted));
    return o == NULL || json_array_append_new(ctx, o) != 0;
}

/* Each balance gets its account's name, for the people reading the XLSX. */
static int name_accounts(struct pa_db *db, json_t *rows, struct pa_error *err)
{
    json_t *accounts = NULL;
    struct pa_strmap *at = NULL;
    int rc = pa_account_list(db, NULL, NULL, &accounts, err);
    if (rc == 0 && pa_strmap_new(&at) != 0)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    size_t i;
    json_t *a;
    json_array_foreach(rc == 0 ? accounts : NULL, i, a)
    {
        const char *code = json_string_value(json_object_get(a, "code"));
        if (code && pa_strmap_put(at, code, (long)i, NULL) < 0)
            rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    json_array_foreach(rc == 0 ? rows : NULL, i, a)
    {
        long k;
        if (pa_strmap_get(at, json_string_value(json_object_get(a, "account")), &k))
            json_object_set(a, "name",
                            json_object_get(json_array_get(accounts, (size_t)k), "name"));
    }
    pa_strmap_free(at);
    json_decref(accounts);
    return rc;
}

int pa_report__load(struct pa_db *db, const struct pa_report_query *q, json_t **rows,
                    struct pa_error *err)
{
    *rows = NULL;
    int rc;
    if (q->kind == PA_REPORT_FINDINGS)
        return pa_audit_findings(db, &q->findings, rows, err);
    if (q->kind == PA_REPORT_SCORES)
        return pa_assess_scores(db, q->year, q->pairing, rows, err);
    if (q->kind == PA_REPORT_RANKING)
        return pa_assess_ranking(db, q->year, rows, err);
    if ((*rows = json_array()) == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    if (q->kind == PA_REPORT_BUDGET) {
        struct budget_load b = {*rows, q->only, false};
        rc = pa_ledger_budget(db, q->group, budget_row, &b, err);
        if (rc == 0 && b.failed)
            rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    } else {
        PA_ASSERT(q->kind == PA_REPORT_BALANCES);
        rc = pa_ledger_balances(db, q->account, &q->as_of, balance_row, *rows, err);
        if (rc == 0)
            rc = name_accounts(db, *rows, err);
    }
    if (rc != 0) {
        json_decref(*rows);
        *rows = NULL;
    }
    return rc;
}

int pa_report__account_name(struct pa_db *db, const char *code, char *name, size_t size,
                            struct pa_error *err)
{
    json_t *accounts = NULL, *a;
    size_t i;
    int rc = pa_account_list(db, NULL, NULL, &accounts, err);
    bool found = false;
    json_array_foreach(rc == 0 ? accounts : NULL, i, a)
    {
        if (strcmp(json_string_value(json_object_get(a, "code")), code) != 0)
            continue;
        const char *s = json_string_value(json_object_get(a, "name"));
        snprintf(name, size, "%s", s ? s : "");
        found = true;
    }
    json_decref(accounts);
    if (rc == 0 && !found)
        rc = pa_error_setf(err, PA_ENOTFOUND, "account", "unknown account '%s'", code);
    return rc;
}

/* ---- cells ----------------------------------------------------------------------------------- */

/* "-43.42", "5.00", "12": hundredths (fen, or hundredths of a point), signed;
 * false for anything else. */
static bool parse_hundredths(const char *s, int64_t *out)
{
    bool negative = *s == '-';
    s += negative;
    int64_t v = 0;
    int digits = 0, decimals = -1;
    for (; *s; s++) {
        if (*s == '.' && decimals < 0) {
            decimals = 0;
            continue;
        }
        if (*s < '0' || *s > '9' || decimals >= 2 || v > INT64_MAX / 100)
            return false;
        v = v * 10 + (*s - '0');
        digits++;
        decimals += decimals >= 0;
    }
    for (int k = decimals < 0 ? 0 : decimals; k < 2; k++)
        v *= 10;
    *out = negative ? -v : v;
    return digits > 0;
}

/* The label of an enum column's code: its set by report and field. */
static const char *enum_label(const struct pa_report_query *q, const char *field, json_t *row,
                              const char *code, enum pa_lang lang)
{
    static const char *const sets[][3] = {
        {"budget", "key", NULL},
        {"balances", "kind", "account_kind"},
        {"statement", "kind", "transfer_kind"},
        {"findings", "rule", "rule"},
        {"findings", "severity", "severity"},
        {"findings", "status", "finding_status"},
        {"scores", "area", "area"},
        {"scores", "metric", "metric"},
    };
    if (q->kind == PA_REPORT_RANKING) { /* the tier's name is the scheme's */
        const char *name = json_string_value(json_object_get(row, "tier_name"));
        return name && lang == PA_LANG_ZH ? name : code;
    }
    if (q->kind == PA_REPORT_BUDGET)
        return pa_report__label(q->group == PA_BUDGET_KIND ? "project_kind" : "project_domain",
                                code, lang);
    for (size_t i = 0; i < PA_ARRAY_LEN(sets); i++)
        if (strcmp(sets[i][0], pa_report_slug(q->kind)) == 0 && strcmp(sets[i][1], field) == 0)
            return pa_report__label(sets[i][2], code, lang);
    return code;
}

/* A string member, or an integer one written to buf; NULL when absent, null or "". */
static const char *text_of(json_t *v, char *buf, size_t size)
{
    if (json_is_integer(v)) {
        snprintf(buf, size, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    const char *s = json_string_value(v);
    return s && s[0] ? s : NULL;
}

struct pa_cell pa_report__cell(const struct pa_report_query *q, enum pa_lang lang,
                               const char *field, enum pa_cell_type type, json_t *row, char *buf,
                               size_t size)
{
    json_t *v = json_object_get(row, field);
    const char *s = text_of(v, buf, size);
    int64_t n = 0;
    int32_t days;
    switch (type) {
    case PA_CELL_CODE:
        return pa_cell_code(s);
    case PA_CELL_TEXT:
        return pa_cell_text(s);
    case PA_CELL_ENUM:
        return pa_cell_enum(s, s ? enum_label(q, field, row, s, lang) : NULL);
    case PA_CELL_MONEY:
        if (json_is_integer(v))
            return pa_cell_money(json_integer_value(v));
        return s && parse_hundredths(s, &n) ? pa_cell_money(n) : (struct pa_cell){0};
    case PA_CELL_DECIMAL:
        return s && parse_hundredths(s, &n) ? pa_cell_decimal(n) : (struct pa_cell){0};
    case PA_CELL_DATE:
        return s && pa_date_parse(s, &days, NULL) == 0 ? pa_cell_date(days) : (struct pa_cell){0};
    case PA_CELL_COUNT:
        return json_is_integer(v) ? pa_cell_count(json_integer_value(v)) : (struct pa_cell){0};
    case PA_CELL_RATE:
        return pa_cell_rate(json_is_integer(v) ? (int)json_integer_value(v) : -1);
    case PA_CELL_EMPTY:
        break;
    }
    return (struct pa_cell){0};
}
