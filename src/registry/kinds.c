/*
 * kinds.c - the registry's record kinds as data: their columns (the CSV contract
 * of DESIGN.md), their SQL, and the checks that need the stored state: that
 * references exist, that a project lies inside its pairing's recipient region,
 * that a county pairing sits inside its city pairing, that status only moves
 * forward.
 */
#include <string.h>

#include "pairaid/registry.h"

#define REQ PA_COL_REQUIRED
#define KEY (PA_COL_KEY | PA_COL_REQUIRED)

static const struct pa_enum_value sources[] = {
    {"article", "原文"}, {"synthetic", "虚构"}, {NULL, NULL}};

const struct pa_enum_value pa_project_domains[] = {
    {"industry", "产业"},  {"technology", "科技"}, {"education", "教育"},
    {"health", "卫健"},    {"employment", "人社"}, {"culture_tourism", "文旅康养"},
    {"transport", "交通"}, {"other", "其他"},      {NULL, NULL}};

const struct pa_enum_value pa_project_kinds[] = {
    {"livelihood", "小而美"}, {"park", "共建园区"}, {"chain", "产业链合作"},
    {"talent", "人才交流"},   {"other", "其他"},    {NULL, NULL}};

/* In the order a project moves through them. */
static const struct pa_enum_value statuses[] = {{"proposed", "申报"},    {"approved", "立项"},
                                                {"in_progress", "实施"}, {"completed", "竣工"},
                                                {"accepted", "验收"},    {NULL, NULL}};

/* `individuals` stands for the households or people a payment reaches, taken
 * together: pairaid keeps no personal names. */
static const struct pa_enum_value org_kinds[] = {
    {"government", "政府机关"},   {"enterprise", "企业"},
    {"school", "学校"},           {"hospital", "医院"},
    {"institute", "科研院所"},    {"park_company", "园区公司"},
    {"cooperative", "合作社"},    {"individuals", "个人（汇总）"},
    {"other", "其他"},            {NULL, NULL}};

static const struct pa_enum_value milestone_kinds[] = {
    {"signing", "签约"}, {"start", "开工"},      {"first_voyage", "首航"},
    {"in_use", "投用"},  {"completion", "竣工"}, {"acceptance", "验收"},
    {"visit", "考察"},   {"other", "其他"},      {NULL, NULL}};

static const struct pa_enum_value roles[] = {{"cadre", "挂职干部"}, {"teacher", "教师"},
                                             {"doctor", "医生"},    {"technician", "技术人员"},
                                             {"other", "其他"},     {NULL, NULL}};

/* ---- shared lookups ----------------------------------------------------- */

struct pairing_sides {
    char donor[8], recipient[8];
    bool has_parent;
};

static int load_pairing(struct pa_db *db, const char *code, const char *field,
                        struct pairing_sides *out, struct pa_error *err)
{
    static const char sql[] = "SELECT donor, recipient, parent FROM pairings WHERE code = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        snprintf(out->donor, sizeof(out->donor), "%s", sqlite3_column_text(stmt, 0));
        snprintf(out->recipient, sizeof(out->recipient), "%s", sqlite3_column_text(stmt, 1));
        out->has_parent = sqlite3_column_type(stmt, 2) != SQLITE_NULL;
    }
    sqlite3_reset(stmt);
    if (step == SQLITE_DONE)
        return pa_error_setf(err, PA_ENOTFOUND, field, "unknown pairing '%s'", code);
    return step == SQLITE_ROW ? 0 : pa_db_fail(db, err, "looking up a pairing");
}

static int require_within(struct pa_db *db, const char *code, const char *ancestor,
                          const char *field, const char *what, struct pa_error *err)
{
    bool within = false;
    int rc = pa_region_within(db, code, ancestor, &within, err);
    if (rc == 0 && !within)
        rc = pa_error_setf(err, PA_EINVAL, field, "region %s is not within %s %s", code, what,
                           ancestor);
    return rc;
}

/* ---- pairings ----------------------------------------------------------- */

enum { P_CODE, P_NAME, P_DONOR, P_RECIPIENT, P_START, P_END, P_PARENT, P_SOURCE };

