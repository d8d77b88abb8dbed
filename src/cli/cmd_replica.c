/*
 * cmd_replica.c - `pairaid replica`: the other party's verified copy of the books.
 *
 *   replica init URL|BUNDLE [--key FILE]... [--user NAME]   make --db a replica, then pull
 *   replica pull                                              fetch, verify, apply, compare
 *
 * URL is the base of a `pairaid serve` (http:// or https://); BUNDLE a directory
 * from `pairaid log export`.  --key FILE holds verifier keys, one a line (the
 * checkpoint signers the replica trusts); without it the keys the source names
 * are trusted on first use and printed, to be compared with what their owners
 * gave out.  The password of --user comes from $PAIRAID_PASSWORD, else the first
 * line of standard input; it is never stored.  Exit 3 when anything does not
 * verify, 1 when the source cannot be read, 2 for bad usage; a pull that fails
 * changes nothing, and an init whose first pull fails leaves no database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define KEYS_MAX 16

struct replica_args {
    const char *keys[KEYS_MAX];
    int nkeyfiles;
    const char *user;
    int nargs;
    char **args;
};

static int parse(struct pa_cli *cli, int argc, char **argv, struct replica_args *a)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"key", required_argument, NULL, 'k'},
                                            {"user", required_argument, NULL, 'u'},
                                            {0, 0, 0, 0}};
    memset(a, 0, sizeof(*a));
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'k' && a->nkeyfiles < KEYS_MAX)
            a->keys[a->nkeyfiles++] = optarg;
        else if (opt == 'k')
            return pa_cli_usage("at most %d --key files", KEYS_MAX);
        else if (opt == 'u')
            a->user = optarg;
        else if (pa_cli_global_option(cli, opt, optarg) <= 0)
            return PA_EXIT_INPUT;
    }
    a->nargs = argc - optind;
    a->args = argv + optind;
    return 0;
}

/* The password of --user: $PAIRAID_PASSWORD, else the first line of stdin. */
static void read_password(char *buf, size_t size)
{
    const char *env = getenv("PAIRAID_PASSWORD");
    buf[0] = '\0';
    if (env)
        snprintf(buf, size, "%s", env);
    else if (fgets(buf, (int)size, stdin))
        buf[strcspn(buf, "\r\n")] = '\0';
}

static int open_source(const char *where, const char *user, struct pa_replica_source *src,
                       struct pa_error *err)
{
    if (strstr(where, "://") == NULL)
        return pa_replica_bundle_open(where, src, err);
    char password[256];
    if (user && user[0])
        read_password(password, sizeof(password));
    int rc = pa_replica_http_open(where, user, user && user[0] ? password : NULL, src, err);
    memset(password, 0, sizeof(password));
    return rc;
}

static void print_pull(const struct pa_cli *cli, const struct pa_replica_pull *p)
{
    if (p->to_size == p->from_size)
        printf(pa_cli_label(cli, "没有新的事件：已核验至第 %lld 条（签名：%s）\n",
                            "nothing new: verified at size %lld (signed by %s)\n"),
               (long long)p->to_size, p->signers);
    else
        printf(pa_cli_label(cli, "已应用 %lld 条新事件（%lld → %lld），检查点签名：%s\n",
                            "applied %lld new events (size %lld -> %lld), checkpoint signed by "
                            "%s\n"),
               (long long)p->applied, (long long)p->from_size, (long long)p->to_size, p->signers);
    if (p->digest_size >= 0)
        printf(pa_cli_label(cli, "各表与来源方第 %lld 条时的摘要一致\n",
                            "tables match the source's digest at size %lld\n"),
               (long long)p->digest_size);
    else
        printf("%s\n", pa_cli_label(cli, "来源未提供表摘要，未比对",
                                    "the source gives no digest of its tables: not compared"));
}

