/*
 * test_merkle.c - the Merkle tree against RFC 9162: the published tree heads and
 * proofs of the Certificate Transparency test data (as transparency-dev/merkle
 * carries them), proof generation against a naive recursive implementation
 * written here from the RFC's definitions for every size 1..300 and every index,
 * verification that refuses truncated, extended and bit-flipped proofs, and the
 * tree the database keeps beside the event log.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static void hex_to_hash(const char *hex, pa_hash out)
{
    size_t len = 0;
    assert_int_equal(sodium_hex2bin(out, PA_HASH_LEN, hex, strlen(hex), NULL, &len, NULL), 0);
    assert_int_equal(len, PA_HASH_LEN);
}

/* ---- a naive tree, straight from RFC 9162 section 2.1 ------------------------ */

static pa_hash *leaves; /* leaf hashes */

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

static void naive_path(uint64_t m, uint64_t start, uint64_t n, pa_hash *proof, int *len)
{
    if (n == 1)
        return;
    uint64_t k = 1;
    while (k * 2 < n)
        k *= 2;
    if (m < k) {
        naive_path(m, start, k, proof, len);
        naive_mth(start + k, n - k, proof[(*len)++]);
    } else {
        naive_path(m - k, start + k, n - k, proof, len);
        naive_mth(start, k, proof[(*len)++]);
    }
}

static void naive_subproof(uint64_t m, uint64_t start, uint64_t n, bool b, pa_hash *proof, int *len)
{
    if (m == n) {
        if (!b)
            naive_mth(start, n, proof[(*len)++]);
        return;
    }
    uint64_t k = 1;
    while (k * 2 < n)
        k *= 2;
    if (m <= k) {
        naive_subproof(m, start, k, b, proof, len);
        naive_mth(start + k, n - k, proof[(*len)++]);
    } else {
        naive_subproof(m - k, start + k, n - k, false, proof, len);
        naive_mth(start, k, proof[(*len)++]);
    }
}

/* The implementation's source of perfect subtrees over the same leaves, worked
 * out once per set of leaves (the naive functions above recompute everything). */
#define LEVELS 10
static pa_hash *perfect[LEVELS];
static uint64_t nperfect;

static void index_leaves(uint64_t count)
{
    for (int level = 0; level < LEVELS; level++) {
        free(perfect[level]);
        uint64_t n = count >> level;
        perfect[level] = calloc(n ? n : 1, sizeof(pa_hash));
        for (uint64_t i = 0; i < n; i++) {
            if (level == 0)
                memcpy(perfect[0][i], leaves[i], PA_HASH_LEN);
            else
                pa_merkle_node_hash(perfect[level - 1][2 * i], perfect[level - 1][2 * i + 1],
                                    perfect[level][i]);
        }
    }
    nperfect = count;
}

static int memory_subtree(void *ctx, int level, uint64_t index, pa_hash out, struct pa_error *err)
{
    (void)ctx, (void)err;
    assert_true(level < LEVELS && ((index + 1) << level) <= nperfect);
    memcpy(out, perfect[level][index], PA_HASH_LEN);
    return 0;
}

static const struct pa_merkle_source memory_source = {memory_subtree, NULL};

/* ---- the CT test data ----------------------------------------------------------- */

static const char *const ct_leaves[] = {"",
                                        "00",
                                        "10",
                                        "2021",
                                        "3031",
                                        "40414243",
                                        "5051525354555657",
                                        "606162636465666768696a6b6c6d6e6f"};

static const char *const ct_roots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static void use_ct_leaves(void)
{
    free(leaves);
    leaves = calloc(8, sizeof(pa_hash));
    for (int i = 0; i < 8; i++) {
        unsigned char bin[16];
        size_t len = 0;
        sodium_hex2bin(bin, sizeof(bin), ct_leaves[i], strlen(ct_leaves[i]), NULL, &len, NULL);
        pa_merkle_leaf_hash(bin, len, leaves[i]);
    }
    index_leaves(8);
}

static void tree_heads_match_the_published_ones(void **state)
{
    (void)state;
    use_ct_leaves();
    for (uint64_t n = 0; n <= 8; n++) {
        pa_hash root, expected;
        assert_int_equal(pa_merkle_root(&memory_source, n, root, NULL), 0);
        hex_to_hash(ct_roots[n], expected);
        assert_memory_equal(root, expected, PA_HASH_LEN);
    }
}

struct known_proof {
    uint64_t a, size; /* leaf index (inclusion) or old size (consistency) */
    const char *hashes[3];
};

