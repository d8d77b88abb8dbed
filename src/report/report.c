/*
 * report.c - every report described once: its columns, its title block and
 * the library query that fills it, written by the sheet writer (sheet.h).
 *
 * A report whose 金额单位 follows its largest amount (budget, balances,
 * findings) is read whole before the first line is written, since the title
 * block comes first; an account statement is kept in 元 to the fen (a 明细账
 * is reconciled line by line) and streams, however long the account's
 * history.  Assessment points (and the share of funds spent, a percentage
 * with two decimals) are DECIMAL cells: the "12.34" of the CSV contract and a
 * #,##0.00 number in XLSX, never scaled to 万元.
 */
#include <stdlib.h>
#include <assert.h>
#include <string.h>

#include "pairaid/report.h"
#include "report_int.h"

#define COLUMNS_MAX 16

/* One column of a report; people_only columns go to XLSX alone, so that the
 * CSV keeps the contract's columns. */
struct column {
    const char *field;
    enum pa_cell_type type;
    bool people_only;
};

struct report {
    struct pa_db *db;
    const struct pa_report_query *q;
    const struct pa_sheet_options *opts;
    enum pa_lang lang;
    struct column cols[COLUMNS_MAX];
    int ncols;
    json_t *rows; /* budget, balances, findings, scores, ranking: read before writing */
    char title_name[256], org[256];
    struct pa_sheet_title title;
};

/* ---- names ------------------------------------------------------------------------------ */

static const char *const slugs[] = {"budget",   "balances", "statement",
                                    "findings", "scores",   "ranking"};
static const char *const names_zh[] = {"预算执行情况表",   "资金账户余额表", "账户明细账",
                                       "审计发现问题清单", "考核得分表",     "考核排名表"};
static const char *const names_en[] = {"Budget execution report", "Fund account balances",
                                       "Account statement",       "Audit findings",
                                       "Assessment scores",       "Assessment ranking"};

const char *pa_report_slug(enum pa_report_kind kind)
{
    PA_ASSERT((size_t)kind < PA_ARRAY_LEN(slugs));
    return slugs[kind];
}

/* 截止日期: a balance's date, the end of an assessed year (or today, while it
 * runs), else today. */
static int32_t as_of_days(const struct pa_report_query *q)
{
    int32_t today = pa_date_today(), days;
    if (q->kind == PA_REPORT_BALANCES && q->as_of.date &&
        pa_date_parse(q->as_of.date, &days, NULL) == 0)
        return days;
    if (q->kind == PA_REPORT_SCORES || q->kind == PA_REPORT_RANKING) {
        char end[PA_DATE_LEN + 8];
        snprintf(end, sizeof(end), "%04d-12-31", q->year);
        if (pa_date_parse(end, &days, NULL) == 0 && days < today)
            return days;
    }
    return today;
}

void pa_report_filename(const struct pa_report_query *q, enum pa_sheet_format format, bool ascii,
                        enum pa_lang lang, char *buf, size_t size)
{
    char date[PA_DATE_LEN + 1];
    pa_date_format(as_of_days(q), date);
    const char *name = ascii                ? slugs[q->kind]
                       : lang == PA_LANG_ZH ? names_zh[q->kind]
                                            : names_en[q->kind];
    snprintf(buf, size, "%s-%s.%s", name, date, pa_sheet_extension(format));
}

/* The report's name in the title block, with what it covers. */
static void title_name(struct report *rep, const char *account_name)
{
    const struct pa_report_query *q = rep->q;
    bool zh = rep->lang == PA_LANG_ZH;
    const char *base = zh ? names_zh[q->kind] : names_en[q->kind];
    char *out = rep->title_name;
    size_t size = sizeof(rep->title_name);
    if (q->kind == PA_REPORT_BUDGET) {
        snprintf(out, size, zh ? "%s（%s）" : "%s (%s)", base,
                 pa_report__group_label(q->group, rep->lang));
    } else if (q->kind == PA_REPORT_STATEMENT) {
        snprintf(out, size, zh ? "%s：%s %s" : "%s: %s %s", base, q->account, account_name);
    } else if (q->kind == PA_REPORT_SCORES || q->kind == PA_REPORT_RANKING) {
        char scope[PA_CODE_MAX + 8] = "";
        if (q->kind == PA_REPORT_SCORES && q->pairing)
            snprintf(scope, sizeof(scope), zh ? "（%s）" : " (%s)", q->pairing);
        if (zh)
            snprintf(out, size, "%d年度%s%s", q->year, base, scope);
        else
            snprintf(out, size, "%s %d%s", base, q->year, scope);
    } else {
        snprintf(out, size, "%s", base);
    }
}

