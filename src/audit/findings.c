/*
 * findings.c - running the audit and keeping its findings.
 *
 * A run evaluates every enabled rule for one city-level pairing and compares
 * what it found with the findings stored for that pairing, by (rule, key):
 *   - found for the first time: finding.open, with the next id (F-0001 ...);
 *   - found again: the same id; finding.update if a figure changed (and a
 *     cleared finding found again is open again);
 *   - no longer found: finding.clear (never deleted).
 * Then audit.run records the run itself.  Every event carries the measures
 * version and the as-of date it was judged by.
 *
 * Responses (整改) are finding.respond events: the recipient side
 * acknowledges and explains, the pairing's auditors resolve or reopen.
 */
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"

/* ---- what a run found --------------------------------------------------------------- */

struct hit {
    int rule;
    char *key, *subject, *project, *region, *severity, *evidence, *message;
    int64_t amount_fen;
    bool matched; /* a stored finding has it */
};

struct hits {
    struct hit *items;
    size_t n, cap;
    int rule; /* the rule running */
    struct pa_error *err;
};

static char *copy(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void hits_release(struct hits *h)
{
    for (size_t i = 0; i < h->n; i++) {
        struct hit *x = &h->items[i];
        free(x->key), free(x->subject), free(x->project), free(x->region);
        free(x->severity), free(x->evidence), free(x->message);
    }
    free(h->items);
}

static int collect(const struct pa_audit_hit *in, void *ctx)
{
    struct hits *h = ctx;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        struct hit *items = realloc(h->items, cap * sizeof(*items));
        if (items == NULL)
            return pa_error_set(h->err, PA_ENOMEM, "out of memory");
        h->items = items;
        h->cap = cap;
    }
    struct hit *x = &h->items[h->n++];
    *x = (struct hit){.rule = h->rule,
                      .key = copy(in->key),
                      .subject = copy(in->subject ? in->subject : in->key),
                      .project = copy(in->project),
                      .region = copy(in->region),
                      .severity = copy(in->severity),
                      .evidence = copy(in->evidence ? in->evidence : ""),
                      .message = copy(in->message),
                      .amount_fen = in->amount_fen};
    if (!x->key || !x->subject || !x->severity || !x->evidence || !x->message)
        return pa_error_set(h->err, PA_ENOMEM, "out of memory");
    return 0;
}

static struct hit *find_hit(struct hits *h, int rule, const char *key)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->items[i].rule == rule && strcmp(h->items[i].key, key) == 0)
            return &h->items[i];
    return NULL;
}

/* ---- events of a run ------------------------------------------------------------------ */

struct run {
    const char *pairing, *as_of;
    int measures;
    int64_t next_id;
    struct pa_audit_outcome *out;
};

static json_t *figures(const struct hit *x)
{
    return json_pack("{s:s, s:s, s:s*, s:s*, s:I, s:s, s:s}", "severity", x->severity, "subject",
                     x->subject, "project", x->project, "region", x->region, "amount_fen",
                     (json_int_t)x->amount_fen, "evidence", x->evidence, "message", x->message);
}

static int append(struct pa_db *db, const char *type, json_t *data, const struct run *run,
                  struct pa_error *err)
{
    if (data == NULL ||
        json_object_set_new(data, "as_of", json_string(run->as_of)) != 0 ||
        json_object_set_new(data, "measures", json_integer(run->measures)) != 0) {
        json_decref(data);
        return pa_error_set(err, PA_EINVAL, "a finding's text is not UTF-8");
    }
    return pa_tlog_append(db, type, data, NULL, err);
}

static int open_finding(struct pa_db *db, const struct hit *x, struct run *run,
                        struct pa_error *err)
{
    char id[32];
    snprintf(id, sizeof(id), "F-%04lld", (long long)run->next_id++);
    json_t *data = figures(x);
    if (data && (json_object_set_new(data, "id", json_string(id)) != 0 ||
                 json_object_set_new(data, "pairing", json_string(run->pairing)) != 0 ||
                 json_object_set_new(data, "rule", json_string(pa_rules[x->rule].id)) != 0 ||
                 json_object_set_new(data, "key", json_string(x->key)) != 0)) {
        json_decref(data);
        data = NULL;
    }
    run->out->opened++;
    return append(db, "finding.open", data, run, err);
}

