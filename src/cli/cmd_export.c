/*
 * cmd_export.c - `pairaid export KIND [--format csv|json|xlsx] [--bom]
 * [--headers en|zh] [-o FILE]`, and `pairaid export iati [--pairing CODE]
 * [-o FILE]` (IATI 2.03 XML, also as `--format iati`).  With -o the file is
 * written beside its final name and renamed, so a failed export never leaves
 * half a file; XLSX needs -o.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_export(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"format", required_argument, NULL, 'f'},
                                            {"output", required_argument, NULL, 'o'},
                                            {"bom", no_argument, NULL, 'B'},
                                            {"headers", required_argument, NULL, 'H'},
                                            {"pairing", required_argument, NULL, 'P'},
                                            {0, 0, 0, 0}};
    const char *format_name = "csv", *output = NULL, *headers = NULL;
    struct pa_export_options opts = {.bom = false, .headers = PA_LANG_EN};
    int opt;
    while ((opt = getopt_long(argc, argv, "f:o:", options, NULL)) != -1) {
        if (opt == 'f')
            format_name = optarg;
        else if (opt == 'o')
            output = optarg;
        else if (opt == 'B')
            opts.bom = true;
        else if (opt == 'H')
            headers = optarg;
        else if (opt == 'P')
            opts.pairing = optarg;
        else if (pa_cli_global_option(cli, opt, optarg) <= 0)
            return PA_EXIT_INPUT;
    }
    if (argc - optind != 1)
        return pa_cli_usage("usage: pairaid export KIND [--format csv|json|xlsx] [--bom] "
                            "[--headers en|zh] [-o FILE]");
    const char *kind = argv[optind];
    bool iati = strcmp(kind, "iati") == 0 || strcmp(format_name, "iati") == 0;
    if (opts.pairing && !iati)
        return pa_cli_usage("--pairing is an option of `pairaid export iati`");
    struct pa_error err;
    pa_error_clear(&err);
    enum pa_format format = PA_FORMAT_CSV;
    if ((!iati && pa_format_parse(format_name, &format, &err) != 0) ||
        (headers && pa_sheet_headers_parse(headers, &opts.headers, &err) != 0))
        return pa_cli_fail(&err);
    opts.headers = pa_cli_headers(headers, format == PA_FORMAT_XLSX);
    if (format == PA_FORMAT_XLSX && output == NULL)
        return pa_cli_usage("XLSX needs -o FILE");
    struct pa_db *db;
    int rc = pa_cli_open(cli, PA_DB_READONLY, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    kind = iati ? "iati" : kind;
    if (output)
        rc = pa_export_file(db, kind, format, &opts, output, &err);
    else
        rc = pa_export_with(db, kind, format, &opts, stdout, &err);
    pa_db_free(db);
    return rc == 0 ? PA_EXIT_OK : pa_cli_fail(&err);
}
