/*
 * cmd_init.c - `pairaid init`: create an empty database with the built-in region
 * list; an existing database is left as it is (only pending migrations run).
 */
#include <stdio.h>

#include "cli.h"

int cmd_init(struct pa_cli *cli, int argc, char **argv)
{
    if (pa_cli_only_global_options(cli, argc, argv) != 0)
        return PA_EXIT_INPUT;
    if (optind != argc)
        return pa_cli_usage("init takes no arguments");
    struct pa_db *db;
    int rc = pa_cli_open(cli, PA_DB_CREATE, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    printf("%s: %s (schema %d)\n", pa_cli_label(cli, "数据库已就绪", "database ready"),
           pa_cli_db_shown(cli), pa_db_schema_version(db));
    pa_db_free(db);
    return PA_EXIT_OK;
}
