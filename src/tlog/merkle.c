/*
 * merkle.c - RFC 9162 section 2.1: tree heads, inclusion and consistency proofs,
 * and their verification.  Proof generation follows the recursive definitions
 * of the RFC over perfect subtrees supplied by the caller; verification follows
 * the RFC's iterative algorithms word for word, so that the two meet only in the
 * tests (which also check both against a naive recursive implementation).
 */
#include <openssl/sha.h>
#include <sodium.h>
#include <string.h>

#include "pairaid/merkle.h"

/* SHA-256 comes from OpenSSL's libcrypto, which uses the CPU's SHA instructions
 * where there are some: on the development machine twice as fast as libsodium's
 * portable code for an event (bench/RESULTS.md, "Audit log").  libsodium stays
 * for Ed25519, and for the rare entry too large for the stack buffer. */
#define LEAF_BUFFER_BYTES 8192

void pa_merkle_leaf_hash(const void *entry, size_t len, pa_hash out)
{
    if (len < LEAF_BUFFER_BYTES) {
        unsigned char buf[LEAF_BUFFER_BYTES];
        buf[0] = 0x00;
        memcpy(buf + 1, entry, len);
        SHA256(buf, len + 1, out);
        return;
    }
    crypto_hash_sha256_state st;
    static const unsigned char prefix = 0x00;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &prefix, 1);
    crypto_hash_sha256_update(&st, entry, len);
    crypto_hash_sha256_final(&st, out);
}

void pa_merkle_node_hash(const pa_hash left, const pa_hash right, pa_hash out)
{
    unsigned char buf[1 + 2 * PA_HASH_LEN];
    buf[0] = 0x01;
    memcpy(buf + 1, left, PA_HASH_LEN);
    memcpy(buf + 1 + PA_HASH_LEN, right, PA_HASH_LEN);
    SHA256(buf, sizeof(buf), out);
}

void pa_merkle_empty_root(pa_hash out)
{
    crypto_hash_sha256(out, (const unsigned char *)"", 0);
}

/* The largest power of two smaller than n (n > 1): the RFC's k. */
static uint64_t split(uint64_t n)
{
    PA_ASSERT(n > 1);
    uint64_t k = 1;
    while (k << 1 < n)
        k <<= 1;
    return k;
}