/* Compares a stored finding (a row of sql_stored) with what the rule found now. */
static bool same_figures(sqlite3_stmt *stmt, const struct hit *x)
{
    const char *text[] = {x->severity, x->subject, x->evidence, x->message};
    for (int i = 0; i < 4; i++)
        if (strcmp((const char *)sqlite3_column_text(stmt, 3 + i), text[i]) != 0)
            return false;
    return sqlite3_column_int64(stmt, 7) == x->amount_fen;
}

static const char sql_stored[] =
    "SELECT id, rule, key, severity, subject, evidence, message, amount, status FROM findings "
    "WHERE pairing = ?1 ORDER BY id";

/* Walks the stored findings of the pairing against the hits. */
static int judge_stored(struct pa_db *db, struct hits *h, struct run *run,
                        const bool enabled[PA_RULES], struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_stored, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, run->pairing);
    /* events change the table being read: gather them first */
    json_t *updates = json_array(), *clears = json_array();
    int step = SQLITE_DONE; /* read only after the loop ran; gcc -O1 cannot tell */
    while (updates && clears && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(stmt, 0);
        int r = pa_audit__rule_index((const char *)sqlite3_column_text(stmt, 1));
        bool cleared = strcmp((const char *)sqlite3_column_text(stmt, 8), "cleared") == 0;
        struct hit *x = r >= 0 ? find_hit(h, r, (const char *)sqlite3_column_text(stmt, 2)) : NULL;
        if (x == NULL && !cleared && r >= 0 && enabled[r]) {
            json_array_append_new(clears, json_string(id));
        } else if (x && (cleared || !same_figures(stmt, x))) {
            json_t *data = figures(x);
            json_object_set_new(data, "id", json_string(id));
            json_array_append_new(updates, data);
        } else if (x || !cleared) {
            run->out->unchanged++;
        }
        if (x)
            x->matched = true;
    }
    sqlite3_reset(stmt);
    if (updates == NULL || clears == NULL)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    else if (step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading findings");
    size_t i;
    json_t *v;
    json_array_foreach(updates, i, v)
    {
        if (rc == 0)
            rc = append(db, "finding.update", json_incref(v), run, err);
        run->out->updated++;
    }
    json_array_foreach(clears, i, v)
    {
        if (rc == 0)
            rc = append(db, "finding.clear", json_pack("{s:O}", "id", v), run, err);
        run->out->cleared++;
    }
    json_decref(updates);
    json_decref(clears);
    return rc;
}

static int next_finding_number(struct pa_db *db, int64_t *next, struct pa_error *err)
{
    static const char sql[] =
        "SELECT coalesce(max(CAST(substr(id, 3) AS INTEGER)), 0) + 1 FROM findings";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    int step = sqlite3_step(stmt);
    *next = sqlite3_column_int64(stmt, 0);
    sqlite3_reset(stmt);
    return step == SQLITE_ROW ? 0 : pa_db_fail(db, err, "numbering findings");
}

static int authorize_run(struct pa_db *db, const char *pairing, struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    if (pa_scope_unrestricted(db))
        return 0;
    if (who->role == PA_ROLE_AUDITOR && pa_pairing_under(db, pairing, who->pairing))
        return 0;
    if (who->role == PA_ROLE_ANONYMOUS)
        return pa_error_set(err, PA_EUNAUTH, "sign in to run the audit");
    return pa_error_set(err, PA_EDENIED,
                        "the joint audit of pairing '%s' is run by its auditors, not by %s",
                        pairing, who->name);
}

