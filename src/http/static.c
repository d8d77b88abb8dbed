/*
 * static.c - the web pages and photos.
 *
 * The web folder is built into the binary (tools/embed_web.c), so a URL can only
 * ever name one of those files: there is no path on disk to traverse to.
 * Photos are read from the media folder, but only under a name that is a
 * SHA-256 in hex with a known image extension.
 *
 * Each file is kept plain and, when that is smaller, gzip-compressed at build
 * time, so answering is choosing an array.  The pages name their scripts and
 * styles as /static/HASH/NAME (embed_web rewrites them), HASH covering every
 * script: those answers are immutable, and a deploy changes the URLs.  A page
 * itself, a file under its plain name, or one under a hash that is not this
 * build's, is "no-cache": revalidated with its ETag on every use, so it can
 * never outlive a deploy.  Ranges are not offered (no Accept-Ranges).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_int.h"
#include "web_files.h"

#define PHOTO_MAX (20 * 1024 * 1024)
#define HASH_HEX  16

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".webp", "image/webp"},
    {".gif", "image/gif"},
    {".json", "application/json"},
    {".ico", "image/x-icon"},
};

static const char *content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < PA_ARRAY_LEN(types); i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static const struct pa_web_file *find_file(const char *name)
{
    for (const struct pa_web_file *b = pa_web_files; b->name; b++)
        if (strcmp(b->name, name) == 0)
            return b;
    return NULL;
}

static bool is_page(const char *name)
{
    size_t n = strlen(name);
    return n >= 5 && strcmp(name + n - 5, ".html") == 0;
}

/* The q of one element of an Accept-Encoding list, from just after its name
 * to its end ("; q=0.5"): 1 unless it says otherwise. */
static double quality(const char *params, const char *end)
{
    for (const char *q = params; q < end; q++)
        if ((*q == 'q' || *q == 'Q') && (q == params || q[-1] == ';' || q[-1] == ' ')) {
            const char *v = q + 1;
            while (v < end && *v == ' ')
                v++;
            if (v < end && *v == '=')
                return strtod(v + 1, NULL);
        }
    return 1.0;
}

/* Does Accept-Encoding take gzip?  "gzip;q=0" refuses it; "*" takes it
 * unless gzip is refused by name; no header at all means identity. */
static bool accepts_gzip(const char *header)
{
    double gzip = -1, any = -1;
    for (const char *p = header; p && *p;) {
        const char *end = p + strcspn(p, ",");
        const char *name = p + strspn(p, " \t");
        const char *after = name + strcspn(name, ";, \t");
        if (after > end)
            after = end;
        size_t name_len = (size_t)(after - name);
        double q = quality(after, end);
        if ((name_len == 4 && strncasecmp(name, "gzip", 4) == 0) ||
            (name_len == 6 && strncasecmp(name, "x-gzip", 6) == 0))
            gzip = q;
        else if (name_len == 1 && *name == '*')
            any = q;
        p = *end ? end + 1 : end;
    }
    return gzip >= 0 ? gzip > 0 : any > 0;
}

/* Does If-None-Match name this ETag (weakly compared, as RFC 9110 says)? */
static bool etag_matches(const char *header, const char *etag)
{
    size_t len = strlen(etag);
    for (const char *p = header; p && *p;) {
        p += strspn(p, " \t,");
        if (*p == '*')
            return true;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (strncmp(p, etag, len) == 0 && (p[len] == '\0' || strchr(" \t,", p[len])))
            return true;
        p += strcspn(p, ",");
    }
    return false;
}

/* "/static/HASH/NAME": the name after the hash, and whether the hash is the one
 * this build gives that file (vendor/ files also go by the hash of vendor/). */
static const char *hashed_name(const char *path, bool *current)
{
    if (strncmp(path, "static/", 7) != 0)
        return NULL;
    const char *hash = path + 7;
    if (strspn(hash, "0123456789abcdef") != HASH_HEX || hash[HASH_HEX] != '/')
        return NULL;
    const char *name = hash + HASH_HEX + 1;
    *current =
        strncmp(hash, pa_web_hash, HASH_HEX) == 0 ||
        (strncmp(name, "vendor/", 7) == 0 && strncmp(hash, pa_web_vendor_hash, HASH_HEX) == 0);
    return name;
}

static void answer_file(struct pa_http_request *r, const struct pa_web_file *b, bool immutable)
{
    bool gzip = b->gz && accepts_gzip(pa_http_header(r, "Accept-Encoding"));
    char etag[sizeof(r->etag)];
    snprintf(etag, sizeof(etag), "\"%s%s\"", b->etag, gzip ? "-gz" : "");
    if (etag_matches(pa_http_header(r, "If-None-Match"), etag)) {
        pa_http_static_bytes(r, content_type(b->name), "", 0);
        r->status = 304;
    } else {
        pa_http_static_bytes(r, content_type(b->name), gzip ? b->gz : b->data,
                             gzip ? b->gz_len : b->len);
        r->content_encoding = gzip ? "gzip" : NULL;
    }
    snprintf(r->etag, sizeof(r->etag), "%s", etag);
    r->vary_encoding = b->gz != NULL;
    r->cache_control = immutable ? "public, max-age=31536000, immutable" : "no-cache";
}

bool pa_http_static(struct pa_http_request *r)
{
    char name[256];
    /* libmicrohttpd passes the target as the request line has it: "GET ?x"
     * gives "" (with no byte after a slash to start from) and "GET *" gives
     * "*"; only a path names a page */
    if (r->url[0] != '/')
        return false;
    const char *path = r->url + 1; /* after the leading slash */
    bool current = false;
    const char *hashed = hashed_name(path, &current);
    size_t n = strlen(path);
    if (hashed)
        snprintf(name, sizeof(name), "%s", hashed);
    else if (n == 0 || path[n - 1] == '/')
        snprintf(name, sizeof(name), "%sindex.html", path);
    else if (strcmp(path, "app") == 0)
        snprintf(name, sizeof(name), "app/index.html");
    else
        snprintf(name, sizeof(name), "%s", path);
    const struct pa_web_file *b = n < 200 ? find_file(name) : NULL;
    if (b == NULL || (hashed && is_page(name))) /* a page is only ever revalidated */
        return false;
    answer_file(r, b, hashed && current);
    return true;
}

static bool photo_name(const char *name)
{
    size_t hex = strspn(name, "0123456789abcdef");
    if (hex != 64 || name[64] != '.')
        return false;
    static const char *const exts[] = {"jpg", "jpeg", "png", "webp", "gif"};
    for (size_t i = 0; i < PA_ARRAY_LEN(exts); i++)
        if (strcmp(name + 65, exts[i]) == 0)
            return true;
    return false;
}

void pa_h_media(struct pa_http_request *r)
{
    const char *name = r->params[0];
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    if (!photo_name(name)) {
        pa_http_error(r, 404, "not_found", NULL, "no such photo");
        return;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", pa_db_media_dir(db), name);
    FILE *f = fopen(path, "rb");
    long size = f && fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    char *data =
        size > 0 && size <= PHOTO_MAX && fseek(f, 0, SEEK_SET) == 0 ? malloc((size_t)size) : NULL;
    size_t len = data ? fread(data, 1, (size_t)size, f) : 0;
    if (f)
        fclose(f);
    if (data == NULL || len != (size_t)size) {
        free(data);
        pa_http_error(r, 404, "not_found", NULL, "no such photo");
        return;
    }
    pa_http_bytes(r, 200, content_type(name), data, len);
    r->cache_control = "public, max-age=31536000, immutable"; /* named by its content */
}
