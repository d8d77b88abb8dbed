/*
 * cache.c - answers to the public portal's reads, kept until the books change.
 *
 * Everything the portal shows is a projection of the event log, so an answer
 * computed when the log had N events is the answer for as long as it still has
 * N.  An anonymous GET of a cacheable route looks up the log's size (one B-tree
 * step) and, if the answer for that URL was computed at that size, sends the
 * same bytes again instead of querying and encoding JSON.  Signed-in readers
 * are never served from here: their answers depend on who they are.
 *
 * The version read before the handler runs is never newer than what the handler
 * reads, so a stored answer is at least as new as its version, and is only sent
 * while the log still has exactly that many events.
 */
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

#define SLOTS    256         /* direct-mapped: a new URL takes its slot */
#define BODY_MAX (32 * 1024) /* at most SLOTS * BODY_MAX = 8 MiB */
#define KEY_MAX  512

struct entry {
    char key[KEY_MAX];
    int64_t version;
    char *body;
    size_t len;
    const char *content_type;
};

struct pa_cache {
    pthread_mutex_t lock;
    struct entry slots[SLOTS];
};

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

struct key_builder {
    char *buf;
    size_t len;
    bool overflow;
};

static enum MHD_Result add_argument(void *cls, enum MHD_ValueKind kind, const char *name,
                                    const char *value)
{
    (void)kind;
    struct key_builder *k = cls;
    int n = snprintf(k->buf + k->len, KEY_MAX - k->len, "%c%s=%s", k->len ? '&' : '?', name,
                     value ? value : "");
    if (n < 0 || (size_t)n >= KEY_MAX - k->len)
        k->overflow = true;
    else
        k->len += (size_t)n;
    return k->overflow ? MHD_NO : MHD_YES;
}

/* The URL with its query, in the order the client sent it; false if too long. */
static bool cache_key(struct pa_http_request *r, char key[KEY_MAX])
{
    int n = snprintf(key, KEY_MAX, "%s", r->url);
    if (n < 0 || n >= KEY_MAX)
        return false;
    struct key_builder k = {key + n, 0, false};
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_argument, &k);
    return !k.overflow;
}

static unsigned slot_of(const char *key)
{
    unsigned h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h % SLOTS;
}

static bool cacheable(struct pa_http_request *r)
{
    return r->route && r->route->cache && !r->signed_in && strcmp(r->method, "GET") == 0;
}

bool pa_cache_answer(struct pa_http_request *r)
{
    struct pa_cache *c = pa_server_cache(r->server);
    struct pa_db *db;
    if (!cacheable(r) || !cache_key(r, r->cache_key) || (db = pa_http_reader(r)) == NULL)
        return false;
    struct pa_error err;
    if (pa_tlog_size(db, &r->cache_version, &err) != 0)
        return false;
    r->cache_candidate = true;
    struct entry *e = &c->slots[slot_of(r->cache_key)];
    char *copy = NULL;
    size_t len = 0;
    const char *type = NULL;
    pthread_mutex_lock(&c->lock);
    if (e->body && e->version == r->cache_version && strcmp(e->key, r->cache_key) == 0 &&
        (copy = malloc(e->len)) != NULL) {
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
    struct pa_cache *c = pa_server_cache(r->server);
    char *copy = malloc(r->reply_len);
    if (copy == NULL)
        return;
    memcpy(copy, r->reply, r->reply_len);
    struct entry *e = &c->slots[slot_of(r->cache_key)];
    pthread_mutex_lock(&c->lock);
    free(e->body);
    snprintf(e->key, sizeof(e->key), "%s", r->cache_key);
    e->version = r->cache_version;
    e->body = copy;
    e->len = r->reply_len;
    e->content_type = r->content_type;
    pthread_mutex_unlock(&c->lock);
}
