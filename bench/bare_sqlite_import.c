/*
 * bare_sqlite_import.c - the baseline of the projects import benchmark: a plain
 * program that parses the same projects.csv and inserts the same rows into the
 * same `projects` table with nothing but SQLite.
 *
 *   bare_sqlite_import [--events] --init DB   create DB with the projects table
 *   bare_sqlite_import [--events] DB FILE     import FILE into DB, print the rate
 *
 * Same as pairaid: the CREATE TABLE of src/store/migrations/001_schema.sql
 * (STRICT, WITHOUT ROWID, same CHECKs), journal_mode=WAL, synchronous=FULL, the
 * whole file in one BEGIN IMMEDIATE ... COMMIT, one prepared INSERT reused for
 * every row, text bound with SQLITE_STATIC, the file read into memory first.
 *
 * Skipped on purpose (this is the "bare SQLite" rate): no foreign keys (the
 * pairings and regions tables do not exist here), no validation of codes, names,
 * enums, dates or UTF-8, no pairing/region lookups, no duplicate-key map, no
 * event log row, no quoted-field CSV parsing (the generated file has none: a
 * line is split at commas).  It does parse every field: columns are matched by
 * header name, the budget is converted from yuan text to integer fen, the
 * beneficiaries count to an integer, `public` to 0/1, empty optional fields to
 * NULL.
 *
 * --events (an informational variant, not the baseline): also create the
 * `events` table of 001_schema.sql and insert, for every row, the event row
 * pairaid writes - the same canonical JSON bytes (sorted keys, compact, money in
 * fen, nulls left out, an empty `public` as false), written by a small
 * hand-made encoder into a reused buffer.  It shows what the event row costs in
 * SQLite and I/O alone, and what a direct encoder costs instead of jansson.
 */
#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

enum { C_CODE, C_NAME, C_PAIRING, C_REGION, C_DOMAIN, C_KIND, C_STATUS, C_BUDGET, C_START,
       C_END, C_BENEFICIARIES, C_PUBLIC, C_SOURCE, NCOLS };

static const char *const column_names[NCOLS] = {
    "code", "name", "pairing", "region", "domain", "kind", "status", "budget",
    "start_date", "end_date", "beneficiaries", "public", "source"};

/* Copied from 001_schema.sql without the REFERENCES clauses. */
static const char schema[] =
    "CREATE TABLE IF NOT EXISTS projects (\n"
    "    code          TEXT PRIMARY KEY,\n"
    "    name          TEXT NOT NULL,\n"
    "    pairing       TEXT NOT NULL,\n"
    "    region        TEXT NOT NULL,\n"
    "    domain        TEXT NOT NULL,\n"
    "    kind          TEXT NOT NULL,\n"
    "    status        TEXT NOT NULL,\n"
    "    budget        INTEGER NOT NULL CHECK (budget >= 0),\n"
    "    start_date    TEXT NOT NULL,\n"
    "    end_date      TEXT,\n"
    "    beneficiaries INTEGER CHECK (beneficiaries >= 0),\n"
    "    public        INTEGER NOT NULL CHECK (public IN (0, 1)),\n"
    "    source        TEXT\n"
    ") STRICT, WITHOUT ROWID;";

static const char insert_sql[] =
    "INSERT INTO projects(code, name, pairing, region, domain, kind, status, budget, "
    "start_date, end_date, beneficiaries, public, source) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

static const char events_schema[] =
    "CREATE TABLE IF NOT EXISTS events (\n"
    "    seq   INTEGER PRIMARY KEY,\n"
    "    type  TEXT NOT NULL,\n"
    "    actor TEXT NOT NULL,\n"
    "    time  INTEGER NOT NULL,\n"
    "    entry BLOB NOT NULL\n"
    ") STRICT;";

static const char event_sql[] = "INSERT INTO events(type, actor, time, entry) VALUES (?1, ?2, ?3, ?4)";

static sqlite3 *db;