static const struct pa_column pairing_columns[] = {
    {"code", PA_COL_CODE, KEY, NULL},       {"name", PA_COL_NAME, REQ, NULL},
    {"donor", PA_COL_REGION, REQ, NULL},    {"recipient", PA_COL_REGION, REQ, NULL},
    {"start_date", PA_COL_DATE, REQ, NULL}, {"end_date", PA_COL_DATE, 0, NULL},
    {"parent", PA_COL_CODE, 0, NULL},       {"source", PA_COL_ENUM, 0, sources},
};

static int check_pairing(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    const char *donor = rec->v[P_DONOR].s, *recipient = rec->v[P_RECIPIENT].s;
    bool a = false, b = false;
    int rc = pa_region_within(db, donor, recipient, &a, err);
    if (rc == 0)
        rc = pa_region_within(db, recipient, donor, &b, err);
    if (rc == 0 && (a || b))
        rc = pa_error_setf(err, PA_EINVAL, "recipient",
                           "donor %s and recipient %s must be different regions, neither "
                           "inside the other",
                           donor, recipient);
    if (rc != 0 || rec->v[P_PARENT].null)
        return rc;
    const char *parent = rec->v[P_PARENT].s;
    if (strcmp(parent, rec->v[P_CODE].s) == 0)
        return pa_error_setf(err, PA_EINVAL, "parent", "a pairing cannot be its own parent");
    struct pairing_sides sides;
    rc = load_pairing(db, parent, "parent", &sides, err);
    if (rc == PA_ENOTFOUND)
        return pa_error_setf(err, PA_ENOTFOUND, "parent",
                             "unknown parent pairing '%s' (it must be stored already or "
                             "come on an earlier line)",
                             parent);
    if (rc == 0 && sides.has_parent)
        rc = pa_error_setf(err, PA_EINVAL, "parent", "parent '%s' is itself a county-level pairing",
                           parent);
    if (rc == 0)
        rc = require_within(db, donor, sides.donor, "donor", "the parent's donor", err);
    if (rc == 0)
        rc = require_within(db, recipient, sides.recipient, "recipient", "the parent's recipient",
                            err);
    return rc;
}

static const struct pa_kind pairing_kind = {
    .name = "pairings",
    .event_create = "pairing.create",
    .columns = pairing_columns,
    .ncolumns = PA_ARRAY_LEN(pairing_columns),
    .table = "pairings",
    .order_by = "parent IS NOT NULL, code", /* parents first: the file re-imports in order */
    .check = check_pairing,
};

/* ---- organisations ------------------------------------------------------ */

enum { O_CODE, O_NAME, O_CREDIT, O_REGION, O_KIND, O_SOURCE, O_REGISTERED };

static const struct pa_column org_columns[] = {
    {"code", PA_COL_CODE, KEY, NULL},        {"name", PA_COL_NAME, REQ, NULL},
    {"credit_code", PA_COL_CREDIT, 0, NULL}, {"region", PA_COL_REGION, REQ, NULL},
    {"kind", PA_COL_ENUM, REQ, org_kinds},   {"source", PA_COL_ENUM, 0, sources},
    {"registered", PA_COL_DATE, PA_COL_EXTRA, NULL}, /* 成立日期 */
};

static int check_org(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    static const char sql[] = "SELECT code FROM orgs WHERE credit_code = ?1 AND code <> ?2";
    if (rec->v[O_CREDIT].null)
        return 0;
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, rec->v[O_CREDIT].s);
    pa_db_bind_text(stmt, 2, rec->v[O_CODE].s);
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW)
        rc = pa_error_setf(err, PA_EEXIST, "credit_code",
                           "credit code %s already belongs to organisation '%s'",
                           rec->v[O_CREDIT].s, sqlite3_column_text(stmt, 0));
    else if (step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "looking up a credit code");
    sqlite3_reset(stmt);
    return rc;
}

static const struct pa_kind org_kind = {
    .name = "orgs",
    .event_create = "org.create",
    .columns = org_columns,
    .ncolumns = PA_ARRAY_LEN(org_columns),
    .table = "orgs",
    .order_by = "code",
    .sql_has_extra = "SELECT EXISTS (SELECT 1 FROM orgs WHERE registered IS NOT NULL)",
    .check = check_org,
};

