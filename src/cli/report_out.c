/*
 * report_out.c - the options a report takes to leave the terminal:
 * `--format csv|xlsx [--bom] [--headers en|zh] [-o FILE]`, shared by budget,
 * balance, statement, audit findings and assess scores|ranking, which all
 * write through the report module (report.h) and the one sheet writer.
 * A CSV's headings are English unless --headers zh asks, so that the plain
 * CSV stays the contract's; an XLSX is for people, Chinese unless --headers en.
 */
#include <string.h>

#include "cli.h"

int pa_cli_sheet_option(struct pa_cli_sheet *s, int opt, const char *arg)
{
    if (opt == 'o')
        s->output = arg;
    else if (opt == PA_CLI_OPT_BOM)
        s->bom = true;
    else if (opt == PA_CLI_OPT_HEADERS)
        s->headers = arg;
    else
        return 0;
    return 1;
}

int pa_cli_sheet_check(const struct pa_cli_sheet *s, enum pa_out_format format)
{
    bool sheet = format == PA_OUT_CSV || format == PA_OUT_XLSX;
    if (s->headers && strcmp(s->headers, "en") != 0 && strcmp(s->headers, "zh") != 0)
        return pa_cli_usage("unknown headers '%.40s' (en or zh)", s->headers);
    if (format == PA_OUT_XLSX && s->output == NULL)
        return pa_cli_usage("XLSX needs -o FILE");
    if (s->bom && format != PA_OUT_CSV)
        return pa_cli_usage("--bom goes with --format csv");
    if (!sheet && (s->headers || s->output))
        return pa_cli_usage("--headers and -o go with --format csv or xlsx");
    return 0;
}

enum pa_lang pa_cli_headers(const char *headers, bool xlsx)
{
    if (headers == NULL) /* a spreadsheet is for people; a CSV for programs */
        return xlsx ? PA_LANG_ZH : PA_LANG_EN;
    return strcmp(headers, "zh") == 0 ? PA_LANG_ZH : PA_LANG_EN;
}

struct pa_sheet_options pa_cli_sheet_options(const struct pa_cli_sheet *s, enum pa_out_format format)
{
    PA_ASSERT(format == PA_OUT_CSV || format == PA_OUT_XLSX);
    bool xlsx = format == PA_OUT_XLSX;
    return (struct pa_sheet_options){
        .format = xlsx ? PA_SHEET_XLSX : PA_SHEET_CSV,
        .headers = pa_cli_headers(s->headers, xlsx),
        .bom = s->bom,
        .codes_beside = xlsx,
    };
}

int pa_cli_sheet_write(struct pa_db *db, const struct pa_report_query *q, enum pa_out_format format,
                       const struct pa_cli_sheet *s)
{
    PA_ASSERT(format == PA_OUT_CSV || s->output != NULL);
    struct pa_sheet_options opts = pa_cli_sheet_options(s, format);
    struct pa_error err;
    pa_error_clear(&err);
    int rc = pa_report_write(db, q, &opts, s->output, stdout, &err);
    if (rc == 0 && s->output == NULL && fflush(stdout) != 0)
        rc = pa_error_set(&err, PA_EIO, "cannot write '%s'", "stdout");
    return rc == 0 ? PA_EXIT_OK : pa_cli_fail(&err);
}
