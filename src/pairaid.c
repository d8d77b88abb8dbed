/*
 * pairaid.c - wiring: the modules register their event types in dependency
 * order before any database is opened, so replay can apply every event.
 */
#include "pairaid/pairaid.h"

#include <pthread.h>

#include "pairaid/pg.h"

static pthread_once_t registered = PTHREAD_ONCE_INIT;

/* In dependency order: replay empties their tables in the reverse order. */
static void register_modules(void)
{
    pa_ledger_init(); /* the registry first, then the ledger */
    pa_auth_init();
    pa_audit_init();
    pa_assess_init();
    pa_tlog_init(); /* log.head, whose table nothing refers to */
}

void pa_init(void)
{
    /* once per process, whichever thread comes first */
    pthread_once(&registered, register_modules);
}

int pa_open(struct pa_db **out, const char *path, unsigned flags, struct pa_error *err)
{
    pa_init();
    int rc = pa_pg_uri(path) ? pa_pg_open(out, path, flags, err) : pa_db_open(out, path, flags, err);
    /* what an older version wrote, brought up to date on the first write-open */
    if (rc == 0 && !(flags & PA_DB_READONLY) &&
        ((rc = pa_auth_adopt_users(*out, err)) != 0 || (rc = pa_tlog_assign_logs(*out, err)) != 0)) {
        pa_db_free(*out);
        *out = NULL;
    }
    return rc;
}