static int pull(const struct pa_cli *cli, struct pa_db *db, struct pa_error *err)
{
    struct pa_replica_info *info = malloc(sizeof(*info));
    if (info == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    struct pa_replica_source src;
    int rc = pa_replica_info(db, info, err);
    if (rc == 0)
        rc = open_source(info->source, info->user, &src, err);
    struct pa_replica_pull result;
    if (rc == 0) {
        rc = pa_replica_pull(db, &src, &result, err);
        pa_replica_source_close(&src);
    }
    if (rc == 0)
        print_pull(cli, &result);
    free(info);
    return rc;
}

/* The keys to trust: from --key files, else the source's (trust on first use). */
static int trusted_keys(const struct pa_cli *cli, const struct replica_args *a,
                        struct pa_verifier *keys, int *n, struct pa_error *err)
{
    *n = 0;
    for (int i = 0; i < a->nkeyfiles; i++) {
        int rc = pa_cli_read_keys(a->keys[i], keys, KEYS_MAX, n, err);
        if (rc != 0)
            return rc;
    }
    if (a->nkeyfiles > 0)
        return 0;
    struct pa_replica_source src;
    char *text = NULL;
    int rc = open_source(a->args[1], a->user, &src, err);
    if (rc == 0) {
        rc = src.keys(src.ctx, &text, err);
        pa_replica_source_close(&src);
    }
    if (rc == 0)
        rc = pa_cli_parse_keys(text, a->args[1], keys, KEYS_MAX, n, err);
    free(text);
    if (rc == 0 && *n == 0)
        return pa_error_set(err, PA_EINVAL, "the source names no signing key: give --key FILE");
    printf("%s\n",
           pa_cli_label(cli, "首次使用即信任来源方给出的签名公钥，请与各方提供的公钥逐一核对：",
                        "trusting on first use the keys the source names; compare them "
                        "with the keys their owners gave you:"));
    for (int i = 0; rc == 0 && i < *n; i++) {
        char line[256];
        pa_verifier_format(&keys[i], line, sizeof(line));
        printf("  %s\n", line);
    }
    return rc;
}

static int init(struct pa_cli *cli, const struct replica_args *a, struct pa_error *err)
{
    if (pa_pg_uri(cli->db_path))
        return pa_error_set(err, PA_EINVAL,
                            "a replica is a SQLite file: on PostgreSQL, use a standby (docs/operations.md)");
    if (access(cli->db_path, F_OK) == 0)
        return pa_error_set(err, PA_EEXIST, "'%s' exists: a replica starts as a new database",
                            cli->db_path);
    const char *where = a->args[1];
    if (strstr(where, "://") && strncmp(where, "http://", 7) != 0 &&
        strncmp(where, "https://", 8) != 0)
        return pa_error_set(err, PA_EINVAL, "'%.80s' is not an http:// or https:// URL", where);
    struct pa_verifier keys[KEYS_MAX];
    int nkeys = 0;
    int rc = trusted_keys(cli, a, keys, &nkeys, err);
    if (rc != 0)
        return rc;
    struct pa_db *db = NULL;
    rc = pa_open(&db, cli->db_path, PA_DB_CREATE, err);
    if (rc == 0)
        rc = pa_replica_init(db, where, a->user, keys, nkeys, err);
    if (rc == 0)
        rc = pull(cli, db, err);
    pa_db_free(db);
    if (rc != 0) /* the first pull failed: nothing is left behind */
        pa_cli_remove_database(cli->db_path);
    return rc;
}

int cmd_replica(struct pa_cli *cli, int argc, char **argv)
{
    struct replica_args a;
    if (parse(cli, argc, argv, &a) != 0)
        return PA_EXIT_INPUT;
    const char *verb = a.nargs > 0 ? a.args[0] : "";
    bool is_init = strcmp(verb, "init") == 0, is_pull = strcmp(verb, "pull") == 0;
    if (!(is_init && a.nargs == 2) && !(is_pull && a.nargs == 1))
        return pa_cli_usage("usage: pairaid --db REPLICA.db replica init URL|BUNDLE [--key "
                            "FILE]... [--user NAME] | replica pull");
    if (is_pull && (a.nkeyfiles > 0 || a.user))
        return pa_cli_usage("replica pull takes no --key or --user: they were given at init");
    struct pa_error err;
    pa_error_clear(&err);
    int rc;
    if (is_init) {
        rc = init(cli, &a, &err);
    } else {
        if (access(cli->db_path, F_OK) != 0)
            return pa_cli_usage("'%s' does not exist: make it with pairaid replica init",
                                cli->db_path);
        struct pa_db *db = NULL;
        rc = pa_open(&db, cli->db_path, 0, &err);
        if (rc == 0)
            rc = pull(cli, db, &err);
        pa_db_free(db);
    }
    return rc == 0 ? PA_EXIT_OK : pa_cli_fail(&err);
}