/* ---- columns ------------------------------------------------------------------------------ */

/* one report per block reads better than one column per line */
/* clang-format off */
#define MONEY(f) {f, PA_CELL_MONEY, false}
#define QUANTITY(f) {f, PA_CELL_DECIMAL, false}
static const struct column budget_columns[] = {
    {"key", PA_CELL_CODE, false}, {"name", PA_CELL_TEXT, false}, {"projects", PA_CELL_COUNT, false},
    MONEY("budget"), MONEY("allocated"), MONEY("committed"), MONEY("paid"),
    {"rate", PA_CELL_RATE, false}, MONEY("expired"), MONEY("investment"), {NULL, 0, false}};
static const struct column balance_columns[] = {
    {"account", PA_CELL_CODE, false}, {"name", PA_CELL_TEXT, true}, {"kind", PA_CELL_ENUM, true},
    MONEY("debits_posted"), MONEY("credits_posted"), MONEY("debits_pending"),
    MONEY("credits_pending"), MONEY("balance"), {NULL, 0, false}};
static const struct column statement_columns[] = {
    {"date", PA_CELL_DATE, false}, {"id", PA_CELL_CODE, false}, {"kind", PA_CELL_ENUM, false},
    {"counterparty", PA_CELL_CODE, false}, {"project", PA_CELL_CODE, false}, MONEY("debit"),
    MONEY("credit"), MONEY("pending"), MONEY("balance"), {"memo", PA_CELL_TEXT, false},
    {"comment", PA_CELL_TEXT, false}, {NULL, 0, false}};
static const struct column finding_columns[] = {
    {"id", PA_CELL_CODE, false}, {"rule", PA_CELL_ENUM, false}, {"severity", PA_CELL_ENUM, false},
    {"subject", PA_CELL_CODE, false}, MONEY("amount"), {"evidence", PA_CELL_TEXT, false},
    {"message", PA_CELL_TEXT, false}, {"status", PA_CELL_ENUM, false},
    {"opened", PA_CELL_DATE, false}, {"updated", PA_CELL_DATE, false}, {NULL, 0, false}};
static const struct column score_columns[] = {
    {"pairing", PA_CELL_CODE, false}, {"area", PA_CELL_ENUM, false},
    {"indicator", PA_CELL_CODE, false}, {"name", PA_CELL_TEXT, true}, QUANTITY("weight"),
    {"metric", PA_CELL_ENUM, false}, QUANTITY("actual"), QUANTITY("target"), QUANTITY("score"),
    {"inputs", PA_CELL_TEXT, false}, {NULL, 0, false}};
static const struct column ranking_columns[] = {
    {"pairing", PA_CELL_CODE, false}, {"name", PA_CELL_TEXT, false}, QUANTITY("base"),
    QUANTITY("bonus"), QUANTITY("penalty"), QUANTITY("total"), {"tier", PA_CELL_ENUM, false},
    {"rank", PA_CELL_COUNT, false}, QUANTITY("spent_share"), {NULL, 0, false}};
#undef MONEY
#undef QUANTITY
/* clang-format on */

