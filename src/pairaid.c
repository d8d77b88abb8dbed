/*
 * pairaid.c - wiring: the modules register their event types in dependency
 * order before any database is opened, so replay can apply every event.
 */
#include "pairaid/pairaid.h"

int pa_open(struct pa_db **out, const char *path, unsigned flags, struct pa_error *err)
{
    pa_ledger_init(); /* after the registry, which it initialises first */
    return pa_db_open(out, path, flags, err);
}
