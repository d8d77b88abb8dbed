/*
 * web_files.h - the web pages as tools/embed_web.c builds them into the server:
 * each file with its gzip-compressed form (when that is smaller) and its ETag,
 * and the hashes that name the immutable `/static/HASH/...` URLs.
 */
#ifndef PA_HTTP_WEB_FILES_H
#define PA_HTTP_WEB_FILES_H

#include <stddef.h>

struct pa_web_file {
    const char *name;          /* "app/app.js", as under web/ */
    const unsigned char *data; /* what is served (pages with their URLs rewritten) */
    size_t len;
    const unsigned char *gz; /* the same, gzip-compressed; NULL when that saves little */
    size_t gz_len;
    const char *etag; /* 16 hex digits of the SHA-256 of data */
};

/* Ends with a file whose name is NULL. */
extern const struct pa_web_file pa_web_files[];
/* The hash of every file but the pages, and of vendor/ alone (16 hex digits). */
extern const char pa_web_hash[], pa_web_vendor_hash[];

#endif
