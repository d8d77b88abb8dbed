/*
 * embed_web.c - build-time helper for the web pages: like embed.c, it turns the
 * files of web/ (and the vendored chart library) into a C array, and it also
 * does once, at build time, what would otherwise be done on every request:
 *
 *  - each file is gzip-compressed (zlib, level 9) and the compressed bytes are
 *    kept beside the plain ones when they save at least a tenth, so the server
 *    only chooses between two arrays;
 *  - each file gets an ETag, the start of the SHA-256 of the bytes served;
 *  - the HTML pages are rewritten so that every `src="/X"` and `href="/X"`
 *    naming an embedded file reads `/static/HASH/X`.  HASH is the SHA-256 of
 *    every file that is not a page, so a module's relative imports
 *    (`../api.js`) stay under the same prefix and a deploy that changes any
 *    script changes every URL; files under vendor/ are referenced with a hash
 *    of vendor/ alone, so the 1 MB chart library stays cached across deploys
 *    that do not touch it.  The server serves those URLs as immutable.
 *
 * usage: embed_web OUT.c NAME=PATH...
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zlib.h>

#define FILES_MAX 512
#define HASH_HEX  16 /* 64 bits of SHA-256 in URLs and ETags: collisions need 2^32 deploys */

struct file {
    const char *name;
    unsigned char *data, *gz;
    size_t len, gz_len;
    char etag[HASH_HEX + 1];
};

static struct file files[FILES_MAX];
static int nfiles;
static char hash_all[HASH_HEX + 1], hash_vendor[HASH_HEX + 1];

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

static bool is_page(const struct file *f)
{
    return ends_with(f->name, ".html");
}

static bool is_vendor(const char *name)
{
    return strncmp(name, "vendor/", 7) == 0;
}

static void hex_of(const unsigned char *digest, char out[HASH_HEX + 1])
{
    for (int i = 0; i < HASH_HEX / 2; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

static int read_file(struct file *f, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (eq == NULL) {
        fprintf(stderr, "embed_web: %s: expected NAME=PATH\n", arg);
        return 1;
    }
    f->name = strndup(arg, (size_t)(eq - arg));
    FILE *in = fopen(eq + 1, "rb");
    long size = in && fseek(in, 0, SEEK_END) == 0 ? ftell(in) : -1;
    f->data = size >= 0 && fseek(in, 0, SEEK_SET) == 0 ? malloc((size_t)size + 1) : NULL;
    f->len = f->data ? fread(f->data, 1, (size_t)size, in) : 0;
    if (in)
        fclose(in);
    if (f->data == NULL || f->len != (size_t)size) {
        perror(eq + 1);
        return 1;
    }
    return 0;
}

/* The hash of every file that is not a page (vendor_only: of vendor/ alone),
 * each name and length framed so that no two file sets hash alike. */
static void hash_files(bool vendor_only, char out[HASH_HEX + 1])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    for (int i = 0; i < nfiles; i++) {
        const struct file *f = &files[i];
        if (is_page(f) || (vendor_only && !is_vendor(f->name)))
            continue;
        uint64_t len = f->len;
        crypto_hash_sha256_update(&st, (const unsigned char *)f->name, strlen(f->name) + 1);
        crypto_hash_sha256_update(&st, (const unsigned char *)&len, sizeof(len));
        crypto_hash_sha256_update(&st, f->data, f->len);
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, digest);
    hex_of(digest, out);
}

static const struct file *find(const char *name, size_t n)
{
    for (int i = 0; i < nfiles; i++)
        if (strlen(files[i].name) == n && strncmp(files[i].name, name, n) == 0)
            return &files[i];
    return NULL;
}

/* Rewrites `src="/X"` and `href="/X"` in a page when X is an embedded file
 * other than a page; any other reference (a route, "#/...", "/app/") is kept. */
static int rewrite_page(struct file *f)
{
    size_t cap = f->len * 2 + 4096, used = 0;
    unsigned char *out = malloc(cap);
    if (out == NULL)
        return 1;
    for (size_t i = 0; i < f->len;) {
        const char *at = (const char *)f->data + i;
        size_t attr = strncmp(at, "src=\"/", 6) == 0 ? 6 : strncmp(at, "href=\"/", 7) == 0 ? 7 : 0;
        size_t n = attr ? strcspn(at + attr, "\"?#") : 0;
        const struct file *target = attr ? find(at + attr, n) : NULL;
        if (target && !is_page(target)) {
            if (used + attr + n + 64 > cap)
                return 1;
            memcpy(out + used, at, attr);
            used += attr;
            used += (size_t)snprintf((char *)out + used, cap - used, "static/%s/",
                                     is_vendor(target->name) ? hash_vendor : hash_all);
            memcpy(out + used, at + attr, n);
            used += n;
            i += attr + n;
        } else {
            if (used + 1 > cap)
                return 1;
            out[used++] = f->data[i++];
        }
    }
    free(f->data);
    f->data = out;
    f->len = used;
    return 0;
}

/* gzip (a header with no name and no time, so builds are reproducible) when it
 * saves at least a tenth; images are already compressed and keep f->gz NULL. */
static int compress_file(struct file *f)
{
    z_stream z = {0};
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return 1;
    size_t cap = deflateBound(&z, f->len) + 32;
    f->gz = malloc(cap);
    z.next_in = f->data;
    z.avail_in = (uInt)f->len;
    z.next_out = f->gz;
    z.avail_out = (uInt)cap;
    int rc = f->gz ? deflate(&z, Z_FINISH) : Z_MEM_ERROR;
    f->gz_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END)
        return 1;
    if (f->gz_len > f->len - f->len / 10) {
        free(f->gz);
        f->gz = NULL;
        f->gz_len = 0;
    }
    return 0;
}

