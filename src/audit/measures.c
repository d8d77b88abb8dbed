/*
 * measures.c - the fund-management measures (资金管理办法) both cities draw
 * up: an INI file with one section per rule (its switch and thresholds) and a
 * [payments] section (the payment size that needs the donor's approval).
 *
 * A version is proposed, then approved once for each side: by a donor-side
 * user and by a recipient-side user of the pairing.  Only then is it in force,
 * replacing the version before.  Proposal and approvals are events, so who
 * agreed to which thresholds is in the signed log.
 */
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"

#define APPROVAL_THRESHOLD_DEFAULT "50000"

/* ---- parsing ------------------------------------------------------------------ */

static int parse_flag(const char *value, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1", "是", NULL};
    static const char *const no[] = {"false", "no", "off", "0", "否", NULL};
    for (int i = 0; yes[i]; i++)
        if (strcmp(value, yes[i]) == 0)
            return *out = true, 0;
    for (int i = 0; no[i]; i++)
        if (strcmp(value, no[i]) == 0)
            return *out = false, 0;
    return -1;
}

static int parse_whole(const char *value, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    if (value[0] < '0' || value[0] > '9')
        return -1;
    long long v = strtoll(value, &end, 10);
    if (*end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* "debt, vehicles" or "偿债、车辆" into "|debt|vehicles|". */
static int parse_purposes(const char *value, char *out, size_t size)
{
    snprintf(out, size, "|");
    const char *p = value;
    while (*p) {
        if (strncmp(p, "、", strlen("、")) == 0) {
            p += strlen("、");
            continue;
        }
        size_t len = strcspn(p, ",;、 ");
        if (len == 0) {
            p++;
            continue;
        }
        const char *code = NULL;
        for (int i = 0; pa_payment_purposes[i].name && !code; i++)
            if ((strlen(pa_payment_purposes[i].name) == len &&
                 strncmp(p, pa_payment_purposes[i].name, len) == 0) ||
                (strlen(pa_payment_purposes[i].zh) == len &&
                 strncmp(p, pa_payment_purposes[i].zh, len) == 0))
                code = pa_payment_purposes[i].name;
        if (code == NULL || strlen(out) + strlen(code) + 2 > size)
            return -1;
        strcat(out, code);
        strcat(out, "|");
        p += len;
    }
    return 0;
}

static int parse_param(const struct pa_rule_param *param, const char *value, int64_t *out,
                       char *purposes, size_t size)
{
    switch (param->type) {
    case PA_PARAM_DAYS:
        return parse_whole(value, 0, 36500, out);
    case PA_PARAM_COUNT:
        return parse_whole(value, 1, 1000000, out);
    case PA_PARAM_MONEY:
        return pa_money_parse(value, out, NULL) != 0 || *out < 0 ? -1 : 0;
    case PA_PARAM_PERCENT: /* the shape of yuan: hundredths */
        return pa_money_parse(value, out, NULL) != 0 || *out < 0 || *out > 10000 ? -1 : 0;
    case PA_PARAM_PURPOSES:
        return parse_purposes(value, purposes, size);
    }
    return -1;
}

static const char *param_hint(enum pa_param_type type)
{
    switch (type) {
    case PA_PARAM_DAYS:
        return PA_MSG("a whole number of days");
    case PA_PARAM_COUNT:
        return PA_MSG("a whole number, at least 1");
    case PA_PARAM_MONEY:
        return PA_MSG("an amount in yuan with at most two decimals");
    case PA_PARAM_PERCENT:
        return PA_MSG("a percentage from 0 to 100 with at most two decimals");
    case PA_PARAM_PURPOSES:
        return PA_MSG("payment purposes separated by commas (works, debt, vehicles, ...)");
    }
    return "?";
}

static int on_section(void *ctx, const char *section, int line, struct pa_error *err)
{
    (void)ctx, (void)line;
    if (strcmp(section, "payments") == 0 || pa_audit__rule_index(section) >= 0)
        return 0;
    return pa_error_setf(err, PA_EINVAL, section,
                         "unknown section [%s] (a rule id of docs/audit.md, or payments)",
                         section);
}

static int on_key(void *ctx, const char *section, const char *name, const char *value,
                  struct pa_error *err)
{
    struct pa_measures *m = ctx;
    if (strcmp(section, "payments") == 0) {
        if (strcmp(name, "approval_threshold") != 0)
            return pa_error_setf(err, PA_EINVAL, name,
                                 "unknown key '%s' in [payments] (known: approval_threshold)",
                                 name);
        if (pa_money_parse(value, &m->approval_threshold_fen, NULL) != 0 ||
            m->approval_threshold_fen < 0)
            return pa_error_setf(err, PA_EINVAL, name, "'%s' is not %s", value,
                                 param_hint(PA_PARAM_MONEY));
        return 0;
    }
    int r = pa_audit__rule_index(section);
    if (r < 0) /* a header the line scan read differently from inih */
        return pa_error_setf(err, PA_EINVAL, section, "unknown section [%s]", section);
    if (strcmp(name, "enabled") == 0)
        return parse_flag(value, &m->enabled[r]) == 0
                   ? 0
                   : pa_error_setf(err, PA_EINVAL, name, "'%s' is not true or false", value);
    for (int k = 0; k < PA_RULE_PARAMS && pa_rules[r].params[k].name; k++) {
        const struct pa_rule_param *param = &pa_rules[r].params[k];
        if (strcmp(param->name, name) != 0)
            continue;
        if (parse_param(param, value, &m->value[r][k], m->purposes[r], sizeof(m->purposes[r])) !=
            0)
            return pa_error_setf(err, PA_EINVAL, name, "'%s' is not %s", value,
                                 param_hint(param->type));
        return 0;
    }
    return pa_error_setf(err, PA_EINVAL, name, "unknown key '%s' in [%s]", name, section);
}

static void set_defaults(struct pa_measures *m)
{
    memset(m, 0, sizeof(*m));
    pa_money_parse(APPROVAL_THRESHOLD_DEFAULT, &m->approval_threshold_fen, NULL);
    for (int r = 0; r < PA_RULES; r++) {
        m->enabled[r] = true;
        for (int k = 0; k < PA_RULE_PARAMS && pa_rules[r].params[k].name; k++) {
            const struct pa_rule_param *param = &pa_rules[r].params[k];
            int rc = parse_param(param, param->fallback, &m->value[r][k], m->purposes[r],
                                 sizeof(m->purposes[r]));
            PA_ASSERT(rc == 0);
        }
    }
}

int pa_measures_parse(const char *text, struct pa_measures *m, int *line, struct pa_error *err)
{
    static const struct pa_ini_handler handler = {on_section, on_key};
    set_defaults(m);
    return pa_ini_parse(text, &handler, m, line, err);
}

static void append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = *buf ? vsnprintf(*buf + *len, *cap - *len, fmt, ap) : -1;
        va_end(ap);
        if (n >= 0 && (size_t)n < *cap - *len) {
            *len += (size_t)n;
            return;
        }
        size_t want = *cap ? *cap * 2 : 4096;
        char *grown = realloc(*buf, want);
        if (grown == NULL) {
            free(*buf);
            *buf = NULL;
            return;
        }
        *buf = grown;
        *cap = want;
    }
}

