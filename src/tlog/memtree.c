/*
 * memtree.c - a Merkle tree held in memory, level by level, built from its
 * leaves: what `log verify` recomputes, and the tree of one log inside the
 * database's log (a pairing's, the province's), which is not stored but read
 * from that log's events when asked for (logs.c).
 */
#include <stdlib.h>
#include <string.h>

#include "pairaid/tlog.h"

void pa_tlog__memtree_release(struct pa_tlog__memtree *t)
{
    for (int l = 0; l < PA_TLOG_LEVELS; l++)
        free(t->level[l]);
    memset(t, 0, sizeof(*t));
}

int pa_tlog__memtree_add_hash(struct pa_tlog__memtree *t, const pa_hash leaf,
                              struct pa_error *err)
{
    if (t->count[0] == t->cap0) {
        uint64_t cap = t->cap0 ? t->cap0 * 2 : 1024;
        pa_hash *grown = realloc(t->level[0], cap * sizeof(pa_hash));
        if (grown == NULL)
            return pa_error_set(err, PA_ENOMEM, "out of memory");
        t->level[0] = grown;
        t->cap0 = cap;
    }
    memcpy(t->level[0][t->count[0]++], leaf, PA_HASH_LEN);
    return 0;
}

int pa_tlog__memtree_add(struct pa_tlog__memtree *t, const void *entry, size_t len,
                         struct pa_error *err)
{
    pa_hash leaf;
    pa_merkle_leaf_hash(entry, len, leaf);
    return pa_tlog__memtree_add_hash(t, leaf, err);
}

int pa_tlog__memtree_build(struct pa_tlog__memtree *t, struct pa_error *err)
{
    for (int l = 1; l < PA_TLOG_LEVELS && t->count[l - 1] >= 2; l++) {
        t->count[l] = t->count[l - 1] / 2;
        free(t->level[l]);
        t->level[l] = malloc(t->count[l] * sizeof(pa_hash));
        if (t->level[l] == NULL)
            return pa_error_set(err, PA_ENOMEM, "out of memory");
        for (uint64_t i = 0; i < t->count[l]; i++)
            pa_merkle_node_hash(t->level[l - 1][2 * i], t->level[l - 1][2 * i + 1], t->level[l][i]);
    }
    return 0;
}

static int subtree(void *ctx, int level, uint64_t index, pa_hash out, struct pa_error *err)
{
    struct pa_tlog__memtree *t = ctx;
    if (level >= PA_TLOG_LEVELS || index >= t->count[level])
        return pa_error_set(err, PA_ETAMPER, "the tree has no node (level %d, index %llu)", level,
                            (unsigned long long)index);
    memcpy(out, t->level[level][index], PA_HASH_LEN);
    return 0;
}

void pa_tlog__memtree_source(struct pa_tlog__memtree *t, struct pa_merkle_source *src)
{
    src->subtree = subtree;
    src->ctx = t;
}