static int run_pairing(struct pa_db *db, const char *pairing, const char *as_of,
                       struct pa_audit_outcome *out, struct pa_error *err)
{
    struct pa_measures m;
    struct hits h = {.err = err};
    struct pa_audit_outcome before = *out;
    int rc = pa_scope_read(db, 0, err);
    if (rc == 0)
        rc = authorize_run(db, pairing, err);
    if (rc == 0)
        rc = pa_measures_in_force(db, pairing, &m, NULL, err);
    if (rc == 0)
        rc = pa_audit__prepare(db, pairing, as_of, err);
    for (int r = 0; rc == 0 && r < PA_RULES; r++) {
        h.rule = r;
        if (m.enabled[r])
            rc = pa_audit__rule_run(db, r, &m, pairing, as_of, collect, &h, err);
    }
    struct run run = {.pairing = pairing, .as_of = as_of, .measures = m.version, .out = out};
    if (rc == 0)
        rc = next_finding_number(db, &run.next_id, err);
    if (rc == 0)
        rc = judge_stored(db, &h, &run, m.enabled, err);
    for (size_t i = 0; rc == 0 && i < h.n; i++)
        if (!h.items[i].matched)
            rc = open_finding(db, &h.items[i], &run, err);
    out->found += (int64_t)h.n;
    hits_release(&h);
    if (rc == 0) {
        json_t *data = json_pack("{s:s, s:I, s:I, s:I, s:I}", "pairing", pairing, "opened",
                                 (json_int_t)(out->opened - before.opened), "updated",
                                 (json_int_t)(out->updated - before.updated), "cleared",
                                 (json_int_t)(out->cleared - before.cleared), "unchanged",
                                 (json_int_t)(out->unchanged - before.unchanged));
        rc = append(db, "audit.run", data, &run, err);
    }
    out->runs++;
    out->measures_version = m.version;
    return rc;
}

int pa_audit_run(struct pa_db *db, const char *as_of, const char *pairing,
                 struct pa_audit_outcome *out, struct pa_error *err)
{
    PA_ASSERT(pa_db_in_transaction(db));
    memset(out, 0, sizeof(*out));
    char today[PA_DATE_LEN + 1], city[PA_CODE_MAX + 1];
    if (as_of == NULL) {
        pa_date_format(pa_date_today(), today);
        as_of = today;
    } else if (pa_date_parse(as_of, NULL, NULL) != 0) {
        return pa_error_setf(err, PA_EINVAL, "as_of", "'%s' is not a date YYYY-MM-DD", as_of);
    }
    if (pairing) {
        int rc = pa_audit_city_pairing(db, pairing, city, err);
        return rc != 0 ? rc : run_pairing(db, city, as_of, out, err);
    }
    /* None named: every city pairing, or for a pairing's auditor every one theirs (the
     * others are not theirs to audit; with none of theirs, the first says why). */
    static const char sql[] = "SELECT code FROM pairings WHERE parent IS NULL ORDER BY code";
    sqlite3_stmt *stmt;
    int rc = pa_scope_read(db, 0, err);
    if (rc == 0)
        rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    const struct pa_principal *who = pa_db_principal(db);
    bool auditor = !pa_scope_unrestricted(db) && who->role == PA_ROLE_AUDITOR;
    json_t *codes = json_array(), *all = json_array();
    while (codes && all && sqlite3_step(stmt) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(stmt, 0);
        json_array_append_new(all, json_string(code));
        if (!auditor || pa_pairing_under(db, code, who->pairing))
            json_array_append_new(codes, json_string(code));
    }
    sqlite3_reset(stmt);
    if (codes && all && json_array_size(codes) == 0) {
        json_decref(codes);
        codes = json_incref(all);
    }
    json_decref(all);
    size_t i;
    json_t *code;
    json_array_foreach(codes, i, code)
    {
        if (rc == 0)
            rc = run_pairing(db, json_string_value(code), as_of, out, err);
    }
    json_decref(codes);
    return codes ? rc : pa_error_set(err, PA_ENOMEM, "out of memory");
}

/* ---- responses ------------------------------------------------------------------------- */