static void proofs_match_the_published_ones(void **state)
{
    (void)state;
    use_ct_leaves();
    static const struct known_proof inclusion[] = {
        {0,
         8,
         {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
        {5,
         8,
         {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
        {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125", NULL, NULL}},
        {1,
         5,
         {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    };
    static const struct known_proof consistency[] = {
        {1,
         8,
         {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
        {6,
         8,
         {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
        {2,
         5,
         {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", NULL}},
    };
    for (size_t t = 0; t < PA_ARRAY_LEN(inclusion) + PA_ARRAY_LEN(consistency); t++) {
        bool incl = t < PA_ARRAY_LEN(inclusion);
        const struct known_proof *k =
            incl ? &inclusion[t] : &consistency[t - PA_ARRAY_LEN(inclusion)];
        pa_hash proof[PA_PROOF_MAX], want[3], root, old_root;
        int n = 0, expected = 0;
        for (; expected < 3 && k->hashes[expected]; expected++)
            hex_to_hash(k->hashes[expected], want[expected]);
        if (incl)
            assert_int_equal(
                pa_merkle_inclusion_proof(&memory_source, k->a, k->size, proof, &n, NULL), 0);
        else
            assert_int_equal(
                pa_merkle_consistency_proof(&memory_source, k->a, k->size, proof, &n, NULL), 0);
        assert_int_equal(n, expected);
        for (int i = 0; i < n; i++)
            assert_memory_equal(proof[i], want[i], PA_HASH_LEN);
        hex_to_hash(ct_roots[k->size], root);
        if (incl) {
            assert_int_equal(
                pa_merkle_verify_inclusion(leaves[k->a], k->a, k->size, want, n, root, NULL), 0);
        } else {
            hex_to_hash(ct_roots[k->a], old_root);
            assert_int_equal(
                pa_merkle_verify_consistency(k->a, k->size, old_root, root, want, n, NULL), 0);
        }
    }
}

/* ---- generated proofs, every size 1..300 ------------------------------------------ */

#define MAX_SIZE 300

static void make_leaves(int count)
{
    free(leaves);
    leaves = calloc((size_t)count, sizeof(pa_hash));
    for (int i = 0; i < count; i++) {
        unsigned char data[2] = {(unsigned char)i, (unsigned char)(i >> 8)};
        pa_merkle_leaf_hash(data, sizeof(data), leaves[i]);
    }
    index_leaves((uint64_t)count);
}

/* Every way the auditor could be lied to must fail. */
static void inclusion_refuses_tampering(uint64_t index, uint64_t size, pa_hash *proof, int n,
                                        const pa_hash root)
{
    pa_hash bad[PA_PROOF_MAX + 1];
    if (n > 0)
        assert_int_not_equal(
            pa_merkle_verify_inclusion(leaves[index], index, size, proof, n - 1, root, NULL), 0);
    memcpy(bad, proof, (size_t)n * sizeof(pa_hash));
    memcpy(bad[n], root, PA_HASH_LEN);
    assert_int_not_equal(
        pa_merkle_verify_inclusion(leaves[index], index, size, bad, n + 1, root, NULL), 0);
    for (int i = 0; i < n; i++) {
        memcpy(bad, proof, (size_t)n * sizeof(pa_hash));
        bad[i][i % PA_HASH_LEN] ^= 0x08;
        assert_int_not_equal(
            pa_merkle_verify_inclusion(leaves[index], index, size, bad, n, root, NULL), 0);
    }
    assert_int_not_equal(
        pa_merkle_verify_inclusion(leaves[index], size, size, proof, n, root, NULL), 0);
    if (index + 1 < size)
        assert_int_not_equal(
            pa_merkle_verify_inclusion(leaves[index], index + 1, size, proof, n, root, NULL), 0);
    assert_int_not_equal(pa_merkle_verify_inclusion(leaves[index], index, 0, proof, n, root, NULL),
                         0);
    assert_int_not_equal(
        pa_merkle_verify_inclusion(leaves[index], index, size * 2, proof, n, root, NULL), 0);
}

static void inclusion_proofs_for_every_size_and_index(void **state)
{
    (void)state;
    make_leaves(MAX_SIZE);
    for (uint64_t size = 1; size <= MAX_SIZE; size++) {
        pa_hash root;
        naive_mth(0, size, root);
        pa_hash got_root;
        assert_int_equal(pa_merkle_root(&memory_source, size, got_root, NULL), 0);
        assert_memory_equal(got_root, root, PA_HASH_LEN);
        for (uint64_t index = 0; index < size; index++) {
            pa_hash proof[PA_PROOF_MAX], want[PA_PROOF_MAX];
            int n = 0, expected = 0;
            assert_int_equal(
                pa_merkle_inclusion_proof(&memory_source, index, size, proof, &n, NULL), 0);
            naive_path(index, 0, size, want, &expected);
            assert_int_equal(n, expected);
            assert_memory_equal(proof, want, (size_t)n * PA_HASH_LEN);
            if (pa_merkle_verify_inclusion(leaves[index], index, size, proof, n, root, NULL) != 0)
                fail_msg("inclusion of %llu in %llu does not verify", (unsigned long long)index,
                         (unsigned long long)size);
            if (size <= 64 || index % 17 == 0)
                inclusion_refuses_tampering(index, size, proof, n, root);
        }
        assert_int_equal(
            pa_merkle_inclusion_proof(&memory_source, size, size, NULL, &(int){0}, NULL),
            PA_EINVAL);
    }
}

static void consistency_proofs_for_every_pair_of_sizes(void **state)
{
    (void)state;
    make_leaves(MAX_SIZE);
    static pa_hash roots[MAX_SIZE + 1];
    for (uint64_t n = 1; n <= MAX_SIZE; n++)
        naive_mth(0, n, roots[n]);
    for (uint64_t size = 1; size <= MAX_SIZE; size++) {
        for (uint64_t old = 1; old <= size; old++) {
            pa_hash proof[PA_PROOF_MAX], want[PA_PROOF_MAX], bad[PA_PROOF_MAX + 1];
            int n = 0, expected = 0;
            assert_int_equal(
                pa_merkle_consistency_proof(&memory_source, old, size, proof, &n, NULL), 0);
            naive_subproof(old, 0, size, true, want, &expected);
            assert_int_equal(n, expected);
            assert_memory_equal(proof, want, (size_t)n * PA_HASH_LEN);
            if (pa_merkle_verify_consistency(old, size, roots[old], roots[size], proof, n, NULL) !=
                0)
                fail_msg("consistency %llu -> %llu does not verify", (unsigned long long)old,
                         (unsigned long long)size);
            if (old == size || (size > 64 && old % 13 != 0))
                continue;
            /* truncated, extended, bit-flipped, swapped roots, a forked new tree */
            assert_int_not_equal(pa_merkle_verify_consistency(old, size, roots[old], roots[size],
                                                              proof, n - 1, NULL),
                                 0);
            memcpy(bad, proof, (size_t)n * sizeof(pa_hash));
            memcpy(bad[n], roots[old], PA_HASH_LEN);
            assert_int_not_equal(
                pa_merkle_verify_consistency(old, size, roots[old], roots[size], bad, n + 1, NULL),
                0);
            for (int i = 0; i < n; i++) {
                memcpy(bad, proof, (size_t)n * sizeof(pa_hash));
                bad[i][0] ^= 0x10;
                assert_int_not_equal(
                    pa_merkle_verify_consistency(old, size, roots[old], roots[size], bad, n, NULL),
                    0);
            }
            assert_int_not_equal(
                pa_merkle_verify_consistency(old, size, roots[size], roots[old], proof, n, NULL),
                0);
            pa_hash forked;
            memcpy(forked, roots[size], PA_HASH_LEN);
            forked[31] ^= 1;
            assert_int_not_equal(
                pa_merkle_verify_consistency(old, size, roots[old], forked, proof, n, NULL), 0);
        }
    }
    pa_hash empty[1];
    assert_int_not_equal(pa_merkle_verify_consistency(0, 5, roots[1], roots[5], empty, 0, NULL), 0);
    assert_int_not_equal(pa_merkle_verify_consistency(6, 5, roots[5], roots[5], empty, 0, NULL), 0);
    assert_int_equal(pa_merkle_verify_consistency(5, 5, roots[5], roots[5], empty, 0, NULL), 0);
    assert_int_not_equal(pa_merkle_verify_consistency(5, 5, roots[5], roots[4], empty, 0, NULL), 0);
}

/* ---- the tree the database keeps ------------------------------------------------- */

static void the_stored_tree_is_the_tree_of_the_events(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT entry FROM events ORDER BY seq",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    int count = 0, cap = 1024;
    free(leaves);
    leaves = calloc((size_t)cap, sizeof(pa_hash));
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        if (count == cap) {
            cap *= 2;
            leaves = realloc(leaves, (size_t)cap * sizeof(pa_hash));
        }
        pa_merkle_leaf_hash(sqlite3_column_blob(stmt, 0), (size_t)sqlite3_column_bytes(stmt, 0),
                            leaves[count++]);
    }
    sqlite3_finalize(stmt);
    assert_true(count > 500);
    struct pa_merkle_source stored;
    pa_tlog_tree_source(db, &stored);
    for (uint64_t size = 1; size <= (uint64_t)count; size += 1 + size / 7) {
        pa_hash want, got;
        naive_mth(0, size, want);
        assert_int_equal(pa_merkle_root(&stored, size, got, NULL), 0);
        assert_memory_equal(got, want, PA_HASH_LEN);
        pa_hash proof[PA_PROOF_MAX];
        int n = 0;
        uint64_t index = size / 3;
        assert_int_equal(pa_merkle_inclusion_proof(&stored, index, size, proof, &n, NULL), 0);
        assert_int_equal(
            pa_merkle_verify_inclusion(leaves[index], index, size, proof, n, want, NULL), 0);
    }
    pa_db_free(db);
}

static int teardown(void **state)
{
    (void)state;
    free(leaves);
    leaves = NULL;
    for (int level = 0; level < LEVELS; level++)
        free(perfect[level]);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tree_heads_match_the_published_ones),
        cmocka_unit_test(proofs_match_the_published_ones),
        cmocka_unit_test(inclusion_proofs_for_every_size_and_index),
        cmocka_unit_test(consistency_proofs_for_every_pair_of_sizes),
        cmocka_unit_test(the_stored_tree_is_the_tree_of_the_events),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
