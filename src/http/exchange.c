/*
 * exchange.c - CSV (and XLSX) in and out over HTTP: POST /api/v1/import/{kind} and
 * GET /api/v1/export/{kind}?format=csv|json|xlsx, the same as `pairaid import`
 * and `pairaid export` (an XLSX through a private temporary file, report.c);
 * GET /api/v1/export/iati[?pairing=CODE] is `pairaid export iati`, the IATI
 * 2.03 XML file.
 *
 * An import's body is spooled to a temporary file as it arrives (up to the
 * configured upload size, 64 MiB by default) and mapped when complete.  It runs
 * alone on the writer: pa_import checks every row and keeps
 * nothing unless all are good, in a transaction of its own, and each row is
 * authorised by the library as the request's user.  A photo column may only
 * name a photo already in the media folder: the server has no files beside the
 * CSV text, and must not read any other file on a client's say-so.
 *
 * The body may be an XLSX workbook, told by its zip signature (pa_import); a
 * Content-Type of XLSX makes a body that is not a zip a 422 rather than CSV.
 * `sheet` picks the sheet, `encoding` (auto by default) the CSV's encoding.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "http_int.h"

/* The kinds there are, for a 404 rather than the library's 422: the path names
 * a thing that does not exist. */
static bool kind_exists(struct pa_http_request *r, const char *kind, bool exportable)
{
    if (pa_kind_find(kind) || (exportable && strcmp(kind, pa_region_kind.name) == 0))
        return true;
    pa_http_error(r, 404, "not_found", NULL, "no kind '%.40s' (%s%s)", kind,
                  exportable ? "regions, " : "", pa_kind_names());
    return false;
}

/* ---- import ---------------------------------------------------------------------------- */

struct import_job {
    const char *kind;
    const char *data;
    size_t len;
    const char *encoding;
    const char *sheet;
    bool xlsx; /* the client said so (Content-Type) */
};

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* Takes every "<dir>/" out of a message: the importer names the photo it looked
 * for by its path, and a server's paths are not the client's business. */
static void strip_dir(char *message, const char *dir)
{
    char prefix[4096];
    int n = snprintf(prefix, sizeof(prefix), "%s/", dir);
    if (n <= 1 || (size_t)n >= sizeof(prefix))
        return;
    for (char *at; (at = strstr(message, prefix)) != NULL;)
        memmove(at, at + n, strlen(at + n) + 1);
}

/* 422 with every kept row error; "N rows have problems" counts the rows. */
static void answer_rows(struct pa_http_request *r, const struct pa_import_report *report)
{
    json_t *errors = json_array();
    long rows = 0, last_line = -1;
    for (int i = 0; errors && i < report->kept; i++) {
        const struct pa_row_error *e = &report->errors[i];
        rows += e->line != last_line;
        last_line = e->line;
        json_t *one = json_pack("{s:I, s:s?, s:s}", "line", (json_int_t)e->line, "column",
                                e->column[0] ? e->column : NULL, "message",
                                r->lang == PA_LANG_ZH && e->message_zh[0] ? e->message_zh
                                                                          : e->message);
        if (one && e->cell[0]) /* a workbook's row: where Excel shows it, Sheet1!H7 */
            json_object_set_new(one, "cell", json_string(e->cell));
        json_array_append_new(errors, one);
    }
    char message[200];
    if (report->nerrors > report->kept)
        pa_msg_format(message, sizeof(message), r->lang,
                      "%ld problems were found; the first %d are listed", report->nerrors,
                      report->kept);
    else if (rows == 1)
        pa_msg_format(message, sizeof(message), r->lang, "%ld row has problems", rows);
    else
        pa_msg_format(message, sizeof(message), r->lang, "%ld rows have problems", rows);
    json_t *error = json_pack("{s:s, s:s, s:n, s:o}", "code", "invalid", "message", message,
                              "field", "errors", errors);
    pa_http_json(r, 422, json_pack("{s:o}", "error", error));
}

/* The counts; how the file was read when that is worth saying (the note of a
 * detected GB18030 CSV) and which sheet of a workbook. */