struct action {
    const char *name, *zh;
    enum pa_role role;    /* who takes it (besides admins and the local operator) */
    const char *from;     /* "|open|acknowledged|": the statuses it applies to */
    const char *status;   /* the status after it */
    const char *awaited;  /* the statuses in which the finding waits for it (the inbox) */
};

/* A finding waits for the county's answer until it is explained, then for the
 * auditors' judgement; reopening is never what it waits for. */
static const struct action actions[] = {
    {"acknowledge", "确认", PA_ROLE_RECIPIENT, "|open|", "acknowledged", "|open|"},
    {"explain", "整改说明", PA_ROLE_RECIPIENT, "|open|acknowledged|explained|", "explained",
     "|open|acknowledged|"},
    {"resolve", "整改销号", PA_ROLE_AUDITOR, "|open|acknowledged|explained|", "resolved",
     "|explained|"},
    {"reopen", "重新打开", PA_ROLE_AUDITOR, "|acknowledged|explained|resolved|", "open", ""},
};

static const struct action *find_action(const char *name)
{
    for (size_t i = 0; i < PA_ARRAY_LEN(actions); i++)
        if (strcmp(actions[i].name, name) == 0)
            return &actions[i];
    return NULL;
}

struct stored_finding {
    char status[16], pairing[PA_CODE_MAX + 1], region[8];
};

static int load_finding(struct pa_db *db, const char *id, struct stored_finding *f,
                        struct pa_error *err)
{
    static const char sql[] =
        "SELECT f.status, f.pairing, coalesce(f.region, g.recipient) FROM findings f "
        "JOIN pairings g ON g.code = f.pairing WHERE f.id = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, id);
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        snprintf(f->status, sizeof(f->status), "%s", sqlite3_column_text(stmt, 0));
        snprintf(f->pairing, sizeof(f->pairing), "%s", sqlite3_column_text(stmt, 1));
        snprintf(f->region, sizeof(f->region), "%s", sqlite3_column_text(stmt, 2));
    }
    sqlite3_reset(stmt);
    if (step == SQLITE_DONE)
        return pa_error_setf(err, PA_ENOTFOUND, "id", "no finding '%s'", id);
    return step == SQLITE_ROW ? 0 : pa_db_fail(db, err, "reading a finding");
}

static int authorize_response(struct pa_db *db, const struct action *a,
                              const struct stored_finding *f, struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    char what[64];
    snprintf(what, sizeof(what), "%s findings of this county", a->name);
    if (pa_scope_unrestricted(db))
        return 0;
    if (a->role == PA_ROLE_RECIPIENT)
        return pa_scope_require(db, PA_ROLE_RECIPIENT, f->region, what, err);
    if (who->role == PA_ROLE_AUDITOR && pa_pairing_under(db, f->pairing, who->pairing))
        return 0;
    return pa_error_set(err, who->role == PA_ROLE_ANONYMOUS ? PA_EUNAUTH : PA_EDENIED,
                        "only the auditors of pairing '%s' may %s a finding", f->pairing,
                        a->name);
}

