/*
 * merkle.h - RFC 9162 Merkle trees over the event log: hashing (leaf =
 * SHA-256(0x00 || entry), node = SHA-256(0x01 || left || right)), tree heads,
 * inclusion and consistency proofs, and their verification.
 *
 * Proofs are computed from "perfect" subtrees: the hash of leaves
 * [i * 2^level, (i + 1) * 2^level), which never changes once all its leaves
 * exist.  Where those come from is the caller's: the database keeps every one of
 * them (tlog_nodes), an auditor's offline check computes them from a bundle.
 */
#ifndef PAIRAID_MERKLE_H
#define PAIRAID_MERKLE_H

#include "pairaid/core.h"

#define PA_HASH_LEN  32
#define PA_PROOF_MAX 64 /* a proof for up to 2^64 leaves */

typedef unsigned char pa_hash[PA_HASH_LEN];

void pa_merkle_leaf_hash(const void *entry, size_t len, pa_hash out);
void pa_merkle_node_hash(const pa_hash left, const pa_hash right, pa_hash out);
/* SHA-256 of nothing: the root of the empty tree. */
void pa_merkle_empty_root(pa_hash out);

/* Where perfect subtrees come from: fills out with the hash of leaves
 * [index << level, (index + 1) << level), all of which exist. */
struct pa_merkle_source {
    int (*subtree)(void *ctx, int level, uint64_t index, pa_hash out, struct pa_error *err);
    void *ctx;
};

/* The root of the first `size` leaves (MTH(D[0:size])). */
int pa_merkle_root(const struct pa_merkle_source *src, uint64_t size, pa_hash out,
                   struct pa_error *err);

/* PATH(index, D[0:size]) of RFC 9162 section 2.1.3.1. */
int pa_merkle_inclusion_proof(const struct pa_merkle_source *src, uint64_t index, uint64_t size,
                              pa_hash proof[PA_PROOF_MAX], int *n, struct pa_error *err);
/* PROOF(old, D[0:size]) of RFC 9162 section 2.1.4.1; 0 < old <= size. */
int pa_merkle_consistency_proof(const struct pa_merkle_source *src, uint64_t old, uint64_t size,
                                pa_hash proof[PA_PROOF_MAX], int *n, struct pa_error *err);

/* The verification algorithms of RFC 9162 sections 2.1.3.2 and 2.1.4.2: 0 when
 * the proof holds, PA_ETAMPER (with a reason) when it does not.  The proof is
 * only read (it is not const because C11 cannot pass pa_hash[] as const pa_hash *). */
int pa_merkle_verify_inclusion(const pa_hash leaf, uint64_t index, uint64_t size, pa_hash *proof,
                               int n, const pa_hash root, struct pa_error *err);
int pa_merkle_verify_consistency(uint64_t old, uint64_t size, const pa_hash old_root,
                                 const pa_hash new_root, pa_hash *proof, int n,
                                 struct pa_error *err);

#endif
