/*
 * sqlprof.c - an LD_PRELOAD helper for profiling: wall time spent in each SQL
 * statement (sqlite3_step, grouped by statement text) and in sqlite3_exec, with
 * call counts, printed to stderr when the program exits.  Not part of the
 * benchmark figures; used to explain them (bench/RESULTS.md).
 *
 *   cmake --build build --target sqlprof
 *   LD_PRELOAD=build/bench/libsqlprof.so build/pairaid --db X import projects F
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#define MAX_STMTS 256

struct entry {
    const void *key; /* sqlite3_sql()'s pointer, or the exec text's */
    char sql[120];
    long calls;
    int64_t ns; /* self time: nested calls (exec -> step) are not counted twice */
};

static struct entry entries[MAX_STMTS];
static int nentries;
static int64_t start_ns;
static int64_t child_ns; /* time of nested calls inside the current one */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct entry *entry_for(const char *prefix, const char *sql)
{
    /* The pointer is checked against the text too: the statements that
     * sqlite3_exec prepares are freed, and a later one may reuse the address. */
    size_t skip = strlen(prefix);
    for (int i = 0; i < nentries; i++)
        if (entries[i].key == sql && sql &&
            strncmp(entries[i].sql + skip, sql, sizeof(entries[i].sql) - 1 - skip) == 0)
            return &entries[i];
    if (nentries == MAX_STMTS)
        return &entries[MAX_STMTS - 1];
    struct entry *e = &entries[nentries++];
    e->key = sql;
    snprintf(e->sql, sizeof(e->sql), "%s%s", prefix, sql ? sql : "?");
    for (char *c = e->sql; *c; c++)
        if (*c == '\n')
            *c = ' ';
    return e;
}

/* Adds the self time of a call that began at t0 with the child time saved. */
static void account(struct entry *e, int64_t t0, int64_t saved_child)
{
    int64_t spent = now_ns() - t0;
    e->calls++;
    e->ns += spent - child_ns;
    child_ns = saved_child + spent;
}

__attribute__((constructor)) static void sqlprof_start(void)
{
    start_ns = now_ns();
}

static int by_time(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    return (x->ns < y->ns) - (x->ns > y->ns);
}

/* Statements with the same text (prepared more than once) are merged. */
static void merge_same_text(void)
{
    for (int i = 0; i < nentries; i++)
        for (int j = i + 1; j < nentries; j++)
            if (strcmp(entries[i].sql, entries[j].sql) == 0) {
                entries[i].calls += entries[j].calls;
                entries[i].ns += entries[j].ns;
                entries[j--] = entries[--nentries];
            }
}

__attribute__((destructor)) static void sqlprof_report(void)
{
    int64_t total = now_ns() - start_ns, in_sql = 0;
    merge_same_text();
    qsort(entries, (size_t)nentries, sizeof(entries[0]), by_time);
    for (int i = 0; i < nentries; i++)
        in_sql += entries[i].ns;
    fprintf(stderr, "sqlprof: process wall %.3f s, in SQLite step/exec %.3f s (%.1f%%)\n",
            (double)total / 1e9, (double)in_sql / 1e9, 100.0 * (double)in_sql / (double)total);
    fprintf(stderr, "sqlprof: %8s %9s %6s %8s  %s\n", "calls", "s", "%wall", "us/call", "statement");
    for (int i = 0; i < nentries; i++)
        fprintf(stderr, "sqlprof: %8ld %9.3f %5.1f%% %8.2f  %s\n", entries[i].calls,
                (double)entries[i].ns / 1e9, 100.0 * (double)entries[i].ns / (double)total,
                (double)entries[i].ns / 1e3 / (double)entries[i].calls, entries[i].sql);
}

int sqlite3_step(sqlite3_stmt *stmt)
{
    static int (*real)(sqlite3_stmt *);
    if (real == NULL)
        *(void **)&real = dlsym(RTLD_NEXT, "sqlite3_step");
    int64_t saved = child_ns, t0;
    child_ns = 0;
    t0 = now_ns();
    int rc = real(stmt);
    account(entry_for("", sqlite3_sql(stmt)), t0, saved);
    return rc;
}

int sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **),
                 void *arg, char **errmsg)
{
    static int (*real)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *,
                       char **);
    if (real == NULL)
        *(void **)&real = dlsym(RTLD_NEXT, "sqlite3_exec");
    int64_t saved = child_ns, t0;
    child_ns = 0;
    t0 = now_ns();
    int rc = real(db, sql, cb, arg, errmsg);
    account(entry_for("exec (parse, outside step): ", sql), t0, saved);
    return rc;
}

int sqlite3_close(sqlite3 *db)
{
    static int (*real)(sqlite3 *);
    if (real == NULL)
        *(void **)&real = dlsym(RTLD_NEXT, "sqlite3_close");
    static const char name[] = "sqlite3_close (final WAL checkpoint)";
    int64_t saved = child_ns, t0;
    child_ns = 0;
    t0 = now_ns();
    int rc = real(db);
    account(entry_for("", name), t0, saved);
    return rc;
}

/* SQLPROF_PRAGMA="PRAGMA cache_size = -65536" runs that SQL right after every
 * sqlite3_open_v2: for what-if experiments only. */
int sqlite3_open_v2(const char *filename, sqlite3 **db, int flags, const char *vfs)
{
    static int (*real)(const char *, sqlite3 **, int, const char *);
    if (real == NULL)
        *(void **)&real = dlsym(RTLD_NEXT, "sqlite3_open_v2");
    int rc = real(filename, db, flags, vfs);
    const char *pragma = getenv("SQLPROF_PRAGMA");
    if (rc == SQLITE_OK && pragma && *pragma)
        sqlite3_exec(*db, pragma, NULL, NULL, NULL);
    return rc;
}
