/*
 * cmd_log.c - `pairaid log ...`: the audit log.
 *
 *   log checkpoint --key FILE     sign the current tree head and store it
 *   log cosign --key FILE         the witness step: co-sign the latest checkpoint
 *   log entries [--from N] [--count K]
 *   log prove INDEX [--size N]    an inclusion proof (RFC 9162)
 *   log consistency OLD NEW       a consistency proof
 *   log heads                     each pairing's log and the province's: size and root
 *
 * The five above take --log NAME: the same for one log inside the database's
 * (a city-level pairing's code, or '*' for the province's; tlog.h).
 *   log verify [--trust FILE]     recompute, check, replay, compare (exit 3 on a difference)
 *   log verify --bundle DIR [--trust FILE] [--restore NEW.db]
 *                                    the same for files from `log export`, no database; with
 *                                    --restore, a new database with the books the bundle holds
 *   log export DIR                events, checkpoints and keys as files for auditors
 *
 * Hashes are standard base64, as in checkpoints.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cli.h"

struct log_args {
    const char *key, *trust, *bundle, *restore, *log;
    int64_t from, count, size;
    int nargs;
    char **args;
};

/* A whole number >= 0, or PA_EINVAL with the message in err. */
static int number(const char *text, int64_t *out, const char *what, struct pa_error *err)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno != 0 || v < 0)
        return pa_error_set(err, PA_EINVAL, "%s must be a whole number, not '%.40s'", what, text);
    *out = v;
    return 0;
}

static int option_number(const char *text, int64_t *out, const char *what)
{
    struct pa_error err;
    return number(text, out, what, &err) == 0 ? 0 : pa_cli_fail(&err);
}

static int parse(struct pa_cli *cli, int argc, char **argv, struct log_args *a)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"key", required_argument, NULL, 'k'},
                                            {"trust", required_argument, NULL, 't'},
                                            {"from", required_argument, NULL, 'f'},
                                            {"count", required_argument, NULL, 'c'},
                                            {"size", required_argument, NULL, 's'},
                                            {"bundle", required_argument, NULL, 'b'},
                                            {"restore", required_argument, NULL, 'r'},
                                            {"log", required_argument, NULL, 'l'},
                                            {0, 0, 0, 0}};
    memset(a, 0, sizeof(*a));
    a->count = 100;
    a->size = -1;
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        int rc = 0;
        switch (opt) {
        case 'k':
            a->key = optarg;
            break;
        case 't':
            a->trust = optarg;
            break;
        case 'b':
            a->bundle = optarg;
            break;
        case 'l':
            a->log = optarg;
            break;
        case 'r':
            a->restore = optarg;
            break;
        case 'f':
            rc = option_number(optarg, &a->from, "--from");
            break;
        case 'c':
            rc = option_number(optarg, &a->count, "--count");
            break;
        case 's':
            rc = option_number(optarg, &a->size, "--size");
            break;
        default:
            rc = pa_cli_global_option(cli, opt, optarg) <= 0 ? PA_EXIT_INPUT : 0;
        }
        if (rc != 0)
            return PA_EXIT_INPUT;
    }
    a->nargs = argc - optind;
    a->args = argv + optind;
    return 0;
}