char *pa_measures_default_text(void)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    append(&buf, &len, &cap,
           "; 资金管理办法 (fund-management measures): pairaid's defaults, from "
           "domain/rules.md.\n; Every rule has `enabled` and its thresholds; docs/audit.md "
           "explains each.\n\n[payments]\n; 项目账户单笔支付超过此金额（元）须经支援方审批\n"
           "approval_threshold = %s\n",
           APPROVAL_THRESHOLD_DEFAULT);
    for (int r = 0; buf && r < PA_RULES; r++) {
        append(&buf, &len, &cap, "\n[%s]\n; %s\nenabled = true\n", pa_rules[r].id,
               pa_rules[r].zh);
        for (int k = 0; buf && k < PA_RULE_PARAMS && pa_rules[r].params[k].name; k++)
            append(&buf, &len, &cap, "%s = %s   ; %s\n", pa_rules[r].params[k].name,
                   pa_rules[r].params[k].fallback, pa_rules[r].params[k].zh);
    }
    return buf;
}

/* ---- the pairing measures belong to -------------------------------------------- */

/* With several city pairings and none named: the signed-in user's own, if their
 * scope names exactly one (an auditor's pairing, or the city pairing whose donor
 * or recipient city holds a donor's or recipient's region).  1 if found. */
static int own_city_pairing(struct pa_db *db, char out[PA_CODE_MAX + 1], struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    if (who == NULL || (!who->pairing[0] && !who->region[0]))
        return 0;
    static const char sql[] =
        "SELECT coalesce(parent, code) FROM pairings WHERE code = ?1 AND ?1 <> '' UNION "
        "SELECT code FROM pairings WHERE parent IS NULL AND ?1 = '' AND ?2 <> '' AND "
        "(?2 IN (donor, recipient) OR substr(?2, 1, 4) || '00' IN (donor, recipient)) LIMIT 2";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, who->pairing);
    pa_db_bind_text(stmt, 2, who->region);
    int found = 0, step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
        if (found++ == 0)
            snprintf(out, PA_CODE_MAX + 1, "%s", sqlite3_column_text(stmt, 0));
    sqlite3_reset(stmt);
    if (step != SQLITE_DONE)
        return pa_db_fail(db, err, "looking up the user's pairing");
    return found == 1;
}

