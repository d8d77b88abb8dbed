/*
 * cmd_project.c - `pairaid project advance CODE STATUS`: move a project along
 * 申报 -> 立项 -> 实施 -> 竣工 -> 验收, one step or more, never back.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* args: CODE STATUS */
static int advance(struct pa_db *db, void *args, struct pa_error *err)
{
    char **code_status = args;
    return pa_project_advance(db, code_status[0], code_status[1], err);
}

int cmd_project(struct pa_cli *cli, int argc, char **argv)
{
    if (pa_cli_only_global_options(cli, argc, argv) != 0)
        return PA_EXIT_INPUT;
    if (argc - optind != 3 || strcmp(argv[optind], "advance") != 0)
        return pa_cli_usage("usage: pairaid project advance CODE STATUS");
    struct pa_db *db;
    int rc = pa_cli_open(cli, 0, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_error err;
    pa_error_clear(&err);
    rc = pa_cli_transaction(db, advance, argv + optind + 1, &err);
    pa_db_free(db);
    return rc == 0 ? PA_EXIT_OK : pa_cli_fail(&err);
}
