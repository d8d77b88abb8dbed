/*
 * cmd_export.c - `pairaid export KIND [--format csv|json] [--bom] [--headers en|zh]
 * [-o FILE]`, and `pairaid export iati [--pairing CODE] [-o FILE]` (IATI 2.03
 * XML, also as `--format iati`).  With -o the
 * file is written beside its final name and renamed, so a failed export never
 * leaves half a file.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* What one export writes: a kind in a format, or the IATI file. */
struct export_job {
    const char *kind;
    enum pa_format format;
    const struct pa_export_options *opts;
    const struct pa_iati_options *iati; /* not NULL: the IATI file */
};

static int run_export(struct pa_db *db, const struct export_job *job, FILE *out,
                      struct pa_error *err)
{
    if (job->iati)
        return pa_export_iati(db, job->iati, out, err);
    return pa_export_with(db, job->kind, job->format, job->opts, out, err);
}

static int export_to_file(struct pa_db *db, const struct export_job *job, const char *path,
                          struct pa_error *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
        return pa_error_set(err, PA_EINVAL, "output path is too long");
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return pa_error_set(err, PA_EIO, "cannot write '%s'", path);
    int rc = run_export(db, job, f, err);
    if (fclose(f) != 0 && rc == 0)
        rc = pa_error_set(err, PA_EIO, "cannot write '%s'", path);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = pa_error_set(err, PA_EIO, "cannot write '%s'", path);
    if (rc != 0)
        unlink(tmp);
    return rc;
}

static int parse_headers(const char *name, enum pa_lang *lang, struct pa_error *err)
{
    if (strcmp(name, "en") == 0)
        *lang = PA_LANG_EN;
    else if (strcmp(name, "zh") == 0)
        *lang = PA_LANG_ZH;
    else
        return pa_error_set(err, PA_EINVAL, "unknown headers '%.40s' (en or zh)", name);
    return 0;
}

int cmd_export(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"format", required_argument, NULL, 'f'},
                                            {"output", required_argument, NULL, 'o'},
                                            {"bom", no_argument, NULL, 'B'},
                                            {"headers", required_argument, NULL, 'H'},
                                            {"pairing", required_argument, NULL, 'P'},
                                            {0, 0, 0, 0}};
    const char *format_name = "csv", *output = NULL, *headers = "en";
    struct pa_export_options opts = {false, PA_LANG_EN};
    struct pa_iati_options iati = {NULL};
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
            iati.pairing = optarg;
        else if (pa_cli_global_option(cli, opt, optarg) <= 0)
            return PA_EXIT_INPUT;
    }
    if (argc - optind != 1)
        return pa_cli_usage(
            "usage: pairaid export KIND [--format csv|json] [--bom] [--headers en|zh] [-o FILE]");
    struct pa_error err;
    pa_error_clear(&err);
    bool is_iati = strcmp(argv[optind], "iati") == 0 || strcmp(format_name, "iati") == 0;
    struct export_job job = {argv[optind], PA_FORMAT_CSV, &opts, is_iati ? &iati : NULL};
    if (iati.pairing && !is_iati)
        return pa_cli_usage("--pairing is an option of `pairaid export iati`");
    if ((!is_iati && pa_format_parse(format_name, &job.format, &err) != 0) ||
        parse_headers(headers, &opts.headers, &err) != 0)
        return pa_cli_fail(&err);
    struct pa_db *db;
    int rc = pa_cli_open(cli, PA_DB_READONLY, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    if (output)
        rc = export_to_file(db, &job, output, &err);
    else
        rc = run_export(db, &job, stdout, &err);
    pa_db_free(db);
    return rc == 0 ? PA_EXIT_OK : pa_cli_fail(&err);
}
