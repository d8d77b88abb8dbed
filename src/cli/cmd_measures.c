/*
 * cmd_measures.c - the fund-management measures (资金管理办法):
 *   pairaid measures propose FILE [--pairing CODE]   records a version, prints its number
 *   pairaid measures approve VERSION [--pairing CODE] one side's approval
 *   pairaid measures show [--pairing CODE]           the text in force (the defaults if none)
 * A version takes force once a donor-side and a recipient-side user approved
 * it (docs/audit.md).  A bad file is `FILE:LINE: column KEY: message`, exit 2.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct propose {
    const char *pairing, *text;
    int version;
};

static int propose(struct pa_db *db, void *ctx, struct pa_error *err)
{
    struct propose *p = ctx;
    return pa_measures_propose(db, p->pairing, p->text, &p->version, err);
}

static int cmd_propose(struct pa_cli *cli, const char *path, const char *pairing)
{
    char *text = pa_cli_read_text(path);
    if (text == NULL)
        return PA_EXIT_INPUT;
    struct pa_measures m;
    struct pa_error err;
    pa_error_clear(&err);
    int line = 0;
    if (pa_measures_parse(text, &m, &line, &err) != 0) {
        free(text);
        return pa_cli_file_error(path, line, &err);
    }
    struct pa_db *db;
    int rc = pa_cli_open(cli, 0, &db);
    if (rc != PA_EXIT_OK) {
        free(text);
        return rc;
    }
    struct propose p = {.pairing = pairing, .text = text};
    rc = pa_cli_transaction(db, propose, &p, &err);
    pa_db_free(db);
    free(text);
    if (rc != 0)
        return pa_cli_fail(&err);
    printf("%d\n", p.version);
    return PA_EXIT_OK;
}

struct approve {
    const char *pairing;
    int version;
    bool in_force;
};

static int approve(struct pa_db *db, void *ctx, struct pa_error *err)
{
    struct approve *a = ctx;
    return pa_measures_approve(db, a->pairing, a->version, &a->in_force, err);
}

static int cmd_approve(struct pa_cli *cli, const char *version, const char *pairing)
{
    char *end;
    long v = strtol(version, &end, 10);
    if (*version == '\0' || *end != '\0' || v < 1 || v > 1000000)
        return pa_cli_usage("measures approve takes a version number (1, 2, ...), not '%s'",
                            version);
    struct pa_db *db;
    int rc = pa_cli_open(cli, 0, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct approve a = {.pairing = pairing, .version = (int)v};
    struct pa_error err;
    pa_error_clear(&err);
    rc = pa_cli_transaction(db, approve, &a, &err);
    pa_db_free(db);
    if (rc != 0)
        return pa_cli_fail(&err);
    printf(a.in_force ? pa_cli_label(cli, "资金管理办法第%d版已经双方批准，现已生效\n",
                                     "measures version %d is approved by both sides and in force\n")
                      : pa_cli_label(cli, "已批准资金管理办法第%d版；待另一方批准后生效\n",
                                     "approved measures version %d; in force once the other "
                                     "side approves\n"),
           a.version);
    return PA_EXIT_OK;
}

static int cmd_show(struct pa_cli *cli, const char *pairing)
{
    struct pa_db *db;
    int rc = pa_cli_open(cli, PA_DB_READONLY, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_error err;
    pa_error_clear(&err);
    char city[PA_CODE_MAX + 1], *text = NULL;
    struct pa_measures m;
    rc = pa_audit_city_pairing(db, pairing, city, &err);
    if (rc == 0)
        rc = pa_measures_in_force(db, city, &m, &text, &err);
    pa_db_free(db);
    if (rc != 0)
        return pa_cli_fail(&err);
    if (m.version == 0)
        printf(pa_cli_label(cli, "; %s：没有双方批准的资金管理办法，适用默认值\n",
                            "; %s: no measures approved by both sides; the defaults apply\n"),
               city);
    else
        printf(pa_cli_label(cli, "; %s：现行资金管理办法第%d版\n",
                            "; %s: measures version %d in force\n"),
               city, m.version);
    fputs(text, stdout);
    free(text);
    return PA_EXIT_OK;
}

int cmd_measures(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {
        PA_CLI_GLOBAL_OPTIONS, {"pairing", required_argument, NULL, 'p'}, {0, 0, 0, 0}};
    const char *pairing = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'p')
            pairing = optarg;
        else if (pa_cli_global_option(cli, opt, optarg) <= 0)
            return PA_EXIT_INPUT;
    }
    int left = argc - optind;
    const char *verb = left > 0 ? argv[optind] : "";
    if (strcmp(verb, "propose") == 0 && left == 2)
        return cmd_propose(cli, argv[optind + 1], pairing);
    if (strcmp(verb, "approve") == 0 && left == 2)
        return cmd_approve(cli, argv[optind + 1], pairing);
    if (strcmp(verb, "show") == 0 && left == 1)
        return cmd_show(cli, pairing);
    return pa_cli_usage("usage: pairaid measures propose FILE | approve VERSION | show "
                        "[--pairing CODE]");
}