/* The columns of the report, in order (the CSV contract's, with the XLSX-only ones). */
static void describe(struct report *rep)
{
    static const struct column *const by_kind[] = {budget_columns,    balance_columns,
                                                   statement_columns, finding_columns,
                                                   score_columns,     ranking_columns};
    static_assert(PA_ARRAY_LEN(by_kind) == PA_REPORT_RANKING + 1, "one column list per report");
    PA_ASSERT((size_t)rep->q->kind < PA_ARRAY_LEN(by_kind));
    for (const struct column *c = by_kind[rep->q->kind]; c->field; c++) {
        PA_ASSERT(rep->ncols < COLUMNS_MAX);
        rep->cols[rep->ncols++] = *c;
    }
    /* a kind or a domain is an enum, named in the headings' language */
    enum pa_budget_group g = rep->q->group;
    if (rep->q->kind == PA_REPORT_BUDGET && (g == PA_BUDGET_KIND || g == PA_BUDGET_DOMAIN))
        rep->cols[0].type = PA_CELL_ENUM;
}

/* A heading of this report that is not the field's own label (sheet.h). */
static const char *heading_zh(const struct report *rep, const char *field)
{
    static const char *const budget_keys[] = {"项目代码", "结对关系代码", "行政区划代码",
                                              "项目类型", "投向领域",     "帮扶方行政区划代码"};
    if (rep->q->kind != PA_REPORT_BUDGET)
        return NULL;
    if (strcmp(field, "key") == 0 && (size_t)rep->q->group < PA_ARRAY_LEN(budget_keys))
        return budget_keys[rep->q->group];
    return strcmp(field, "budget") == 0 ? "预算数" : NULL; /* as finance reports head it */
}

static bool shown(const struct report *rep, int i)
{
    return !rep->cols[i].people_only || rep->opts->format == PA_SHEET_XLSX;
}

/* ---- rows ----------------------------------------------------------------------------------- */

/* Writes one row given every column's cell, leaving out the columns not shown. */
static int put_row(struct pa_sheet *sheet, const struct report *rep, const struct pa_cell *all,
                   struct pa_error *err)
{
    struct pa_cell cells[COLUMNS_MAX];
    int n = 0;
    for (int i = 0; i < rep->ncols; i++)
        if (shown(rep, i))
            cells[n++] = all[i];
    return pa_sheet_row(sheet, cells, err);
}

