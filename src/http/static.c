/*
 * static.c - the web pages and photos.
 *
 * The web folder is built into the binary (tools/embed.c), so a URL can only
 * ever name one of those files: there is no path on disk to traverse to.
 * Photos are read from the media folder, but only under a name that is a
 * SHA-256 in hex with a known image extension.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

extern const struct pa_blob pa_web_files[];

#define PHOTO_MAX (20 * 1024 * 1024)

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

static const struct pa_blob *find_file(const char *name)
{
    for (const struct pa_blob *b = pa_web_files; b->name; b++)
        if (strcmp(b->name, name) == 0)
            return b;
    return NULL;
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
    size_t n = strlen(path);
    if (n == 0 || path[n - 1] == '/')
        snprintf(name, sizeof(name), "%sindex.html", path);
    else if (strcmp(path, "app") == 0)
        snprintf(name, sizeof(name), "app/index.html");
    else
        snprintf(name, sizeof(name), "%s", path);
    const struct pa_blob *b = n < 200 ? find_file(name) : NULL;
    if (b == NULL)
        return false;
    pa_http_static_bytes(r, content_type(name), b->data, b->len);
    r->cache_control = strncmp(name, "vendor/", 7) == 0 ? "public, max-age=86400" : "no-cache";
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