int pa_audit_city_pairing(struct pa_db *db, const char *pairing, char out[PA_CODE_MAX + 1],
                          struct pa_error *err)
{
    static const char sql_named[] =
        "SELECT coalesce(p.parent, p.code) FROM pairings p WHERE p.code = ?1";
    static const char sql_only[] = "SELECT code FROM pairings WHERE parent IS NULL LIMIT 2";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, pairing ? sql_named : sql_only, &stmt, err);
    if (rc != 0)
        return rc;
    if (pairing)
        pa_db_bind_text(stmt, 1, pairing);
    int found = 0, step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
        if (found++ == 0)
            snprintf(out, PA_CODE_MAX + 1, "%s", sqlite3_column_text(stmt, 0));
    sqlite3_reset(stmt);
    if (step != SQLITE_DONE)
        return pa_db_fail(db, err, "looking up a pairing");
    if (pairing && found == 0)
        return pa_error_setf(err, PA_ENOTFOUND, "pairing", "unknown pairing '%s'", pairing);
    if (!pairing && found > 1 && (rc = own_city_pairing(db, out, err)) != 0)
        return rc == 1 ? 0 : rc;
    if (found != 1)
        return pa_error_setf(err, PA_EINVAL, "pairing",
                             found ? "there are several city-level pairings: name one with "
                                     "--pairing"
                                   : "there is no pairing yet");
    return 0;
}

struct sides {
    char donor[8], recipient[8];
};

static int load_sides(struct pa_db *db, const char *pairing, struct sides *s,
                      struct pa_error *err)
{
    static const char sql[] = "SELECT donor, recipient FROM pairings WHERE code = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, pairing);
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        snprintf(s->donor, sizeof(s->donor), "%s", sqlite3_column_text(stmt, 0));
        snprintf(s->recipient, sizeof(s->recipient), "%s", sqlite3_column_text(stmt, 1));
    }
    sqlite3_reset(stmt);
    if (step == SQLITE_DONE)
        return pa_error_setf(err, PA_ENOTFOUND, "pairing", "unknown pairing '%s'", pairing);
    return step == SQLITE_ROW ? 0 : pa_db_fail(db, err, "reading a pairing");
}

/* ---- proposing and approving ------------------------------------------------------ */

