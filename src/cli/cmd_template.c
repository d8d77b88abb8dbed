/*
 * cmd_template.c - `pairaid template KIND [--format csv|xlsx] [--headers en|zh]
 * [--bom] [-o FILE]`: a file to start an import from (template.c).  Needs no
 * database: the columns and the example row are built into the program.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define USAGE "usage: pairaid template KIND [--format csv|xlsx] [--headers en|zh] [--bom] [-o FILE]"

int cmd_template(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"format", required_argument, NULL, 'f'},
                                            {"output", required_argument, NULL, 'o'},
                                            {"bom", no_argument, NULL, 'B'},
                                            {"headers", required_argument, NULL, 'H'},
                                            {0, 0, 0, 0}};
    const char *format_name = "csv", *output = NULL, *headers = NULL;
    struct pa_sheet_options opts = {PA_SHEET_CSV, PA_LANG_EN, false, true};
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
        else if (pa_cli_global_option(cli, opt, optarg) <= 0)
            return PA_EXIT_INPUT;
    }
    if (argc - optind != 1)
        return pa_cli_usage(USAGE);
    struct pa_error err;
    pa_error_clear(&err);
    if (pa_sheet_format_parse(format_name, &opts.format, &err) != 0 ||
        (headers && pa_sheet_headers_parse(headers, &opts.headers, &err) != 0))
        return pa_cli_fail(&err);
    if (headers == NULL) /* as export: Chinese in a spreadsheet, English in CSV */
        opts.headers = opts.format == PA_SHEET_XLSX ? PA_LANG_ZH : PA_LANG_EN;
    if (opts.format == PA_SHEET_XLSX && output == NULL)
        return pa_cli_usage("pairaid template: an XLSX file needs -o FILE");
    pa_init(); /* the kinds, without opening a database */
    int rc = output ? pa_template_file(argv[optind], &opts, output, &err)
                    : pa_template_write(argv[optind], &opts, stdout, &err);
    return rc == 0 ? PA_EXIT_OK : pa_cli_fail(&err);
}
