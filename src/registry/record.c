/*
 * record.c - the one generic path every registry record takes: text to typed
 * value, typed value to CSV text and JSON, record to event, event to projection
 * row.  Keeping it in one place is what lets an export re-import byte for byte and
 * a replay rebuild exactly the rows the live path wrote.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pairaid/registry.h"

int pa_kind_column(const struct pa_kind *kind, const char *name)
{
    for (int i = 0; i < kind->ncolumns; i++)
        if (strcmp(kind->columns[i].name, name) == 0)
            return i;
    return -1;
}

static int parse_enum(const struct pa_column *col, const char *text, struct pa_value *out,
                      struct pa_error *err)
{
    for (const struct pa_enum_value *e = col->values; e->name; e++) {
        if (strcmp(text, e->name) == 0 || (e->zh && strcmp(text, e->zh) == 0)) {
            out->s = e->name;
            return 0;
        }
    }
    char list[256] = "", zh[512] = "";
    for (const struct pa_enum_value *e = col->values; e->name; e++) {
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", list[0] ? ", " : "",
                 e->name);
        snprintf(zh + strlen(zh), sizeof(zh) - strlen(zh), "%s%s（%s）", zh[0] ? "、" : "",
                 e->zh ? e->zh : e->name, e->name);
    }
    pa_msg_twin(list, zh); /* the Chinese message names the values by their Chinese names */
    return pa_error_set(err, PA_EINVAL, "'%.40s' is not one of %s", text, list);
}

static int parse_bool(const char *text, struct pa_value *out, struct pa_error *err)
{
    static const char *const yes[] = {"true", "1", "yes", "是", NULL};
    static const char *const no[] = {"false", "0", "no", "否", NULL};
    for (int i = 0; yes[i]; i++) {
        if (strcmp(text, yes[i]) == 0) {
            out->i = 1;
            return 0;
        }
        if (strcmp(text, no[i]) == 0) {
            out->i = 0;
            return 0;
        }
    }
    return pa_error_set(err, PA_EINVAL, "'%.40s' is not true or false", text);
}

static int parse_count(const char *text, struct pa_value *out, struct pa_error *err)
{
    int64_t n = 0;
    if (*text == '\0')
        return pa_error_set(err, PA_EINVAL, "not a whole number");
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return pa_error_set(err, PA_EINVAL, "'%.40s' is not a whole number", text);
        if (__builtin_mul_overflow(n, 10, &n) || __builtin_add_overflow(n, *p - '0', &n))
            return pa_error_set(err, PA_ERANGE, "number too large");
    }
    out->i = n;
    return 0;
}

/* A set's canonical text ("industry|education", in the column's order), kept
 * for the life of the process: there are at most 2^n of them for n values,
 * and a record only borrows its text. */
#define SETS_MAX 1024

static const char *interned_set(const struct pa_enum_value *values, unsigned mask)
{
    static struct {
        const struct pa_enum_value *values;
        unsigned mask;
        char *text;
    } sets[SETS_MAX];
    static int nsets;
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    const char *found = NULL;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < nsets && !found; i++)
        if (sets[i].values == values && sets[i].mask == mask)
            found = sets[i].text;
    if (found == NULL && nsets < SETS_MAX) {
        char text[512] = "";
        for (int k = 0; values[k].name; k++)
            if (mask & (1u << k))
                snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s",
                         text[0] ? "|" : "", values[k].name);
        if ((sets[nsets].text = strdup(text)) != NULL) {
            sets[nsets].values = values;
            sets[nsets].mask = mask;
            found = sets[nsets++].text;
        }
    }
    pthread_mutex_unlock(&lock);
    return found;
}

/* "industry|教育" (separated by | 、 ; or ,) as a set of the column's values. */
static int parse_set(const struct pa_column *col, const char *text, struct pa_value *out,
                     struct pa_error *err)
{
    unsigned mask = 0;
    char token[96];
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "|;,"), sep = 0;
        const char *dun = strstr(p, "、"); /* the Chinese enumeration comma */
        if (dun && (size_t)(dun - p) < n)
            n = (size_t)(dun - p), sep = strlen("、");
        else if (p[n])
            sep = 1;
        while (n > 0 && p[n - 1] == ' ')
            n--;
        snprintf(token, sizeof(token), "%.*s", (int)n, p);
        int k = 0;
        while (col->values[k].name && strcmp(token, col->values[k].name) != 0 &&
               (!col->values[k].zh || strcmp(token, col->values[k].zh) != 0))
            k++;
        if (col->values[k].name == NULL) {
            struct pa_value ignored;
            return parse_enum(col, token, &ignored, err); /* says what would do */
        }
        mask |= 1u << k;
        p += n + sep;
        while (*p == ' ')
            p++;
    }
    out->s = mask ? interned_set(col->values, mask) : NULL;
    out->null = mask == 0;
    return mask == 0 || out->s ? 0 : pa_error_set(err, PA_ENOMEM, "out of memory");
}

