/*
 * audit_rules.c - where an audit run's time goes (bench/audit):
 *
 *   audit_rules [-r REPEAT] DB AS_OF PAIRING
 *   audit_rules -p DB AS_OF PAIRING [RULE]     the query plan of each rule (or one)
 *
 * AUDIT_RULES_SQL=STATEMENTS runs STATEMENTS after opening (what-if experiments,
 * e.g. PRAGMA temp.cache_size); the figures of bench/RESULTS.md are without it.
 *
 * Opens DB through the library and, REPEAT times (default 3), inside one read
 * transaction that is rolled back: builds the scope (pa_audit__prepare, the
 * statements of scope.sql, also timed one by one), then runs each of the 19
 * rules with the measures in force (pa_audit__rule_run), counting what it
 * finds.  Prints, per step, the best wall and CPU time of the repetitions in ms, the
 * findings and two checksums of them (FNV-1a of every field: `ordered` in the
 * order the SQL returned them, `set` the sum over findings, which does not
 * change with row order), so that a rewrite of a rule can be checked to find
 * exactly the same.  Records nothing: the audit's events are not written.
 * The library's internal functions are called directly (src/audit/audit_int.h);
 * nothing in the library prints or times anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit_int.h"
#include "pairaid/pairaid.h"

extern const struct pa_blob pa_rule_sql[];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the process (user + system): the machine's cores may be shared */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void keep_best(double *best, double value)
{
    if (*best == 0 || value < *best)
        *best = value;
}

struct tally {
    long n;
    uint64_t ordered, set;
};

static uint64_t fnv(uint64_t h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : "\x01"); *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return (h ^ 0xFF) * 1099511628211ULL; /* a field separator */
}

static int count(const struct pa_audit_hit *hit, void *ctx)
{
    struct tally *t = ctx;
    char amount[32];
    snprintf(amount, sizeof(amount), "%lld", (long long)hit->amount_fen);
    const char *fields[] = {hit->key,      hit->subject,  hit->project, hit->region,
                            hit->severity, hit->evidence, hit->message, amount};
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        h = fnv(h, fields[i]);
    t->n++;
    t->set += h;
    t->ordered = (t->ordered ^ h) * 1099511628211ULL;
    return 0;
}

static const char *scope_sql(void)
{
    for (int i = 0; pa_rule_sql[i].name; i++)
        if (strcmp(pa_rule_sql[i].name, "scope.sql") == 0)
            return (const char *)pa_rule_sql[i].data;
    return NULL;
}

#define MAX_STEPS 64

static const char *sql_of(const char *rule)
{
    char file[64];
    snprintf(file, sizeof(file), "%s.sql", rule);
    for (int i = 0; pa_rule_sql[i].name; i++)
        if (strcmp(pa_rule_sql[i].name, file) == 0)
            return (const char *)pa_rule_sql[i].data;
    return NULL;
}

/* EXPLAIN QUERY PLAN of a rule, its parameters unbound (NULL). */
static int plan(sqlite3 *sql, const char *rule)
{
    char *text = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql_of(rule));
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(sql, text, -1, &stmt, NULL) != SQLITE_OK) {
        fprintf(stderr, "audit_rules: %s: %s\n", rule, sqlite3_errmsg(sql));
        sqlite3_free(text);
        return 1;
    }
    printf("== %s\n", rule);
    int ids[256], depth[256], n = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        int id = sqlite3_column_int(stmt, 0), parent = sqlite3_column_int(stmt, 1), d = 0;
        for (int i = 0; i < n; i++)
            if (ids[i] == parent)
                d = depth[i] + 1;
        if (n < 256)
            ids[n] = id, depth[n++] = d;
        printf("%*s%s\n", 2 * d, "", sqlite3_column_text(stmt, 3));
    }
    sqlite3_finalize(stmt);
    sqlite3_free(text);
    return 0;
}

struct span {
    double wall, cpu; /* seconds, the best of the repetitions */
};

static void keep(struct span *best, double wall0, double cpu0)
{
    keep_best(&best->wall, now() - wall0);
    keep_best(&best->cpu, cpu() - cpu0);
}

/* Runs scope.sql statement by statement; fills best[] and the first line of
 * each statement's SQL. */
static int scope_steps(sqlite3 *sql, const char *pairing, const char *as_of, struct span best[],
                       char text[][72], int *steps)
{
    const char *p = scope_sql();
    int n = 0;
    while (p && *p) {
        sqlite3_stmt *stmt = NULL;
        const char *tail;
        if (sqlite3_prepare_v2(sql, p, -1, &stmt, &tail) != SQLITE_OK) {
            fprintf(stderr, "audit_rules: scope: %s\n", sqlite3_errmsg(sql));
            return 1;
        }
        if (stmt) {
            int i = sqlite3_bind_parameter_index(stmt, ":pairing");
            if (i > 0)
                sqlite3_bind_text(stmt, i, pairing, -1, SQLITE_STATIC);
            if ((i = sqlite3_bind_parameter_index(stmt, ":as_of")) > 0)
                sqlite3_bind_text(stmt, i, as_of, -1, SQLITE_STATIC);
            const char *s = sqlite3_sql(stmt);
            while (*s == '-' || *s == '\n' || *s == ' ') /* skip comment lines */
                s = *s == '-' ? strchr(s, '\n') ? strchr(s, '\n') + 1 : s + strlen(s) : s + 1;
            char first[72];
            snprintf(first, sizeof(first), "%.*s", (int)strcspn(s, "\n"), s);
            double t0 = now(), c0 = cpu();
            int step = sqlite3_step(stmt);
            struct span took = {0, 0};
            keep(&took, t0, c0);
            sqlite3_finalize(stmt);
            if (step != SQLITE_DONE) {
                fprintf(stderr, "audit_rules: scope: %s\n", sqlite3_errmsg(sql));
                return 1;
            }
            if (n < MAX_STEPS) {
                keep_best(&best[n].wall, took.wall);
                keep_best(&best[n].cpu, took.cpu);
                memcpy(text[n], first, sizeof(first));
                n++;
            }
        }
        p = tail;
    }
    *steps = n;
    return 0;
}