static bool is_power_of_two(uint64_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

static int level_of(uint64_t n)
{
    int level = 0;
    while ((UINT64_C(1) << level) < n)
        level++;
    return level;
}

/* MTH(D[start:start+n]): a stored perfect subtree when the range is one,
 * otherwise split as the RFC does. */
static int subtree_hash(const struct pa_merkle_source *src, uint64_t start, uint64_t n, pa_hash out,
                        struct pa_error *err)
{
    PA_ASSERT(n > 0);
    if (is_power_of_two(n) && start % n == 0)
        return src->subtree(src->ctx, level_of(n), start / n, out, err);
    uint64_t k = split(n);
    pa_hash left, right;
    int rc = subtree_hash(src, start, k, left, err);
    if (rc == 0)
        rc = subtree_hash(src, start + k, n - k, right, err);
    if (rc == 0)
        pa_merkle_node_hash(left, right, out);
    return rc;
}

int pa_merkle_root(const struct pa_merkle_source *src, uint64_t size, pa_hash out,
                   struct pa_error *err)
{
    if (size == 0) {
        pa_merkle_empty_root(out);
        return 0;
    }
    return subtree_hash(src, 0, size, out, err);
}

/* PATH(m, D[start:start+n]), appended to proof in the RFC's order (leaf first). */
static int path(const struct pa_merkle_source *src, uint64_t m, uint64_t start, uint64_t n,
                pa_hash *proof, int *len, struct pa_error *err)
{
    if (n == 1)
        return 0;
    uint64_t k = split(n);
    int rc = m < k ? path(src, m, start, k, proof, len, err)
                   : path(src, m - k, start + k, n - k, proof, len, err);
    if (rc != 0)
        return rc;
    PA_ASSERT(*len < PA_PROOF_MAX);
    rc = m < k ? subtree_hash(src, start + k, n - k, proof[*len], err)
               : subtree_hash(src, start, k, proof[*len], err);
    (*len)++;
    return rc;
}

int pa_merkle_inclusion_proof(const struct pa_merkle_source *src, uint64_t index, uint64_t size,
                              pa_hash proof[PA_PROOF_MAX], int *n, struct pa_error *err)
{
    *n = 0;
    if (index >= size)
        return pa_error_set(err, PA_EINVAL, "index %llu is not below the tree size %llu",
                            (unsigned long long)index, (unsigned long long)size);
    return path(src, index, 0, size, proof, n, err);
}

/* SUBPROOF(m, D[start:start+n], b) of RFC 9162 section 2.1.4.1. */
static int subproof(const struct pa_merkle_source *src, uint64_t m, uint64_t start, uint64_t n,
                    bool b, pa_hash *proof, int *len, struct pa_error *err)
{
    if (m == n) {
        if (b)
            return 0;
        PA_ASSERT(*len < PA_PROOF_MAX);
        return subtree_hash(src, start, n, proof[(*len)++], err);
    }
    uint64_t k = split(n);
    int rc;
    if (m <= k) {
        rc = subproof(src, m, start, k, b, proof, len, err);
        if (rc == 0) {
            PA_ASSERT(*len < PA_PROOF_MAX);
            rc = subtree_hash(src, start + k, n - k, proof[(*len)++], err);
        }
    } else {
        rc = subproof(src, m - k, start + k, n - k, false, proof, len, err);
        if (rc == 0) {
            PA_ASSERT(*len < PA_PROOF_MAX);
            rc = subtree_hash(src, start, k, proof[(*len)++], err);
        }
    }
    return rc;
}

int pa_merkle_consistency_proof(const struct pa_merkle_source *src, uint64_t old, uint64_t size,
                                pa_hash proof[PA_PROOF_MAX], int *n, struct pa_error *err)
{
    *n = 0;
    if (old == 0 || old > size)
        return pa_error_set(err, PA_EINVAL, "a consistency proof needs 0 < old size <= new size");
    return subproof(src, old, 0, size, true, proof, n, err);
}

/* ---- verification, RFC 9162 sections 2.1.3.2 and 2.1.4.2 ------------------------- */

int pa_merkle_verify_inclusion(const pa_hash leaf, uint64_t index, uint64_t size, pa_hash *proof,
                               int n, const pa_hash root, struct pa_error *err)
{
    if (index >= size)
        return pa_error_set(err, PA_ETAMPER, "index is not below the tree size");
    uint64_t fn = index, sn = size - 1;
    pa_hash r;
    memcpy(r, leaf, PA_HASH_LEN);
    for (int i = 0; i < n; i++) {
        if (sn == 0)
            return pa_error_set(err, PA_ETAMPER, "the inclusion proof is too long");
        if ((fn & 1) || fn == sn) {
            pa_merkle_node_hash(proof[i], r, r);
            if (!(fn & 1))
                while (fn != 0 && !(fn & 1)) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            pa_merkle_node_hash(r, proof[i], r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return pa_error_set(err, PA_ETAMPER, "the inclusion proof is too short");
    if (sodium_memcmp(r, root, PA_HASH_LEN) != 0)
        return pa_error_set(err, PA_ETAMPER, "the inclusion proof does not lead to the root");
    return 0;
}

int pa_merkle_verify_consistency(uint64_t old, uint64_t size, const pa_hash old_root,
                                 const pa_hash new_root, pa_hash *proof, int n,
                                 struct pa_error *err)
{
    if (old == 0 || old > size)
        return pa_error_set(err, PA_ETAMPER, "consistency needs 0 < old size <= new size");
    if (old == size) {
        if (n != 0)
            return pa_error_set(err, PA_ETAMPER, "a proof between equal sizes must be empty");
        if (sodium_memcmp(old_root, new_root, PA_HASH_LEN) != 0)
            return pa_error_set(err, PA_ETAMPER, "equal sizes but different roots");
        return 0;
    }
    /* If old is a power of two, old_root is the first node of the path. */
    pa_hash first;
    pa_hash *p = proof;
    int left = n;
    if (is_power_of_two(old)) {
        memcpy(first, old_root, PA_HASH_LEN);
    } else {
        if (left == 0)
            return pa_error_set(err, PA_ETAMPER, "the consistency proof is empty");
        memcpy(first, p[0], PA_HASH_LEN);
        p++;
        left--;
    }
    uint64_t fn = old - 1, sn = size - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    pa_hash fr, sr;
    memcpy(fr, first, PA_HASH_LEN);
    memcpy(sr, first, PA_HASH_LEN);
    for (int i = 0; i < left; i++) {
        if (sn == 0)
            return pa_error_set(err, PA_ETAMPER, "the consistency proof is too long");
        if ((fn & 1) || fn == sn) {
            pa_merkle_node_hash(p[i], fr, fr);
            pa_merkle_node_hash(p[i], sr, sr);
            if (!(fn & 1))
                while (fn != 0 && !(fn & 1)) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            pa_merkle_node_hash(sr, p[i], sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return pa_error_set(err, PA_ETAMPER, "the consistency proof is too short");
    if (sodium_memcmp(fr, old_root, PA_HASH_LEN) != 0)
        return pa_error_set(err, PA_ETAMPER, "the proof does not lead to the old root");
    if (sodium_memcmp(sr, new_root, PA_HASH_LEN) != 0)
        return pa_error_set(err, PA_ETAMPER, "the proof does not lead to the new root");
    return 0;
}
