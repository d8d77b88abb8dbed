/*
 * main.c - the `pairaid` command: global options, the table of sub-commands,
 * and the mapping of library errors to exit codes (0 ok, 1 runtime, 2 bad input,
 * 3 verification failed), all in this one file.
 */
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct command {
    const char *name;
    int (*run)(struct pa_cli *cli, int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
    {"init", cmd_init, "create an empty database (an existing one is left as it is)"},
    {"demo", cmd_demo, "create the database if needed and load the Wuxi-Lianyungang demo"},
    {"import", cmd_import, "import KIND FILE: pairings, orgs, projects, milestones, contracts ..."},
    {"export", cmd_export,
     "export KIND [--format csv|json|xlsx] [--bom] [--headers en|zh] [-o FILE] (also regions;\n"
     "            iati [--pairing CODE]: the published projects as IATI 2.03 XML)"},
    {"template", cmd_template,
     "template KIND [--format csv|xlsx] [--headers en|zh] [--bom] [-o FILE]: a file to import from"},
    {"summary", cmd_summary, "the programme at a glance"},
    {"project", cmd_project, "project advance CODE STATUS: move a project's status forward"},
    {"rebuild", cmd_rebuild, "rebuild every table from the event log"},
    {"balance", cmd_balance, "balances per account [--account CODE] [--as-of DATE|--at N]"},
    {"transfer", cmd_transfer, "transfer create|post|void: move money, request and approve"},
    {"statement", cmd_statement, "statement ACCOUNT: movements with a running balance"},
    {"budget", cmd_budget, "budget execution (预算数/已拨付/已支出/执行率) [--by GROUP]"},
    {"account", cmd_account, "account close CODE: refuse new transfers"},
    {"key", cmd_key, "key generate --name NAME -o FILE: a signing key for checkpoints"},
    {"user", cmd_user, "user add NAME --role ROLE [--region CODE] [--pairing CODE] | user list"},
    {"backup", cmd_backup, "backup FILE: a consistent online copy of the database"},
    {"serve", cmd_serve, "serve [--listen ADDR:PORT]: the HTTP API and web pages"},
    {"audit", cmd_audit, "audit run|findings|show|respond: the joint audit (联合审计)"},
    {"measures", cmd_measures, "measures propose FILE|approve VERSION|show: 资金管理办法"},
    {"assess", cmd_assess, "assess scheme|run|scores|ranking: the yearly assessment (考核)"},
    {"log", cmd_log, "log checkpoint|cosign|entries|prove|consistency|verify: the audit log"},
    {"replica", cmd_replica,
     "replica init URL|BUNDLE | replica pull: a verified copy of the books"},
};

int pa_cli_exit_code(int code)
{
    switch (code) {
    case PA_OK:
        return PA_EXIT_OK;
    case PA_EINVAL:
    case PA_ENOTFOUND:
    case PA_EEXIST:
    case PA_ERANGE:
    case PA_EDENIED:
    case PA_EUNAUTH:
        return PA_EXIT_INPUT;
    case PA_ETAMPER:
        return PA_EXIT_VERIFY;
    default:
        return PA_EXIT_RUNTIME;
    }
}

static enum pa_lang error_lang = PA_LANG_EN;

enum pa_lang pa_cli_error_lang(void)
{
    return error_lang;
}

int pa_cli_fail(const struct pa_error *err)
{
    if (err->field[0])
        fprintf(stderr, "pairaid: %s: %s\n", err->field, pa_error_text(err, error_lang));
    else
        fprintf(stderr, "pairaid: %s\n", pa_error_text(err, error_lang));
    return pa_cli_exit_code(err->code);
}

void pa_cli_error(const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    pa_msg_vformat(message, sizeof(message), error_lang, fmt, ap);
    va_end(ap);
    fprintf(stderr, "pairaid: %s\n", message);
}

int pa_cli_usage(const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    pa_msg_vformat(message, sizeof(message), error_lang, fmt, ap);
    va_end(ap);
    fprintf(stderr, "pairaid: %s%s\n", message,
            error_lang == PA_LANG_ZH ? "（见 pairaid help）" : " (see 'pairaid help')");
    return PA_EXIT_INPUT;
}

const char *pa_cli_label(const struct pa_cli *cli, const char *zh, const char *en)
{
    return cli->lang == PA_LANG_EN ? en : zh;
}

int pa_cli_global_option(struct pa_cli *cli, int opt, const char *arg)
{
    switch (opt) {
    case '?':
        if (optopt)
            pa_cli_usage("unknown option '-%c' or it needs a value", optopt);
        else
            pa_cli_usage("unknown option '%s'", optind > 0 ? cli->argv[optind - 1] : "?");
        return -1;
    case ':':
        pa_cli_usage("option '%s' needs a value", optind > 0 ? cli->argv[optind - 1] : "?");
        return -1;
    case 0x100:
        cli->db_path = arg;
        return 1;
    case 0x101:
        cli->actor = arg;
        return 1;
    case 0x102:
        if (strcmp(arg, "zh") == 0 || strcmp(arg, "en") == 0) {
            cli->lang = arg[0] == 'e' ? PA_LANG_EN : PA_LANG_ZH;
            error_lang = cli->lang;
            return 1;
        }
        pa_cli_usage("--lang takes zh or en");
        return -1;
    }
    return 0;
}

int pa_cli_only_global_options(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS, {0, 0, 0, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1)
        if (pa_cli_global_option(cli, opt, optarg) <= 0)
            return -1;
    return 0;
}

/* --as NAME, when NAME is a user, acts with that user's role and scope, exactly
 * as the same user signed in over HTTP would.  Any other name is the local
 * operator, who holds the database file and so may do everything anyway. */
static int act_as_user(struct pa_db *db, const char *name, struct pa_error *err)
{
    struct pa_principal user;
    bool found;
    int rc = pa_user_find(db, name, &user, &found, NULL, err);
    return rc != 0 || !found ? rc : pa_user_act_as(db, name, err);
}

int pa_cli_transaction(struct pa_db *db, int (*fn)(struct pa_db *db, void *ctx, struct pa_error *err),
                       void *ctx, struct pa_error *err)
{
    int rc = pa_db_begin(db, err);
    if (rc == 0)
        rc = fn(db, ctx, err);
    if (rc == 0)
        rc = pa_db_commit(db, err);
    if (rc != 0)
        pa_db_rollback(db);
    return rc;
}

const char *pa_cli_db_shown(const struct pa_cli *cli)
{
    static char shown[512];
    if (!pa_pg_uri(cli->db_path))
        return cli->db_path;
    pa_pg_shown(cli->db_path, shown, sizeof(shown));
    return shown;
}

int pa_cli_open(const struct pa_cli *cli, unsigned flags, struct pa_db **db)
{
    struct pa_error err;
    pa_error_clear(&err);
    *db = NULL;
    int rc = pa_open(db, cli->db_path, flags, &err);
    if (rc == 0)
        rc = pa_db_set_actor(*db, cli->actor, &err);
    /* a file of any schema (a backup) is copied whole, by whoever holds it */
    if (rc == 0 && !(flags & PA_DB_ANY_SCHEMA))
        rc = act_as_user(*db, cli->actor, &err);
    if (rc != 0) {
        pa_db_free(*db);
        *db = NULL;
        return pa_cli_fail(&err);
    }
    return PA_EXIT_OK;
}

int pa_cli_out_format(const char *name, enum pa_out_format *format)
{
    static const char *const names[] = {"table", "csv", "json", "xlsx"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *format = (enum pa_out_format)i;
            return 0;
        }
    pa_cli_usage("unknown format '%.40s' (table, csv, json or xlsx)", name);
    return -1;
}

enum pa_money_unit pa_cli_unit(int64_t largest_fen)
{
    return pa_money_unit_for(largest_fen) == PA_YUAN ? PA_YUAN : PA_WAN;
}

const char *pa_cli_unit_label(const struct pa_cli *cli, enum pa_money_unit unit)
{
    static const char *const zh[] = {"元", "万元", "亿元"};
    static const char *const en[] = {"yuan", "10k yuan", "100m yuan"};
    return cli->lang == PA_LANG_EN ? en[unit] : zh[unit];
}

void pa_cli_json_push(json_t **array, json_t *item)
{
    if (*array && (item == NULL || json_array_append_new(*array, item) != 0)) {
        json_decref(*array);
        *array = NULL;
    }
}

int pa_cli_json_print(json_t *value)
{
    if (value == NULL) {
        fputs("pairaid: out of memory while writing JSON\n", stderr);
        return PA_EXIT_RUNTIME;
    }
    json_dumpf(value, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(value);
    return PA_EXIT_OK;
}

void pa_cli_yuan(const int64_t *fen, int n, char (*out)[64])
{
    for (int i = 0; i < n; i++)
        pa_money_format(fen[i], PA_YUAN, 0, out[i], sizeof(out[i]));
}

void pa_cli_print_report(const char *file, const struct pa_import_report *report)
{
    for (int i = 0; i < report->kept; i++) {
        const struct pa_row_error *e = &report->errors[i];
        const char *message = error_lang == PA_LANG_ZH && e->message_zh[0] ? e->message_zh : e->message;
        char where[160]; /* a line of a CSV file, a cell of a workbook (Sheet1!H7) */
        if (e->cell[0])
            snprintf(where, sizeof(where), "%s", e->cell);
        else
            snprintf(where, sizeof(where), "%ld", e->line);
        if (e->column[0])
            fprintf(stderr, "pairaid: %s:%s: column %s: %s\n", file, where, e->column, message);
        else
            fprintf(stderr, "pairaid: %s:%s: %s\n", file, where, message);
    }
    if (report->nerrors > report->kept)
        pa_cli_error("%s: and %ld more", file, report->nerrors - report->kept);
}

static void help(void)
{
    printf("pairaid %s - paired assistance programmes, funds and audit (结对帮扶)\n\n"
           "usage: pairaid [--db PATH] [--as NAME] [--lang zh|en] COMMAND [ARGS]\n\n",
           PA_VERSION);
    for (size_t i = 0; i < PA_ARRAY_LEN(commands); i++)
        printf("  %-9s %s\n", commands[i].name, commands[i].help);
    printf("\nThe database is --db PATH, else $PAIRAID_DB, else ./pairaid.db.\n"
           "Exit codes: 0 ok, 1 runtime failure, 2 bad input (nothing changed), "
           "3 verification failed.\n");
}

static const char *default_actor(void)
{
    const char *user = getenv("USER");
    struct passwd *pw = getpwuid(getuid());
    if (pw && pw->pw_name && pw->pw_name[0])
        return pw->pw_name;
    return user && user[0] ? user : "unknown";
}

int main(int argc, char **argv)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"help", no_argument, NULL, 'h'},
                                            {"version", no_argument, NULL, 'V'},
                                            {0, 0, 0, 0}};
    struct pa_cli cli = {.db_path = getenv("PAIRAID_DB"), .actor = default_actor(), .argv = argv};
    const char *lang = getenv("PAIRAID_LANG");
    if (lang && (strcmp(lang, "zh") == 0 || strcmp(lang, "en") == 0))
        cli.lang = error_lang = lang[0] == 'e' ? PA_LANG_EN : PA_LANG_ZH;
    opterr = 0; /* we print our own one-line messages */
    if (cli.db_path == NULL || cli.db_path[0] == '\0')
        cli.db_path = "pairaid.db";
    int opt;
    while ((opt = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
        int g = pa_cli_global_option(&cli, opt, optarg);
        if (g < 0)
            return PA_EXIT_INPUT;
        if (g > 0)
            continue;
        if (opt == 'h') {
            help();
            return PA_EXIT_OK;
        }
        if (opt == 'V') {
            printf("pairaid %s\n", PA_VERSION);
            return PA_EXIT_OK;
        }
        return PA_EXIT_INPUT;
    }
    if (optind >= argc)
        return pa_cli_usage("a command is needed");
    const char *name = argv[optind];
    if (strcmp(name, "help") == 0) {
        help();
        return PA_EXIT_OK;
    }
    for (size_t i = 0; i < PA_ARRAY_LEN(commands); i++) {
        if (strcmp(commands[i].name, name) == 0) {
            int sub_argc = argc - optind;
            optind = 0; /* re-initialise getopt: each command parses its own arguments */
            cli.argv = argv + (argc - sub_argc);
            return commands[i].run(&cli, sub_argc, cli.argv);
        }
    }
    return pa_cli_usage("unknown command '%s'", name);
}
