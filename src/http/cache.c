/*
 * cache.c - answers to reads, kept until the books change.
 *
 * Everything a read shows is a projection of the event log and of the
 * calendar date (a request past its expiry date counts as expired), so an
 * answer computed when the log had N events on day D is the answer for as long
 * as the log still has N events and it is still D in Beijing.  A GET of a
 * cacheable route looks up the log's size (one B-tree step) and, if the answer
 * for that key was computed at that size on that day, sends the same bytes
 * again instead of querying and encoding JSON.
 *
 * Who asks is part of the key.  The library filters every read by the reader's
 * scope (registry/scope.c): their role, region and pairing, nothing else; the
 * users table that says so is itself a projection of the log, so a changed
 * role or region grows the log too.  A signed-in answer is therefore kept per
 * scope: two officers of one county and role share it, two counties never do.
 * A route whose answer holds something of the user beyond the scope (a
 * transfer's can_resolve: the requester never approves) is kept per user; one
 * that depends on more (the inbox, /me) is never kept (routes.c says which).
 * The language of Accept-Language is in every key, for the answers that name
 * things in it.
 *
 * The key is the SHA-256 of who asks, the language, the path and every query
 * argument, each length-prefixed, in the order the client sent them, so no two
 * different requests share a key (`?q=a%26b=c` and `?q=a&b=c` differ) and no URL
 * is too long to have one.  The version read before the handler runs is never
 * newer than what the handler reads, so a stored answer is at least as new as
 * its version, and is only sent while the log still has exactly that many
 * events.  A request for a report as a file (report.c) is never cached: its
 * format may come from the Accept header, which the key does not hold.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http_int.h"

#define SLOTS     256                /* direct-mapped: a new key takes its slot */
#define BODY_MAX  (256 * 1024)       /* GET /balances of the demo books is 192 KB */
#define BYTES_MAX (8 * 1024 * 1024)  /* all bodies together: the server stays small */

struct entry {
    unsigned char key[crypto_hash_sha256_BYTES];
    int64_t version;
    int32_t day;
    char *body;
    size_t len;
    const char *content_type;
};

struct pa_cache {
    pthread_mutex_t lock;
    struct entry slots[SLOTS];
    size_t bytes; /* of all bodies kept */
};

static_assert(sizeof(((struct pa_http_request *)0)->cache_key) == crypto_hash_sha256_BYTES,
              "a request keeps the whole key");

struct pa_cache *pa_cache_new(void)
{
    struct pa_cache *c = calloc(1, sizeof(*c));
    if (c)
        pthread_mutex_init(&c->lock, NULL);
    return c;
}

void pa_cache_free(struct pa_cache *c)
{
    if (c == NULL)
        return;
    for (int i = 0; i < SLOTS; i++)
        free(c->slots[i].body);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* Adds text, or the absence of it, to the hash so that no two sequences of
 * strings hash alike: a length (or all ones for NULL), then the bytes. */
static void hash_text(crypto_hash_sha256_state *h, const char *text)
{
    uint64_t len = text ? strlen(text) : UINT64_MAX;
    unsigned char prefix[8];
    for (int i = 0; i < 8; i++)
        prefix[i] = (unsigned char)(len >> (8 * i));
    crypto_hash_sha256_update(h, prefix, sizeof(prefix));
    if (text)
        crypto_hash_sha256_update(h, (const unsigned char *)text, len);
}

/* Who asks, as far as the route's answer depends on it. */
static void hash_reader(crypto_hash_sha256_state *h, const struct pa_http_request *r)
{
    if (!r->signed_in) {
        hash_text(h, "anonymous");
        return;
    }
    char role[16];
    snprintf(role, sizeof(role), "role %d", (int)r->user.role);
    hash_text(h, role);
    hash_text(h, r->user.region);
    hash_text(h, r->user.pairing);
    hash_text(h, r->route->keyed == PA_KEY_USER ? r->user.name : NULL);
}

static void cache_key(const struct pa_http_request *r, unsigned char key[32])
{
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    hash_reader(&h, r);
    hash_text(&h, r->lang == PA_LANG_ZH ? "zh" : "en");
    hash_text(&h, r->url);
    for (int i = 0; i < r->nargs; i++) {
        hash_text(&h, r->args[i].name);
        hash_text(&h, r->args[i].value);
    }
    crypto_hash_sha256_final(&h, key);
}

static bool cacheable(const struct pa_http_request *r)
{
    bool kept = r->route && (r->signed_in ? r->route->keyed != PA_KEY_NONE : r->route->cache);
    return kept && (strcmp(r->method, "GET") == 0 || r->head) && !pa_http_wants_file(r);
}

bool pa_cache_answer(struct pa_http_request *r)
{
    struct pa_db *db;
    if (!cacheable(r) || (db = pa_http_reader(r)) == NULL)
        return false;
    struct pa_error err;
    if (pa_tlog_size(db, &r->cache_version, &err) != 0)
        return false;
    r->cache_version += (int64_t)pa_http_service_generation(r->service) << 40;
    r->cache_day = pa_date_today();
    cache_key(r, r->cache_key);
    r->cache_candidate = true;
    struct pa_cache *c = r->cache;
    struct entry *e = &c->slots[r->cache_key[0]];
    static_assert(SLOTS == 256, "one key byte picks the slot");
    char *copy = NULL;
    size_t len = 0;
    const char *type = NULL;
    pthread_mutex_lock(&c->lock);
    if (e->body && e->version == r->cache_version && e->day == r->cache_day &&
        memcmp(e->key, r->cache_key, sizeof(e->key)) == 0 && (copy = malloc(e->len)) != NULL) {
        memcpy(copy, e->body, e->len);
        len = e->len;
        type = e->content_type;
    }
    pthread_mutex_unlock(&c->lock);
    if (copy == NULL)
        return false;
    pa_http_bytes(r, 200, type, copy, len);
    return true;
}

void pa_cache_keep(struct pa_http_request *r)
{
    if (!r->cache_candidate || r->status != 200 || r->reply_static || r->reply_len == 0 ||
        r->reply_len > BODY_MAX)
        return;
    char *copy = malloc(r->reply_len);
    if (copy == NULL)
        return;
    memcpy(copy, r->reply, r->reply_len);
    struct pa_cache *c = r->cache;
    struct entry *e = &c->slots[r->cache_key[0]];
    pthread_mutex_lock(&c->lock);
    size_t freed = e->body ? e->len : 0;
    if (c->bytes - freed + r->reply_len > BYTES_MAX) {
        pthread_mutex_unlock(&c->lock);
        free(copy);
        return;
    }
    c->bytes = c->bytes - freed + r->reply_len;
    free(e->body);
    memcpy(e->key, r->cache_key, sizeof(e->key));
    e->version = r->cache_version;
    e->day = r->cache_day;
    e->body = copy;
    e->len = r->reply_len;
    e->content_type = r->content_type;
    pthread_mutex_unlock(&c->lock);
}
