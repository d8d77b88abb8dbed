/*
 * cmd_account.c - `pairaid account close CODE`: a closed account refuses new
 * transfers (its history stays).  Refused while it has pending transfers.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int close_account(struct pa_db *db, void *code, struct pa_error *err)
{
    return pa_account_close(db, code, err);
}

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
    rc = pa_cli_transaction(db, close_account, argv[optind + 1], &err);
    pa_db_free(db);
    if (rc != 0)
        return pa_cli_fail(&err);
    printf("%s: %s\n", argv[optind + 1], pa_cli_label(cli, "已关闭", "closed"));
    return PA_EXIT_OK;
}
