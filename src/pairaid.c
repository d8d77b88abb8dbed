/*
 * pairaid.c - wiring: the modules register their event types in dependency
 * order before any database is opened, so replay can apply every event.
 */
#include "pairaid/pairaid.h"

#include <pthread.h>

static pthread_once_t registered = PTHREAD_ONCE_INIT;

int pa_open(struct pa_db **out, const char *path, unsigned flags, struct pa_error *err)
{
    /* once per process, whichever thread opens first: the ledger registers the
     * registry first, then itself */
    pthread_once(&registered, pa_ledger_init);
    return pa_db_open(out, path, flags, err);
}
