/*
 * cmd_rebuild.c - `pairaid rebuild`: empty the projection tables and replay the
 * event log into them.  The log is the source of truth; this is how an operator
 * recovers tables that were changed behind pairaid's back.
 */
#include <stdio.h>

#include "cli.h"

int cmd_rebuild(struct pa_cli *cli, int argc, char **argv)
{
    if (pa_cli_only_global_options(cli, argc, argv) != 0)
        return PA_EXIT_INPUT;
    if (optind != argc)
        return pa_cli_usage("rebuild takes no arguments");
    struct pa_db *db;
    int rc = pa_cli_open(cli, 0, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_error err;
    int64_t events = 0;
    pa_error_clear(&err);
    rc = pa_tlog_replay(db, &err);
    if (rc == 0)
        rc = pa_tlog_size(db, &events, &err);
    pa_db_free(db);
    if (rc != 0)
        return pa_cli_fail(&err);
    printf("%s: %lld %s\n", pa_cli_label(cli, "已重建", "rebuilt"), (long long)events,
           pa_cli_label(cli, "个事件", "events replayed"));
    return PA_EXIT_OK;
}
