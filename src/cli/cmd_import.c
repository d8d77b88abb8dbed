/*
 * cmd_import.c - `pairaid import KIND FILE [--encoding auto|utf-8|gb18030]
 * [--sheet NAME]`: atomic CSV or XLSX import; every bad row is printed as
 * FILE:LINE: column NAME: message (FILE:Sheet1!H7: ... for a workbook), and
 * nothing is stored unless every row is good.  How the file was read, when it
 * was guessed (a GB18030 CSV), is said too.
 */
#include <stdio.h>

#include "cli.h"

int cmd_import(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {
        PA_CLI_GLOBAL_OPTIONS,
        {"encoding", required_argument, NULL, 'e'},
        {"sheet", required_argument, NULL, 's'},
        {0, 0, 0, 0}};
    struct pa_import_options opts = {NULL, NULL, NULL, false};
    int opt;
    while ((opt = getopt_long(argc, argv, "e:s:", options, NULL)) != -1) {
        if (opt == 'e' || opt == 's') {
            *(opt == 'e' ? &opts.encoding : &opts.sheet) = optarg;
            continue;
        }
        if (pa_cli_global_option(cli, opt, optarg) <= 0)
            return PA_EXIT_INPUT;
    }
    if (argc - optind != 2)
        return pa_cli_usage(
            "usage: pairaid import KIND FILE [--encoding auto|utf-8|gb18030] [--sheet NAME]");
    const char *kind = argv[optind], *path = argv[optind + 1];
    struct pa_db *db;
    int rc = pa_cli_open(cli, 0, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_import_report report;
    struct pa_error err;
    pa_error_clear(&err);
    rc = pa_import_file(db, kind, path, &opts, &report, &err);
    const char *note = pa_cli_label(cli, report.note_zh, report.note);
    if (report.note[0]) /* beside the result: on stdout when it is a success */
        fprintf(rc == 0 ? stdout : stderr, "%s%s: %s\n", rc == 0 ? "" : "pairaid: ", path, note);
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
