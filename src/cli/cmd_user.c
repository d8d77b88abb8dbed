/*
 * cmd_user.c - users, whose every change is an event of the log:
 *
 *   pairaid user add NAME --role ROLE [--region CODE] [--pairing CODE]
 *   pairaid user change NAME --role ROLE [--region CODE] [--pairing CODE]
 *   pairaid user disable NAME | user enable NAME
 *   pairaid user password NAME
 *   pairaid user list
 *
 * A password is the first line of stdin, so it never shows in `ps` or the
 * shell's history.  Who may do this (admins, and the local operator) is the
 * library's rule.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define USAGE                                                                                      \
    "usage: pairaid user add|change NAME --role ROLE [--region CODE] [--pairing CODE] | "          \
    "user disable|enable|password NAME | user list  (passwords on stdin)"

struct user_args {
    const char *verb;
    struct pa_principal user;
    const char *role;
};

static int parse(struct pa_cli *cli, int argc, char **argv, struct user_args *a)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"role", required_argument, NULL, 'r'},
                                            {"region", required_argument, NULL, 'g'},
                                            {"pairing", required_argument, NULL, 'p'},
                                            {0, 0, 0, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'r')
            a->role = optarg;
        else if (opt == 'g')
            snprintf(a->user.region, sizeof(a->user.region), "%.7s", optarg);
        else if (opt == 'p')
            snprintf(a->user.pairing, sizeof(a->user.pairing), "%.64s", optarg);
        else if (pa_cli_global_option(cli, opt, optarg) <= 0)
            return -1;
    }
    int nargs = argc - optind; /* the verb, and the name */
    a->verb = nargs >= 1 ? argv[optind] : "";
    bool scoped = strcmp(a->verb, "add") == 0 || strcmp(a->verb, "change") == 0;
    bool named = scoped || strcmp(a->verb, "disable") == 0 || strcmp(a->verb, "enable") == 0 ||
                 strcmp(a->verb, "password") == 0;
    bool list = strcmp(a->verb, "list") == 0 && nargs == 1;
    if (!(list || (named && nargs == 2)) || scoped != (a->role != NULL) ||
        (!scoped && (a->user.region[0] || a->user.pairing[0])))
        return pa_cli_usage(USAGE), -1;
    if (named && strlen(argv[optind + 1]) >= sizeof(a->user.name))
        return pa_cli_usage("a user name has at most 64 characters"), -1;
    if (named)
        snprintf(a->user.name, sizeof(a->user.name), "%s", argv[optind + 1]);
    struct pa_error err;
    if (scoped && pa_role_parse(a->role, &a->user.role, &err) != 0)
        return pa_cli_fail(&err), -1;
    return 0;
}

/* The first line of stdin, without its line ending. */
static int read_password(char *buf, size_t size, struct pa_error *err)
{
    if (fgets(buf, (int)size, stdin) == NULL)
        return pa_error_setf(err, PA_EINVAL, "password", "no password on stdin");
    size_t n = strcspn(buf, "\r\n");
    if (n == size - 1 && buf[n] == '\0')
        return pa_error_setf(err, PA_EINVAL, "password", "the password is too long");
    buf[n] = '\0';
    return 0;
}

static int change(struct pa_db *db, void *ctx, struct pa_error *err)
{
    const struct user_args *a = ctx;
    const char *name = a->user.name;
    if (strcmp(a->verb, "change") == 0)
        return pa_user_change(db, &a->user, err);
    if (strcmp(a->verb, "disable") == 0)
        return pa_user_disable(db, name, err);
    if (strcmp(a->verb, "enable") == 0)
        return pa_user_enable(db, name, err);
    char password[PA_PASSWORD_MAX + 2];
    bool adding = strcmp(a->verb, "add") == 0;
    /* before the password is read: someone who may not is told so at once */
    int rc = pa_scope_admin_only(db, adding ? "add users" : "set passwords", err);
    if (rc == 0)
        rc = read_password(password, sizeof(password), err);
    if (rc == 0)
        rc = adding ? pa_user_add(db, &a->user, password, err)
                    : pa_user_set_password(db, name, password, err);
    memset(password, 0, sizeof(password));
    return rc;
}

static int print_user(const struct pa_principal *u, bool disabled, void *ctx)
{
    (void)ctx;
    printf("%s\t%s\t%s\t%s%s\n", u->name, pa_role_name(u->role), u->region, u->pairing,
           disabled ? "\tdisabled" : "");
    return 0;
}

static const char *done_label(const struct pa_cli *cli, const char *verb)
{
    static const struct {
        const char *verb, *zh, *en;
    } labels[] = {{"add", "已添加", "added"},     {"change", "已变更", "changed"},
                  {"disable", "已停用", "disabled"}, {"enable", "已启用", "enabled"},
                  {"password", "密码已更新", "password set"}};
    for (size_t i = 0; i < PA_ARRAY_LEN(labels); i++)
        if (strcmp(labels[i].verb, verb) == 0)
            return pa_cli_label(cli, labels[i].zh, labels[i].en);
    return verb;
}

int cmd_user(struct pa_cli *cli, int argc, char **argv)
{
    struct user_args a;
    memset(&a, 0, sizeof(a));
    if (parse(cli, argc, argv, &a) != 0)
        return PA_EXIT_INPUT;
    bool list = strcmp(a.verb, "list") == 0;
    struct pa_db *db;
    int rc = pa_cli_open(cli, list ? PA_DB_READONLY : 0, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_error err;
    pa_error_clear(&err);
    rc = list ? pa_user_list(db, print_user, NULL, &err)
              : pa_cli_transaction(db, change, &a, &err);
    pa_db_free(db);
    if (rc != 0)
        return pa_cli_fail(&err);
    if (!list)
        printf("%s: %s%s%s%s\n", a.user.name, done_label(cli, a.verb), a.role ? " (" : "",
               a.role ? a.role : "", a.role ? ")" : "");
    return PA_EXIT_OK;
}
