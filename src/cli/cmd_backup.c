/*
 * cmd_backup.c - `pairaid backup FILE`: a consistent copy of the database, made
 * online (the server may keep serving), into a new file.  Photos live in the
 * media folder beside the database; copy that folder too (docs/operations.md).
 */
#include <stdio.h>

#include "cli.h"

int cmd_backup(struct pa_cli *cli, int argc, char **argv)
{
    if (pa_cli_only_global_options(cli, argc, argv) != 0)
        return PA_EXIT_INPUT;
    if (argc - optind != 1)
        return pa_cli_usage("usage: pairaid backup FILE");
    struct pa_db *db;
    int rc = pa_cli_open(cli, PA_DB_READONLY | PA_DB_ANY_SCHEMA, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_error err;
    pa_error_clear(&err);
    rc = pa_db_backup(db, argv[optind], &err);
    pa_db_free(db);
    if (rc != 0)
        return pa_cli_fail(&err);
    printf("%s: %s\n", argv[optind], pa_cli_label(cli, "已备份", "backed up"));
    return PA_EXIT_OK;
}
