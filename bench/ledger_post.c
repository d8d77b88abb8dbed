/*
 * ledger_post.c - the pairaid side of the ledger posting benchmark: N posted
 * transfers through the library's batch API, with the event log appended, on a
 * file database with pairaid's own pragmas (pa_open: WAL, synchronous=FULL,
 * foreign_keys=ON).
 *
 *   ledger_post [-n N] [-b BATCH] [--index-from] [--index-to] DB
 *
 * DB must not exist yet (bench/ledger removes it first).  Untimed setup: pa_open
 * creates it; pa_import loads one pairing, BENCH_PROJECTS projects and
 * BENCH_ACCOUNTS accounts from CSV strings (the shapes of tests/ledger/
 * test_model.c); one batch funds every non-source account from a source.
 * Timed: N random transfers (ledger_common.h) in batches of BATCH (default
 * 10,000), each batch pa_db_begin / pa_ledger_submit / pa_db_commit; the clock
 * runs only around those three calls, not while the next batch's structs are
 * filled in.  Every outcome must be PA_TR_CREATED, otherwise it stops with exit 1.
 *
 * --index-from / --index-to (informational): add a secondary index on
 * transfers(from_account) / (to_account) after the setup, to see what it would
 * cost pairaid; pairaid itself has none.
 *
 * Prints one line: `ledger_post: N transfers in S s (batches of B): R transfers/s`
 * and a machine-readable `secs=S n=N`.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger_common.h"
#include "pairaid/pairaid.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct pa_error *err)
{
    fprintf(stderr, "ledger_post: %s: %s\n", what, err ? err->message : "");
    exit(1);
}

/* A growing string for the CSV text. */
struct text {
    char *p;
    size_t len, cap;
};

static void addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void addf(struct text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->p ? t->p + t->len : NULL, t->p ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            die("formatting", NULL);
        if (t->p && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        if (t->p == NULL)
            die("out of memory", NULL);
    }
}

static void import(struct pa_db *db, const char *kind, const struct text *csv)
{
    struct pa_import_report report;
    struct pa_error err;
    pa_error_clear(&err);
    int rc = pa_import(db, kind, csv->p, csv->len, NULL, &report, &err);
    if (rc != 0) {
        fprintf(stderr, "ledger_post: import %s: %s\n", kind,
                report.kept ? report.errors[0].message : err.message);
        exit(1);
    }
    pa_import_report_release(&report);
}

/* One pairing, the projects and the accounts, each by pa_import. */
static void setup_books(struct pa_db *db)
{
    struct text t = {NULL, 0, 0};
    addf(&t, "code,name,donor,recipient,start_date\nWX,无锡—连云港,320200,320700,2022-01-01\n");
    import(db, "pairings", &t);
    t.len = 0;
    addf(&t, "code,name,pairing,region,domain,kind,status,budget,start_date\n");
    for (int p = 1; p <= BENCH_PROJECTS; p++)
        addf(&t, "P-%02d,东海县帮扶项目%02d,WX,320722,education,livelihood,approved,"
                 "6000000000.00,2022-07-01\n",
             p, p);
    import(db, "projects", &t);
    t.len = 0;
    addf(&t, "code,name,kind,region,pairing,project\n");
    for (int k = 0; k < BENCH_ACCOUNTS; k++) {
        char code[BENCH_CODE_SIZE];
        const char *kind = bench_account(k, code);
        char name[64];
        bench_account_name(k, name, sizeof(name));
        if (strcmp(kind, "source") == 0)
            addf(&t, "%s,%s,source,320200,WX,\n", code, name);
        else if (strcmp(kind, "pool") == 0)
            addf(&t, "%s,%s,pool,320700,WX,\n", code, name);
        else if (strcmp(kind, "project") == 0)
            addf(&t, "%s,%s,project,320722,WX,P-%02d\n", code, name, bench_account_project(k));
        else
            addf(&t, "%s,%s,payee,320722,,\n", code, name);
    }
    import(db, "accounts", &t);
    free(t.p);
}

static char codes[BENCH_ACCOUNTS][BENCH_CODE_SIZE];

static void to_pa(const struct bench_transfer *b, struct pa_transfer *t)
{
    memset(t, 0, sizeof(*t));
    t->id = b->id;
    t->kind = PA_TRANSFER_POSTED;
    t->date = b->date;
    t->from = codes[b->from];
    t->to = codes[b->to];
    t->amount_fen = b->amount_fen;
}