static void die(const char *what)
{
    fprintf(stderr, "bare_sqlite_import: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
    exit(1);
}

static void exec(const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die(sql);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "bare_sqlite_import: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (buf == NULL) {
            fprintf(stderr, "bare_sqlite_import: out of memory\n");
            exit(1);
        }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap + 1);
    }
    if (ferror(f)) {
        fprintf(stderr, "bare_sqlite_import: cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Splits the line s (NUL-terminated, no line break) at commas, in place. */
static int split(char *s, char **fields, int max)
{
    int n = 0;
    for (;;) {
        if (n == max)
            return -1;
        fields[n++] = s;
        char *comma = strchr(s, ',');
        if (comma == NULL)
            return n;
        *comma = '\0';
        s = comma + 1;
    }
}

/* "1234.5" / "1234.56" / "1234" yuan -> fen; -1 if malformed. */
static int64_t yuan_to_fen(const char *s)
{
    int64_t yuan = 0;
    const char *p = s;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++)
        yuan = yuan * 10 + (*p - '0');
    int64_t fen = 0;
    if (*p == '.') {
        p++;
        int digits = 0;
        for (; *p >= '0' && *p <= '9' && digits < 2; p++, digits++)
            fen = fen * 10 + (*p - '0');
        if (digits == 1)
            fen *= 10;
    }
    return *p == '\0' ? yuan * 100 + fen : -1;
}

/* ---- the --events variant: pairaid's canonical event bytes ------------------ */

struct buf {
    char *p;
    size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->p = realloc(b->p, b->cap);
        if (b->p == NULL) {
            fprintf(stderr, "bare_sqlite_import: out of memory\n");
            exit(1);
        }
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

#define PUT_LIT(b, s) put((b), (s), sizeof(s) - 1)

/* A JSON string as jansson writes it without JSON_ENSURE_ASCII. */
static void put_string(struct buf *b, const char *s)
{
    put(b, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(b, run, (size_t)(s - run));
        char esc[8];
        switch (c) {
        case '"': PUT_LIT(b, "\\\""); break;
        case '\\': PUT_LIT(b, "\\\\"); break;
        case '\b': PUT_LIT(b, "\\b"); break;
        case '\f': PUT_LIT(b, "\\f"); break;
        case '\n': PUT_LIT(b, "\\n"); break;
        case '\r': PUT_LIT(b, "\\r"); break;
        case '\t': PUT_LIT(b, "\\t"); break;
        default:
            snprintf(esc, sizeof(esc), "\\u%04X", c);
            put(b, esc, 6);
        }
        run = s + 1;
    }
    put(b, run, (size_t)(s - run));
    put(b, "\"", 1);
}

static void put_int(struct buf *b, int64_t v)
{
    char tmp[24], *e = tmp + sizeof(tmp), *p = e;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    put(b, p, (size_t)(e - p));
}

/* {"actor":..,"data":{..sorted..},"time":..,"type":"project.create","v":1} */
static void encode_event(struct buf *b, const char *actor, int64_t now, const char *const *col,
                         int64_t budget_fen, int64_t beneficiaries, int is_public)
{
    /* data keys in sorted order; budget is "budget_fen" */
    static const int order[] = {C_BENEFICIARIES, C_BUDGET, C_CODE,   C_DOMAIN,  C_END,
                                C_KIND,          C_NAME,   C_PAIRING, C_PUBLIC, C_REGION,
                                C_SOURCE,        C_START,  C_STATUS};
    b->len = 0;
    PUT_LIT(b, "{\"actor\":");
    put_string(b, actor);
    PUT_LIT(b, ",\"data\":{");
    int first = 1;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        int c = order[i];
        if (*col[c] == '\0' && c != C_PUBLIC) /* an empty flag is false, never left out */
            continue;
        if (!first)
            put(b, ",", 1);
        first = 0;
        put(b, "\"", 1);
        put(b, column_names[c], strlen(column_names[c]));
        if (c == C_BUDGET)
            PUT_LIT(b, "_fen");
        PUT_LIT(b, "\":");
        if (c == C_BUDGET)
            put_int(b, budget_fen);
        else if (c == C_BENEFICIARIES)
            put_int(b, beneficiaries);
        else if (c == C_PUBLIC)
            put(b, is_public ? "true" : "false", is_public ? 4 : 5);
        else
            put_string(b, col[c]);
    }
    PUT_LIT(b, "},\"time\":");
    put_int(b, now);
    PUT_LIT(b, ",\"type\":\"project.create\",\"v\":1}");
}

static void bind_text_or_null(sqlite3_stmt *stmt, int index, const char *s)
{
    if (*s == '\0')
        sqlite3_bind_null(stmt, index);
    else
        sqlite3_bind_text(stmt, index, s, -1, SQLITE_STATIC);
}

static void open_db(const char *path)
{
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        die("open");
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = FULL");
}

int main(int argc, char **argv)
{
    int with_events = argc > 1 && strcmp(argv[1], "--events") == 0;
    argv += with_events;
    argc -= with_events;
    if (argc == 3 && strcmp(argv[1], "--init") == 0) {
        open_db(argv[2]);
        exec(schema);
        if (with_events)
            exec(events_schema);
        sqlite3_close(db);
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: bare_sqlite_import [--events] --init DB\n"
                        "       bare_sqlite_import [--events] DB FILE\n");
        return 2;
    }
    double t0 = now();
    open_db(argv[1]);
    exec(schema); /* a no-op on a database made by --init */
    if (with_events)
        exec(events_schema);
    const struct passwd *pw = getpwuid(geteuid());
    const char *actor = pw && pw->pw_name[0] ? pw->pw_name : "system";
    struct buf entry = {NULL, 0, 0};

    size_t len;
    char *data = read_all(argv[2], &len);
    char *s = data, *end = data + len;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;

    /* header: file column i holds our column map[i] */
    int map[NCOLS * 2], ncolumns = 0;
    char *fields[NCOLS * 2];
    {
        char *nl = memchr(s, '\n', (size_t)(end - s));
        if (nl == NULL) {
            fprintf(stderr, "bare_sqlite_import: no header line\n");
            return 2;
        }
        *nl = '\0';
        if (nl > s && nl[-1] == '\r')
            nl[-1] = '\0';
        ncolumns = split(s, fields, NCOLS * 2);
        if (ncolumns < 0) {
            fprintf(stderr, "bare_sqlite_import: too many columns\n");
            return 2;
        }
        for (int i = 0; i < ncolumns; i++) {
            map[i] = -1;
            for (int c = 0; c < NCOLS; c++)
                if (strcmp(fields[i], column_names[c]) == 0)
                    map[i] = c;
            if (map[i] < 0) {
                fprintf(stderr, "bare_sqlite_import: unknown column '%s'\n", fields[i]);
                return 2;
            }
        }
        s = nl + 1;
    }

    sqlite3_stmt *stmt, *event_stmt = NULL;
    if (sqlite3_prepare_v3(db, insert_sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) !=
        SQLITE_OK)
        die("prepare");
    if (with_events && sqlite3_prepare_v3(db, event_sql, -1, SQLITE_PREPARE_PERSISTENT,
                                          &event_stmt, NULL) != SQLITE_OK)
        die("prepare");
    exec("BEGIN IMMEDIATE");
    long rows = 0, line = 1;
    while (s < end) {
        line++;
        char *nl = memchr(s, '\n', (size_t)(end - s));
        char *next = nl ? nl + 1 : end;
        if (nl)
            *nl = '\0';
        if (nl && nl > s && nl[-1] == '\r')
            nl[-1] = '\0';
        if (*s == '\0') { /* blank line */
            s = next;
            continue;
        }
        if (split(s, fields, NCOLS * 2) != ncolumns) {
            fprintf(stderr, "bare_sqlite_import: line %ld: wrong number of fields\n", line);
            return 2;
        }
        const char *col[NCOLS];
        for (int c = 0; c < NCOLS; c++)
            col[c] = "";
        for (int i = 0; i < ncolumns; i++)
            col[map[i]] = fields[i];

        int64_t fen = yuan_to_fen(col[C_BUDGET]), beneficiaries = 0;
        int is_public = strcmp(col[C_PUBLIC], "true") == 0 || strcmp(col[C_PUBLIC], "1") == 0;
        if (fen < 0) {
            fprintf(stderr, "bare_sqlite_import: line %ld: bad budget\n", line);
            return 2;
        }
        for (int c = 0; c < NCOLS; c++) {
            int index = c + 1;
            switch (c) {
            case C_BUDGET:
                sqlite3_bind_int64(stmt, index, fen);
                break;
            case C_BENEFICIARIES:
                if (*col[c] == '\0') {
                    sqlite3_bind_null(stmt, index);
                } else {
                    beneficiaries = strtoll(col[c], NULL, 10);
                    sqlite3_bind_int64(stmt, index, beneficiaries);
                }
                break;
            case C_PUBLIC:
                sqlite3_bind_int(stmt, index, is_public);
                break;
            default:
                bind_text_or_null(stmt, index, col[c]);
            }
        }
        if (with_events) {
            int64_t t = (int64_t)time(NULL);
            encode_event(&entry, actor, t, col, fen, beneficiaries, is_public);
            sqlite3_bind_text(event_stmt, 1, "project.create", -1, SQLITE_STATIC);
            sqlite3_bind_text(event_stmt, 2, actor, -1, SQLITE_STATIC);
            sqlite3_bind_int64(event_stmt, 3, t);
            sqlite3_bind_blob(event_stmt, 4, entry.p, (int)entry.len, SQLITE_STATIC);
            if (sqlite3_step(event_stmt) != SQLITE_DONE) {
                fprintf(stderr, "bare_sqlite_import: line %ld: ", line);
                die("insert event");
            }
            sqlite3_reset(event_stmt);
        }
        if (sqlite3_step(stmt) != SQLITE_DONE) {
            fprintf(stderr, "bare_sqlite_import: line %ld: ", line);
            die("insert");
        }
        sqlite3_reset(stmt);
        rows++;
        s = next;
    }
    exec("COMMIT");
    sqlite3_finalize(stmt);
    sqlite3_finalize(event_stmt);
    free(entry.p);
    if (sqlite3_close(db) != SQLITE_OK)
        die("close");
    free(data);
    double elapsed = now() - t0;
    printf("%ld rows in %.3f s: %.0f rows/s\n", rows, elapsed, (double)rows / elapsed);
    return 0;
}
