/*
 * cmd_account.c - `pairaid account close CODE`: a closed account refuses new
 * transfers (its history stays).  Refused while it has pending transfers.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_account(struct pa_cli *cli, int argc, char **argv)
{
    if (pa_cli_only_global_options(cli, argc, argv) != 0)
        return PA_EXIT_INPUT;
    if (argc - optind != 2 || strcmp(argv[optind], "close") != 0)
        return pa_cli_usage("usage: pairaid account close CODE");
    struct pa_db *db;
    int rc = pa_cli_open(cli, 0, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_error err;
    pa_error_clear(&err);
    rc = pa_db_begin(db, &err);
    if (rc == 0)
        rc = pa_account_close(db, argv[optind + 1], &err);
    if (rc == 0)
        rc = pa_db_commit(db, &err);
    if (rc != 0)
        pa_db_rollback(db);
    pa_db_free(db);
    if (rc != 0)
        return pa_cli_fail(&err);
    printf("%s: %s\n", argv[optind + 1], pa_cli_label(cli, "已关闭", "closed"));
    return PA_EXIT_OK;
}