static int parse_typed(const struct pa_column *col, const char *text, size_t len,
                       struct pa_value *out, struct pa_error *err)
{
    switch (col->type) {
    case PA_COL_CODE:
        return pa_code_check(text, err);
    case PA_COL_NAME:
        return pa_text_check(text, len, PA_NAME_MAX_CHARS, 0, err);
    case PA_COL_MEMO:
        return pa_text_check(text, len, PA_MEMO_MAX_CHARS, PA_TEXT_MULTILINE, err);
    case PA_COL_MONEY:
        return pa_money_parse(text, &out->i, err);
    case PA_COL_DATE:
        return pa_date_parse(text, NULL, err);
    case PA_COL_COUNT:
        return parse_count(text, out, err);
    case PA_COL_BOOL:
        return parse_bool(text, out, err);
    case PA_COL_ENUM:
        return parse_enum(col, text, out, err);
    case PA_COL_REGION:
        return pa_region_code_check(text, err);
    case PA_COL_CREDIT:
        return pa_credit_code_check(text, err);
    case PA_COL_PHOTO:
        return pa_text_check(text, len, PA_NAME_MAX_CHARS, 0, err);
    case PA_COL_QUANTITY: /* the same shape as yuan: digits, two decimals at most */
        return pa_money_parse(text, &out->i, err);
    case PA_COL_SET:
        return parse_set(col, text, out, err);
    }
    return pa_error_set(err, PA_EINTERNAL, "unknown column type");
}

int pa_value_parse(const struct pa_column *col, const char *text, size_t len, struct pa_value *out,
                   struct pa_error *err)
{
    PA_ASSERT(col != NULL && text != NULL && out != NULL);
    memset(out, 0, sizeof(*out));
    if (len == 0 && col->type == PA_COL_BOOL)
        return 0; /* an empty flag is false, never unknown */
    if (len == 0) {
        out->null = true;
        if (col->flags & PA_COL_REQUIRED)
            return pa_error_setf(err, PA_EINVAL, col->name, "a value is required");
        return 0;
    }
    if (memchr(text, '\0', len) != NULL)
        return pa_error_setf(err, PA_EINVAL, col->name, "contains a NUL byte");
    out->s = text;
    int rc = parse_typed(col, text, len, out, err);
    if (rc != 0 && err)
        snprintf(err->field, sizeof(err->field), "%s", col->name);
    return rc;
}

const char *pa_value_format(const struct pa_column *col, const struct pa_value *v, char *buf,
                            size_t size)
{
    if (v->null)
        return "";
    switch (col->type) {
    case PA_COL_MONEY:
    case PA_COL_QUANTITY:
        pa_money_format(v->i, PA_YUAN, 0, buf, size);
        return buf;
    case PA_COL_COUNT:
        snprintf(buf, size, "%lld", (long long)v->i);
        return buf;
    case PA_COL_BOOL:
        return v->i ? "true" : "false";
    default:
        return v->s;
    }
}

json_t *pa_value_json(const struct pa_column *col, const struct pa_value *v)
{
    char buf[64];
    if (v->null)
        return json_null();
    switch (col->type) {
    case PA_COL_MONEY:
    case PA_COL_QUANTITY:
        return json_string(pa_value_format(col, v, buf, sizeof(buf)));
    case PA_COL_COUNT:
        return json_integer(v->i);
    case PA_COL_BOOL:
        return json_boolean(v->i);
    default:
        return json_string(v->s);
    }
}

void pa_record_from_row(struct pa_record *rec, const struct pa_kind *kind, sqlite3_stmt *stmt)
{
    memset(rec, 0, sizeof(*rec));
    rec->kind = kind;
    for (int i = 0; i < kind->ncolumns; i++) {
        struct pa_value *v = &rec->v[i];
        v->null = sqlite3_column_type(stmt, i) == SQLITE_NULL;
        enum pa_col_type t = kind->columns[i].type;
        if (t == PA_COL_MONEY || t == PA_COL_COUNT || t == PA_COL_BOOL || t == PA_COL_QUANTITY)
            v->i = sqlite3_column_int64(stmt, i);
        else
            v->s = (const char *)sqlite3_column_text(stmt, i);
    }
}