/* A donor (recipient) is on the donor (recipient) side of a pairing when
 * their region is that side's or lies within it: 东海县's officers speak for
 * the recipient side of 无锡—连云港, whose recipient is 连云港市. */
static int on_side(struct pa_db *db, const struct pa_principal *who, const struct sides *s,
                   bool *on, struct pa_error *err)
{
    *on = false;
    if ((who->role != PA_ROLE_DONOR && who->role != PA_ROLE_RECIPIENT) || who->region[0] == '\0')
        return 0;
    const char *side = who->role == PA_ROLE_DONOR ? s->donor : s->recipient;
    int rc = pa_region_within(db, who->region, side, on, err);
    return rc != 0 || *on ? rc : pa_region_within(db, side, who->region, on, err);
}

/* Who may propose: whoever holds the file, admins, the pairing's auditors and
 * the officers of either side. */
static int authorize_proposal(struct pa_db *db, const char *pairing, const struct sides *s,
                              struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    if (pa_scope_unrestricted(db))
        return 0;
    /* pa_pairing_under reads the scope, which the writer's connection may not
     * have loaded yet: without it an auditor's proposal stopped the server */
    int rc = pa_scope_read(db, 0, err);
    if (rc != 0)
        return rc;
    if (who->role == PA_ROLE_AUDITOR && pa_pairing_under(db, pairing, who->pairing))
        return 0;
    bool covered = false;
    rc = on_side(db, who, s, &covered, err);
    if (rc == 0 && !covered)
        rc = pa_error_set(err, PA_EDENIED, "%s may not propose measures for pairing '%s'",
                          who->name, pairing);
    return rc;
}

int pa_measures_propose(struct pa_db *db, const char *pairing, const char *text, int *version,
                        struct pa_error *err)
{
    PA_ASSERT(pa_db_in_transaction(db));
    char city[PA_CODE_MAX + 1];
    struct sides s;
    struct pa_measures m;
    int rc = pa_audit_city_pairing(db, pairing, city, err);
    if (rc == 0)
        rc = load_sides(db, city, &s, err);
    if (rc == 0)
        rc = authorize_proposal(db, city, &s, err);
    if (rc == 0)
        rc = pa_measures_parse(text, &m, NULL, err);
    if (rc != 0)
        return rc;
    static const char sql[] =
        "SELECT coalesce(max(version), 0) + 1 FROM measures WHERE pairing = ?1";
    sqlite3_stmt *stmt;
    if ((rc = pa_db_prepare(db, sql, &stmt, err)) != 0)
        return rc;
    pa_db_bind_text(stmt, 1, city);
    int step = sqlite3_step(stmt);
    *version = step == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
    sqlite3_reset(stmt);
    if (step != SQLITE_ROW)
        return pa_db_fail(db, err, "numbering measures");
    json_t *data = json_pack("{s:s, s:i, s:s}", "pairing", city, "version", *version, "text",
                             text);
    return data ? pa_tlog_append(db, "measures.propose", data, NULL, err)
                : pa_error_set(err, PA_EINVAL, "the measures are not UTF-8 text");
}

/* The side a user approves for: the donor's or the recipient's officers. */
static int approving_side(struct pa_db *db, const char *pairing, const struct sides *s,
                          const char **side, struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    bool covered = false;
    int rc = who ? on_side(db, who, s, &covered, err) : 0;
    if (rc != 0)
        return rc;
    if (!covered)
        return pa_error_set(err, PA_EDENIED,
                            "measures are approved by a donor-side and a recipient-side user "
                            "of pairing '%s'; %s is neither",
                            pairing, who ? who->name : "the local operator");
    *side = who->role == PA_ROLE_DONOR ? "donor" : "recipient";
    return 0;
}

