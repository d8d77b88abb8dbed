/*
 * cmd_assess.c - the yearly assessment (考核) from the command line:
 *   pairaid assess scheme                     the scheme in use (the default if none)
 *   pairaid assess scheme add FILE            a new version, used from then on (assessors)
 *   pairaid assess run --year YYYY [--scheme FILE]   scores and ranks, published as an event
 *   pairaid assess scores --year YYYY [--pairing CODE] [--format table|csv|json|xlsx]
 *   pairaid assess ranking --year YYYY [--format table|csv|json|xlsx]
 *   (CSV and XLSX: [--bom] [--headers en|zh] [-o FILE], the report module's
 *   考核得分表 and 考核排名表, report.h)
 * Manual scores come in with `pairaid import scores FILE`.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct assess_args {
    int year;
    const char *scheme, *pairing;
    enum pa_out_format format;
    struct pa_cli_sheet sheet;
};

static const char *field(json_t *o, const char *name, char *buf, size_t size)
{
    json_t *v = json_object_get(o, name);
    if (json_is_integer(v)) {
        snprintf(buf, size, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    return json_is_string(v) ? json_string_value(v) : "";
}

/* JSON, or a Chinese table (CSV and XLSX are the report module's). */
static int print_rows(const struct pa_cli *cli, json_t *rows, enum pa_out_format format,
                      const char *const *columns, const char *const *zh, int n, const char *title)
{
    if (format == PA_OUT_JSON)
        return pa_cli_json_print(json_incref(rows));
    size_t i;
    json_t *row;
    const char *headers[PA_TABLE_MAX_COLS];
    bool right[PA_TABLE_MAX_COLS];
    for (int k = 0; k < n; k++) {
        headers[k] = pa_cli_label(cli, zh[k], columns[k]);
        right[k] = false;
    }
    struct pa_table t;
    pa_table_init(&t, n, headers, right);
    int rc = 0;
    json_array_foreach(rows, i, row)
    {
        char bufs[PA_TABLE_MAX_COLS][32];
        const char *cells[PA_TABLE_MAX_COLS];
        for (int k = 0; k < n; k++)
            cells[k] = field(row, columns[k], bufs[k], sizeof(bufs[k]));
        if (rc == 0)
            rc = pa_table_add(&t, cells);
    }
    printf("%s\n", title);
    pa_table_print(&t, stdout);
    pa_table_release(&t);
    return rc == 0 ? PA_EXIT_OK : PA_EXIT_RUNTIME;
}

/* A scheme file read and checked before any database is opened: a bad one is
 * `FILE:LINE: column KEY: message`, exit 2.  *text is the caller's to free. */
static int read_scheme(const char *path, char **text)
{
    if ((*text = pa_cli_read_text(path)) == NULL)
        return PA_EXIT_INPUT;
    struct pa_scheme *s = malloc(sizeof(*s));
    struct pa_error err;
    pa_error_clear(&err);
    int line = 0, rc = s ? pa_scheme_parse(*text, s, &line, &err) : PA_ENOMEM;
    free(s);
    if (rc == 0)
        return PA_EXIT_OK;
    free(*text);
    *text = NULL;
    return rc == PA_EINVAL ? pa_cli_file_error(path, line, &err) : PA_EXIT_RUNTIME;
}

struct add {
    const char *text;
    int version;
};

static int add_scheme(struct pa_db *db, void *ctx, struct pa_error *err)
{
    struct add *a = ctx;
    return pa_scheme_add(db, a->text, &a->version, err);
}

static int cmd_scheme(struct pa_cli *cli, const char *add)
{
    if (add == NULL) {
        struct pa_db *db;
        int rc = pa_cli_open(cli, PA_DB_READONLY, &db);
        if (rc != PA_EXIT_OK)
            return rc;
        struct pa_scheme *s = malloc(sizeof(*s));
        char *text = NULL;
        struct pa_error err;
        pa_error_clear(&err);
        rc = s ? pa_scheme_current(db, s, &text, &err) : pa_error_set(&err, PA_ENOMEM, "out of memory");
        pa_db_free(db);
        free(s);
        if (rc != 0)
            return pa_cli_fail(&err);
        fputs(text, stdout);
        free(text);
        return PA_EXIT_OK;
    }
    char *text = NULL;
    int rc = read_scheme(add, &text);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_db *db;
    if ((rc = pa_cli_open(cli, 0, &db)) != PA_EXIT_OK) {
        free(text);
        return rc;
    }
    struct add a = {.text = text};
    struct pa_error err;
    pa_error_clear(&err);
    rc = pa_cli_transaction(db, add_scheme, &a, &err);
    pa_db_free(db);
    free(text);
    if (rc != 0)
        return pa_cli_fail(&err);
    printf("%d\n", a.version);
    return PA_EXIT_OK;
}

struct run {
    const struct assess_args *a;
    const char *text;
    struct pa_assess_outcome out;
};

static int run(struct pa_db *db, void *ctx, struct pa_error *err)
{
    struct run *r = ctx;
    return pa_assess_run(db, r->a->year, r->text, &r->out, err);
}