/* ---- kinds, their SQL and their event keys -------------------------------- */

#define KINDS_MAX 16
#define SQL_MAX   2048

/* In events, money is an integer of fen under "<column>_fen" so nobody reads fen
 * as yuan.  Keys are written in sorted order; both, and the kind's SQL, are
 * worked out once, when the kind is registered. */
struct kind_info {
    const struct pa_kind *kind;
    bool importable;
    char keys[PA_MAX_COLUMNS][PA_CODE_MAX + 8];
    int order[PA_MAX_COLUMNS]; /* column indexes by ascending key */
    char sql[PA_SQL_DELETE_KEY + 1][SQL_MAX];
};

static struct kind_info kinds[KINDS_MAX];
static int nkinds;
static char kind_names[256];

static void work_out_keys(struct kind_info *info)
{
    const struct pa_kind *kind = info->kind;
    PA_ASSERT(kind->ncolumns <= PA_MAX_COLUMNS);
    for (int i = 0; i < kind->ncolumns; i++) {
        const struct pa_column *col = &kind->columns[i];
        snprintf(info->keys[i], sizeof(info->keys[i]), "%s%s", col->name,
                 col->type == PA_COL_MONEY      ? "_fen"
                 : col->type == PA_COL_QUANTITY ? "_x100"
                                                : "");
        int j = i;
        for (; j > 0 && strcmp(info->keys[info->order[j - 1]], info->keys[i]) > 0; j--)
            info->order[j] = info->order[j - 1];
        info->order[j] = i;
    }
}

/* Appends to a kind's statement; the names are ours and short, so running out
 * of room is a programmer's error. */