int main(int argc, char **argv)
{
    int repeat = 3, a = 1;
    bool plans = false;
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        repeat = atoi(argv[2]);
        a = 3;
    } else if (argc > 1 && strcmp(argv[1], "-p") == 0) {
        plans = true;
        a = 2;
    }
    if ((argc - a != 3 && !(plans && argc - a == 4)) || repeat < 1) {
        fprintf(stderr, "usage: audit_rules [-r REPEAT] DB AS_OF PAIRING\n"
                        "       audit_rules -p DB AS_OF PAIRING [RULE]\n");
        return 2;
    }
    const char *path = argv[a], *as_of = argv[a + 1], *pairing = argv[a + 2];
    struct pa_db *db;
    struct pa_error err;
    pa_error_clear(&err);
    if (pa_open(&db, path, 0, &err) != 0) {
        fprintf(stderr, "audit_rules: %s\n", err.message);
        return 1;
    }
    sqlite3 *sql = pa_db_sqlite(db);
    const char *extra = getenv("AUDIT_RULES_SQL");
    char *msg = NULL;
    if (extra && sqlite3_exec(sql, extra, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "audit_rules: AUDIT_RULES_SQL: %s\n", msg);
        return 1;
    }
    struct pa_measures m;
    if (pa_measures_in_force(db, pairing, &m, NULL, &err) != 0) {
        fprintf(stderr, "audit_rules: %s\n", err.message);
        return 1;
    }
    if (plans) {
        if (pa_audit__prepare(db, pairing, as_of, &err) != 0) {
            fprintf(stderr, "audit_rules: %s\n", err.message);
            return 1;
        }
        for (int k = 0; k < PA_RULES; k++)
            if ((argc - a == 3 || strcmp(argv[a + 3], pa_rules[k].id) == 0) &&
                plan(sql, pa_rules[k].id) != 0)
                return 1;
        pa_db_free(db);
        return 0;
    }
    struct span prepare = {0, 0}, rule[PA_RULES] = {{0, 0}}, scope[MAX_STEPS] = {{0, 0}},
                total = {0, 0};
    char scope_text[MAX_STEPS][72];
    int steps = 0;
    struct tally tally[PA_RULES];
    for (int r = 0; r < repeat; r++) {
        sqlite3_exec(sql, "BEGIN", NULL, NULL, NULL);
        double w0 = now(), c0 = cpu(), t0, u0;
        if (pa_audit__prepare(db, pairing, as_of, &err) != 0) {
            fprintf(stderr, "audit_rules: %s\n", err.message);
            return 1;
        }
        keep(&prepare, w0, c0);
        for (int k = 0; k < PA_RULES; k++) {
            tally[k] = (struct tally){0, 14695981039346656037ULL, 0};
            if (!m.enabled[k])
                continue;
            t0 = now(), u0 = cpu();
            if (pa_audit__rule_run(db, k, &m, pairing, as_of, count, &tally[k], &err) != 0) {
                fprintf(stderr, "audit_rules: %s: %s\n", pa_rules[k].id, err.message);
                return 1;
            }
            keep(&rule[k], t0, u0);
        }
        double all = now() - w0;
        keep(&total, w0, c0);
        /* rolled back: the temp tables go too, as if this connection had never had them */
        sqlite3_exec(sql, "ROLLBACK", NULL, NULL, NULL);
        /* the scope again, one statement at a time, from nothing */
        sqlite3_exec(sql, "BEGIN", NULL, NULL, NULL);
        if (scope_steps(sql, pairing, as_of, scope, scope_text, &steps) != 0)
            return 1;
        sqlite3_exec(sql, "ROLLBACK", NULL, NULL, NULL);
        fprintf(stderr, "audit_rules: repetition %d/%d: %.3f s\n", r + 1, repeat, all);
    }
    long found = 0;
    printf("| step | best wall ms of %d | best CPU ms | findings | ordered | set |\n"
           "|---|---:|---:|---:|---|---|\n",
           repeat);
    printf("| scope (pa_audit__prepare) | %.1f | %.1f | | | |\n", prepare.wall * 1000,
           prepare.cpu * 1000);
    for (int s = 0; s < steps; s++)
        printf("| &nbsp; scope: `%s` | %.1f | %.1f | | | |\n", scope_text[s],
               scope[s].wall * 1000, scope[s].cpu * 1000);
    for (int k = 0; k < PA_RULES; k++) {
        printf("| %s | %.1f | %.1f | %ld | %016llx | %016llx |\n", pa_rules[k].id,
               rule[k].wall * 1000, rule[k].cpu * 1000, tally[k].n,
               (unsigned long long)tally[k].ordered, (unsigned long long)tally[k].set);
        found += tally[k].n;
    }
    printf("| **scope + 19 rules** | %.1f | %.1f | %ld | | |\n", total.wall * 1000,
           total.cpu * 1000, found);
    pa_db_free(db);
    return 0;
}
