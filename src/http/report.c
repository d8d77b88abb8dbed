/*
 * report.c - the reports' reads answered as files: GET /api/v1/budget,
 * /balances, /accounts/{code}/statement, /audit/findings, /assessment and
 * /assessment/{pairing} give JSON by default, and the same rows as XLSX with
 * ?format=xlsx (or an Accept naming the XLSX media type) or CSV with
 * ?format=csv (or Accept: text/csv), from the report module (report.h).
 *
 * A file is for a browser's download unless asked otherwise: Chinese
 * headings, and a CSV starts with the BOM Chinese Excel needs
 * (&headers=en, &bom=0 give the contract CSV).  An unknown ?format= is 406:
 * the representation asked for is not one there is.  An XLSX needs a file it
 * can seek: it is written in a private directory (mkdtemp, 0700), read into
 * the answer and removed, whatever happens.  cache.c never keeps these
 * answers, nor serves a kept JSON answer to a request that asks for a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_int.h"

#define XLSX_MEDIA      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define REPORT_FILE_MAX (256 * 1024 * 1024) /* far above any report; a bound all the same */

/* The file format an Accept header names, if any: only an explicit media
 * type switches, so that a browser's or a script's usual Accept keeps JSON. */
static const char *accepted(const struct pa_http_request *r)
{
    const char *accept = pa_http_header(r, "Accept");
    if (accept == NULL)
        return NULL;
    if (strstr(accept, XLSX_MEDIA))
        return "xlsx";
    if (strstr(accept, "text/csv"))
        return "csv";
    return NULL;
}

bool pa_http_wants_file(const struct pa_http_request *r)
{
    const char *format = pa_http_query(r, "format");
    if (format)
        return strcmp(format, "json") != 0;
    return accepted(r) != NULL;
}

static int flag(struct pa_http_request *r, const char *name, bool fallback, bool *out)
{
    const char *v = pa_http_query(r, name);
    *out = fallback;
    if (v == NULL)
        return 0;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
        *out = true;
    else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
        *out = false;
    else
        return -1;
    return 0;
}

int pa_http_report_format(struct pa_http_request *r, bool *file, struct pa_sheet_options *opts)
{
    return pa_http_file_format(r, NULL, file, opts);
}

int pa_http_file_format(struct pa_http_request *r, const char *fallback, bool *file,
                        struct pa_sheet_options *opts)
{
    const char *format = pa_http_query(r, "format");
    if (format == NULL)
        format = accepted(r);
    if (format == NULL || (fallback && strcmp(format, "json") == 0))
        format = fallback;
    *file = format && strcmp(format, "json") != 0;
    *opts = (struct pa_sheet_options){.format = PA_SHEET_CSV, .headers = PA_LANG_ZH};
    if (!*file)
        return 0;
    if (pa_sheet_format_parse(format, &opts->format, NULL) != 0) {
        pa_http_error(r, 406, "not_acceptable", "format",
                      "format must be json, csv or xlsx, not '%.40s'", format);
        return -1;
    }
    const char *headers = pa_http_query(r, "headers");
    if (headers && pa_sheet_headers_parse(headers, &opts->headers, NULL) != 0) {
        pa_http_error(r, 400, "malformed", "headers", "headers must be zh or en");
        return -1;
    }
    if (flag(r, "bom", opts->format == PA_SHEET_CSV, &opts->bom) != 0) {
        pa_http_error(r, 400, "malformed", "bom", "bom must be 1 or 0");
        return -1;
    }
    opts->bom = opts->bom && opts->format == PA_SHEET_CSV;
    opts->codes_beside = opts->format == PA_SHEET_XLSX;
    return 0;
}

/* Content-Disposition of RFC 6266 with the Chinese name as RFC 5987/8187's
 * filename*: the ASCII name for old clients, the UTF-8 one percent-encoded. */
void pa_http_disposition(struct pa_http_request *r, const char *ascii, const char *utf8)
{
    static const char keep[] = "!#$&+-.^_`|~";
    char encoded[384];
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)utf8; *p && n + 4 < sizeof(encoded); p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr(keep, *p))
            encoded[n++] = (char)*p;
        else
            n += (size_t)snprintf(encoded + n, sizeof(encoded) - n, "%%%02X", *p);
    }
    encoded[n] = '\0';
    snprintf(r->disposition, sizeof(r->disposition),
             "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, encoded);
}