/* ---- projects ----------------------------------------------------------- */

enum {
    J_CODE,
    J_NAME,
    J_PAIRING,
    J_REGION,
    J_DOMAIN,
    J_KIND,
    J_STATUS,
    J_BUDGET,
    J_START,
    J_END,
    J_BENEFICIARIES,
    J_PUBLIC,
    J_SOURCE,
    J_APPROVED_ON,
    J_BENEFIT_LINK,
    J_INVESTMENT,
};

static const struct pa_column project_columns[] = {
    {"code", PA_COL_CODE, KEY, NULL},         {"name", PA_COL_NAME, REQ, NULL},
    {"pairing", PA_COL_CODE, REQ, NULL},      {"region", PA_COL_REGION, REQ, NULL},
    {"domain", PA_COL_ENUM, REQ, pa_project_domains},
    {"kind", PA_COL_ENUM, REQ, pa_project_kinds},
    {"status", PA_COL_ENUM, REQ, statuses},   {"budget", PA_COL_MONEY, REQ, NULL},
    {"start_date", PA_COL_DATE, REQ, NULL},   {"end_date", PA_COL_DATE, 0, NULL},
    {"beneficiaries", PA_COL_COUNT, 0, NULL}, {"public", PA_COL_BOOL, 0, NULL},
    {"source", PA_COL_ENUM, 0, sources},
    /* what the joint audit checks (docs/audit.md); exported only when used */
    {"approved_on", PA_COL_DATE, PA_COL_EXTRA, NULL},  /* 立项日期 */
    {"benefit_link", PA_COL_BOOL, PA_COL_EXTRA, NULL}, /* 联农带农 */
    /* 总投资, beside the assistance money in budget; last, so that old files and
     * old events, which never name it, read as "no investment recorded" */
    {"investment", PA_COL_MONEY, PA_COL_EXTRA, NULL},
};

/* 1 万亿元: no single project comes near it, and the programme's totals stay
 * far inside int64 fen however many projects there are in practice. */
#define BUDGET_MAX_FEN (1000000000000LL * 100)

static int check_budget(const struct pa_record *rec, struct pa_error *err)
{
    if (rec->v[J_BUDGET].i > BUDGET_MAX_FEN)
        return pa_error_setf(err, PA_EINVAL, "budget",
                             "a budget over 1,000,000,000,000.00 yuan (1 万亿元) is not plausible");
    if (!rec->v[J_INVESTMENT].null && rec->v[J_INVESTMENT].i > BUDGET_MAX_FEN)
        return pa_error_setf(err, PA_EINVAL, "investment",
                             "an investment over 1,000,000,000,000.00 yuan (1 万亿元) is not "
                             "plausible");
    return 0;
}

static int check_project(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    struct pairing_sides sides;
    int rc = check_budget(rec, err);
    if (rc == 0)
        rc = load_pairing(db, rec->v[J_PAIRING].s, "pairing", &sides, err);
    if (rc == 0)
        rc = require_within(db, rec->v[J_REGION].s, sides.recipient, "region",
                            "the pairing's recipient region", err);
    return rc;
}

static int authorize_project(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    return pa_scope_require(db, PA_ROLE_RECIPIENT, rec->v[J_REGION].s, "change this project", err);
}

/* The stored project's region, for the rules on changes to it. */
int pa_registry__project_region(struct pa_db *db, const char *code, char region[8],
                                struct pa_error *err)
{
    static const char sql[] = "SELECT region FROM projects WHERE code = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        snprintf(region, 8, "%s", (const char *)sqlite3_column_text(stmt, 0));
    else
        rc = pa_error_setf(err, PA_ENOTFOUND, "project", "unknown project '%s'", code);
    sqlite3_reset(stmt);
    return rc;
}

static int status_rank(const char *status)
{
    for (int i = 0; statuses[i].name; i++)
        if (strcmp(statuses[i].name, status) == 0)
            return i;
    return -1;
}