int pa_measures_approve(struct pa_db *db, const char *pairing, int version, bool *in_force,
                        struct pa_error *err)
{
    PA_ASSERT(pa_db_in_transaction(db));
    char city[PA_CODE_MAX + 1];
    struct sides s;
    const char *side = NULL;
    int rc = pa_audit_city_pairing(db, pairing, city, err);
    if (rc == 0)
        rc = load_sides(db, city, &s, err);
    if (rc == 0)
        rc = approving_side(db, city, &s, &side, err);
    if (rc != 0)
        return rc;
    static const char sql[] =
        "SELECT donor_by, recipient_by, in_force FROM measures WHERE pairing = ?1 AND "
        "version = ?2";
    sqlite3_stmt *stmt;
    if ((rc = pa_db_prepare(db, sql, &stmt, err)) != 0)
        return rc;
    pa_db_bind_text(stmt, 1, city);
    sqlite3_bind_int(stmt, 2, version);
    int step = sqlite3_step(stmt);
    bool mine = false, other = false, newer_in_force = false;
    if (step == SQLITE_ROW) {
        bool donor = strcmp(side, "donor") == 0;
        mine = sqlite3_column_type(stmt, donor ? 0 : 1) != SQLITE_NULL;
        other = sqlite3_column_type(stmt, donor ? 1 : 0) != SQLITE_NULL;
        newer_in_force = sqlite3_column_int(stmt, 2) != 0;
    }
    sqlite3_reset(stmt);
    if (step == SQLITE_DONE)
        return pa_error_setf(err, PA_ENOTFOUND, "version",
                             "pairing '%s' has no measures version %d", city, version);
    if (step != SQLITE_ROW)
        return pa_db_fail(db, err, "reading measures");
    *in_force = newer_in_force || other;
    if (mine || newer_in_force) /* the same approval again changes nothing */
        return 0;
    json_t *data =
        json_pack("{s:s, s:i, s:s}", "pairing", city, "version", version, "side", side);
    return data ? pa_tlog_append(db, "measures.approve", data, NULL, err)
                : pa_error_set(err, PA_ENOMEM, "out of memory");
}

/* ---- awaiting approval (the inbox) ------------------------------------------------------ */

/* Versions not in force, newer than the one in force (an older one was
 * superseded), that the principal's side has not approved yet: approving_side
 * decides whether the principal speaks for a side, as pa_measures_approve does. */
static const char sql_awaiting[] =
    "SELECT m.pairing, m.version, m.proposed_by, m.donor_by, m.recipient_by FROM measures m "
    "WHERE m.in_force = 0 AND m.version > coalesce((SELECT max(version) FROM measures x "
    "WHERE x.pairing = m.pairing AND x.in_force = 1), 0) ORDER BY m.pairing, m.version";

static int awaiting_row(struct pa_db *db, sqlite3_stmt *stmt, json_t *items, struct pa_error *err)
{
    const char *pairing = (const char *)sqlite3_column_text(stmt, 0);
    struct sides s;
    const char *side = NULL;
    int rc = load_sides(db, pairing, &s, err);
    if (rc != 0)
        return rc;
    struct pa_error denied;
    rc = approving_side(db, pairing, &s, &side, &denied);
    if (rc == PA_EDENIED)
        return 0;
    if (rc != 0)
        return pa_error_set(err, rc, "%s", denied.message);
    bool donor = strcmp(side, "donor") == 0;
    if (sqlite3_column_type(stmt, donor ? 3 : 4) != SQLITE_NULL)
        return 0; /* this side has approved: it waits for the other */
    const unsigned char *other = sqlite3_column_text(stmt, donor ? 4 : 3);
    json_t *item = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s?}", "kind", "measures", "pairing",
                             pairing, "version", sqlite3_column_int(stmt, 1), "proposed_by",
                             (const char *)sqlite3_column_text(stmt, 2), "side", side,
                             "other_side_by", (const char *)other);
    return item && json_array_append_new(items, item) == 0
               ? 0
               : pa_error_set(err, PA_ENOMEM, "out of memory");
}

