/*
 * cmd_demo.c - `pairaid demo`: create the database if needed and load the Wuxi ->
 * Lianyungang programme built into the binary.  Loading it again changes nothing.
 */
#include <stdio.h>

#include "cli.h"

int cmd_demo(struct pa_cli *cli, int argc, char **argv)
{
    if (pa_cli_only_global_options(cli, argc, argv) != 0)
        return PA_EXIT_INPUT;
    if (optind != argc)
        return pa_cli_usage("demo takes no arguments");
    struct pa_db *db;
    int rc = pa_cli_open(cli, PA_DB_CREATE, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_import_report report;
    struct pa_error err;
    const char *file = "demo";
    pa_error_clear(&err);
    rc = pa_demo_load(db, &report, &file, &err);
    if (rc == PA_EINVAL && report.nerrors > 0) {
        pa_cli_print_report(file, &report);
        rc = PA_EXIT_RUNTIME; /* the built-in demo must always load: a bug, not bad input */
    } else if (rc != 0) {
        rc = pa_cli_fail(&err);
    } else {
        printf("%s: %ld %s, %ld %s (%s)\n", pa_cli_label(cli, "示例数据", "demo"), report.created,
               pa_cli_label(cli, "条新增", "created"), report.skipped,
               pa_cli_label(cli, "条已存在", "already there"), pa_cli_db_shown(cli));
    }
    pa_import_report_release(&report);
    pa_db_free(db);
    return rc;
}
