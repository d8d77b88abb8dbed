/*
 * cli.h - what the `pairaid` sub-commands share: global options, the command
 * table, and the one place library errors become exit codes and messages.
 */
#ifndef PAIRAID_CLI_H
#define PAIRAID_CLI_H

#include <getopt.h>

#include "pairaid/pairaid.h"

enum pa_exit {
    PA_EXIT_OK = 0,
    PA_EXIT_RUNTIME = 1, /* I/O, database locked, ... */
    PA_EXIT_INPUT = 2,   /* bad input or usage; nothing was changed */
    PA_EXIT_VERIFY = 3,  /* verification failed */
};

enum pa_lang { PA_LANG_ZH, PA_LANG_EN };

struct pa_cli {
    const char *db_path;
    const char *actor;
    enum pa_lang lang;
    char **argv; /* of the command being parsed, for messages about options */
};

/* Long options every command accepts, and their handling. */
#define PA_CLI_GLOBAL_OPTIONS                                                                      \
    {"db", required_argument, NULL, 0x100}, {"as", required_argument, NULL, 0x101},                \
    {                                                                                              \
        "lang", required_argument, NULL, 0x102                                                     \
    }
/* Returns 1 if opt was a global option (and took it), 0 if not, -1 if it was
 * bad ('?' or ':' from getopt: the message is printed). */
int pa_cli_global_option(struct pa_cli *cli, int opt, const char *arg);

/* Opens the database with the actor set; prints and returns an exit code on failure. */
int pa_cli_open(const struct pa_cli *cli, unsigned flags, struct pa_db **db);

/* Maps a library code to an exit status and prints `pairaid: message`. */
int pa_cli_fail(const struct pa_error *err);
int pa_cli_exit_code(int code);
int pa_cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Bilingual labels: the Chinese first, English with --lang en. */
const char *pa_cli_label(const struct pa_cli *cli, const char *zh, const char *en);

int cmd_init(struct pa_cli *cli, int argc, char **argv);
int cmd_demo(struct pa_cli *cli, int argc, char **argv);
int cmd_import(struct pa_cli *cli, int argc, char **argv);
int cmd_export(struct pa_cli *cli, int argc, char **argv);
int cmd_summary(struct pa_cli *cli, int argc, char **argv);
int cmd_project(struct pa_cli *cli, int argc, char **argv);
int cmd_rebuild(struct pa_cli *cli, int argc, char **argv);

/* Prints an import report's errors as FILE:LINE: column NAME: message. */
void pa_cli_print_report(const char *file, const struct pa_import_report *report);

#endif
