/*
 * bare_sqlite_ledger.c - the baseline of the ledger benchmarks: a plain program
 * that posts the same transfers into the same `transfers` and `accounts` tables
 * with nothing but SQLite.
 *
 *   bare_sqlite_ledger [OPTIONS] [-n N] [-b BATCH] DB     post N transfers (as ledger_post)
 *   bare_sqlite_ledger [OPTIONS] --init DB                 create DB with the accounts only
 *   bare_sqlite_ledger [OPTIONS] --csv FILE DB             import transfers.csv into DB
 *   OPTIONS: --events  --insert-only  --index-from  --index-to
 *
 * Same as pairaid: the CREATE TABLEs of src/store/migrations/002_ledger.sql
 * (STRICT, WITHOUT ROWID, same CHECKs; `accounts` without its REFERENCES
 * clauses, since the registry tables do not exist here), journal_mode=WAL,
 * synchronous=FULL, the same BENCH_ACCOUNTS accounts and the same transfers
 * (ledger_common.h), prepared statements reused for every transfer.
 *
 * Per transfer: one INSERT INTO transfers (the same 13 columns and values
 * pairaid stores: kind 'posted', seq, actor, NULL project/memo/pending_id/
 * expires/resolved_by) and two UPDATEs of the accounts' counters
 * (`debits_posted = debits_posted + ?` on from, `credits_posted = credits_posted
 * + ?` on to).  Nothing else: no id lookup, no account checks, no limit, no event.
 *
 * Post mode: untimed, it creates DB (which must not exist), inserts the accounts
 * and posts the funding transfers in one transaction; timed, N random transfers
 * in batches of BATCH (default 10,000) per BEGIN IMMEDIATE ... COMMIT, the
 * clock running only around each batch's transaction, as in ledger_post.
 * CSV mode: the file is read into memory, split at commas (the generated file
 * has no quoted fields), columns matched by header name, amounts converted from
 * yuan to fen, the whole file in one transaction as `pairaid import` does; the
 * caller times the whole process.
 *
 * --events (informational): also insert, before each transfer, the event row
 * pairaid writes into the `events` table of 001_schema.sql - the same canonical
 * bytes (docs/events.md): {"actor":..,"data":{"amount_fen":..,"date":..,"from":..,
 * "id":..,"to":..},"role":"operator","time":..,"type":"transfer.create","v":2}
 * (version 2, issue 9: the role the actor acted in) - and store its
 * position as the transfer's seq.  It separates what the event row costs SQLite
 * and the disk from what pairaid spends producing it.
 * --insert-only (informational): the INSERT without the two UPDATEs, i.e. what
 * inserting the transfer rows alone costs.
 * --index-from / --index-to (informational): a secondary index on
 * transfers(from_account) / (to_account), which pairaid does not have.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ledger_common.h"

/* 002_ledger.sql, accounts without REFERENCES. */
static const char schema[] =
    "CREATE TABLE accounts (\n"
    "    code            TEXT PRIMARY KEY,\n"
    "    name            TEXT NOT NULL,\n"
    "    kind            TEXT NOT NULL CHECK (kind IN ('source', 'pool', 'project', 'payee')),\n"
    "    region          TEXT NOT NULL,\n"
    "    pairing         TEXT,\n"
    "    project         TEXT,\n"
    "    debits_pending  INTEGER NOT NULL DEFAULT 0,\n"
    "    debits_posted   INTEGER NOT NULL DEFAULT 0,\n"
    "    credits_pending INTEGER NOT NULL DEFAULT 0,\n"
    "    credits_posted  INTEGER NOT NULL DEFAULT 0,\n"
    "    closed          INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1))\n"
    ") STRICT, WITHOUT ROWID;\n"
    "CREATE TABLE transfers (\n"
    "    id           TEXT PRIMARY KEY,\n"
    "    seq          INTEGER NOT NULL,\n"
    "    kind         TEXT NOT NULL CHECK (kind IN ('posted', 'pending', 'post', 'void')),\n"
    "    date         TEXT NOT NULL,\n"
    "    from_account TEXT NOT NULL,\n"
    "    to_account   TEXT NOT NULL,\n"
    "    amount       INTEGER NOT NULL CHECK (amount > 0),\n"
    "    project      TEXT,\n"
    "    memo         TEXT,\n"
    "    pending_id   TEXT,\n"
    "    expires      TEXT,\n"
    "    resolved_by  TEXT,\n"
    "    actor        TEXT NOT NULL\n"
    ") STRICT, WITHOUT ROWID;";

