/*
 * cmd_import.c - `pairaid import KIND FILE [--encoding gb18030]`: atomic CSV
 * import; every bad row is printed as FILE:LINE: column NAME: message, and
 * nothing is stored unless every row is good.
 */
#include <stdio.h>

#include "cli.h"

int cmd_import(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {
        PA_CLI_GLOBAL_OPTIONS, {"encoding", required_argument, NULL, 'e'}, {0, 0, 0, 0}};
    struct pa_import_options opts = {NULL, NULL};
    int opt;
    while ((opt = getopt_long(argc, argv, "e:", options, NULL)) != -1) {
        if (opt == 'e') {
            opts.encoding = optarg;
            continue;
        }
        if (pa_cli_global_option(cli, opt, optarg) <= 0)
            return PA_EXIT_INPUT;
    }
    if (argc - optind != 2)
        return pa_cli_usage("usage: pairaid import KIND FILE [--encoding gb18030]");
    const char *kind = argv[optind], *path = argv[optind + 1];
    struct pa_db *db;
    int rc = pa_cli_open(cli, 0, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_import_report report;
    struct pa_error err;
    pa_error_clear(&err);
    rc = pa_import_file(db, kind, path, &opts, &report, &err);
    if (rc == PA_EINVAL && report.nerrors > 0) {
        pa_cli_print_report(path, &report);
        rc = PA_EXIT_INPUT;
    } else if (rc != 0) {
        rc = pa_cli_fail(&err);
    } else {
        printf("%s: %ld %s, %ld %s, %ld %s\n", path, report.created,
               pa_cli_label(cli, "条新增", "created"), report.updated,
               pa_cli_label(cli, "条状态推进", "advanced"), report.skipped,
               pa_cli_label(cli, "条相同已跳过", "identical, skipped"));
    }
    pa_import_report_release(&report);
    pa_db_free(db);
    return rc;
}