static int advance_event(struct pa_db *db, const char *code, const char *from, const char *to,
                         struct pa_error *err)
{
    json_t *data = json_pack("{s:s, s:s, s:s}", "code", code, "from", from, "status", to);
    if (data == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    return pa_tlog_append(db, "project.advance", data, NULL, err);
}

/* A re-imported project may move its status forward; nothing else may change. */
static int project_changed(struct pa_db *db, const struct pa_record *stored,
                           const struct pa_record *rec, int col, enum pa_put_result *result,
                           struct pa_error *err)
{
    int other = col == J_STATUS ? pa_registry__first_difference(stored, rec, J_STATUS + 1) : col;
    if (other >= 0)
        return pa_registry__refuse_change(stored, rec, other, err);
    const char *from = stored->v[J_STATUS].s, *to = rec->v[J_STATUS].s;
    if (status_rank(to) < status_rank(from))
        return pa_error_setf(err, PA_EINVAL, "status", "status cannot move back from '%s' to '%s'",
                             from, to);
    char from_copy[32];
    snprintf(from_copy, sizeof(from_copy), "%s", from);
    *result = PA_PUT_UPDATED;
    return advance_event(db, rec->v[J_CODE].s, from_copy, to, err);
}

static int apply_advance(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    const char *type = ev->type;
    const json_t *data = ev->data;
    static const char sql[] = "UPDATE projects SET status = ?2 WHERE code = ?1 AND status = ?3";
    const char *code, *from, *to;
    if (json_unpack((json_t *)data, "{s:s, s:s, s:s !}", "code", &code, "from", &from, "status",
                    &to) != 0 ||
        status_rank(to) <= status_rank(from))
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", type);
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    pa_db_bind_text(stmt, 2, to);
    pa_db_bind_text(stmt, 3, from);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, type);
    else if (sqlite3_changes(pa_db_sqlite(db)) != 1)
        rc = pa_error_set(err, PA_ETAMPER, "project '%s' was not in status '%s'", code, from);
    sqlite3_reset(stmt);
    return rc;
}

static const struct pa_kind project_kind = {
    .name = "projects",
    .event_create = "project.create",
    .columns = project_columns,
    .ncolumns = PA_ARRAY_LEN(project_columns),
    .table = "projects",
    .order_by = "code",
    .visible = "pa_sees_project(pairing, public)",
    .sql_has_extra = "SELECT EXISTS (SELECT 1 FROM projects WHERE approved_on IS NOT NULL OR "
                     "benefit_link = 1 OR investment IS NOT NULL)",
    .check = check_project,
    .on_change = project_changed,
    .authorize = authorize_project,
};

int pa_project_advance(struct pa_db *db, const char *code, const char *status, struct pa_error *err)
{
    struct pa_value v;
    char region[8];
    int rc = pa_registry__project_region(db, code, region, err);
    if (rc == 0)
        rc = pa_scope_require(db, PA_ROLE_RECIPIENT, region, "change this project", err);
    if (rc == 0)
        rc = pa_value_parse(&project_columns[J_STATUS], status, strlen(status), &v, err);
    if (rc != 0)
        return rc;
    struct pa_record stored, rec;
    sqlite3_stmt *stmt;
    rc = pa_db_prepare(db, pa_kind_sql(&project_kind, PA_SQL_SELECT_KEY), &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        sqlite3_reset(stmt);
        return pa_error_setf(err, PA_ENOTFOUND, "code", "unknown project '%s'", code);
    }
    pa_record_from_row(&stored, &project_kind, stmt);
    rec = stored;
    rec.v[J_STATUS] = v;
    enum pa_put_result result = PA_PUT_SAME;
    if (strcmp(stored.v[J_STATUS].s, v.s) != 0)
        rc = project_changed(db, &stored, &rec, J_STATUS, &result, err);
    sqlite3_reset(stmt);
    return rc;
}

/* ---- editing a project (the app's PATCH) ------------------------------------
 * Identity and placement (code, pairing, region, domain, kind, start date,
 * source) never change; these may, each change one project.update event.  The
 * status only moves forward, as a project.advance event. */

static const int editable_columns[] = {J_NAME,   J_BUDGET,      J_END,          J_BENEFICIARIES,
                                       J_PUBLIC, J_APPROVED_ON, J_BENEFIT_LINK, J_INVESTMENT};

static bool editable(int col)
{
    for (size_t i = 0; i < PA_ARRAY_LEN(editable_columns); i++)
        if (editable_columns[i] == col)
            return true;
    return false;
}

