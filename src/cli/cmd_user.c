/*
 * cmd_user.c - `pairaid user add NAME --role ROLE [--region CODE] [--pairing CODE]`
 * (the password is the first line of stdin, so it never shows in `ps` or the
 * shell's history) and `pairaid user list`.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int parse_add(struct pa_cli *cli, int argc, char **argv, struct pa_principal *u)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"role", required_argument, NULL, 'r'},
                                            {"region", required_argument, NULL, 'g'},
                                            {"pairing", required_argument, NULL, 'p'},
                                            {0, 0, 0, 0}};
    const char *role = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'r')
            role = optarg;
        else if (opt == 'g')
            snprintf(u->region, sizeof(u->region), "%.7s", optarg);
        else if (opt == 'p')
            snprintf(u->pairing, sizeof(u->pairing), "%s", optarg);
        else if (pa_cli_global_option(cli, opt, optarg) <= 0)
            return -1;
    }
    if (argc - optind != 2 || role == NULL)
        return pa_cli_usage("usage: pairaid user add NAME --role ROLE [--region CODE] "
                            "[--pairing CODE]  (password on stdin)"),
               -1;
    struct pa_error err;
    if (pa_role_parse(role, &u->role, &err) != 0)
        return pa_cli_fail(&err), -1;
    if (strlen(argv[optind + 1]) >= sizeof(u->name))
        return pa_cli_usage("a user name has at most 64 characters"), -1;
    snprintf(u->name, sizeof(u->name), "%s", argv[optind + 1]);
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

static int add_user(struct pa_db *db, const struct pa_principal *u, struct pa_error *err)
{
    char password[PA_PASSWORD_MAX + 2];
    int rc = pa_scope_admin_only(db, "add users", err);
    if (rc == 0)
        rc = read_password(password, sizeof(password), err);
    if (rc == 0)
        rc = pa_user_add(db, u, password, err);
    memset(password, 0, sizeof(password));
    return rc;
}

static int print_user(const struct pa_principal *u, void *ctx)
{
    (void)ctx;
    printf("%s\t%s\t%s\t%s\n", u->name, pa_role_name(u->role), u->region, u->pairing);
    return 0;
}

int cmd_user(struct pa_cli *cli, int argc, char **argv)
{
    bool add = argc > 1 && strcmp(argv[1], "add") == 0;
    struct pa_principal u;
    memset(&u, 0, sizeof(u));
    if (add ? parse_add(cli, argc, argv, &u) != 0
            : pa_cli_only_global_options(cli, argc, argv) != 0)
        return PA_EXIT_INPUT;
    if (!add && (argc - optind != 1 || strcmp(argv[optind], "list") != 0))
        return pa_cli_usage("usage: pairaid user add NAME --role ROLE ... | pairaid user list");
    struct pa_db *db;
    int rc = pa_cli_open(cli, 0, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_error err;
    pa_error_clear(&err);
    rc = add ? add_user(db, &u, &err) : pa_user_list(db, print_user, NULL, &err);
    pa_db_free(db);
    if (rc != 0)
        return pa_cli_fail(&err);
    if (add)
        printf("%s: %s (%s)\n", u.name, pa_cli_label(cli, "已添加", "added"), pa_role_name(u.role));
    return PA_EXIT_OK;
}