/* Reads a whole file into a malloc'd buffer (NULL on failure). */
static char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    char *data = NULL;
    if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size <= REPORT_FILE_MAX &&
        (data = malloc((size_t)st.st_size)) != NULL) {
        size_t got = 0;
        while (got < (size_t)st.st_size) {
            ssize_t k = read(fd, data + got, (size_t)st.st_size - got);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            got += (size_t)k;
        }
        if (got != (size_t)st.st_size) {
            free(data);
            data = NULL;
        }
        *len = got;
    }
    if (fd >= 0)
        close(fd);
    return data;
}

/* The file in a private temporary directory (0700), read back, every trace
 * removed, also on failure. */
static int via_temp_file(pa_http_file_fn write, void *ctx, char **data, size_t *len,
                         struct pa_error *err)
{
    const char *tmp = getenv("TMPDIR");
    char dir[512], path[600], partial[610];
    snprintf(dir, sizeof(dir), "%s/pairaid-file-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) /* mkdtemp makes it 0700: no other user can look in */
        return pa_error_set(err, PA_EIO, "cannot write '%s'", "a temporary file");
    snprintf(path, sizeof(path), "%s/file", dir);
    snprintf(partial, sizeof(partial), "%s.tmp", path);
    int rc = write(path, NULL, ctx, err);
    if (rc == 0 && (*data = slurp(path, len)) == NULL)
        rc = pa_error_set(err, PA_EIO, "cannot write '%s'", "a temporary file");
    unlink(partial); /* what an atomic writer leaves when it fails */
    unlink(path);
    rmdir(dir);
    return rc;
}

static int via_memory(pa_http_file_fn write, void *ctx, char **data, size_t *len,
                      struct pa_error *err)
{
    FILE *out = open_memstream(data, len);
    int rc = out ? write(NULL, out, ctx, err) : pa_error_set(err, PA_ENOMEM, "out of memory");
    if (out && fclose(out) != 0 && rc == 0)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    return rc;
}

int pa_http_file_bytes(bool seekable, pa_http_file_fn write, void *ctx, char **data, size_t *len,
                       struct pa_error *err)
{
    *data = NULL;
    *len = 0;
    int rc = seekable ? via_temp_file(write, ctx, data, len, err)
                      : via_memory(write, ctx, data, len, err);
    if (rc != 0) {
        free(*data);
        *data = NULL;
    }
    return rc;
}

struct report_job {
    struct pa_db *db;
    const struct pa_report_query *q;
    const struct pa_sheet_options *opts;
};

static int write_report(const char *path, FILE *out, void *ctx, struct pa_error *err)
{
    const struct report_job *j = ctx;
    return pa_report_write(j->db, j->q, j->opts, path, out, err);
}

void pa_http_report(struct pa_http_request *r, struct pa_db *db, const struct pa_report_query *q,
                    const struct pa_sheet_options *opts)
{
    struct pa_error err;
    pa_error_clear(&err);
    char *data;
    size_t len;
    struct report_job job = {db, q, opts};
    int rc = pa_http_file_bytes(opts->format == PA_SHEET_XLSX, write_report, &job, &data, &len,
                                &err);
    if (rc != 0) {
        if (err.code == PA_EINVAL) /* a filter that is not one: a bad query parameter */
            pa_http_error(r, 400, "malformed", err.field, "%s", pa_error_text(&err, r->lang));
        else
            pa_http_fail(r, &err);
        return;
    }
    char ascii[128], utf8[256];
    pa_report_filename(q, opts->format, true, PA_LANG_EN, ascii, sizeof(ascii));
    pa_report_filename(q, opts->format, false, opts->headers, utf8, sizeof(utf8));
    pa_http_disposition(r, ascii, utf8);
    r->cache_candidate = false; /* cache.c keeps no file (nor its Content-Disposition) */
    pa_http_bytes(r, 200, opts->format == PA_SHEET_XLSX ? XLSX_MEDIA : "text/csv; charset=utf-8",
                  data, len);
}
