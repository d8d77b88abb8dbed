/*
 * ledger_common.h - what the fund-ledger benchmarks share, so that pairaid
 * (ledger_post.c) and bare SQLite (bare_sqlite_ledger.c) post exactly the same
 * transfers, and bench/gen_transfers.py writes the same ones as CSV and as a
 * ledger journal (it re-implements this generator; keep the two in step).
 *
 * The books: one pairing WX (320200 -> 320700), BENCH_PROJECTS projects in
 * 320722, and BENCH_ACCOUNTS accounts: BENCH_SOURCES sources SRC-1..., then
 * BENCH_POOLS pools, BENCH_PROJECTS x BENCH_PROJECT_ACCOUNTS project accounts,
 * and payees for the rest.  Every non-source account is first funded from a
 * source (in turn) with BENCH_FUND_FEN (ids F0001..., in account order), far
 * more than the random transfers can ever take out of one account (at most
 * BENCH_MAX_FEN each), so the limit never refuses one.
 *
 * Transfer i of n (ids T00000001...): from and to drawn uniformly among the
 * non-source accounts (different), amount 1..BENCH_MAX_FEN fen, date 2024-01-01
 * + i * BENCH_DAYS / n days, no project, no memo.  The draws come from
 * splitmix64 seeded with BENCH_SEED.  Ids wrap past n = 99,999,999.
 */
#ifndef BENCH_LEDGER_COMMON_H
#define BENCH_LEDGER_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BENCH_SEED 20250101u
#define BENCH_ACCOUNTS 1000
#define BENCH_SOURCES 5
#define BENCH_POOLS 20
#define BENCH_PROJECTS 10
#define BENCH_PROJECT_ACCOUNTS 5
#define BENCH_FUND_FEN INT64_C(100000000000) /* 1e9 yuan into every non-source account */
#define BENCH_MAX_FEN 10000                  /* random transfers: 0.01 .. 100.00 yuan */
#define BENCH_DAYS 731                       /* 2024-01-01 .. 2025-12-31 */
#define BENCH_ACTOR "bench"
#define BENCH_CODE_SIZE 24

struct bench_rng {
    uint64_t s;
};

static inline uint64_t bench_next(struct bench_rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Account k's code and kind; k < BENCH_SOURCES are the sources. */
static inline const char *bench_account(int k, char code[BENCH_CODE_SIZE])
{
    int pools = BENCH_POOLS, project_accounts = BENCH_PROJECTS * BENCH_PROJECT_ACCOUNTS;
    if (k < BENCH_SOURCES) {
        snprintf(code, BENCH_CODE_SIZE, "SRC-%d", k + 1);
        return "source";
    }
    k -= BENCH_SOURCES - 1; /* the first pool is 1 */
    if (k <= pools) {
        snprintf(code, BENCH_CODE_SIZE, "POOL-%03d", k);
        return "pool";
    }
    if (k <= pools + project_accounts) {
        int j = k - pools - 1;
        snprintf(code, BENCH_CODE_SIZE, "PRJ-%02d-%d", j / BENCH_PROJECT_ACCOUNTS + 1,
                 j % BENCH_PROJECT_ACCOUNTS + 1);
        return "project";
    }
    snprintf(code, BENCH_CODE_SIZE, "PAY-%04d", k - pools - project_accounts);
    return "payee";
}

/* Account k's name, as the CSV gives it. */
static inline void bench_account_name(int k, char *name, size_t size)
{
    char code[BENCH_CODE_SIZE];
    const char *kind = bench_account(k, code);
    if (strcmp(kind, "source") == 0)
        snprintf(name, size, "无锡市帮扶资金%.8s", code + 4);
    else if (strcmp(kind, "pool") == 0)
        snprintf(name, size, "资金池%.8s", code + 5);
    else if (strcmp(kind, "project") == 0)
        snprintf(name, size, "项目账户%.8s", code + 4);
    else
        snprintf(name, size, "收款单位%.8s", code + 4);
}

/* The project (1-based) of a project account, or 0. */
static inline int bench_account_project(int k)
{
    int j = k - BENCH_SOURCES - BENCH_POOLS;
    return j >= 0 && j < BENCH_PROJECTS * BENCH_PROJECT_ACCOUNTS ? j / BENCH_PROJECT_ACCOUNTS + 1
                                                                 : 0;
}

/* Day d after 2024-01-01 as YYYY-MM-DD (proleptic Gregorian, 0 <= d < 3000). */
static inline void bench_date(int d, char *out, size_t size)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 2024, m = 0;
    for (;;) {
        int len = (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 : 365;
        if (d < len)
            break;
        d -= len;
        y++;
    }
    for (;; m++) {
        int len = mdays[m] + (m == 1 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
        if (d < len)
            break;
        d -= len;
    }
    snprintf(out, size, "%04d-%02d-%02d", y % 10000, (m + 1) % 100, (d + 1) % 100);
}

struct bench_transfer {
    char id[24];
    char date[16];
    int from, to; /* account numbers */
    int64_t amount_fen;
};

/* The source that funds non-source account k: each in turn. */
static inline int bench_funding_source(int k)
{
    return (k - BENCH_SOURCES) % BENCH_SOURCES;
}

/* Funding transfer of non-source account k: a source -> k. */
static inline void bench_funding(int k, struct bench_transfer *t)
{
    snprintf(t->id, sizeof(t->id), "F%04d", (k - BENCH_SOURCES + 1) % 10000);
    snprintf(t->date, sizeof(t->date), "2024-01-01");
    t->from = bench_funding_source(k);
    t->to = k;
    t->amount_fen = BENCH_FUND_FEN;
}

/* Random transfer i (0-based) of n; call in order i = 0, 1, ... on one rng. */
static inline void bench_random(struct bench_rng *r, long i, long n, struct bench_transfer *t)
{
    int others = BENCH_ACCOUNTS - BENCH_SOURCES;
    snprintf(t->id, sizeof(t->id), "T%08ld", (i + 1) % 100000000);
    bench_date((int)((int64_t)i * BENCH_DAYS / n), t->date, sizeof(t->date));
    t->from = BENCH_SOURCES + (int)(bench_next(r) % (uint64_t)others);
    t->to = BENCH_SOURCES + (int)(bench_next(r) % (uint64_t)(others - 1));
    if (t->to >= t->from)
        t->to++;
    t->amount_fen = 1 + (int64_t)(bench_next(r) % BENCH_MAX_FEN);
}

#endif