/* 001_schema.sql */
static const char events_schema[] = "CREATE TABLE events (\n"
                                    "    seq   INTEGER PRIMARY KEY,\n"
                                    "    type  TEXT NOT NULL,\n"
                                    "    actor TEXT NOT NULL,\n"
                                    "    time  INTEGER NOT NULL,\n"
                                    "    entry BLOB NOT NULL\n"
                                    ") STRICT;";

static const char sql_account[] =
    "INSERT INTO accounts(code, name, kind, region, pairing, project) VALUES (?1, ?2, ?3, ?4, ?5, "
    "?6)";
static const char sql_insert[] =
    "INSERT INTO transfers(id, seq, kind, date, from_account, to_account, amount, project, memo, "
    "pending_id, expires, resolved_by, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
    "?11, NULL, ?12)";
static const char sql_debit[] =
    "UPDATE accounts SET debits_posted = debits_posted + ?2 WHERE code = ?1";
static const char sql_credit[] =
    "UPDATE accounts SET credits_posted = credits_posted + ?2 WHERE code = ?1";
static const char sql_event[] =
    "INSERT INTO events(type, actor, time, entry) VALUES (?1, ?2, ?3, ?4)";

static sqlite3 *db;
static sqlite3_stmt *st_insert, *st_debit, *st_credit, *st_event;
static bool with_events, insert_only;
static int64_t next_seq = 1;