static int fill_json(struct pa_sheet *sheet, void *ctx, struct pa_error *err)
{
    struct report *rep = ctx;
    size_t i;
    json_t *row;
    json_array_foreach(rep->rows, i, row)
    {
        struct pa_cell cells[COLUMNS_MAX];
        char bufs[COLUMNS_MAX][32];
        for (int k = 0; k < rep->ncols; k++)
            cells[k] = pa_report__cell(rep->q, rep->lang, rep->cols[k].field, rep->cols[k].type,
                                       row, bufs[k], sizeof(bufs[k]));
        /* a kind or domain has no name of its own: in XLSX its label names it */
        if (rep->q->kind == PA_REPORT_BUDGET && rep->cols[0].type == PA_CELL_ENUM &&
            rep->opts->format == PA_SHEET_XLSX && cells[1].type == PA_CELL_EMPTY)
            cells[1] = pa_cell_text(cells[0].label);
        int rc = put_row(sheet, rep, cells, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

struct statement_fill {
    struct report *rep;
    struct pa_sheet *sheet;
    struct pa_error *err;
    int rc;
};

static int statement_line(const struct pa_statement_line *l, void *ctx)
{
    struct statement_fill *s = ctx;
    int32_t days = 0;
    pa_date_parse(l->date, &days, NULL);
    struct pa_cell cells[] = {
        pa_cell_date(days),
        pa_cell_code(l->id),
        pa_cell_enum(l->kind, pa_report__label("transfer_kind", l->kind, s->rep->lang)),
        pa_cell_code(l->counterparty),
        pa_cell_code(l->project),
        pa_cell_money(l->debit_fen),
        pa_cell_money(l->credit_fen),
        pa_cell_money(l->pending_fen),
        pa_cell_money(l->balance_fen),
        pa_cell_text(l->memo),
        pa_cell_text(l->comment),
    };
    static_assert(PA_ARRAY_LEN(cells) == 11, "one cell per statement column");
    s->rc = put_row(s->sheet, s->rep, cells, s->err);
    return s->rc != 0;
}

static int fill_statement(struct pa_sheet *sheet, void *ctx, struct pa_error *err)
{
    struct statement_fill s = {ctx, sheet, err, 0};
    int rc = pa_ledger_statement(s.rep->db, s.rep->q->account, statement_line, &s, err);
    return s.rc != 0 ? s.rc : rc;
}

/* 金额单位: 万元 once any amount reaches 1万 (pa_cli_unit's rule), else 元;
 * a statement stays in 元, and the assessment has no money (see the top). */
static enum pa_money_unit unit_of(const struct report *rep)
{
    enum pa_report_kind kind = rep->q->kind;
    if (kind == PA_REPORT_STATEMENT || kind == PA_REPORT_SCORES || kind == PA_REPORT_RANKING)
        return PA_YUAN;
    int64_t largest = 0;
    size_t i;
    json_t *row;
    json_array_foreach(rep->rows, i, row)
    {
        for (int k = 0; k < rep->ncols; k++) {
            if (rep->cols[k].type != PA_CELL_MONEY)
                continue;
            char buf[32];
            struct pa_cell c = pa_report__cell(rep->q, rep->lang, rep->cols[k].field, PA_CELL_MONEY,
                                               row, buf, sizeof(buf));
            int64_t v = c.number < 0 ? -c.number : c.number;
            largest = v > largest ? v : largest;
        }
    }
    return pa_money_unit_for(largest) == PA_YUAN ? PA_YUAN : PA_WAN;
}

/* ---- writing ----------------------------------------------------------------------------------
 */

static int write_sheet(struct report *rep, const char *path, FILE *out, pa_sheet_fill_fn fill,
                       struct pa_error *err)
{
    struct pa_sheet_column cols[COLUMNS_MAX];
    int n = 0;
    for (int i = 0; i < rep->ncols; i++)
        if (shown(rep, i))
            cols[n++] = (struct pa_sheet_column){rep->cols[i].field, rep->cols[i].type,
                                                 heading_zh(rep, rep->cols[i].field)};
    if (path)
        return pa_sheet_write_atomic(path, rep->opts, &rep->title, cols, n, fill, rep, err);
    if (rep->opts->format != PA_SHEET_CSV)
        return pa_error_set(err, PA_EINVAL, "an XLSX file must be written to a file (-o FILE)");
    struct pa_sheet *sheet;
    int rc = pa_sheet_open_stream(out, rep->opts, &rep->title, cols, n, &sheet, err);
    if (rc != 0)
        return rc;
    rc = fill(sheet, rep, err);
    if (rc != 0) {
        pa_sheet_abandon(sheet);
        return rc;
    }
    return pa_sheet_close(sheet, err);
}

int pa_report_write(struct pa_db *db, const struct pa_report_query *q,
                    const struct pa_sheet_options *opts, const char *path, FILE *out,
                    struct pa_error *err)
{
    PA_ASSERT(db != NULL && q != NULL && opts != NULL);
    PA_ASSERT(path != NULL || out != NULL);
    struct report rep = {.db = db, .q = q, .opts = opts, .lang = opts->headers};
    describe(&rep);
    char account_name[256] = "";
    int rc = q->kind == PA_REPORT_STATEMENT
                 ? pa_report__account_name(db, q->account, account_name, sizeof(account_name), err)
                 : pa_report__load(db, q, &rep.rows, err);
    if (rc != 0)
        return rc;
    title_name(&rep, account_name);
    pa_report__org(db, rep.lang, rep.org, sizeof(rep.org));
    rep.title = (struct pa_sheet_title){
        .name = rep.title_name,
        .org = rep.org,
        .as_of = as_of_days(q),
        .unit = unit_of(&rep),
    };
    if (q->kind == PA_REPORT_SCORES || q->kind == PA_REPORT_RANKING) { /* points, not money */
        rep.title.unit_caption = rep.lang == PA_LANG_ZH ? "计分单位" : "Unit";
        rep.title.unit_text = rep.lang == PA_LANG_ZH ? "分" : "points";
    }
    rc = write_sheet(&rep, path, out, q->kind == PA_REPORT_STATEMENT ? fill_statement : fill_json,
                     err);
    json_decref(rep.rows);
    return rc;
}
