/*
 * tlog_bench.c - the audit log's costs on a large database (bench/tlog):
 *
 *   tlog_bench DB
 *
 * 1. the tree part of `log verify`: every entry read and hashed as a leaf and the
 *    whole tree rebuilt in memory (leaves/s; target >= 1,000,000);
 * 2. inclusion and consistency proofs from the stored tiles at the log's full
 *    size: 10,000 random ones each, median and p99 latency (target < 1 ms);
 * 3. the whole `log verify` (tree, checkpoints, and the replay of every event
 *    into a fresh in-memory database compared table by table): events/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pairaid/pairaid.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void tree_part(struct pa_db *db, int64_t n)
{
    double t0 = now();
    sqlite3_stmt *stmt;
    sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT entry FROM events ORDER BY seq", -1, &stmt, NULL);
    pa_hash *level = malloc((size_t)n * sizeof(pa_hash));
    int64_t count = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW && count < n)
        pa_merkle_leaf_hash(sqlite3_column_blob(stmt, 0), (size_t)sqlite3_column_bytes(stmt, 0),
                            level[count++]);
    sqlite3_finalize(stmt);
    for (int64_t m = count; m >= 2; m /= 2) /* parents in place, level by level */
        for (int64_t i = 0; i < m / 2; i++)
            pa_merkle_node_hash(level[2 * i], level[2 * i + 1], level[i]);
    double secs = now() - t0;
    printf("tree part of verify: %lld leaves in %.3f s: %.0f leaves/s\n", (long long)count, secs,
           (double)count / secs);
    free(level);
}

static void proofs(struct pa_db *db, int64_t n, bool consistency)
{
    enum { RUNS = 10000 };
    static double us[RUNS];
    struct pa_merkle_source src;
    pa_tlog_tree_source(db, &src);
    srand(1);
    for (int r = 0; r < RUNS; r++) {
        uint64_t a = ((uint64_t)rand() << 31 ^ (uint64_t)rand()) % (uint64_t)n;
        pa_hash proof[PA_PROOF_MAX];
        int len = 0;
        double t0 = now();
        int rc = consistency ? pa_merkle_consistency_proof(&src, a + 1, (uint64_t)n, proof, &len, NULL)
                             : pa_merkle_inclusion_proof(&src, a, (uint64_t)n, proof, &len, NULL);
        us[r] = (now() - t0) * 1e6;
        if (rc != 0) {
            fprintf(stderr, "tlog_bench: proof failed\n");
            exit(1);
        }
    }
    qsort(us, RUNS, sizeof(us[0]), cmp_double);
    printf("%s proof at size %lld: median %.1f us, p99 %.1f us, max %.1f us (%d proofs)\n",
           consistency ? "consistency" : "inclusion", (long long)n, us[RUNS / 2],
           us[RUNS * 99 / 100], us[RUNS - 1], RUNS);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: tlog_bench DB\n");
        return 2;
    }
    struct pa_db *db;
    struct pa_error err;
    if (pa_open(&db, argv[1], 0, &err) != 0) {
        fprintf(stderr, "tlog_bench: %s\n", err.message);
        return 1;
    }
    int64_t n = 0;
    pa_tlog_size(db, &n, NULL);
    tree_part(db, n);
    proofs(db, n, false);
    proofs(db, n, true);
    double t0 = now();
    int rc = pa_tlog_verify(db, NULL, 0, &err);
    double secs = now() - t0;
    printf("log verify (tree, checkpoints, replay and compare): %lld events in %.2f s: %.0f "
           "events/s: %s\n", (long long)n, secs, (double)n / secs, rc == 0 ? "verified" : err.message);
    pa_db_free(db);
    return rc == 0 ? 0 : 3;
}