static int cmd_run(struct pa_cli *cli, const struct assess_args *a)
{
    struct run r = {.a = a};
    char *text = NULL;
    struct pa_error err;
    pa_error_clear(&err);
    if (a->scheme) {
        int rc = read_scheme(a->scheme, &text);
        if (rc != PA_EXIT_OK)
            return rc;
        r.text = text;
    }
    struct pa_db *db;
    int rc = pa_cli_open(cli, 0, &db);
    if (rc == PA_EXIT_OK) {
        rc = pa_cli_transaction(db, run, &r, &err);
        pa_db_free(db);
        rc = rc != 0 ? pa_cli_fail(&err) : PA_EXIT_OK;
    }
    free(text);
    if (rc == PA_EXIT_OK)
        printf(pa_cli_label(cli, "%d年度考核已完成并发布：%d个结对（日志第%lld条）\n",
                            "assessment of %d published: %d pairings (log entry %lld)\n"),
               a->year, r.out.pairings, (long long)r.out.seq);
    return rc;
}

static int cmd_results(struct pa_cli *cli, const struct assess_args *a, bool ranking)
{
    static const char *const score_columns[] = {"pairing", "area",   "indicator", "weight", "metric",
                                                "actual",  "target", "score",     "inputs"};
    static const char *const score_zh[] = {"结对", "领域", "指标", "权重", "计算方法",
                                           "实际值", "目标值", "得分", "依据"};
    static const char *const rank_columns[] = {"pairing", "name", "base",  "bonus",      "penalty",
                                               "total",   "tier", "rank", "spent_share"};
    static const char *const rank_zh[] = {"结对", "名称", "基础分", "加分",    "扣分",
                                          "总分", "等次", "名次",   "资金支出率%"};
    struct pa_db *db;
    int rc = pa_cli_open(cli, PA_DB_READONLY, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    if (a->format == PA_OUT_CSV || a->format == PA_OUT_XLSX) {
        struct pa_report_query q = {.kind = ranking ? PA_REPORT_RANKING : PA_REPORT_SCORES,
                                    .year = a->year,
                                    .pairing = a->pairing};
        rc = pa_cli_sheet_write(db, &q, a->format, &a->sheet);
        pa_db_free(db);
        return rc;
    }
    json_t *rows = NULL;
    struct pa_error err;
    pa_error_clear(&err);
    rc = ranking ? pa_assess_ranking(db, a->year, &rows, &err)
                 : pa_assess_scores(db, a->year, a->pairing, &rows, &err);
    pa_db_free(db);
    if (rc != 0)
        return pa_cli_fail(&err);
    char title[128];
    snprintf(title, sizeof(title), "%d%s", a->year,
             ranking ? pa_cli_label(cli, "年度考核排名", " assessment ranking")
                     : pa_cli_label(cli, "年度考核得分", " assessment scores"));
    rc = print_rows(cli, rows, a->format, ranking ? rank_columns : score_columns,
                    ranking ? rank_zh : score_zh, 9, title);
    json_decref(rows);
    return rc;
}

static int parse_year(const char *text, int *year)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < 1949 || v > 2999)
        return pa_cli_usage("--year takes a year, YYYY, not '%s'", text);
    *year = (int)v;
    return 0;
}

int cmd_assess(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"year", required_argument, NULL, 'y'},
                                            {"scheme", required_argument, NULL, 's'},
                                            {"pairing", required_argument, NULL, 'p'},
                                            {"format", required_argument, NULL, 'f'},
                                            PA_CLI_SHEET_OPTIONS,
                                            {0, 0, 0, 0}};
    struct assess_args a = {.format = PA_OUT_TABLE};
    int opt;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (pa_cli_sheet_option(&a.sheet, opt, optarg)) {
            continue;
        } else if (opt == 'y') {
            if (parse_year(optarg, &a.year) != 0)
                return PA_EXIT_INPUT;
        } else if (opt == 's') {
            a.scheme = optarg;
        } else if (opt == 'p') {
            a.pairing = optarg;
        } else if (opt == 'f') {
            if (pa_cli_out_format(optarg, &a.format) != 0)
                return PA_EXIT_INPUT;
        } else if (pa_cli_global_option(cli, opt, optarg) <= 0) {
            return PA_EXIT_INPUT;
        }
    }
    int left = argc - optind;
    const char *verb = left > 0 ? argv[optind] : "";
    if (strcmp(verb, "scheme") == 0 && left == 1)
        return cmd_scheme(cli, NULL);
    if (strcmp(verb, "scheme") == 0 && left == 3 && strcmp(argv[optind + 1], "add") == 0)
        return cmd_scheme(cli, argv[optind + 2]);
    bool needs_year = strcmp(verb, "run") == 0 || strcmp(verb, "scores") == 0 ||
                      strcmp(verb, "ranking") == 0;
    if (needs_year && left == 1 && a.year == 0)
        return pa_cli_usage("assess %s needs --year YYYY", verb);
    if (strcmp(verb, "run") == 0 && left == 1)
        return cmd_run(cli, &a);
    if ((strcmp(verb, "scores") == 0 || strcmp(verb, "ranking") == 0) && left == 1)
        return pa_cli_sheet_check(&a.sheet, a.format) != 0 ? PA_EXIT_INPUT
                                                            : cmd_results(cli, &a, verb[0] == 'r');
    return pa_cli_usage("usage: pairaid assess scheme [add FILE] | run --year YYYY [--scheme "
                        "FILE] | scores --year YYYY [--pairing CODE] | ranking --year YYYY "
                        "[--format table|csv|json|xlsx] [--bom] [--headers en|zh] [-o FILE]");
}