static void sql_add(char *sql, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sql_add(char *sql, const char *fmt, ...)
{
    size_t used = strlen(sql);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(sql + used, SQL_MAX - used, fmt, ap);
    va_end(ap);
    PA_ASSERT(n >= 0 && (size_t)n < SQL_MAX - used);
}

static const char *sql_name(const struct pa_kind *kind, int i)
{
    return kind->sql_names && kind->sql_names[i] ? kind->sql_names[i] : kind->columns[i].name;
}

/* "a, b, c": every column, in order. */
static void sql_columns(char *sql, const struct pa_kind *kind)
{
    for (int i = 0; i < kind->ncolumns; i++)
        sql_add(sql, "%s\"%s\"", i ? ", " : "", sql_name(kind, i));
}

/* "k1 = ?1 AND k2 = ?2": the key columns, bound in order. */
static void sql_key_condition(char *sql, const struct pa_kind *kind)
{
    for (int i = 0, n = 0; i < kind->ncolumns; i++)
        if (kind->columns[i].flags & PA_COL_KEY)
            sql_add(sql, "%s\"%s\" = ?%d", n ? " AND " : "", sql_name(kind, i), n + 1), n++;
}

static void work_out_sql(struct kind_info *info)
{
    const struct pa_kind *kind = info->kind;
    PA_ASSERT(kind->table != NULL && kind->order_by != NULL);
    char *insert = info->sql[PA_SQL_INSERT], *select = info->sql[PA_SQL_SELECT_KEY],
         *export = info->sql[PA_SQL_EXPORT];
    sql_add(insert, "INSERT INTO \"%s\"(", kind->table);
    sql_columns(insert, kind);
    sql_add(insert, ") VALUES (");
    for (int i = 0; i < kind->ncolumns; i++)
        sql_add(insert, "%s?%d", i ? ", " : "", i + 1);
    sql_add(insert, ")");
    sql_add(select, "SELECT ");
    sql_columns(select, kind);
    sql_add(select, " FROM \"%s\" WHERE ", kind->table);
    sql_key_condition(select, kind);
    sql_add(info->sql[PA_SQL_DELETE_KEY], "DELETE FROM \"%s\" WHERE ", kind->table);
    sql_key_condition(info->sql[PA_SQL_DELETE_KEY], kind);
    sql_add(export, "SELECT ");
    sql_columns(export, kind);
    sql_add(export, " FROM \"%s\" WHERE %s ORDER BY %s", kind->table,
            kind->visible ? kind->visible : "1", kind->order_by);
}

static void add_kind(const struct pa_kind *kind, bool importable)
{
    for (int i = 0; i < nkinds; i++)
        if (kinds[i].kind == kind)
            return;
    PA_ASSERT(nkinds < KINDS_MAX);
    struct kind_info *info = &kinds[nkinds];
    info->kind = kind;
    info->importable = importable;
    work_out_keys(info);
    work_out_sql(info);
    nkinds++;
    if (!importable)
        return;
    size_t used = strlen(kind_names);
    snprintf(kind_names + used, sizeof(kind_names) - used, "%s%s", used ? ", " : "", kind->name);
}

void pa_kind_register(const struct pa_kind *kind)
{
    add_kind(kind, true);
}

void pa_kind_register_export_only(const struct pa_kind *kind)
{
    add_kind(kind, false);
}

const char *pa_kind_names(void)
{
    return kind_names;
}

static const struct kind_info *info_for_kind(const struct pa_kind *kind)
{
    for (int i = 0; i < nkinds; i++)
        if (kinds[i].kind == kind)
            return &kinds[i];
    return NULL;
}

const char *pa_kind_sql(const struct pa_kind *kind, enum pa_kind_query query)
{
    const struct kind_info *info = info_for_kind(kind);
    PA_ASSERT(info != NULL && (size_t)query < PA_ARRAY_LEN(info->sql));
    return info->sql[query];
}

static const struct kind_info *info_for_event(const char *type)
{
    for (int i = 0; i < nkinds; i++) {
        const struct pa_kind *k = kinds[i].kind;
        if ((k->event_create && strcmp(k->event_create, type) == 0) ||
            (k->event_update && strcmp(k->event_update, type) == 0))
            return &kinds[i];
    }
    return NULL;
}

const struct pa_kind *pa_kind_find(const char *name)
{
    for (int i = 0; i < nkinds; i++)
        if (kinds[i].importable && strcmp(kinds[i].kind->name, name) == 0)
            return kinds[i].kind;
    return NULL;
}

static bool is_integer(enum pa_col_type t)
{
    return t == PA_COL_MONEY || t == PA_COL_COUNT || t == PA_COL_BOOL || t == PA_COL_QUANTITY;
}

/* ---- events -------------------------------------------------------------- */

/* The canonical data of a record's create event; null values are left out. */
static void record_canon(struct pa_canon *c, const struct kind_info *info,
                         const struct pa_record *rec)
{
    for (int k = 0; k < info->kind->ncolumns; k++) {
        int i = info->order[k];
        const struct pa_value *v = &rec->v[i];
        if (v->null)
            continue;
        pa_canon_key(c, info->keys[i]);
        enum pa_col_type t = info->kind->columns[i].type;
        if (t == PA_COL_BOOL)
            pa_canon_bool(c, v->i != 0);
        else if (is_integer(t))
            pa_canon_int(c, v->i);
        else
            pa_canon_string(c, v->s, strlen(v->s));
    }
}

/* Writes a record into its projection table: the one step shared by the live
 * path and replay. */
int pa_registry__insert(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    const struct pa_kind *kind = rec->kind;
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, pa_kind_sql(kind, PA_SQL_INSERT), &stmt, err);
    if (rc != 0)
        return rc;
    for (int i = 0; i < kind->ncolumns; i++) {
        const struct pa_value *v = &rec->v[i];
        if (v->null)
            sqlite3_bind_null(stmt, i + 1);
        else if (is_integer(kind->columns[i].type))
            sqlite3_bind_int64(stmt, i + 1, v->i);
        else
            sqlite3_bind_text(stmt, i + 1, v->s, -1, SQLITE_STATIC);
    }
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, kind->event_create);
    sqlite3_reset(stmt);
    return rc;
}

static int value_from_json(const struct pa_column *col, const json_t *value, struct pa_value *v,
                           struct pa_error *err)
{
    memset(v, 0, sizeof(*v));
    /* a flag added to a kind later is false in the events written before it */
    v->null = value == NULL && col->type != PA_COL_BOOL;
    if (value == NULL)
        return 0;
    if (col->type == PA_COL_BOOL && json_is_boolean(value))
        v->i = json_is_true(value);
    else if (is_integer(col->type) && col->type != PA_COL_BOOL && json_is_integer(value))
        v->i = json_integer_value(value);
    else if (!is_integer(col->type) && json_is_string(value))
        v->s = json_string_value(value);
    else
        return pa_error_setf(err, PA_ETAMPER, col->name, "event field '%s' has the wrong type",
                             col->name);
    return 0;
}

