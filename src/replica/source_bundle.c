/*
 * source_bundle.c - a replica's source that is a directory written by
 * `pairaid log export`: `entries` (base64 of each event's bytes, one a line),
 * `checkpoint-NNNN.txt` (the latest is the highest number), `keys` and
 * `digest`.  A bundle holds no tree of its own, so it offers no consistency
 * proofs: the replica checks instead that the new entries, over the tree it
 * already verified, rebuild the signed root.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairaid/replica.h"

#define ENTRY_MAX_BYTES (1 << 20)
#define LINE_MAX_BYTES  (ENTRY_MAX_BYTES * 4 / 3 + 8)
#define FILE_MAX_BYTES  (1 << 20)

struct bundle_source {
    char dir[1024];
    FILE *entries;
    int64_t next; /* the index of the next line of `entries` */
    char *line;
    unsigned char *entry;
};

static FILE *open_file(const struct bundle_source *b, const char *name, struct pa_error *err)
{
    char path[1200];
    snprintf(path, sizeof(path), "%s/%s", b->dir, name);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        pa_error_set(err, errno == ENOENT ? PA_ENOTFOUND : PA_EIO, "cannot read '%s': %s", path,
                     strerror(errno));
    return f;
}

/* A whole small file as a string (malloc'd). */
static int slurp(struct bundle_source *b, const char *name, char **text, struct pa_error *err)
{
    FILE *f = open_file(b, name, err);
    if (f == NULL)
        return err ? err->code : PA_EIO;
    char *buf = malloc(FILE_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, FILE_MAX_BYTES, f) : 0;
    bool complete = buf && feof(f) && !ferror(f);
    fclose(f);
    if (!complete) {
        free(buf);
        return pa_error_set(err, PA_EIO, "cannot read '%s/%s' (or it is over 1 MiB)", b->dir, name);
    }
    buf[n] = '\0';
    *text = buf;
    return 0;
}

static int bundle_checkpoint(void *ctx, char **note, struct pa_error *err)
{
    struct bundle_source *b = ctx;
    int latest = 0;
    for (int i = 1; i < 100000; i++) {
        char name[64];
        snprintf(name, sizeof(name), "checkpoint-%04d.txt", i);
        FILE *f = open_file(b, name, NULL);
        if (f == NULL)
            break;
        fclose(f);
        latest = i;
    }
    if (latest == 0)
        return PA_ENOTFOUND;
    char name[64];
    snprintf(name, sizeof(name), "checkpoint-%04d.txt", latest);
    return slurp(b, name, note, err);
}

static int bundle_keys(void *ctx, char **text, struct pa_error *err)
{
    return slurp(ctx, "keys", text, err);
}

static int bundle_digest(void *ctx, struct pa_digest *out, struct pa_error *err)
{
    char *text = NULL;
    int rc = slurp(ctx, "digest", &text, NULL);
    if (rc != 0)
        return PA_ENOTFOUND; /* a bundle written before digests */
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    free(text);
    rc = j ? pa_digest_parse(j, out, err)
           : pa_error_set(err, PA_EIO, "the bundle's digest is not JSON");
    json_decref(j);
    return rc;
}

static int bundle_entries(void *ctx, int64_t from, int64_t count,
                          int (*fn)(const void *entry, size_t len, void *arg, struct pa_error *err),
                          void *arg, struct pa_error *err)
{
    struct bundle_source *b = ctx;
    if (b->entries == NULL || from < b->next) {
        if (b->entries)
            fclose(b->entries);
        b->next = 0;
        if ((b->entries = open_file(b, "entries", err)) == NULL)
            return err ? err->code : PA_EIO;
    }
    int rc = 0;
    while (rc == 0 && b->next < from + count) {
        if (fgets(b->line, LINE_MAX_BYTES, b->entries) == NULL)
            return pa_error_set(err, PA_EIO, "the bundle's entries end at %lld, before %lld",
                                (long long)b->next, (long long)(from + count));
        int64_t index = b->next++;
        if (index < from)
            continue;
        size_t len = strcspn(b->line, "\r\n"), bin = 0;
        const char *end;
        if (sodium_base642bin(b->entry, ENTRY_MAX_BYTES, b->line, len, NULL, &bin, &end,
                              sodium_base64_VARIANT_ORIGINAL) != 0 ||
            end != b->line + len)
            return pa_error_set(err, PA_ETAMPER, "entries:%lld: not base64", (long long)index + 1);
        rc = fn(b->entry, bin, arg, err);
    }
    return rc;
}

static int bundle_consistency(void *ctx, int64_t from, int64_t to, pa_hash proof[PA_PROOF_MAX],
                              int *n, struct pa_error *err)
{
    (void)ctx, (void)from, (void)to, (void)proof, (void)err;
    *n = 0;
    return PA_ENOTFOUND;
}

static void bundle_close(void *ctx)
{
    struct bundle_source *b = ctx;
    if (b == NULL)
        return;
    if (b->entries)
        fclose(b->entries);
    free(b->line);
    free(b->entry);
    free(b);
}

int pa_replica_bundle_open(const char *dir, struct pa_replica_source *out, struct pa_error *err)
{
    memset(out, 0, sizeof(*out));
    if (strlen(dir) >= 1000)
        return pa_error_set(err, PA_EINVAL, "the bundle's path is too long");
    struct bundle_source *b = calloc(1, sizeof(*b));
    if (b)
        b->line = malloc(LINE_MAX_BYTES), b->entry = malloc(ENTRY_MAX_BYTES);
    if (b == NULL || b->line == NULL || b->entry == NULL) {
        bundle_close(b);
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    snprintf(b->dir, sizeof(b->dir), "%s", dir);
    FILE *f = open_file(b, "entries", err);
    if (f == NULL) {
        bundle_close(b);
        return pa_error_set(err, PA_EINVAL, "'%.200s' is not a bundle from pairaid log export",
                            dir);
    }
    fclose(f);
    *out = (struct pa_replica_source){bundle_checkpoint,
                                      bundle_entries,
                                      bundle_consistency,
                                      bundle_digest,
                                      bundle_keys,
                                      bundle_close,
                                      b};
    return 0;
}
