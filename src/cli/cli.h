/*
 * cli.h - what the `pairaid` sub-commands share: global options, the command
 * table, and the one place library errors become exit codes and messages.
 */
#ifndef PAIRAID_CLI_H
#define PAIRAID_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "pairaid/pairaid.h"

enum pa_exit {
    PA_EXIT_OK = 0,
    PA_EXIT_RUNTIME = 1, /* I/O, database locked, ... */
    PA_EXIT_INPUT = 2,   /* bad input or usage; nothing was changed */
    PA_EXIT_VERIFY = 3,  /* verification failed */
};

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

/* Parses a command that takes no options of its own; -1 (message printed) if bad. */
int pa_cli_only_global_options(struct pa_cli *cli, int argc, char **argv);

/* Opens the database with the actor set; prints and returns an exit code on failure. */
int pa_cli_open(const struct pa_cli *cli, unsigned flags, struct pa_db **db);
/* Runs fn in one transaction: committed if it returns 0, rolled back otherwise. */
int pa_cli_transaction(struct pa_db *db, int (*fn)(struct pa_db *db, void *ctx, struct pa_error *err),
                       void *ctx, struct pa_error *err);

/* Maps a library code to an exit status and prints `pairaid: message`. */
int pa_cli_fail(const struct pa_error *err);
int pa_cli_exit_code(int code);
int pa_cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints `pairaid: message` (English fmt, shown in the language of errors). */
void pa_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The language of error lines: English unless --lang zh or $PAIRAID_LANG=zh
 * asked for Chinese (tables are Chinese by default; errors stay English by
 * default so that scripts reading them keep working). */
enum pa_lang pa_cli_error_lang(void);

/* Bilingual labels: the Chinese first, English with --lang en. */
const char *pa_cli_label(const struct pa_cli *cli, const char *zh, const char *en);
/* --db as it may be printed: a PostgreSQL URI without its password. */
const char *pa_cli_db_shown(const struct pa_cli *cli);

int cmd_init(struct pa_cli *cli, int argc, char **argv);
int cmd_demo(struct pa_cli *cli, int argc, char **argv);
int cmd_import(struct pa_cli *cli, int argc, char **argv);
int cmd_export(struct pa_cli *cli, int argc, char **argv);
int cmd_template(struct pa_cli *cli, int argc, char **argv);
int cmd_summary(struct pa_cli *cli, int argc, char **argv);
int cmd_project(struct pa_cli *cli, int argc, char **argv);
int cmd_rebuild(struct pa_cli *cli, int argc, char **argv);
int cmd_balance(struct pa_cli *cli, int argc, char **argv);
int cmd_transfer(struct pa_cli *cli, int argc, char **argv);
int cmd_statement(struct pa_cli *cli, int argc, char **argv);
int cmd_budget(struct pa_cli *cli, int argc, char **argv);
int cmd_account(struct pa_cli *cli, int argc, char **argv);
int cmd_key(struct pa_cli *cli, int argc, char **argv);
int cmd_log(struct pa_cli *cli, int argc, char **argv);
int cmd_replica(struct pa_cli *cli, int argc, char **argv);
int cmd_user(struct pa_cli *cli, int argc, char **argv);
int cmd_serve(struct pa_cli *cli, int argc, char **argv);
int cmd_backup(struct pa_cli *cli, int argc, char **argv);
int cmd_audit(struct pa_cli *cli, int argc, char **argv);
int cmd_measures(struct pa_cli *cli, int argc, char **argv);
int cmd_assess(struct pa_cli *cli, int argc, char **argv);

/* A text file read whole (at most 1 MiB, no NUL byte); NULL, with the reason
 * printed, if it cannot be. */
char *pa_cli_read_text(const char *path);
/* Verifier keys (signers to trust), one per line, blank lines and # comments
 * allowed, appended to keys[*n] up to max: from text (what names it in
 * messages) or from the file at path. */
int pa_cli_parse_keys(const char *text, const char *what, struct pa_verifier *keys, int max, int *n,
                      struct pa_error *err);