static int bind_key(sqlite3_stmt *stmt, const struct pa_record *rec);

/* An update replaces the stored record it names, which must be there. */
static int delete_stored(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, pa_kind_sql(rec->kind, PA_SQL_DELETE_KEY), &stmt, err);
    if (rc != 0)
        return rc;
    bind_key(stmt, rec);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, rec->kind->event_update);
    else if (sqlite3_changes(pa_db_sqlite(db)) != 1)
        rc = pa_error_set(err, PA_ETAMPER, "'%s' updates a record that is not there",
                          rec->kind->event_update);
    sqlite3_reset(stmt);
    return rc;
}

/* The apply function of every `<kind>.create` and `<kind>.update` event, used
 * by replay: an update carries the whole record as it is now. */
int pa_registry__apply_create(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    const struct kind_info *info = info_for_event(ev->type);
    PA_ASSERT(info != NULL);
    struct pa_record rec = {.kind = info->kind};
    size_t seen = 0;
    for (int i = 0; i < info->kind->ncolumns; i++) {
        const json_t *value = json_object_get(ev->data, info->keys[i]);
        seen += value != NULL;
        int rc = value_from_json(&info->kind->columns[i], value, &rec.v[i], err);
        if (rc != 0)
            return rc;
    }
    if (seen != json_object_size(ev->data))
        return pa_error_set(err, PA_ETAMPER, "event '%s' has unknown fields", ev->type);
    bool update = info->kind->event_update && strcmp(ev->type, info->kind->event_update) == 0;
    int rc = update ? delete_stored(db, &rec, err) : 0;
    return rc != 0 ? rc : pa_registry__insert(db, &rec, err);
}

/* Which log rec's event belongs to, by its module's log_of (tlog.h), given
 * the members that decide it (a record's pairing, project, code) rather than
 * the event decoded again: an import writes a hundred thousand of them. */
