/*
 * fuzz_log.c - libFuzzer target for the audit log's parsers and verifiers: what
 * an auditor feeds pairaid from outside (signed notes, checkpoints, verifier and
 * private keys) and the RFC 9162 proof verifiers, which must refuse garbage
 * without crashing and never accept a proof that does not hold.
 *
 * Byte 0 chooses what the rest is:
 *   '0'  a signed note: parsed, its checkpoint text parsed, every signature
 *        checked against the Go example key (must fail unless it is that note)
 *   '1'  a verifier key, then (after a NUL) a private key
 *   '2'  an inclusion proof: 8-byte index, 8-byte size, then 32-byte hashes;
 *        verified against the root of a fixed 300-leaf tree
 *   '3'  a consistency proof: 8-byte old size, 8-byte new size, then hashes
 * Checks (abort() on a violation, besides ASan/UBSan): a proof that verifies
 * must be the proof pairaid itself computes for those sizes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairaid/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LEAVES 300

static pa_hash leaves[LEAVES];
static pa_hash roots[LEAVES + 1];
static int ready;

static void naive_mth(uint64_t start, uint64_t n, pa_hash out)
{
    if (n == 1) {
        memcpy(out, leaves[start], PA_HASH_LEN);
        return;
    }
    uint64_t k = 1;
    while (k * 2 < n)
        k *= 2;
    pa_hash l, r;
    naive_mth(start, k, l);
    naive_mth(start + k, n - k, r);
    pa_merkle_node_hash(l, r, out);
}

static int subtree(void *ctx, int level, uint64_t index, pa_hash out, struct pa_error *err)
{
    (void)ctx, (void)err;
    naive_mth(index << level, UINT64_C(1) << level, out);
    return 0;
}

static const struct pa_merkle_source source = {subtree, NULL};

static void setup(void)
{
    for (int i = 0; i < LEAVES; i++) {
        unsigned char b[2] = {(unsigned char)i, (unsigned char)(i >> 8)};
        pa_merkle_leaf_hash(b, sizeof(b), leaves[i]);
    }
    for (uint64_t n = 1; n <= LEAVES; n++)
        naive_mth(0, n, roots[n]);
    ready = 1;
}

static uint64_t u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void same_proof_or_abort(pa_hash *given, int n, pa_hash *expected, int m)
{
    if (n != m || memcmp(given, expected, (size_t)n * PA_HASH_LEN) != 0) {
        fprintf(stderr, "fuzz_log: a proof pairaid would not give was accepted\n");
        abort();
    }
}

static void fuzz_proof(const uint8_t *data, size_t size, bool inclusion)
{
    if (size < 16)
        return;
    uint64_t a = u64(data), b = u64(data + 8);
    pa_hash proof[PA_PROOF_MAX + 2];
    int n = (int)((size - 16) / PA_HASH_LEN);
    if (n > PA_PROOF_MAX + 2)
        n = PA_PROOF_MAX + 2;
    memcpy(proof, data + 16, (size_t)n * PA_HASH_LEN);
    uint64_t sz = b > LEAVES ? LEAVES : b; /* roots known up to 300 leaves */
    const unsigned char *root = sz ? roots[sz] : roots[1];
    pa_hash expected[PA_PROOF_MAX];
    int m = 0;
    if (inclusion) {
        const unsigned char *leaf = a < LEAVES ? leaves[a] : leaves[0];
        if (pa_merkle_verify_inclusion(leaf, a, b, proof, n, root, NULL) == 0) {
            if (b != sz || a >= b ||
                pa_merkle_inclusion_proof(&source, a, b, expected, &m, NULL) != 0)
                abort();
            same_proof_or_abort(proof, n, expected, m);
        }
    } else {
        const unsigned char *old_root = a >= 1 && a <= LEAVES ? roots[a] : roots[1];
        if (pa_merkle_verify_consistency(a, b, old_root, root, proof, n, NULL) == 0 && a != b) {
            if (b != sz || a == 0 || a > b ||
                pa_merkle_consistency_proof(&source, a, b, expected, &m, NULL) != 0)
                abort();
            same_proof_or_abort(proof, n, expected, m);
        }
    }
}

static void fuzz_note(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return;
    memcpy(text, data, size);
    text[size] = '\0';
    struct pa_note note;
    if (pa_note_parse(text, &note, NULL) == 0) {
        struct pa_checkpoint c;
        (void)pa_checkpoint_parse(note.text, &c, NULL);
        struct pa_verifier v;
        if (pa_verifier_parse("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                              &v, NULL) != 0)
            abort();
        for (int i = 0; i < note.nsigs; i++)
            (void)pa_note_verify_signature(&note, i, &v, NULL);
        pa_note_release(&note);
    }
    free(text);
}

static void fuzz_keys(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return;
    memcpy(text, data, size);
    text[size] = '\0';
    struct pa_verifier v;
    if (pa_verifier_parse(text, &v, NULL) == 0) {
        char again[256];
        pa_verifier_format(&v, again, sizeof(again));
        if (strncmp(again, text, strlen(again)) != 0) /* a parsed key prints back the same */
            abort();
    }
    const char *second = text + strlen(text) + 1;
    if (second <= text + size) {
        struct pa_signer *s = NULL;
        if (pa_signer_parse(second, &s, NULL) == 0)
            pa_signer_free(s);
    }
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready)
        setup();
    if (size == 0)
        return 0;
    switch (data[0]) {
    case '0':
        fuzz_note(data + 1, size - 1);
        break;
    case '1':
        fuzz_keys(data + 1, size - 1);
        break;
    case '2':
        fuzz_proof(data + 1, size - 1, true);
        break;
    case '3':
        fuzz_proof(data + 1, size - 1, false);
        break;
    default:
        break;
    }
    return 0;
}