int pa_audit__awaited_actions(struct pa_db *db, const char *id, json_t **out,
                              struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    struct stored_finding f;
    *out = json_array();
    int rc = *out ? load_finding(db, id, &f, err) : pa_error_set(err, PA_ENOMEM, "out of memory");
    char status[20];
    snprintf(status, sizeof(status), "|%s|", rc == 0 ? f.status : "");
    for (size_t i = 0; rc == 0 && who && i < PA_ARRAY_LEN(actions); i++) {
        const struct action *a = &actions[i];
        if (a->role != who->role || strstr(a->awaited, status) == NULL)
            continue;
        struct pa_error denied;
        int allowed = authorize_response(db, a, &f, &denied);
        if (allowed == 0)
            json_array_append_new(*out, json_string(a->name));
        else if (allowed != PA_EDENIED && allowed != PA_EUNAUTH)
            rc = pa_error_set(err, allowed, "%s", denied.message);
    }
    if (rc != 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int pa_audit_respond(struct pa_db *db, const char *id, const char *action, const char *note,
                     const char *attachment, struct pa_error *err)
{
    PA_ASSERT(pa_db_in_transaction(db));
    const struct action *a = find_action(action ? action : "");
    if (a == NULL)
        return pa_error_setf(err, PA_EINVAL, "action",
                             "'%s' is not an action: acknowledge, explain, resolve or reopen",
                             action ? action : "");
    if (note == NULL || note[0] == '\0')
        return pa_error_setf(err, PA_EINVAL, "note", "a response says why: give a note");
    if (pa_text_check(note, strlen(note), PA_MEMO_MAX_CHARS, PA_TEXT_MULTILINE, err) != 0) {
        if (err)
            snprintf(err->field, sizeof(err->field), "note");
        return PA_EINVAL;
    }
    struct stored_finding f;
    int rc = pa_scope_read(db, 0, err);
    if (rc == 0)
        rc = load_finding(db, id, &f, err);
    if (rc == 0)
        rc = authorize_response(db, a, &f, err);
    if (rc != 0)
        return rc;
    char status[20];
    snprintf(status, sizeof(status), "|%s|", f.status);
    if (strstr(a->from, status) == NULL)
        return pa_error_setf(err, PA_EINVAL, "action", "finding %s is %s: it cannot take '%s'",
                             id, f.status, a->name);
    char today[PA_DATE_LEN + 1];
    pa_date_format(pa_date_today(), today);
    json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:s*}", "id", id, "action", a->name, "note",
                             note, "date", today, "attachment", attachment);
    return data ? pa_tlog_append(db, "finding.respond", data, NULL, err)
                : pa_error_set(err, PA_ENOMEM, "out of memory");
}

/* ---- replay ------------------------------------------------------------------------------ */

static int exec_bound(struct pa_db *db, const char *sql, json_t *values, const char *type,
                      struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v)
    {
        int at = (int)i + 1;
        if (json_is_integer(v))
            sqlite3_bind_int64(stmt, at, json_integer_value(v));
        else if (json_is_string(v))
            sqlite3_bind_text(stmt, at, json_string_value(v), -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(stmt, at);
    }
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, type);
    else if (sqlite3_changes(pa_db_sqlite(db)) != 1)
        rc = pa_error_set(err, PA_ETAMPER, "event '%s' names an unknown finding", type);
    sqlite3_reset(stmt);
    json_decref(values);
    return rc;
}

static int history(struct pa_db *db, const struct pa_event *ev, const char *id,
                   const char *action, const char *date, const char *note,
                   const char *attachment, struct pa_error *err)
{
    static const char sql[] =
        "INSERT INTO finding_history(finding, seq, action, status, actor, role, date, note, "
        "attachment) SELECT ?1, ?2, ?3, status, ?4, ?5, ?6, ?7, ?8 FROM findings WHERE id = ?1";
    json_t *values = json_pack("[s, I, s, s, s?, s, s?, s?]", id, (json_int_t)ev->seq, action,
                               ev->actor, ev->role, date, note, attachment);
    return values ? exec_bound(db, sql, values, ev->type, err)
                  : pa_error_set(err, PA_ENOMEM, "out of memory");
}