int pa_audit__measures_awaiting(struct pa_db *db, json_t *items, struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    if (who == NULL || (who->role != PA_ROLE_DONOR && who->role != PA_ROLE_RECIPIENT))
        return 0; /* only the two sides' officers approve measures */
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_awaiting, &stmt, err);
    if (rc != 0)
        return rc;
    /* awaiting_row's statements are others than this one, which stays stepped */
    int step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW)
        rc = awaiting_row(db, stmt, items, err);
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading measures");
    sqlite3_reset(stmt);
    return rc;
}

/* ---- replay ---------------------------------------------------------------------- */

static int run_sql(struct pa_db *db, const char *sql, const char *type, const char *a,
                   int version, const char *b, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, a);
    sqlite3_bind_int(stmt, 2, version);
    if (b)
        pa_db_bind_text(stmt, 3, b);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, type);
    sqlite3_reset(stmt);
    return rc;
}

int pa_audit__apply_propose(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    const char *pairing, *text;
    int version;
    if (json_unpack((json_t *)ev->data, "{s:s, s:i, s:s !}", "pairing", &pairing, "version",
                    &version, "text", &text) != 0 ||
        version < 1)
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", ev->type);
    static const char sql[] = "INSERT INTO measures(pairing, version, text, proposed_by) "
                              "VALUES (?1, ?2, ?3, ?4)";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, pairing);
    sqlite3_bind_int(stmt, 2, version);
    pa_db_bind_text(stmt, 3, text);
    pa_db_bind_text(stmt, 4, ev->actor);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, ev->type);
    sqlite3_reset(stmt);
    return rc;
}

int pa_audit__apply_approve(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    const char *pairing, *side;
    int version;
    if (json_unpack((json_t *)ev->data, "{s:s, s:i, s:s !}", "pairing", &pairing, "version",
                    &version, "side", &side) != 0 ||
        (strcmp(side, "donor") != 0 && strcmp(side, "recipient") != 0))
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", ev->type);
    bool donor = strcmp(side, "donor") == 0;
    int rc = run_sql(db,
                     donor ? "UPDATE measures SET donor_by = ?3 WHERE pairing = ?1 AND version = ?2"
                           : "UPDATE measures SET recipient_by = ?3 WHERE pairing = ?1 AND "
                             "version = ?2",
                     ev->type, pairing, version, ev->actor, err);
    if (rc == 0 && sqlite3_changes(pa_db_sqlite(db)) != 1)
        rc = pa_error_set(err, PA_ETAMPER, "'%s' approves unknown measures", ev->type);
    /* both sides have: this version replaces the one in force */
    if (rc == 0)
        rc = run_sql(db,
                     "UPDATE measures SET in_force = (version = ?2) WHERE pairing = ?1 AND "
                     "EXISTS (SELECT 1 FROM measures WHERE pairing = ?1 AND version = ?2 AND "
                     "donor_by IS NOT NULL AND recipient_by IS NOT NULL)",
                     ev->type, pairing, version, NULL, err);
    return rc;
}

/* ---- reading ---------------------------------------------------------------------- */

int pa_measures_in_force(struct pa_db *db, const char *pairing, struct pa_measures *m,
                         char **text, struct pa_error *err)
{
    static const char sql[] =
        "SELECT version, text FROM measures WHERE pairing = ?1 AND in_force = 1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, pairing);
    int step = sqlite3_step(stmt);
    char *copy = step == SQLITE_ROW ? strdup((const char *)sqlite3_column_text(stmt, 1))
                                    : pa_measures_default_text();
    int version = step == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
    sqlite3_reset(stmt);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading measures");
    else if (copy == NULL)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    else if ((rc = pa_measures_parse(copy, m, NULL, err)) == 0)
        m->version = version;
    if (rc == 0 && text)
        *text = copy;
    else
        free(copy);
    return rc;
}

/* The ledger's question: how much may a recipient pay from this project
 * account without the donor?  The measures in force of its city pairing say. */
