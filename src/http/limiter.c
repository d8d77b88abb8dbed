/*
 * limiter.c - the sign-in throttle: at most FAILURES_MAX failed sign-ins per
 * user name, and per client address, in a window of WINDOW_SECONDS.
 *
 * Three things the first version got wrong, each now tested:
 *  - an attempt is reserved before its password is checked (the check is
 *    Argon2id, slow on purpose), and attempts still in flight count against
 *    the limit, so sixty parallel guesses cannot all get through the gate;
 *  - a refused attempt creates nothing: only reserved attempts take a slot, so
 *    a flood of refused guesses cannot push out the counter of the user under
 *    attack;
 *  - a counter with failures is never evicted while its window runs.  The
 *    table is large (every slot costs a failed Argon2id check to fill); if it
 *    is ever full, a new key goes unthrottled until slots free up, rather than
 *    locking everyone out.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_int.h"

#define FAILURES_MAX   10
#define WINDOW_SECONDS 60
#define SLOTS          16384 /* a power of two */
#define PROBES         64
#define KEY_MAX        160

struct slot {
    char key[KEY_MAX]; /* "u:NAME" or "a:ADDRESS"; empty when free */
    time_t window_start;
    int failures, in_flight;
};

struct pa_rate_limit {
    pthread_mutex_t lock;
    struct slot slots[SLOTS];
};

static_assert((SLOTS & (SLOTS - 1)) == 0, "SLOTS is a power of two");

struct pa_rate_limit *pa_rate_limit_new(void)
{
    struct pa_rate_limit *rl = calloc(1, sizeof(*rl));
    if (rl)
        pthread_mutex_init(&rl->lock, NULL);
    return rl;
}

void pa_rate_limit_free(struct pa_rate_limit *rl)
{
    if (rl == NULL)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

static unsigned hash(const char *key)
{
    unsigned h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

static bool expired(const struct slot *s, time_t now)
{
    return now - s->window_start >= WINDOW_SECONDS;
}

/* A slot may be taken over when nothing counts on it any more. */
static bool reusable(const struct slot *s, time_t now)
{
    return s->key[0] == '\0' || (s->in_flight == 0 && (s->failures == 0 || expired(s, now)));
}

/* The slot of key; with create, a new one if there is none (NULL when the
 * table is full around it).  Lock held. */
static struct slot *find(struct pa_rate_limit *rl, const char *key, time_t now, bool create)
{
    struct slot *spare = NULL;
    unsigned h = hash(key);
    for (unsigned i = 0; i < PROBES; i++) {
        struct slot *s = &rl->slots[(h + i) & (SLOTS - 1)];
        if (s->key[0] != '\0' && strcmp(s->key, key) == 0) {
            if (expired(s, now) && s->in_flight == 0)
                s->window_start = now, s->failures = 0;
            return s;
        }
        if (spare == NULL && reusable(s, now))
            spare = s;
    }
    if (!create || spare == NULL)
        return NULL;
    memset(spare, 0, sizeof(*spare));
    snprintf(spare->key, sizeof(spare->key), "%s", key);
    spare->window_start = now;
    return spare;
}

static bool at_limit(const struct slot *s)
{
    return s && s->failures + s->in_flight >= FAILURES_MAX;
}

static void keys(const char *user, const char *addr, char user_key[KEY_MAX],
                 char addr_key[KEY_MAX])
{
    snprintf(user_key, KEY_MAX, "u:%.150s", user);
    snprintf(addr_key, KEY_MAX, "a:%.150s", addr);
}

bool pa_rate_limit_begin(struct pa_rate_limit *rl, const char *user, const char *addr)
{
    char user_key[KEY_MAX], addr_key[KEY_MAX];
    keys(user, addr, user_key, addr_key);
    time_t now = time(NULL);
    pthread_mutex_lock(&rl->lock);
    bool ok = !at_limit(find(rl, user_key, now, false)) && !at_limit(find(rl, addr_key, now, false));
    if (ok) {
        struct slot *u = find(rl, user_key, now, true), *a = find(rl, addr_key, now, true);
        if (u)
            u->in_flight++;
        if (a)
            a->in_flight++;
    }
    pthread_mutex_unlock(&rl->lock);
    return ok;
}

static void end_attempt(struct slot *s, bool failed, time_t now)
{
    if (s == NULL || s->in_flight == 0)
        return; /* the table was full when the attempt began */
    s->in_flight--;
    if (!failed)
        return;
    if (expired(s, now))
        s->window_start = now, s->failures = 0;
    s->failures++;
    PA_ASSERT(s->failures <= FAILURES_MAX);
}

void pa_rate_limit_done(struct pa_rate_limit *rl, const char *user, const char *addr, bool failed)
{
    char user_key[KEY_MAX], addr_key[KEY_MAX];
    keys(user, addr, user_key, addr_key);
    time_t now = time(NULL);
    pthread_mutex_lock(&rl->lock);
    end_attempt(find(rl, user_key, now, false), failed, now);
    end_attempt(find(rl, addr_key, now, false), failed, now);
    pthread_mutex_unlock(&rl->lock);
}