/* The "set" object of a project.update event: the changed columns, money in fen. */
static int changes_json(const struct pa_record *stored, const struct pa_record *rec, json_t *set,
                        struct pa_error *err)
{
    for (int col = 0; col < project_kind.ncolumns; col++) {
        if (col == J_STATUS || pa_registry__first_difference(stored, rec, col) != col)
            continue;
        if (!editable(col))
            return pa_registry__refuse_change(stored, rec, col, err);
        const struct pa_column *c = &project_columns[col];
        const struct pa_value *v = &rec->v[col];
        json_t *value = v->null                  ? json_null()
                        : c->type == PA_COL_MONEY ? json_integer(v->i)
                                                  : pa_value_json(c, v);
        char key[32];
        snprintf(key, sizeof(key), "%s%s", c->name, c->type == PA_COL_MONEY ? "_fen" : "");
        if (value == NULL || json_object_set_new(set, key, value) != 0)
            return pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    return 0;
}

int pa_project_edit(struct pa_db *db, const struct pa_record *rec, enum pa_put_result *result,
                    struct pa_error *err)
{
    PA_ASSERT(rec->kind == &project_kind && pa_db_in_transaction(db));
    const char *code = rec->v[J_CODE].s;
    char region[8], from[32];
    int rc = pa_registry__project_region(db, code, region, err);
    if (rc == 0)
        rc = pa_scope_require(db, PA_ROLE_RECIPIENT, region, "change this project", err);
    if (rc == 0)
        rc = check_budget(rec, err);
    sqlite3_stmt *stmt;
    if (rc != 0 || (rc = pa_db_prepare(db, pa_kind_sql(&project_kind, PA_SQL_SELECT_KEY), &stmt, err)) != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    json_t *set = json_object();
    if (sqlite3_step(stmt) != SQLITE_ROW || set == NULL) {
        sqlite3_reset(stmt);
        json_decref(set);
        return pa_db_fail(db, err, "reading a project");
    }
    struct pa_record stored;
    pa_record_from_row(&stored, &project_kind, stmt);
    snprintf(from, sizeof(from), "%s", stored.v[J_STATUS].s);
    rc = changes_json(&stored, rec, set, err);
    sqlite3_reset(stmt);
    bool advance = strcmp(from, rec->v[J_STATUS].s) != 0;
    if (rc == 0 && advance && status_rank(rec->v[J_STATUS].s) < status_rank(from))
        rc = pa_error_setf(err, PA_EINVAL, "status", "status cannot move back from '%s' to '%s'",
                           from, rec->v[J_STATUS].s);
    *result = advance || json_object_size(set) > 0 ? PA_PUT_UPDATED : PA_PUT_SAME;
    if (rc == 0 && json_object_size(set) > 0) {
        json_t *data = json_pack("{s:s, s:O}", "code", code, "set", set);
        rc = data ? pa_tlog_append(db, "project.update", data, NULL, err)
                  : pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    json_decref(set);
    if (rc == 0 && advance)
        rc = advance_event(db, code, from, rec->v[J_STATUS].s, err);
    return rc;
}

static int apply_update_field(struct pa_db *db, const char *code, const char *key, json_t *value,
                              struct pa_error *err)
{
    static const struct {
        const char *key, *sql;
        json_type type;
    } fields[] = {
        {"name", "UPDATE projects SET name = ?2 WHERE code = ?1", JSON_STRING},
        {"budget_fen", "UPDATE projects SET budget = ?2 WHERE code = ?1", JSON_INTEGER},
        {"end_date", "UPDATE projects SET end_date = ?2 WHERE code = ?1", JSON_STRING},
        {"beneficiaries", "UPDATE projects SET beneficiaries = ?2 WHERE code = ?1", JSON_INTEGER},
        {"public", "UPDATE projects SET public = ?2 WHERE code = ?1", JSON_TRUE},
        {"approved_on", "UPDATE projects SET approved_on = ?2 WHERE code = ?1", JSON_STRING},
        {"benefit_link", "UPDATE projects SET benefit_link = ?2 WHERE code = ?1", JSON_TRUE},
        {"investment_fen", "UPDATE projects SET investment = ?2 WHERE code = ?1", JSON_INTEGER},
    };
    for (size_t i = 0; i < PA_ARRAY_LEN(fields); i++) {
        if (strcmp(fields[i].key, key) != 0)
            continue;
        bool is_bool = json_is_boolean(value);
        if (!json_is_null(value) &&
            (fields[i].type == JSON_TRUE ? !is_bool : json_typeof(value) != fields[i].type))
            break;
        sqlite3_stmt *stmt;
        int rc = pa_db_prepare(db, fields[i].sql, &stmt, err);
        if (rc != 0)
            return rc;
        pa_db_bind_text(stmt, 1, code);
        if (json_is_string(value))
            pa_db_bind_text(stmt, 2, json_string_value(value));
        else if (is_bool)
            sqlite3_bind_int(stmt, 2, json_is_true(value));
        else if (json_is_integer(value))
            sqlite3_bind_int64(stmt, 2, json_integer_value(value));
        if (sqlite3_step(stmt) != SQLITE_DONE)
            rc = pa_db_fail(db, err, "project.update");
        else if (sqlite3_changes(pa_db_sqlite(db)) != 1)
            rc = pa_error_set(err, PA_ETAMPER, "project.update: no project '%s'", code);
        sqlite3_reset(stmt);
        return rc;
    }
    return pa_error_set(err, PA_ETAMPER, "event 'project.update' has a bad field '%s'", key);
}

static int apply_update(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    const char *code;
    json_t *set;
    if (json_unpack((json_t *)ev->data, "{s:s, s:o !}", "code", &code, "set", &set) != 0 ||
        !json_is_object(set) || json_object_size(set) == 0)
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", ev->type);
    const char *key;
    json_t *value;
    json_object_foreach(set, key, value)
    {
        int rc = apply_update_field(db, code, key, value, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- milestones --------------------------------------------------------- */

enum { M_PROJECT, M_DATE, M_KIND, M_TITLE };

static const struct pa_column milestone_columns[] = {
    {"project", PA_COL_CODE, KEY, NULL},         {"date", PA_COL_DATE, KEY, NULL},
    {"kind", PA_COL_ENUM, REQ, milestone_kinds}, {"title", PA_COL_NAME, KEY, NULL},
    {"description", PA_COL_MEMO, 0, NULL},       {"photo", PA_COL_PHOTO, 0, NULL},
    {"source", PA_COL_ENUM, 0, sources},
};

static int authorize_milestone(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    if (pa_scope_unrestricted(db))
        return 0;
    char region[8];
    int rc = pa_registry__project_region(db, rec->v[M_PROJECT].s, region, err);
    return rc != 0 ? rc
                   : pa_scope_require(db, PA_ROLE_RECIPIENT, region,
                                      "record milestones of this project", err);
}

static int check_milestone(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    static const char sql[] = "SELECT 1 FROM projects WHERE code = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, rec->v[M_PROJECT].s);
    int step = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (step == SQLITE_DONE)
        return pa_error_setf(err, PA_ENOTFOUND, "project", "unknown project '%s'",
                             rec->v[M_PROJECT].s);
    return step == SQLITE_ROW ? 0 : pa_db_fail(db, err, "looking up a project");
}

static const struct pa_kind milestone_kind = {
    .name = "milestones",
    .event_create = "milestone.create",
    .columns = milestone_columns,
    .ncolumns = PA_ARRAY_LEN(milestone_columns),
    .table = "milestones",
    .order_by = "project, date, title",
    .visible = "project IN (SELECT code FROM projects WHERE pa_sees_project(pairing, public))",
    .check = check_milestone,
    .authorize = authorize_milestone,
};

/* ---- people exchanges ---------------------------------------------------- */

enum { X_CODE, X_PAIRING, X_ROLE, X_FROM, X_TO, X_START, X_END, X_PEOPLE };

static const struct pa_column exchange_columns[] = {
    {"code", PA_COL_CODE, KEY, NULL},        {"pairing", PA_COL_CODE, REQ, NULL},
    {"role", PA_COL_ENUM, REQ, roles},       {"from_region", PA_COL_REGION, REQ, NULL},
    {"to_region", PA_COL_REGION, REQ, NULL}, {"start_date", PA_COL_DATE, REQ, NULL},
    {"end_date", PA_COL_DATE, 0, NULL},      {"people", PA_COL_COUNT, REQ, NULL},
    {"description", PA_COL_MEMO, 0, NULL},   {"source", PA_COL_ENUM, 0, sources},
};

/* People move between the two sides of the pairing, in either direction. */
static int check_exchange(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    if (rec->v[X_PEOPLE].i < 1)
        return pa_error_setf(err, PA_EINVAL, "people", "at least one person must be exchanged");
    struct pairing_sides sides;
    int rc = load_pairing(db, rec->v[X_PAIRING].s, "pairing", &sides, err);
    if (rc != 0)
        return rc;
    const char *from = rec->v[X_FROM].s, *to = rec->v[X_TO].s;
    bool from_donor = false, to_recipient = false, from_recipient = false, to_donor = false;
    rc = pa_region_within(db, from, sides.donor, &from_donor, err);
    if (rc == 0)
        rc = pa_region_within(db, to, sides.recipient, &to_recipient, err);
    if (rc == 0)
        rc = pa_region_within(db, from, sides.recipient, &from_recipient, err);
    if (rc == 0)
        rc = pa_region_within(db, to, sides.donor, &to_donor, err);
    if (rc == 0 && !(from_donor && to_recipient) && !(from_recipient && to_donor))
        rc = pa_error_setf(err, PA_EINVAL, "to_region",
                           "an exchange goes between the pairing's sides (%s and %s), not "
                           "from %s to %s",
                           sides.donor, sides.recipient, from, to);
    return rc;
}

static const struct pa_kind exchange_kind = {
    .name = "exchanges",
    .event_create = "exchange.create",
    .columns = exchange_columns,
    .ncolumns = PA_ARRAY_LEN(exchange_columns),
    .table = "exchanges",
    .order_by = "code",
    .check = check_exchange,
};

/* ---- the module --------------------------------------------------------- */

static const struct pa_kind *const registry_kinds[] = {
    &pairing_kind, &org_kind, &project_kind, &milestone_kind, &exchange_kind, NULL};

static const struct pa_event_type registry_events[] = {
    {"pairing.create", pa_registry__apply_create},
    {"org.create", pa_registry__apply_create},
    {"project.create", pa_registry__apply_create},
    {"project.advance", apply_advance},
    {"project.update", apply_update},
    {"milestone.create", pa_registry__apply_create},
    {"exchange.create", pa_registry__apply_create},
    {NULL, NULL},
};

static const char *const registry_tables[] = {"milestones", "exchanges", "projects",
                                              "orgs",       "pairings",  NULL};

int pa_registry__log_of(struct pa_db *db, const struct pa_event *ev, char *log,
                        struct pa_error *err)
{
    static const char sql_project[] = "SELECT pairing FROM projects WHERE code = ?1";
    const char *pairing = json_string_value(json_object_get(ev->data, "pairing"));
    const char *project = json_string_value(json_object_get(ev->data, "project"));
    if (pairing)
        return pa_tlog_log_of_pairing(db, pairing, log, err);
    if (project == NULL && strncmp(ev->type, "project.", 8) == 0)
        project = json_string_value(json_object_get(ev->data, "code"));
    return pa_tlog_log_of_row(db, sql_project, project, log, err);
}

/* The pairings and organisations are the province's (a supplier may serve
 * several pairings); everything else here is one pairing's. */
static int registry_log_of(struct pa_db *db, const struct pa_event *ev, char *log,
                           struct pa_error *err)
{
    if (strcmp(ev->type, "pairing.create") == 0 || strcmp(ev->type, "org.create") == 0) {
        log[0] = '\0';
        return 0;
    }
    return pa_registry__log_of(db, ev, log, err);
}

static const struct pa_event_module registry_module = {.name = "registry",
                                                       .types = registry_events,
                                                       .tables = registry_tables,
                                                       .log_of = registry_log_of};

void pa_registry_init(void)
{
    for (int i = 0; registry_kinds[i]; i++)
        pa_kind_register(registry_kinds[i]);
    pa_kind_register_export_only(&pa_region_kind);
    pa_tlog_register(&registry_module);
    pa_registry__facts_init();
}