int pa_cli_read_keys(const char *path, struct pa_verifier *keys, int max, int *n,
                     struct pa_error *err);
/* Removes a database file and its -wal and -shm beside it. */
void pa_cli_remove_database(const char *path);
/* Prints `pairaid: FILE:LINE: column KEY: message` for a bad INI file; exit 2. */
int pa_cli_file_error(const char *path, int line, const struct pa_error *err);

/* ---- output ----------------------------------------------------------------- */

enum pa_out_format { PA_OUT_TABLE, PA_OUT_CSV, PA_OUT_JSON, PA_OUT_XLSX };
/* table, csv, json or xlsx; prints the usage message and returns -1 when unknown. */
int pa_cli_out_format(const char *name, enum pa_out_format *format);

#define PA_TABLE_MAX_COLS 12

/* An aligned text table; cells are copied. */
struct pa_table {
    int ncols, nrows, cap;
    const char *headers[PA_TABLE_MAX_COLS];
    bool right[PA_TABLE_MAX_COLS];
    char **cells;
};
void pa_table_init(struct pa_table *t, int ncols, const char *const *headers,
                   const bool *right_aligned);
int pa_table_add(struct pa_table *t, const char *const *cells);
void pa_table_print(const struct pa_table *t, FILE *out);
void pa_table_release(struct pa_table *t);
/* Terminal columns a UTF-8 string takes (Chinese characters take two). */
int pa_cli_width(const char *s);

/* Amounts for people: one unit per table, 万元 once anything reaches 1万. */
enum pa_money_unit pa_cli_unit(int64_t largest_fen);
const char *pa_cli_unit_label(const struct pa_cli *cli, enum pa_money_unit unit);
/* Appends item to *array; on failure frees the array and sets it NULL. */
void pa_cli_json_push(json_t **array, json_t *item);
/* Prints a JSON value for programs (indented, keys in order) and frees it;
 * NULL (a failure on the way) is a runtime error. */
int pa_cli_json_print(json_t *value);
/* Amounts for programs: yuan with two decimals, no separators. */
void pa_cli_yuan(const int64_t *fen, int n, char (*out)[64]);

/* ---- reports as CSV or XLSX files (report_out.c) ------------------------------ */

/* -o FILE, --bom, --headers en|zh of a report command. */
struct pa_cli_sheet {
    const char *output, *headers;
    bool bom;
};
#define PA_CLI_OPT_BOM     0x180
#define PA_CLI_OPT_HEADERS 0x181
#define PA_CLI_SHEET_OPTIONS                                                                       \
    {"output", required_argument, NULL, 'o'}, {"bom", no_argument, NULL, PA_CLI_OPT_BOM},          \
    {                                                                                              \
        "headers", required_argument, NULL, PA_CLI_OPT_HEADERS                                     \
    }
/* Takes opt if it is one of the sheet options: 1 if it was, 0 if not. */
int pa_cli_sheet_option(struct pa_cli_sheet *s, int opt, const char *arg);
/* Checks the options against the format (XLSX needs -o FILE ...): 0, or
 * PA_EXIT_INPUT with the usage message printed when they do not go together. */
int pa_cli_sheet_check(const struct pa_cli_sheet *s, enum pa_out_format format);
/* The heading language of --headers (checked): by default Chinese in an XLSX,
 * which is for people, English in a CSV, which programs read. */
enum pa_lang pa_cli_headers(const char *headers, bool xlsx);
/* The sheet writer's options for a checked CSV or XLSX format. */
struct pa_sheet_options pa_cli_sheet_options(const struct pa_cli_sheet *s, enum pa_out_format format);
/* Writes the report as CSV (to -o FILE or stdout) or XLSX; an exit code. */
int pa_cli_sheet_write(struct pa_db *db, const struct pa_report_query *q,
                       enum pa_out_format format, const struct pa_cli_sheet *s);

/* Prints an import report's errors as FILE:LINE: column NAME: message. */
void pa_cli_print_report(const char *file, const struct pa_import_report *report);

#endif
