/*
 * facts.c - what the joint audit (docs/audit.md) reads besides projects and
 * money: a project's contracts (合同), its public notices (公示), its outcome
 * indicators (绩效指标) and a co-built park's revenue-share agreements (利益共享).
 *
 * Each is a record kind like the registry's others: imported from CSV or JSON,
 * exported, recorded as events.  They are the recipient county's records, so
 * its officers (and admins) enter them.  Two facts are known only later: an
 * indicator's actual value and a park's settled share; they may be filled in
 * or corrected afterwards, each time as an update event carrying the record.
 */
#include <string.h>

#include "pairaid/registry.h"

#define REQ PA_COL_REQUIRED
#define KEY (PA_COL_KEY | PA_COL_REQUIRED)

static const struct pa_enum_value sources[] = {
    {"article", "原文"}, {"synthetic", "虚构"}, {NULL, NULL}};

/* The three procurement categories of the tendering law, whose thresholds differ. */
static const struct pa_enum_value contract_categories[] = {
    {"works", "工程"}, {"goods", "货物"}, {"services", "服务"}, {NULL, NULL}};

/* 政府采购法 第二十六条's methods, and a direct award below the thresholds. */
static const struct pa_enum_value procurements[] = {
    {"public_tender", "公开招标"},
    {"invited_tender", "邀请招标"},
    {"competitive_negotiation", "竞争性谈判"},
    {"competitive_consultation", "竞争性磋商"},
    {"inquiry", "询价"},
    {"single_source", "单一来源"},
    {"direct", "直接委托"},
    {NULL, NULL},
};

/* Every fact belongs to a project, which must exist; its county's officers
 * record it. */
static int check_project(struct pa_db *db, const char *project, struct pa_error *err)
{
    char region[8];
    return pa_registry__project_region(db, project, region, err);
}

static int authorize_fact(struct pa_db *db, const char *project, struct pa_error *err)
{
    if (pa_scope_unrestricted(db))
        return 0;
    char region[8];
    int rc = pa_registry__project_region(db, project, region, err);
    return rc != 0 ? rc
                   : pa_scope_require(db, PA_ROLE_RECIPIENT, region,
                                      "record the audit facts of this project", err);
}

/* The first column of each kind below is its project. */
static int authorize_by_project(struct pa_db *db, const struct pa_record *rec,
                                struct pa_error *err)
{
    int project = pa_kind_column(rec->kind, "project");
    PA_ASSERT(project >= 0);
    return authorize_fact(db, rec->v[project].s, err);
}

#define VISIBLE_BY_PROJECT                                                                         \
    "project IN (SELECT code FROM projects WHERE pa_sees_project(pairing, public))"

/* ---- contracts ------------------------------------------------------------ */

enum { C_CODE, C_PROJECT, C_SUPPLIER, C_CATEGORY, C_AMOUNT, C_SIGNED, C_PROCUREMENT };

static const struct pa_column contract_columns[] = {
    {"code", PA_COL_CODE, KEY, NULL},
    {"project", PA_COL_CODE, REQ, NULL},
    {"supplier", PA_COL_CODE, REQ, NULL}, /* an organisation */
    {"category", PA_COL_ENUM, REQ, contract_categories},
    {"amount", PA_COL_MONEY, REQ, NULL},
    {"signed", PA_COL_DATE, REQ, NULL},
    {"procurement", PA_COL_ENUM, REQ, procurements},
    {"source", PA_COL_ENUM, 0, sources},
};

static int check_contract(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    if (rec->v[C_AMOUNT].i <= 0)
        return pa_error_setf(err, PA_EINVAL, "amount", "a contract's amount must be above zero");
    int rc = check_project(db, rec->v[C_PROJECT].s, err);
    if (rc != 0)
        return rc;
    static const char sql[] = "SELECT kind FROM orgs WHERE code = ?1";
    sqlite3_stmt *stmt;
    if ((rc = pa_db_prepare(db, sql, &stmt, err)) != 0)
        return rc;
    pa_db_bind_text(stmt, 1, rec->v[C_SUPPLIER].s);
    int step = sqlite3_step(stmt);
    if (step == SQLITE_DONE)
        rc = pa_error_setf(err, PA_ENOTFOUND, "supplier", "unknown organisation '%s'",
                           rec->v[C_SUPPLIER].s);
    else if (step != SQLITE_ROW)
        rc = pa_db_fail(db, err, "looking up an organisation");
    else if (strcmp((const char *)sqlite3_column_text(stmt, 0), "individuals") == 0)
        rc = pa_error_setf(err, PA_EINVAL, "supplier",
                           "'%s' stands for individuals, who sign no contracts",
                           rec->v[C_SUPPLIER].s);
    sqlite3_reset(stmt);
    return rc;
}

static const struct pa_kind contract_kind = {
    .name = "contracts",
    .event_create = "contract.create",
    .columns = contract_columns,
    .ncolumns = PA_ARRAY_LEN(contract_columns),
    .table = "contracts",
    .order_by = "code",
    .visible = VISIBLE_BY_PROJECT,
    .check = check_contract,
    .authorize = authorize_by_project,
};

/* ---- public notices --------------------------------------------------------- */

enum { N_PROJECT, N_POSTED, N_UNTIL, N_PLACE };

static const struct pa_column notice_columns[] = {
    {"project", PA_COL_CODE, KEY, NULL},
    {"posted", PA_COL_DATE, KEY, NULL}, /* the first day on show */
    {"until", PA_COL_DATE, REQ, NULL},  /* the last day on show */
    {"place", PA_COL_NAME, KEY, NULL},  /* 村务公开栏, the county's website ... */
    {"source", PA_COL_ENUM, 0, sources},
};