static json_t *import_result(struct pa_http_request *r, const struct import_job *job,
                             const struct pa_import_report *report)
{
    json_t *res = json_pack("{s:I, s:I, s:I, s:I, s:I}", "rows", (json_int_t)report->rows,
                            "created", (json_int_t)report->created, "updated",
                            (json_int_t)report->updated, "unchanged", (json_int_t)report->skipped,
                            "bytes", (json_int_t)job->len);
    if (res && report->note[0])
        json_object_set_new(res, "note", json_string(r->lang == PA_LANG_ZH ? report->note_zh
                                                                           : report->note));
    if (res && report->xlsx)
        json_object_set_new(res, "sheet", json_string(report->sheet));
    return res;
}

static int run_import(struct pa_db *db, struct pa_http_request *r, void *ctx, struct pa_error *err)
{
    const struct import_job *job = ctx;
    const char *media = pa_db_media_dir(db);
    if (media == NULL || media[0] == '\0')
        return pa_error_set(err, PA_EINTERNAL, "this database has no media folder");
    struct pa_import_options opts = {
        .encoding = job->encoding, .base_dir = media, .sheet = job->sheet, .xlsx = job->xlsx};
    struct pa_import_report report;
    int rc = pa_import(db, job->kind, job->data, job->len, &opts, &report, err);
    for (int i = 0; i < report.kept; i++) {
        strip_dir(report.errors[i].message, media);
        strip_dir(report.errors[i].message_zh, media);
    }
    strip_dir(err->message, media);
    strip_dir(err->message_zh, media);
    if (rc == PA_EINVAL && report.nerrors > 0)
        answer_rows(r, &report);
    else if (rc == PA_EINVAL && strcmp(err->field, "encoding") == 0) /* the kind is known */
        pa_http_error(r, 400, "malformed", "encoding", "%s", pa_error_text(err, r->lang));
    else if (rc == 0)
        pa_http_json(r, 200, import_result(r, job, &report));
    pa_import_report_release(&report);
    return rc;
}

/* The uploaded file, mapped from its temporary file (dispatch.c spooled it
 * there), so a large import never sits in the heap. */
static const char *map_upload(struct pa_http_request *r, void **map)
{
    *map = NULL;
    if (r->upload == NULL || r->body_len == 0)
        return "";
    if (fflush(r->upload) != 0)
        return NULL;
    *map = mmap(NULL, r->body_len, PROT_READ, MAP_PRIVATE, fileno(r->upload), 0);
    return *map == MAP_FAILED ? NULL : *map;
}

void pa_h_import(struct pa_http_request *r)
{
    const char *kind = r->params[0];
    if (strcmp(kind, pa_region_kind.name) == 0) {
        pa_http_error(r, 422, "invalid", NULL, "regions are built in and cannot be imported");
        return;
    }
    if (!kind_exists(r, kind, false))
        return;
    PA_ASSERT(r->route->body == PA_BODY_UPLOAD && (int64_t)r->body_len <= r->body_max);
    void *map;
    const char *data = map_upload(r, &map);
    if (data == NULL) {
        pa_http_error(r, 503, "busy", NULL, "the uploaded file cannot be read back");
        return;
    }
    /* an empty body is an empty file, which the importer explains */
    const char *type = pa_http_header(r, "Content-Type");
    struct import_job job = {kind, data, r->body_len, pa_http_query(r, "encoding"),
                             pa_http_query(r, "sheet"),
                             type && strncasecmp(type, XLSX_TYPE, strlen(XLSX_TYPE)) == 0};
    pa_http_write(r, run_import, &job, true);
    if (map && map != MAP_FAILED)
        munmap(map, r->body_len);
}

/* ---- export ------------------------------------------------------------------------------ */

/* One export: a kind in a format, or the IATI file (the pairing its option). */
struct export_job {
    struct pa_db *db;
    const char *kind;
    enum pa_format format;
    struct pa_export_options opts;
};

static int write_export(const char *path, FILE *out, void *ctx, struct pa_error *err)
{
    const struct export_job *x = ctx;
    return path ? pa_export_file(x->db, x->kind, x->format, &x->opts, path, err)
                : pa_export_with(x->db, x->kind, x->format, &x->opts, out, err);
}

