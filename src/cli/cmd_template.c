/*
 * cmd_template.c - `pairaid template KIND [--format csv|xlsx] [--headers en|zh]
 * [--bom] [-o FILE]`: a file to start an import from (template.c).  Needs no
 * database: the columns and the example row are built into the program.
 */
#include <stdio.h>

#include "cli.h"

#define USAGE "usage: pairaid template KIND [--format csv|xlsx] [--headers en|zh] [--bom] [-o FILE]"

int cmd_template(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"format", required_argument, NULL, 'f'},
                                            PA_CLI_SHEET_OPTIONS,
                                            {0, 0, 0, 0}};
    const char *format_name = "csv";
    struct pa_cli_sheet sheet = {0};
    int opt;
    while ((opt = getopt_long(argc, argv, "f:o:", options, NULL)) != -1) {
        if (opt == 'f')
            format_name = optarg;
        else if (!pa_cli_sheet_option(&sheet, opt, optarg) &&
                 pa_cli_global_option(cli, opt, optarg) <= 0)
            return PA_EXIT_INPUT;
    }
    if (argc - optind != 1)
        return pa_cli_usage(USAGE);
    struct pa_error err;
    pa_error_clear(&err);
    enum pa_sheet_format format;
    if (pa_sheet_format_parse(format_name, &format, &err) != 0)
        return pa_cli_fail(&err);
    enum pa_out_format out = format == PA_SHEET_XLSX ? PA_OUT_XLSX : PA_OUT_CSV;
    int rc = pa_cli_sheet_check(&sheet, out);
    if (rc != 0)
        return rc;
    struct pa_sheet_options opts = pa_cli_sheet_options(&sheet, out);
    pa_init(); /* the kinds, without opening a database */
    rc = sheet.output ? pa_template_file(argv[optind], &opts, sheet.output, &err)
                      : pa_template_write(argv[optind], &opts, stdout, &err);
    return rc == 0 ? PA_EXIT_OK : pa_cli_fail(&err);
}