/* Submits n transfers in one transaction; returns the seconds it took. */
static double submit(struct pa_db *db, const struct pa_transfer *t, size_t n,
                     struct pa_transfer_outcome *out)
{
    struct pa_error err;
    pa_error_clear(&err);
    double t0 = now();
    if (pa_db_begin(db, &err) != 0)
        die("begin", &err);
    if (pa_ledger_submit(db, t, n, out, &err) != 0)
        die("submit", &err);
    if (pa_db_commit(db, &err) != 0)
        die("commit", &err);
    double secs = now() - t0;
    for (size_t i = 0; i < n; i++)
        if (out[i].result != PA_TR_CREATED) {
            fprintf(stderr, "ledger_post: transfer %s: %s %s %s\n", t[i].id,
                    pa_transfer_result_name(out[i].result), out[i].field, out[i].detail);
            exit(1);
        }
    return secs;
}

int main(int argc, char **argv)
{
    long n = 1000000, batch = 10000;
    bool index_from = false, index_to = false, bad = false;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            n = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-b") == 0 && i + 1 < argc)
            batch = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--index-from") == 0)
            index_from = true;
        else if (strcmp(argv[i], "--index-to") == 0)
            index_to = true;
        else if (argv[i][0] != '-' && path == NULL)
            path = argv[i];
        else
            bad = true;
    }
    if (bad || path == NULL || n <= 0 || batch <= 0) {
        fprintf(stderr, "usage: ledger_post [-n N] [-b BATCH] [--index-from] [--index-to] DB\n");
        return 2;
    }
    FILE *exists = fopen(path, "rb");
    if (exists) {
        fclose(exists);
        fprintf(stderr, "ledger_post: %s exists: the benchmark starts from a fresh database\n",
                path);
        return 2;
    }

    struct pa_db *db;
    struct pa_error err;
    pa_error_clear(&err);
    if (pa_open(&db, path, PA_DB_CREATE, &err) != 0)
        die("open", &err);
    if (pa_db_set_actor(db, BENCH_ACTOR, &err) != 0)
        die("actor", &err);
    setup_books(db);
    for (int k = 0; k < BENCH_ACCOUNTS; k++)
        bench_account(k, codes[k]);

    size_t cap = (size_t)(batch > BENCH_ACCOUNTS ? batch : BENCH_ACCOUNTS);
    struct bench_transfer *bt = calloc(cap, sizeof(*bt));
    struct pa_transfer *t = calloc(cap, sizeof(*t));
    struct pa_transfer_outcome *out = calloc(cap, sizeof(*out));
    if (bt == NULL || t == NULL || out == NULL)
        die("out of memory", NULL);

    /* untimed: fund every non-source account */
    for (int k = BENCH_SOURCES; k < BENCH_ACCOUNTS; k++) {
        bench_funding(k, &bt[k - BENCH_SOURCES]);
        to_pa(&bt[k - BENCH_SOURCES], &t[k - BENCH_SOURCES]);
    }
    submit(db, t, BENCH_ACCOUNTS - BENCH_SOURCES, out);
    if (index_from && sqlite3_exec(pa_db_sqlite(db),
                                   "CREATE INDEX transfers_from ON transfers(from_account)", NULL,
                                   NULL, NULL) != SQLITE_OK)
        die("index", NULL);
    if (index_to && sqlite3_exec(pa_db_sqlite(db),
                                 "CREATE INDEX transfers_to ON transfers(to_account)", NULL, NULL,
                                 NULL) != SQLITE_OK)
        die("index", NULL);

    /* timed: n random transfers in batches */
    struct bench_rng rng = {BENCH_SEED};
    double secs = 0;
    for (long done = 0; done < n;) {
        size_t m = (size_t)(n - done < batch ? n - done : batch);
        for (size_t i = 0; i < m; i++) {
            bench_random(&rng, done + (long)i, n, &bt[i]);
            to_pa(&bt[i], &t[i]);
        }
        secs += submit(db, t, m, out);
        done += (long)m;
    }
    pa_db_free(db);
    free(bt);
    free(t);
    free(out);
    printf("ledger_post: %ld transfers in %.3f s (batches of %ld): %.0f transfers/s\n", n, secs,
           batch, (double)n / secs);
    printf("secs=%.6f n=%ld\n", secs, n);
    return 0;
}