/* The file's name and media type: the kind's own (safe in a header, checked
 * as one of ours), the IATI activity file's. */
static void describe_export(struct pa_http_request *r, const struct export_job *x,
                            const char **type)
{
    static const char *const ext[] = {"csv", "json", "xlsx"};
    /* the long name in parentheses: one string, not two (clang's -Wstring-concatenation) */
    static const char *const types[] = {"text/csv; charset=utf-8", "application/json",
                                        ("application/vnd.openxmlformats-officedocument."
                                         "spreadsheetml.sheet")};
    static_assert(PA_FORMAT_CSV == 0 && PA_FORMAT_JSON == 1 && PA_FORMAT_XLSX == 2, "by format");
    if (strcmp(x->kind, "iati") == 0) {
        snprintf(r->disposition, sizeof(r->disposition),
                 "attachment; filename=\"iati-activities.xml\"");
        *type = "application/xml";
        return;
    }
    snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"%s.%s\"", x->kind,
             ext[x->format]);
    *type = types[x->format];
}

/* GET /api/v1/export/{kind}?format=csv|json|xlsx, and /export/iati?pairing=. */
void pa_h_export(struct pa_http_request *r)
{
    const char *kind = r->params[0], *format_name = pa_http_query(r, "format");
    bool iati = strcmp(kind, "iati") == 0;
    struct export_job job = {.kind = kind, .format = PA_FORMAT_CSV};
    struct pa_error err;
    pa_error_clear(&err);
    if (!iati && format_name && pa_format_parse(format_name, &job.format, &err) != 0) {
        pa_http_error(r, 400, "malformed", "format", "format must be csv, json or xlsx");
        return;
    }
    /* an XLSX is for people, as `pairaid export KIND --format xlsx` writes it */
    job.opts.headers = job.format == PA_FORMAT_XLSX ? PA_LANG_ZH : PA_LANG_EN;
    job.opts.pairing = iati ? pa_http_query(r, "pairing") : NULL;
    if ((!iati && !kind_exists(r, kind, true)) || (job.db = pa_http_reader(r)) == NULL)
        return;
    char *data;
    size_t len;
    if (pa_http_file_bytes(job.format == PA_FORMAT_XLSX, write_export, &job, &data, &len, &err) !=
        0) {
        pa_http_fail(r, &err);
        return;
    }
    const char *type;
    describe_export(r, &job, &type);
    pa_http_bytes(r, 200, type, data, len);
}

/* ---- templates ---------------------------------------------------------------------------- */

struct template_job {
    const char *kind;
    const struct pa_sheet_options *opts;
};

static int write_template(const char *path, FILE *out, void *ctx, struct pa_error *err)
{
    const struct template_job *t = ctx;
    return path ? pa_template_file(t->kind, t->opts, path, err)
                : pa_template_write(t->kind, t->opts, out, err);
}

/* GET /api/v1/templates/{kind}?format=xlsx|csv&headers=&bom=: `pairaid
 * template`, a file to start an import from; XLSX unless asked otherwise. */
void pa_h_template(struct pa_http_request *r)
{
    const char *kind = r->params[0];
    bool file;
    struct pa_sheet_options opts;
    /* no JSON of a template: the spreadsheet people fill in */
    if (!kind_exists(r, kind, false) || pa_http_file_format(r, "xlsx", &file, &opts) != 0)
        return;
    opts.codes_beside = true;
    struct pa_error err;
    pa_error_clear(&err);
    char *data;
    size_t len;
    struct template_job job = {kind, &opts};
    if (pa_http_file_bytes(opts.format == PA_SHEET_XLSX, write_template, &job, &data, &len,
                           &err) != 0) {
        pa_http_fail(r, &err);
        return;
    }
    char ascii[128], utf8[128];
    pa_template_filename(kind, &opts, PA_LANG_EN, ascii, sizeof(ascii));
    pa_template_filename(kind, &opts, opts.headers, utf8, sizeof(utf8));
    pa_http_disposition(r, ascii, utf8);
    pa_http_bytes(r, 200, pa_sheet_media_type(opts.format), data, len);
}