int pa_audit__payment_limit(struct pa_db *db, const char *account, int64_t *limit_fen,
                            struct pa_error *err)
{
    static const char sql[] =
        "SELECT coalesce(g.parent, g.code) FROM accounts a JOIN projects p ON p.code = a.project "
        "JOIN pairings g ON g.code = p.pairing WHERE a.code = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, account);
    char city[PA_CODE_MAX + 1] = "";
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW)
        snprintf(city, sizeof(city), "%s", sqlite3_column_text(stmt, 0));
    sqlite3_reset(stmt);
    *limit_fen = -1;
    if (step == SQLITE_DONE)
        return 0;
    if (step != SQLITE_ROW)
        return pa_db_fail(db, err, "looking up a project account");
    struct pa_measures m;
    rc = pa_measures_in_force(db, city, &m, NULL, err);
    if (rc == 0)
        *limit_fen = m.approval_threshold_fen;
    return rc;
}

/* Lines of `text` that are not lines of `base`, each "+ line"; and the reverse
 * with "- ": enough for two short INI files. */
static json_t *line_diff(const char *base, const char *text)
{
    json_t *out = json_array();
    const char *sides[2][2] = {{base, text}, {text, base}};
    for (int s = 0; s < 2 && out; s++) {
        const char *p = sides[s][1];
        while (*p) {
            const char *eol = strchr(p, '\n');
            size_t len = eol ? (size_t)(eol - p) : strlen(p);
            bool found = false;
            for (const char *q = sides[s][0]; *q && !found;) {
                const char *qe = strchr(q, '\n');
                size_t qlen = qe ? (size_t)(qe - q) : strlen(q);
                found = qlen == len && strncmp(p, q, len) == 0;
                q = qe ? qe + 1 : q + qlen;
            }
            if (!found && len > 0 && p[0] != ';' && p[0] != '#') {
                char *line = malloc(len + 3);
                if (line) {
                    snprintf(line, len + 3, "%c %.*s", s == 0 ? '+' : '-', (int)len, p);
                    json_array_append_new(out, json_string(line));
                    free(line);
                }
            }
            p = eol ? eol + 1 : p + len;
        }
    }
    return out;
}

int pa_measures_list(struct pa_db *db, const char *pairing, json_t **out, struct pa_error *err)
{
    char city[PA_CODE_MAX + 1], *current = NULL;
    struct pa_measures m;
    int rc = pa_audit_city_pairing(db, pairing, city, err);
    if (rc == 0)
        rc = pa_measures_in_force(db, city, &m, &current, err);
    if (rc != 0)
        return rc;
    static const char sql[] =
        "SELECT version, text, proposed_by, donor_by, recipient_by, in_force FROM measures "
        "WHERE pairing = ?1 ORDER BY version DESC";
    sqlite3_stmt *stmt;
    if ((rc = pa_db_prepare(db, sql, &stmt, err)) != 0) {
        free(current);
        return rc;
    }
    pa_db_bind_text(stmt, 1, city);
    json_t *versions = json_array();
    int step;
    while (versions && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(stmt, 1);
        bool force = sqlite3_column_int(stmt, 5) != 0;
        json_t *v = json_pack(
            "{s:i, s:s, s:s, s:s?, s:s?, s:b, s:o}", "version", sqlite3_column_int(stmt, 0),
            "text", text, "proposed_by", (const char *)sqlite3_column_text(stmt, 2), "donor_by",
            (const char *)sqlite3_column_text(stmt, 3), "recipient_by",
            (const char *)sqlite3_column_text(stmt, 4), "in_force", force, "diff",
            force ? json_array() : line_diff(current, text));
        json_array_append_new(versions, v);
    }
    sqlite3_reset(stmt);
    if (versions == NULL)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    else if (step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading measures");
    else
        *out = json_pack("{s:s, s:i, s:s, s:o}", "pairing", city, "in_force", m.version,
                         "text", current, "versions", versions);
    free(current);
    if (rc == 0 && *out == NULL)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    return rc;
}