/* Reads the first line of a key file. */
static int read_line_file(const char *path, char *buf, size_t size, struct pa_error *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return pa_error_set(err, errno == ENOENT ? PA_ENOTFOUND : PA_EIO, "cannot read '%s': %s",
                            path, strerror(errno));
    bool ok = fgets(buf, (int)size, f) != NULL;
    fclose(f);
    if (!ok)
        return pa_error_set(err, PA_EINVAL, "'%s' is empty", path);
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

static int load_signer(const char *path, struct pa_signer **signer, struct pa_error *err)
{
    char line[512];
    int rc = read_line_file(path, line, sizeof(line), err);
    if (rc == 0)
        rc = pa_signer_parse(line, signer, err);
    sodium_memzero(line, sizeof(line));
    return rc;
}

struct signing {
    const char *log;
    const struct pa_signer *signer;
    bool cosign;
    char *note;
};

static int sign_in_transaction(struct pa_db *db, void *ctx, struct pa_error *err)
{
    struct signing *s = ctx;
    return s->cosign ? pa_tlog_cosign(db, s->log, s->signer, &s->note, err)
                     : pa_tlog_checkpoint(db, s->log, s->signer, &s->note, err);
}

/* checkpoint and cosign: one transaction, the note printed on success. */
static int sign(struct pa_db *db, const struct log_args *a, bool cosign, struct pa_error *err)
{
    if (a->key == NULL || a->nargs != 1)
        return pa_error_set(err, PA_EINVAL, "usage: pairaid log %s --key FILE [--log NAME]",
                            cosign ? "cosign" : "checkpoint");
    struct pa_signer *signer = NULL;
    int rc = load_signer(a->key, &signer, err);
    struct signing s = {a->log, signer, cosign, NULL};
    if (rc == 0)
        rc = pa_cli_transaction(db, sign_in_transaction, &s, err);
    char *note = s.note;
    if (rc == 0)
        fputs(note, stdout);
    pa_signer_free(signer);
    free(note);
    return rc;
}

static json_t *b64_hash(const pa_hash h)
{
    char b64[64];
    pa_base64(h, PA_HASH_LEN, b64, sizeof(b64));
    return json_string(b64);
}

/* One line per event: its index, leaf hash, bytes (base64) and the event itself. */
static int print_entry(const struct pa_log_entry *e, void *ctx)
{
    struct pa_error *err = ctx;
    size_t size = e->len * 4 / 3 + 8;
    char *b64 = malloc(size);
    json_error_t jerr;
    json_t *event = json_loadb(e->entry, e->len, 0, &jerr);
    if (b64 == NULL || event == NULL) {
        free(b64);
        json_decref(event);
        return pa_error_set(err, PA_ETAMPER, "event %lld is not readable", (long long)e->index + 1);
    }
    pa_base64(e->entry, e->len, b64, size);
    json_t *line = json_pack("{s:I, s:o, s:s, s:o}", "index", (json_int_t)e->index, "leaf_hash",
                             b64_hash(e->leaf_hash), "entry", b64, "event", event);
    /* in one log's entries, where each also is in the whole log */
    if (line && e->log)
        json_object_set_new(line, "seq", json_integer(e->seq));
    json_dumpf(line, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(line);
    free(b64);
    return 0;
}

static int entries(struct pa_db *db, const struct log_args *a, struct pa_error *err)
{
    return pa_tlog_entries(db, a->log, a->from, a->count, print_entry, err, err);
}

/* A proof as one JSON line, keys in the library's order. */
static int print_json_line(json_t *out, struct pa_error *err)
{
    if (out == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    json_dumpf(out, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(out);
    return 0;
}

static int prove(struct pa_db *db, const struct log_args *a, struct pa_error *err)
{
    int64_t index = 0;
    if (a->nargs != 2)
        return pa_error_set(err, PA_EINVAL, "usage: pairaid log prove INDEX [--size N]");
    if (number(a->args[1], &index, "INDEX", err) != 0)
        return PA_EINVAL;
    struct pa_inclusion p;
    int rc = pa_tlog_prove_inclusion(db, a->log, index, a->size, &p, err);
    if (rc != 0)
        return rc;
    return print_json_line(pa_inclusion_json(&p), err);
}

static int consistency(struct pa_db *db, const struct log_args *a, struct pa_error *err)
{
    int64_t old = 0, now = 0;
    if (a->nargs != 3)
        return pa_error_set(err, PA_EINVAL, "usage: pairaid log consistency OLD NEW");
    if (number(a->args[1], &old, "OLD", err) != 0 || number(a->args[2], &now, "NEW", err) != 0)
        return PA_EINVAL;
    struct pa_consistency c;
    int rc = pa_tlog_prove_consistency(db, a->log, old, now, &c, err);
    if (rc != 0)
        return rc;
    return print_json_line(pa_consistency_json(&c), err);
}

/* One JSON line per log: {"log","origin","size","root"}. */
static int heads(struct pa_db *db, struct pa_error *err)
{
    json_t *list = NULL, *item;
    size_t i;
    int rc = pa_tlog_logs_json(db, &list, err);
    json_array_foreach(list, i, item)
    {
        json_dumpf(item, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
        putchar('\n');
    }
    json_decref(list);
    return rc;
}

static int verify(struct pa_db *db, const struct log_args *a, struct pa_error *err)
{
    struct pa_verifier trusted[32], bundled[32];
    int ntrusted = 0, nbundled = 0;
    /* --trust FILE: the signers' keys to trust */
    int rc = a->trust ? pa_cli_read_keys(a->trust, trusted, 32, &ntrusted, err) : 0;
    if (rc == 0 && a->bundle)
        rc = pa_tlog_load_bundle(db, a->bundle, bundled, 32, &nbundled, err);
    if (rc == 0 && a->bundle && !a->trust) {
        /* without --trust, the bundle's own keys: proves integrity, not who signed */
        memcpy(trusted, bundled, (size_t)nbundled * sizeof(*trusted));
        ntrusted = nbundled;
    }
    if (rc == 0)
        rc = pa_tlog_verify(db, trusted, ntrusted, err);
    if (rc == 0) {
        int64_t n = 0;
        pa_tlog_size(db, &n, NULL);
        printf("verified: %lld events; the tree, %s, and every table match the log\n", (long long)n,
               a->trust    ? "the checkpoints and their signatures by trusted keys"
               : a->bundle ? "the checkpoints and their signatures (by the bundle's own keys)"
                           : "the checkpoints (signatures not checked: no --trust)");
    }
    return rc;
}

/* --restore into PostgreSQL: the bundle verified in memory first, then loaded
 * into the database, which must hold no events (a database is never merged). */
static int restore_into_pg(const char *uri, const char *bundle, struct pa_error *err)
{
    struct pa_db *db;
    int rc = pa_open(&db, uri, PA_DB_CREATE, err);
    int64_t size = 0;
    if (rc == 0)
        rc = pa_tlog_size(db, &size, err);
    if (rc == 0 && size != 0)
        rc = pa_error_set(err, PA_EEXIST,
                          "the PostgreSQL database named by --restore holds %lld events; the "
                          "books are restored into an empty one",
                          (long long)size);
    struct pa_verifier keys[32];
    int nkeys = 0;
    if (rc == 0)
        rc = pa_tlog_load_bundle(db, bundle, keys, 32, &nkeys, err);
    pa_db_free(db);
    return rc;
}

/* log verify of a PostgreSQL database checks what PostgreSQL holds: its log,
 * checkpoints and key heads, copied afresh into memory and replayed there. */
static int open_pg_fresh(const struct pa_cli *cli, struct pa_db **db)
{
    struct pa_error err;
    pa_error_clear(&err);
    pa_init();
    return pa_pg_load_fresh(cli->db_path, db, &err) == 0 ? PA_EXIT_OK : pa_cli_fail(&err);
}

int cmd_log(struct pa_cli *cli, int argc, char **argv)
{
    struct log_args a;
    if (parse(cli, argc, argv, &a) != 0)
        return PA_EXIT_INPUT;
    const char *verb = a.nargs > 0 ? a.args[0] : "";
    static const char *const verbs[] = {"checkpoint",  "cosign", "entries", "prove",
                                        "consistency", "verify", "export",  "heads"};
    int which = -1;
    for (int i = 0; i < (int)PA_ARRAY_LEN(verbs); i++)
        if (strcmp(verb, verbs[i]) == 0)
            which = i;
    if (which < 0)
        return pa_cli_usage("usage: pairaid log "
                            "checkpoint|cosign|entries|prove|consistency|heads|verify|export ...");
    if (a.log && which >= 5)
        return pa_cli_usage("option --log NAME goes with log checkpoint, cosign, entries, prove and "
                            "consistency");
    if (which == 6 && a.nargs != 2)
        return pa_cli_usage("usage: pairaid log export DIR");
    if (which == 2 && a.nargs != 1)
        return pa_cli_usage("usage: pairaid log entries [--from N] [--count K] [--log NAME]");
    if (which == 7 && a.nargs != 1)
        return pa_cli_usage("usage: pairaid log heads");
    /* a bundle is checked in a database of its own: in memory, or a new file
     * that then holds the books as the bundle has them (--restore) */
    struct pa_cli in_memory = *cli;
    if (a.restore && (!a.bundle || which != 5))
        return pa_cli_usage("--restore FILE goes with log verify --bundle DIR");
    bool restore_pg = a.restore && pa_pg_uri(a.restore);
    if (a.restore && !restore_pg && access(a.restore, F_OK) == 0)
        return pa_cli_usage("--restore: '%s' exists; it is never overwritten", a.restore);
    if (a.bundle)
        in_memory.db_path = a.restore && !restore_pg ? a.restore : ":memory:";
    struct pa_db *db;
    bool signs = which <= 1; /* checkpoint and cosign write; the others only read */
    int rc = which == 5 && !a.bundle && pa_pg_uri(cli->db_path)
                 ? open_pg_fresh(cli, &db)
                 : pa_cli_open(&in_memory, a.bundle ? PA_DB_CREATE : signs ? 0 : PA_DB_READONLY, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_error err;
    pa_error_clear(&err);
    switch (which) {
    case 0:
        rc = sign(db, &a, false, &err);
        break;
    case 1:
        rc = sign(db, &a, true, &err);
        break;
    case 2:
        rc = entries(db, &a, &err);
        break;
    case 3:
        rc = prove(db, &a, &err);
        break;
    case 4:
        rc = consistency(db, &a, &err);
        break;
    case 5:
        rc = verify(db, &a, &err);
        break;
    case 7:
        rc = heads(db, &err);
        break;
    case 6:
        rc = pa_tlog_export(db, a.args[1], &err);
        if (rc == 0)
            printf("%s: entries, checkpoint-NNNN.txt, keys, digest\n", a.args[1]);
    }
    pa_db_free(db);
    if (rc == 0 && restore_pg)
        rc = restore_into_pg(a.restore, a.bundle, &err);
    if (rc != 0 && a.restore && !restore_pg) /* a bundle that does not verify leaves nothing behind */
        pa_cli_remove_database(a.restore);
    return rc == 0 ? PA_EXIT_OK : pa_cli_fail(&err);
}