static void die(const char *what)
{
    fprintf(stderr, "bare_sqlite_ledger: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
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

static sqlite3_stmt *prepare(const char *sql)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
        die(sql);
    return stmt;
}

static void step_done(sqlite3_stmt *stmt, const char *what)
{
    if (sqlite3_step(stmt) != SQLITE_DONE)
        die(what);
    sqlite3_reset(stmt);
}

static void open_db(const char *path)
{
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        die("open");
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = FULL");
}

/* ---- the event row: pairaid's canonical bytes ------------------------------------ */

struct buf {
    char p[512];
    size_t len;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->len + n > sizeof(b->p)) {
        fprintf(stderr, "bare_sqlite_ledger: event too long\n");
        exit(1);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

#define PUT_LIT(b, s) put((b), (s), sizeof(s) - 1)

/* Codes and dates need no JSON escaping: [A-Za-z0-9:._-] and digits. */
static void put_string(struct buf *b, const char *s)
{
    put(b, "\"", 1);
    put(b, s, strlen(s));
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

static int64_t append_event(const char *id, const char *date, const char *from, const char *to,
                            int64_t amount_fen)
{
    struct buf b = {.len = 0};
    int64_t t = (int64_t)time(NULL);
    PUT_LIT(&b, "{\"actor\":");
    put_string(&b, BENCH_ACTOR);
    PUT_LIT(&b, ",\"data\":{\"amount_fen\":");
    put_int(&b, amount_fen);
    PUT_LIT(&b, ",\"date\":");
    put_string(&b, date);
    PUT_LIT(&b, ",\"from\":");
    put_string(&b, from);
    PUT_LIT(&b, ",\"id\":");
    put_string(&b, id);
    PUT_LIT(&b, ",\"to\":");
    put_string(&b, to);
    PUT_LIT(&b, "},\"role\":\"operator\",\"time\":");
    put_int(&b, t);
    PUT_LIT(&b, ",\"type\":\"transfer.create\",\"v\":2}");
    sqlite3_bind_text(st_event, 1, "transfer.create", -1, SQLITE_STATIC);
    sqlite3_bind_text(st_event, 2, BENCH_ACTOR, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st_event, 3, t);
    sqlite3_bind_blob(st_event, 4, b.p, (int)b.len, SQLITE_STATIC);
    step_done(st_event, "inserting an event");
    return sqlite3_last_insert_rowid(db);
}

/* ---- one transfer ---------------------------------------------------------------- */

static void post(const char *id, const char *date, const char *from, const char *to,
                 int64_t amount_fen)
{
    int64_t seq = with_events ? append_event(id, date, from, to, amount_fen) : next_seq++;
    sqlite3_bind_text(st_insert, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st_insert, 2, seq);
    sqlite3_bind_text(st_insert, 3, "posted", -1, SQLITE_STATIC);
    sqlite3_bind_text(st_insert, 4, date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st_insert, 5, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st_insert, 6, to, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st_insert, 7, amount_fen);
    for (int i = 8; i <= 11; i++)
        sqlite3_bind_null(st_insert, i);
    sqlite3_bind_text(st_insert, 12, BENCH_ACTOR, -1, SQLITE_STATIC);
    step_done(st_insert, "inserting a transfer");
    if (insert_only)
        return;
    sqlite3_bind_text(st_debit, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st_debit, 2, amount_fen);
    step_done(st_debit, "debiting");
    sqlite3_bind_text(st_credit, 1, to, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st_credit, 2, amount_fen);
    step_done(st_credit, "crediting");
}

static void prepare_all(void)
{
    st_insert = prepare(sql_insert);
    st_debit = prepare(sql_debit);
    st_credit = prepare(sql_credit);
    if (with_events)
        st_event = prepare(sql_event);
}

static void finalize_all(void)
{
    sqlite3_finalize(st_insert);
    sqlite3_finalize(st_debit);
    sqlite3_finalize(st_credit);
    sqlite3_finalize(st_event);
}

/* ---- setup ------------------------------------------------------------------------- */

static char codes[BENCH_ACCOUNTS][BENCH_CODE_SIZE];

static void create(const char *path, bool index_from, bool index_to)
{
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "bare_sqlite_ledger: %s exists: start from a fresh database\n", path);
        exit(2);
    }
    open_db(path);
    exec(schema);
    if (with_events)
        exec(events_schema);
    sqlite3_stmt *stmt = prepare(sql_account);
    exec("BEGIN IMMEDIATE");
    for (int k = 0; k < BENCH_ACCOUNTS; k++) {
        const char *kind = bench_account(k, codes[k]);
        char name[64], project[16];
        int p = bench_account_project(k);
        bench_account_name(k, name, sizeof(name));
        snprintf(project, sizeof(project), "P-%02d", p);
        bool source = k < BENCH_SOURCES, payee = strcmp(kind, "payee") == 0;
        bool pool = strcmp(kind, "pool") == 0;
        sqlite3_bind_text(stmt, 1, codes[k], -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 4, source ? "320200" : pool ? "320700" : "320722", -1,
                          SQLITE_STATIC);
        if (payee)
            sqlite3_bind_null(stmt, 5);
        else
            sqlite3_bind_text(stmt, 5, "WX", -1, SQLITE_STATIC);
        if (p)
            sqlite3_bind_text(stmt, 6, project, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(stmt, 6);
        step_done(stmt, "inserting an account");
    }
    exec("COMMIT");
    sqlite3_finalize(stmt);
    if (index_from)
        exec("CREATE INDEX transfers_from ON transfers(from_account)");
    if (index_to)
        exec("CREATE INDEX transfers_to ON transfers(to_account)");
}

/* ---- the CSV mode ------------------------------------------------------------------ */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "bare_sqlite_ledger: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (buf == NULL) {
            fprintf(stderr, "bare_sqlite_ledger: out of memory\n");
            exit(1);
        }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap + 1);
    }
    if (ferror(f)) {
        fprintf(stderr, "bare_sqlite_ledger: cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Splits the line s at commas, in place. */
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

enum { C_ID, C_DATE, C_FROM, C_TO, C_AMOUNT, NCOLS };
static const char *const column_names[NCOLS] = {"id", "date", "from", "to", "amount"};

static long import_csv(const char *file)
{
    size_t len;
    char *data = read_all(file, &len);
    char *s = data, *end = data + len;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    int map[NCOLS], ncolumns;
    char *fields[NCOLS + 1];
    char *nl = memchr(s, '\n', (size_t)(end - s));
    if (nl == NULL) {
        fprintf(stderr, "bare_sqlite_ledger: no header line\n");
        exit(2);
    }
    *nl = '\0';
    if (nl > s && nl[-1] == '\r')
        nl[-1] = '\0';
    ncolumns = split(s, fields, NCOLS + 1);
    if (ncolumns != NCOLS) {
        fprintf(stderr, "bare_sqlite_ledger: the header must be id,date,from,to,amount in any "
                        "order\n");
        exit(2);
    }
    for (int i = 0; i < ncolumns; i++) {
        map[i] = -1;
        for (int c = 0; c < NCOLS; c++)
            if (strcmp(fields[i], column_names[c]) == 0)
                map[i] = c;
        if (map[i] < 0) {
            fprintf(stderr, "bare_sqlite_ledger: unknown column '%s'\n", fields[i]);
            exit(2);
        }
    }
    s = nl + 1;
    exec("BEGIN IMMEDIATE");
    long rows = 0, line = 1;
    while (s < end) {
        line++;
        nl = memchr(s, '\n', (size_t)(end - s));
        char *next = nl ? nl + 1 : end;
        if (nl)
            *nl = '\0';
        if (nl && nl > s && nl[-1] == '\r')
            nl[-1] = '\0';
        if (*s == '\0') {
            s = next;
            continue;
        }
        if (split(s, fields, NCOLS + 1) != ncolumns) {
            fprintf(stderr, "bare_sqlite_ledger: line %ld: wrong number of fields\n", line);
            exit(2);
        }
        const char *col[NCOLS];
        for (int i = 0; i < ncolumns; i++)
            col[map[i]] = fields[i];
        int64_t fen = yuan_to_fen(col[C_AMOUNT]);
        if (fen <= 0) {
            fprintf(stderr, "bare_sqlite_ledger: line %ld: bad amount\n", line);
            exit(2);
        }
        post(col[C_ID], col[C_DATE], col[C_FROM], col[C_TO], fen);
        rows++;
        s = next;
    }
    exec("COMMIT");
    free(data);
    return rows;
}

/* ---- main -------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    long n = 1000000, batch = 10000;
    bool index_from = false, index_to = false, init = false, bad = false;
    const char *path = NULL, *csv = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            n = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-b") == 0 && i + 1 < argc)
            batch = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc)
            csv = argv[++i];
        else if (strcmp(argv[i], "--init") == 0)
            init = true;
        else if (strcmp(argv[i], "--events") == 0)
            with_events = true;
        else if (strcmp(argv[i], "--insert-only") == 0)
            insert_only = true;
        else if (strcmp(argv[i], "--index-from") == 0)
            index_from = true;
        else if (strcmp(argv[i], "--index-to") == 0)
            index_to = true;
        else if (argv[i][0] != '-' && path == NULL)
            path = argv[i];
        else
            bad = true;
    }
    if (bad || path == NULL || n <= 0 || batch <= 0 || (init && csv)) {
        fprintf(stderr,
                "usage: bare_sqlite_ledger [OPTIONS] [-n N] [-b BATCH] DB\n"
                "       bare_sqlite_ledger [OPTIONS] --init DB\n"
                "       bare_sqlite_ledger [OPTIONS] --csv FILE DB\n"
                "OPTIONS: --events --insert-only --index-from --index-to\n");
        return 2;
    }
    if (init) {
        create(path, index_from, index_to);
        sqlite3_close(db);
        return 0;
    }
    if (csv) {
        open_db(path);
        prepare_all();
        long rows = import_csv(csv);
        finalize_all();
        if (sqlite3_close(db) != SQLITE_OK)
            die("close");
        printf("bare_sqlite_ledger: imported %ld transfers\n", rows);
        return 0;
    }

    create(path, index_from, index_to);
    prepare_all();
    /* untimed: fund every non-source account, in one transaction */
    exec("BEGIN IMMEDIATE");
    for (int k = BENCH_SOURCES; k < BENCH_ACCOUNTS; k++) {
        struct bench_transfer t;
        bench_funding(k, &t);
        post(t.id, t.date, codes[t.from], codes[t.to], t.amount_fen);
    }
    exec("COMMIT");

    /* timed: n random transfers in batches */
    struct bench_transfer *bt = calloc((size_t)batch, sizeof(*bt));
    if (bt == NULL)
        die("out of memory");
    struct bench_rng rng = {BENCH_SEED};
    double secs = 0;
    for (long done = 0; done < n;) {
        long m = n - done < batch ? n - done : batch;
        for (long i = 0; i < m; i++)
            bench_random(&rng, done + i, n, &bt[i]);
        double t0 = now();
        exec("BEGIN IMMEDIATE");
        for (long i = 0; i < m; i++)
            post(bt[i].id, bt[i].date, codes[bt[i].from], codes[bt[i].to], bt[i].amount_fen);
        exec("COMMIT");
        secs += now() - t0;
        done += m;
    }
    free(bt);
    finalize_all();
    if (sqlite3_close(db) != SQLITE_OK)
        die("close");
    printf("bare_sqlite_ledger%s%s%s%s: %ld transfers in %.3f s (batches of %ld): %.0f "
           "transfers/s\n",
           with_events ? " --events" : "", insert_only ? " --insert-only" : "",
           index_from ? " --index-from" : "", index_to ? " --index-to" : "", n, secs, batch,
           (double)n / secs);
    printf("secs=%.6f n=%ld\n", secs, n);
    return 0;
}
