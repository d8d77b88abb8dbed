/*
 * replica.h - a verified copy of another party's books (`pairaid replica`).
 *
 * The donor's finance bureau or the joint audit team keeps its own database,
 * filled only from the other side's signed log: each pull fetches the entries
 * after the size it last verified, checks the latest signed checkpoint (the
 * signatures by keys it trusts, a consistency proof from the last checkpoint it
 * verified, and that the new entries rebuild the signed root), applies them
 * through the same code as replay, and compares a digest of its tables with the
 * source's.  Any difference is PA_ETAMPER naming the first thing that differs;
 * a pull that fails changes nothing (one transaction).
 *
 * A source is a `pairaid serve` (http:// or https:// base URL, signed in as a
 * user) or a directory written by `pairaid log export`.
 */
#ifndef PAIRAID_REPLICA_H
#define PAIRAID_REPLICA_H

#include "pairaid/tlog.h"

/* Where a replica's entries, checkpoints, proofs and digest come from. */
struct pa_replica_source {
    /* The latest signed checkpoint note (malloc'd); PA_ENOTFOUND if none. */
    int (*checkpoint)(void *ctx, char **note, struct pa_error *err);
    /* Calls fn for the `count` entries from leaf index `from` on, in order (all
     * of them, or an error). */
    int (*entries)(void *ctx, int64_t from, int64_t count,
                   int (*fn)(const void *entry, size_t len, void *arg, struct pa_error *err),
                   void *arg, struct pa_error *err);
    /* A consistency proof from `from` to `to` made from the source's own tree;
     * PA_ENOTFOUND when it has none (a bundle has only the entries). */
    int (*consistency)(void *ctx, int64_t from, int64_t to, pa_hash proof[PA_PROOF_MAX], int *n,
                       struct pa_error *err);
    /* The digest of the source's tables at its current size; PA_ENOTFOUND if none. */
    int (*digest)(void *ctx, struct pa_digest *out, struct pa_error *err);
    /* The verifier keys the source names, for trust on first use (malloc'd
     * text, one per line). */
    int (*keys)(void *ctx, char **text, struct pa_error *err);
    void (*close)(void *ctx);
    void *ctx;
};

/* A server at `url` (http:// or https:// only, no redirects), signed in as
 * `user` with `password` (both may be NULL for a bundle-like public read, which
 * the server refuses for entries).  PA_EINVAL for another scheme, PA_EUNAUTH
 * when the sign-in is refused, PA_EIO when the server cannot be reached. */
int pa_replica_http_open(const char *url, const char *user, const char *password,
                         struct pa_replica_source *out, struct pa_error *err);
/* A directory written by `pairaid log export`. */
int pa_replica_bundle_open(const char *dir, struct pa_replica_source *out, struct pa_error *err);
void pa_replica_source_close(struct pa_replica_source *s);

/* The replica's own state, kept in its database beside the copied books. */
struct pa_replica_info {
    char source[1024]; /* the URL or the bundle directory */
    char user[128];    /* who it signs in as ("" for a bundle) */
    int64_t size;      /* the size it last verified */
    pa_hash root;      /* the signed root at that size */
    int nkeys;
    struct pa_verifier keys[16];
};

/* Makes db (a new, empty pairaid database) a replica of `source` trusting
 * `keys`.  Does not pull. */
int pa_replica_init(struct pa_db *db, const char *source, const char *user,
                    const struct pa_verifier *keys, int nkeys, struct pa_error *err);
/* Reads the state back; PA_ENOTFOUND when db is not a replica. */
int pa_replica_info(struct pa_db *db, struct pa_replica_info *out, struct pa_error *err);

struct pa_replica_pull {
    int64_t from_size, to_size; /* verified size before and after */
    int64_t applied;            /* events applied to the tables by this pull */
    int64_t digest_size;        /* the size at which the tables were compared (-1: not) */
    int64_t tail;               /* unsigned entries applied only to compare, then undone */
    char signers[512];          /* the trusted keys that signed the checkpoint */
};

/* One pull, in one transaction of db (nothing changes unless it all verifies). */
int pa_replica_pull(struct pa_db *db, const struct pa_replica_source *src,
                    struct pa_replica_pull *out, struct pa_error *err);

#endif