static int check_notice(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    if (strcmp(rec->v[N_UNTIL].s, rec->v[N_POSTED].s) < 0)
        return pa_error_setf(err, PA_EINVAL, "until", "a notice is taken down (%s) before it "
                             "was posted (%s)", rec->v[N_UNTIL].s, rec->v[N_POSTED].s);
    return check_project(db, rec->v[N_PROJECT].s, err);
}

static const struct pa_kind notice_kind = {
    .name = "notices",
    .event_create = "notice.create",
    .columns = notice_columns,
    .ncolumns = PA_ARRAY_LEN(notice_columns),
    .table = "notices",
    .order_by = "project, posted, place",
    .visible = VISIBLE_BY_PROJECT,
    .check = check_notice,
    .authorize = authorize_by_project,
};

/* ---- outcome indicators ---------------------------------------------------- */

enum { I_PROJECT, I_NAME, I_UNIT, I_BASELINE, I_TARGET, I_ACTUAL };

static const struct pa_column indicator_columns[] = {
    {"project", PA_COL_CODE, KEY, NULL},
    {"name", PA_COL_NAME, KEY, NULL}, /* 带动就业人数 ... */
    {"unit", PA_COL_NAME, 0, NULL},   /* 人, 万元, % ... */
    {"baseline", PA_COL_QUANTITY, PA_COL_UPDATABLE, NULL},
    {"target", PA_COL_QUANTITY, REQ, NULL},
    {"actual", PA_COL_QUANTITY, PA_COL_UPDATABLE, NULL}, /* known once the project is done */
    {"source", PA_COL_ENUM, 0, sources},
};

static int check_indicator(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    return check_project(db, rec->v[I_PROJECT].s, err);
}

static const struct pa_kind indicator_kind = {
    .name = "indicators",
    .event_create = "indicator.create",
    .event_update = "indicator.update",
    .columns = indicator_columns,
    .ncolumns = PA_ARRAY_LEN(indicator_columns),
    .table = "indicators",
    .order_by = "project, name",
    .visible = VISIBLE_BY_PROJECT,
    .check = check_indicator,
    .authorize = authorize_by_project,
};

/* ---- revenue shares of co-built parks ----------------------------------------- */

enum { R_PROJECT, R_YEAR, R_AGREED, R_SETTLED };

static const struct pa_column revenue_share_columns[] = {
    {"project", PA_COL_CODE, KEY, NULL}, /* the park */
    {"year", PA_COL_COUNT, KEY, NULL},
    {"agreed", PA_COL_QUANTITY, REQ, NULL},                  /* percent */
    {"settled", PA_COL_QUANTITY, PA_COL_UPDATABLE, NULL},    /* percent, once settled */
    {"source", PA_COL_ENUM, 0, sources},
};

static int check_revenue_share(struct pa_db *db, const struct pa_record *rec,
                               struct pa_error *err)
{
    if (rec->v[R_YEAR].i < 1949 || rec->v[R_YEAR].i > 2999)
        return pa_error_setf(err, PA_EINVAL, "year", "year %lld is not a year of the programme",
                             (long long)rec->v[R_YEAR].i);
    for (int col = R_AGREED; col <= R_SETTLED; col++)
        if (!rec->v[col].null && rec->v[col].i > 10000)
            return pa_error_setf(err, PA_EINVAL, rec->kind->columns[col].name,
                                 "a share is a percentage, at most 100");
    static const char sql[] = "SELECT kind FROM projects WHERE code = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, rec->v[R_PROJECT].s);
    int step = sqlite3_step(stmt);
    if (step == SQLITE_DONE)
        rc = pa_error_setf(err, PA_ENOTFOUND, "project", "unknown project '%s'",
                           rec->v[R_PROJECT].s);
    else if (step != SQLITE_ROW)
        rc = pa_db_fail(db, err, "looking up a project");
    else if (strcmp((const char *)sqlite3_column_text(stmt, 0), "park") != 0)
        rc = pa_error_setf(err, PA_EINVAL, "project",
                           "'%s' is not a co-built park: only parks share revenue",
                           rec->v[R_PROJECT].s);
    sqlite3_reset(stmt);
    return rc;
}

static const struct pa_kind revenue_share_kind = {
    .name = "revenue_shares",
    .event_create = "revenue_share.create",
    .event_update = "revenue_share.update",
    .columns = revenue_share_columns,
    .ncolumns = PA_ARRAY_LEN(revenue_share_columns),
    .table = "revenue_shares",
    .order_by = "project, year",
    .visible = VISIBLE_BY_PROJECT,
    .check = check_revenue_share,
    .authorize = authorize_by_project,
};

/* ---- the module -------------------------------------------------------------- */

static const struct pa_event_type fact_events[] = {
    {"contract.create", pa_registry__apply_create},
    {"notice.create", pa_registry__apply_create},
    {"indicator.create", pa_registry__apply_create},
    {"indicator.update", pa_registry__apply_create},
    {"revenue_share.create", pa_registry__apply_create},
    {"revenue_share.update", pa_registry__apply_create},
    {NULL, NULL},
};

static const char *const fact_tables[] = {"revenue_shares", "indicators", "notices", "contracts",
                                          NULL};

static const struct pa_event_module facts_module = {
    .name = "facts", .types = fact_events, .tables = fact_tables, .log_of = pa_registry__log_of};

void pa_registry__facts_init(void)
{
    pa_kind_register(&contract_kind);
    pa_kind_register(&notice_kind);
    pa_kind_register(&indicator_kind);
    pa_kind_register(&revenue_share_kind);
    pa_tlog_register(&facts_module);
}
