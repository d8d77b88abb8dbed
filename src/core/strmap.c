/*
 * strmap.c - a string-keyed open-addressing hash set with a value per key, used
 * to find a code repeated within one imported file.  Keys are copied; the table
 * doubles at 50 % load and refuses to grow past 2^28 slots.
 */
#include <stdlib.h>
#include <string.h>

#include "pairaid/core.h"

struct pa_strmap_slot {
    char *key;
    long value;
};

struct pa_strmap {
    struct pa_strmap_slot *slots;
    size_t cap; /* power of two */
    size_t used;
};

#define STRMAP_MAX_CAP ((size_t)1 << 28)

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int pa_strmap_new(struct pa_strmap **out)
{
    struct pa_strmap *map = calloc(1, sizeof(*map));
    if (map == NULL)
        return PA_ENOMEM;
    map->cap = 64;
    map->slots = calloc(map->cap, sizeof(*map->slots));
    if (map->slots == NULL) {
        free(map);
        return PA_ENOMEM;
    }
    *out = map;
    return 0;
}

void pa_strmap_free(struct pa_strmap *map)
{
    if (map == NULL)
        return;
    for (size_t i = 0; i < map->cap; i++)
        free(map->slots[i].key);
    free(map->slots);
    free(map);
}

static struct pa_strmap_slot *find_slot(struct pa_strmap_slot *slots, size_t cap, const char *key)
{
    size_t i = hash_key(key) & (cap - 1);
    while (slots[i].key != NULL && strcmp(slots[i].key, key) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int grow(struct pa_strmap *map)
{
    size_t cap = map->cap * 2;
    if (cap > STRMAP_MAX_CAP)
        return PA_ENOMEM;
    struct pa_strmap_slot *slots = calloc(cap, sizeof(*slots));
    if (slots == NULL)
        return PA_ENOMEM;
    for (size_t i = 0; i < map->cap; i++)
        if (map->slots[i].key != NULL)
            *find_slot(slots, cap, map->slots[i].key) = map->slots[i];
    free(map->slots);
    map->slots = slots;
    map->cap = cap;
    return 0;
}

int pa_strmap_put(struct pa_strmap *map, const char *key, long value, long *existing)
{
    PA_ASSERT(map != NULL && key != NULL);
    struct pa_strmap_slot *slot = find_slot(map->slots, map->cap, key);
    if (slot->key != NULL) {
        if (existing)
            *existing = slot->value;
        return 0;
    }
    if ((map->used + 1) * 2 > map->cap) {
        if (grow(map) != 0)
            return PA_ENOMEM;
        slot = find_slot(map->slots, map->cap, key);
    }
    slot->key = strdup(key);
    if (slot->key == NULL)
        return PA_ENOMEM;
    slot->value = value;
    map->used++;
    return 1;
}

int pa_strmap_get(const struct pa_strmap *map, const char *key, long *value)
{
    PA_ASSERT(map != NULL && key != NULL);
    const struct pa_strmap_slot *slot = find_slot(map->slots, map->cap, key);
    if (slot->key == NULL)
        return 0;
    if (value)
        *value = slot->value;
    return 1;
}