static void set_etag(struct file *f)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, f->data, f->len);
    hex_of(digest, f->etag);
}

static void emit_bytes(FILE *out, const char *prefix, int index, const unsigned char *data,
                       size_t len)
{
    fprintf(out, "static const unsigned char %s_%d[] = {", prefix, index);
    for (size_t n = 0; n < len; n++)
        fprintf(out, "%s0x%02x,", n % 16 == 0 ? "\n" : "", data[n]);
    fprintf(out, "0x00};\n");
}

static int emit(const char *path)
{
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        perror(path);
        return 1;
    }
    fprintf(out, "/* generated by tools/embed_web.c - do not edit */\n"
                 "#include \"web_files.h\"\n");
    for (int i = 0; i < nfiles; i++) {
        emit_bytes(out, "plain", i, files[i].data, files[i].len);
        if (files[i].gz)
            emit_bytes(out, "gz", i, files[i].gz, files[i].gz_len);
    }
    fprintf(out, "const char pa_web_hash[] = \"%s\";\n", hash_all);
    fprintf(out, "const char pa_web_vendor_hash[] = \"%s\";\n", hash_vendor);
    fprintf(out, "const struct pa_web_file pa_web_files[] = {\n");
    for (int i = 0; i < nfiles; i++) {
        fprintf(out, "    {\"%s\", plain_%d, sizeof(plain_%d) - 1, ", files[i].name, i, i);
        if (files[i].gz)
            fprintf(out, "gz_%d, sizeof(gz_%d) - 1, ", i, i);
        else
            fprintf(out, "NULL, 0, ");
        fprintf(out, "\"%s\"},\n", files[i].etag);
    }
    fprintf(out, "    {NULL, NULL, 0, NULL, 0, NULL},\n};\n");
    return fclose(out) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc - 2 > FILES_MAX) {
        fprintf(stderr, "usage: embed_web OUT.c NAME=PATH... (at most %d files)\n", FILES_MAX);
        return 2;
    }
    if (sodium_init() < 0)
        return 1;
    nfiles = argc - 2;
    for (int i = 0; i < nfiles; i++)
        if (read_file(&files[i], argv[i + 2]) != 0)
            return 1;
    hash_files(false, hash_all);
    hash_files(true, hash_vendor);
    for (int i = 0; i < nfiles; i++) {
        if (is_page(&files[i]) && rewrite_page(&files[i]) != 0) {
            fprintf(stderr, "embed_web: %s: cannot rewrite\n", files[i].name);
            return 1;
        }
        if (compress_file(&files[i]) != 0) {
            fprintf(stderr, "embed_web: %s: cannot compress\n", files[i].name);
            return 1;
        }
        set_etag(&files[i]);
    }
    return emit(argv[1]);
}