static int record_log(struct pa_db *db, const struct kind_info *info, const struct pa_record *rec,
                      const char *type, char *log, struct pa_error *err)
{
    static const char *const deciding[] = {"pairing", "project", "code"};
    json_t *data = json_object();
    for (size_t k = 0; data && k < PA_ARRAY_LEN(deciding); k++) {
        int i = pa_kind_column(rec->kind, deciding[k]);
        if (i >= 0 && !rec->v[i].null && rec->v[i].s &&
            json_object_set_new(data, info->keys[i], json_string(rec->v[i].s)) != 0) {
            json_decref(data);
            data = NULL;
        }
    }
    if (data == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    struct pa_event ev = {.version = PA_EVENT_VERSION, .type = type, .data = data};
    int rc = pa_tlog_log_of(db, &ev, log, err);
    json_decref(data);
    return rc;
}

/* Appends the create (or update) event of rec and applies it. */
static int record_event(struct pa_db *db, const struct pa_record *rec, bool update,
                        struct pa_error *err)
{
    const struct kind_info *info = info_for_kind(rec->kind);
    PA_ASSERT(info != NULL);
    struct pa_canon c;
    pa_canon_init(&c);
    struct pa_actor who;
    pa_db_who(db, &who);
    pa_canon_begin(&c, &who);
    record_canon(&c, info, rec);
    int64_t now = (int64_t)time(NULL);
    const char *type = update ? rec->kind->event_update : rec->kind->event_create;
    char log[PA_LOG_NAME_MAX + 1];
    int rc = pa_canon_finish(&c, now, type, err);
    if (rc == 0)
        rc = record_log(db, info, rec, type, log, err);
    if (rc == 0)
        rc = pa_tlog_append_canon(db, type, now, &c, log, NULL, err);
    if (rc == 0 && update)
        rc = delete_stored(db, rec, err);
    if (rc == 0)
        rc = pa_registry__insert(db, rec, err);
    pa_canon_release(&c);
    return rc;
}

/* ---- put ---------------------------------------------------------------- */

static bool values_equal(const struct pa_column *col, const struct pa_value *a,
                         const struct pa_value *b)
{
    if (a->null || b->null)
        return a->null == b->null;
    if (is_integer(col->type))
        return a->i == b->i;
    return strcmp(a->s, b->s) == 0;
}

static int bind_key(sqlite3_stmt *stmt, const struct pa_record *rec)
{
    int n = 0;
    for (int i = 0; i < rec->kind->ncolumns; i++) {
        if (!(rec->kind->columns[i].flags & PA_COL_KEY))
            continue;
        if (is_integer(rec->kind->columns[i].type))
            sqlite3_bind_int64(stmt, ++n, rec->v[i].i);
        else
            pa_db_bind_text(stmt, ++n, rec->v[i].s);
    }
    return n;
}

int pa_registry__refuse_change(const struct pa_record *stored, const struct pa_record *rec, int col,
                               struct pa_error *err)
{
    const struct pa_column *c = &rec->kind->columns[col];
    char a[64], b[64], was[80], now[80];
    pa_text_excerpt(pa_value_format(c, &stored->v[col], a, sizeof(a)), was, sizeof(was));
    pa_text_excerpt(pa_value_format(c, &rec->v[col], b, sizeof(b)), now, sizeof(now));
    return pa_error_setf(err, PA_EEXIST, c->name,
                         "already stored with %s '%s', not '%s' (imports never overwrite)", c->name,
                         was, now);
}

int pa_registry__first_difference(const struct pa_record *stored, const struct pa_record *rec,
                                  int from)
{
    for (int i = from; i < rec->kind->ncolumns; i++)
        if (!values_equal(&rec->kind->columns[i], &stored->v[i], &rec->v[i]))
            return i;
    return -1;
}

static int compare_with_stored(struct pa_db *db, sqlite3_stmt *stmt, const struct pa_record *rec,
                               enum pa_put_result *result, struct pa_error *err)
{
    struct pa_record stored;
    pa_record_from_row(&stored, rec->kind, stmt);
    int col = pa_registry__first_difference(&stored, rec, 0);
    if (col < 0) {
        *result = PA_PUT_SAME;
        return 0;
    }
    if (rec->kind->on_change)
        return rec->kind->on_change(db, &stored, rec, col, result, err);
    for (int i = col; i >= 0; i = pa_registry__first_difference(&stored, rec, i + 1))
        if (!rec->kind->event_update || !(rec->kind->columns[i].flags & PA_COL_UPDATABLE))
            return pa_registry__refuse_change(&stored, rec, i, err);
    *result = PA_PUT_UPDATED;
    return record_event(db, rec, true, err);
}

static int check_common(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    const struct pa_kind *kind = rec->kind;
    for (int i = 0; i < kind->ncolumns; i++) {
        if (kind->columns[i].type != PA_COL_REGION || rec->v[i].null)
            continue;
        int rc = pa_region_lookup(db, rec->v[i].s, NULL, err);
        if (rc != 0 && err)
            snprintf(err->field, sizeof(err->field), "%s", kind->columns[i].name);
        if (rc != 0)
            return rc;
    }
    int start = pa_kind_column(kind, "start_date"), end = pa_kind_column(kind, "end_date");
    if (start >= 0 && end >= 0 && !rec->v[start].null && !rec->v[end].null &&
        strcmp(rec->v[end].s, rec->v[start].s) < 0)
        return pa_error_setf(err, PA_EINVAL, "end_date", "end date %s is before start date %s",
                             rec->v[end].s, rec->v[start].s);
    return kind->check ? kind->check(db, rec, err) : 0;
}

static int authorize(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    if (rec->kind->authorize)
        return rec->kind->authorize(db, rec, err);
    char what[64];
    snprintf(what, sizeof(what), "change %s", rec->kind->name);
    return pa_scope_admin_only(db, what, err);
}

int pa_record_put(struct pa_db *db, const struct pa_record *rec, enum pa_put_result *result,
                  struct pa_error *err)
{
    PA_ASSERT(db != NULL && rec != NULL && rec->kind != NULL && result != NULL);
    PA_ASSERT(pa_db_in_transaction(db));
    int rc = authorize(db, rec, err);
    if (rc != 0)
        return rc;
    if (rec->kind->put)
        return rec->kind->put(db, rec, result, err);
    rc = check_common(db, rec, err);
    if (rc != 0)
        return rc;
    sqlite3_stmt *stmt;
    rc = pa_db_prepare(db, pa_kind_sql(rec->kind, PA_SQL_SELECT_KEY), &stmt, err);
    if (rc != 0)
        return rc;
    bind_key(stmt, rec);
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        rc = compare_with_stored(db, stmt, rec, result, err);
        sqlite3_reset(stmt);
        return rc;
    }
    sqlite3_reset(stmt);
    if (step != SQLITE_DONE)
        return pa_db_fail(db, err, "looking up a record");
    *result = PA_PUT_CREATED;
    return record_event(db, rec, false, err);
}
