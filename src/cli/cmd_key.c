/*
 * cmd_key.c - `pairaid key generate --name NAME -o FILE`: a new Ed25519 key in
 * the signed-note format.  The private key goes to FILE (created with mode 0600,
 * never overwritten); the verifier key, which is public, is printed for the
 * other side of the pairing and the auditors.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int write_private(const char *path, const char *key, struct pa_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return pa_error_set(err, errno == EEXIST ? PA_EEXIST : PA_EIO, "cannot create '%s': %s",
                            path, strerror(errno));
    size_t n = strlen(key);
    bool ok = write(fd, key, n) == (ssize_t)n && write(fd, "\n", 1) == 1;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        unlink(path);
        return pa_error_set(err, PA_EIO, "cannot write '%s'", path);
    }
    return 0;
}

int cmd_key(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"name", required_argument, NULL, 'n'},
                                            {"output", required_argument, NULL, 'o'},
                                            {0, 0, 0, 0}};
    const char *name = NULL, *output = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (opt == 'n')
            name = optarg;
        else if (opt == 'o')
            output = optarg;
        else if (pa_cli_global_option(cli, opt, optarg) <= 0)
            return PA_EXIT_INPUT;
    }
    if (argc - optind != 1 || strcmp(argv[optind], "generate") != 0 || !name || !output)
        return pa_cli_usage("usage: pairaid key generate --name NAME -o FILE");
    char *private_key = NULL, *verifier_key = NULL;
    struct pa_error err;
    pa_error_clear(&err);
    int rc = pa_key_generate(name, &private_key, &verifier_key, &err);
    if (rc == 0)
        rc = write_private(output, private_key, &err);
    if (rc == 0)
        printf("%s\n", verifier_key);
    if (private_key) {
        sodium_memzero(private_key, strlen(private_key));
        free(private_key);
    }
    free(verifier_key);
    return rc == 0 ? PA_EXIT_OK : pa_cli_fail(&err);
}