int pa_audit__apply_finding(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    json_t *d = (json_t *)ev->data;
    const char *id, *as_of, *severity = NULL, *subject = NULL, *project = NULL, *region = NULL,
                            *evidence = NULL, *message = NULL, *pairing = NULL, *rule = NULL,
                            *key = NULL;
    json_int_t amount = 0, measures;
    int bad;
    const char *type = ev->type;
    bool open = strcmp(type, "finding.open") == 0, clear = strcmp(type, "finding.clear") == 0;
    if (clear)
        bad = json_unpack(d, "{s:s, s:s, s:I !}", "id", &id, "as_of", &as_of, "measures",
                          &measures);
    else if (open)
        bad = json_unpack(d, "{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s?s, s?s, s:I, s:s, s:s !}",
                          "id", &id, "as_of", &as_of, "measures", &measures, "pairing", &pairing,
                          "rule", &rule, "key", &key, "severity", &severity, "subject", &subject,
                          "project", &project, "region", &region, "amount_fen", &amount,
                          "evidence", &evidence, "message", &message);
    else
        bad = json_unpack(d, "{s:s, s:s, s:I, s:s, s:s, s?s, s?s, s:I, s:s, s:s !}", "id", &id,
                          "as_of", &as_of, "measures", &measures, "severity", &severity,
                          "subject", &subject, "project", &project, "region", &region,
                          "amount_fen", &amount, "evidence", &evidence, "message", &message);
    if (bad || (severity && strcmp(severity, "warning") != 0 && strcmp(severity, "error") != 0))
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", type);
    json_t *values;
    const char *sql, *action;
    if (open) {
        sql = "INSERT INTO findings(id, rule, key, pairing, severity, subject, project, region, "
              "amount, evidence, message, status, opened, updated, measures) VALUES (?1, ?2, ?3, "
              "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'open', ?12, ?12, ?13)";
        values = json_pack("[s, s, s, s, s, s, s?, s?, I, s, s, s, I]", id, rule, key, pairing,
                           severity, subject, project, region, amount, evidence, message, as_of,
                           measures);
        action = "opened";
    } else if (clear) {
        sql = "UPDATE findings SET status = 'cleared', updated = ?2, measures = ?3 WHERE id = ?1 "
              "AND status <> 'cleared'";
        values = json_pack("[s, s, I]", id, as_of, measures);
        action = "cleared";
    } else {
        sql = "UPDATE findings SET severity = ?2, subject = ?3, project = ?4, region = ?5, "
              "amount = ?6, evidence = ?7, message = ?8, updated = ?9, measures = ?10, "
              "status = CASE status WHEN 'cleared' THEN 'open' ELSE status END WHERE id = ?1";
        values = json_pack("[s, s, s, s?, s?, I, s, s, s, I]", id, severity, subject, project,
                           region, amount, evidence, message, as_of, measures);
        action = "updated";
    }
    int rc = values ? exec_bound(db, sql, values, type, err)
                    : pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", type);
    return rc != 0 ? rc : history(db, ev, id, action, as_of, NULL, NULL, err);
}

int pa_audit__apply_respond(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    const char *id, *name, *note, *date, *attachment = NULL;
    const struct action *a;
    if (json_unpack((json_t *)ev->data, "{s:s, s:s, s:s, s:s, s?s !}", "id", &id, "action",
                    &name, "note", &note, "date", &date, "attachment", &attachment) != 0 ||
        (a = find_action(name)) == NULL)
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", ev->type);
    json_t *values = json_pack("[s, s, s]", id, a->status, date);
    int rc = values ? exec_bound(db,
                                 "UPDATE findings SET status = ?2, updated = ?3 WHERE id = ?1 AND "
                                 "status <> 'cleared'",
                                 values, ev->type, err)
                    : pa_error_set(err, PA_ENOMEM, "out of memory");
    return rc != 0 ? rc : history(db, ev, id, a->name, date, note, attachment, err);
}

int pa_audit__apply_run(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    const char *pairing, *as_of;
    json_int_t measures, opened, updated, cleared, unchanged;
    if (json_unpack((json_t *)ev->data, "{s:s, s:s, s:I, s:I, s:I, s:I, s:I !}", "pairing",
                    &pairing, "as_of", &as_of, "measures", &measures, "opened", &opened,
                    "updated", &updated, "cleared", &cleared, "unchanged", &unchanged) != 0)
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", ev->type);
    static const char sql[] =
        "INSERT INTO audit_runs(seq, pairing, as_of, measures, opened, updated, cleared, "
        "unchanged) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    json_t *values = json_pack("[I, s, s, I, I, I, I, I]", (json_int_t)ev->seq, pairing, as_of,
                               measures, opened, updated, cleared, unchanged);
    return values ? exec_bound(db, sql, values, ev->type, err)
                  : pa_error_set(err, PA_ENOMEM, "out of memory");
}
