/*
 * reply.c - how handlers answer: JSON bodies, the one error shape of
 * docs/api.md, and library errors turned into the status they mean.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

static void set_reply(struct pa_http_request *r, unsigned status, const char *type, char *body,
                      size_t len)
{
    if (!r->reply_static)
        free(r->reply);
    r->status = status;
    r->content_type = type;
    r->reply = body;
    r->reply_len = len;
    r->reply_static = false;
}

void pa_http_bytes(struct pa_http_request *r, unsigned status, const char *content_type, char *body,
                   size_t len)
{
    set_reply(r, status, content_type, body, len);
}

void pa_http_static_bytes(struct pa_http_request *r, const char *content_type, const void *body,
                          size_t len)
{
    set_reply(r, 200, content_type, NULL, 0);
    r->reply = (char *)body;
    r->reply_len = len;
    r->reply_static = true;
}

void pa_http_json(struct pa_http_request *r, unsigned status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (text == NULL) {
        static const char oom[] =
            "{\"error\":{\"code\":\"busy\",\"message\":\"out of memory\",\"field\":null}}";
        pa_http_static_bytes(r, "application/json", oom, sizeof(oom) - 1);
        r->status = 503;
        return;
    }
    set_reply(r, status, "application/json", text, strlen(text));
}

void pa_http_error(struct pa_http_request *r, unsigned status, const char *code, const char *field,
                   const char *fmt, ...)
{
    char message[600];
    va_list ap;
    va_start(ap, fmt);
    pa_msg_vformat(message, sizeof(message), r->lang, fmt, ap);
    va_end(ap);
    json_t *error = json_pack("{s:s, s:s, s:s?}", "code", code, "message", message, "field",
                              field && field[0] ? field : NULL);
    if (error == NULL) {
        /* the message quotes the request (or cut it at a byte count), which need
         * not be valid UTF-8: show what is, and '?' for what is not */
        char named[96];
        snprintf(named, sizeof(named), "%s", field ? field : "");
        pa_utf8_scrub(message);
        pa_utf8_scrub(named);
        error = json_pack("{s:s, s:s, s:s?}", "code", code, "message", message, "field",
                          named[0] ? named : NULL);
    }
    pa_http_json(r, status, json_pack("{s:o}", "error", error));
}

void pa_http_fail(struct pa_http_request *r, const struct pa_error *err)
{
    unsigned status;
    const char *code;
    switch (err->code) {
    case PA_EINVAL:
    case PA_ERANGE:
        status = 422, code = "invalid";
        break;
    case PA_ENOTFOUND: /* a reference in the body is bad content; the path's own thing is 404 */
        status = err->field[0] ? 422 : 404, code = err->field[0] ? "invalid" : "not_found";
        break;
    case PA_EEXIST:
        status = 409, code = "conflict";
        break;
    case PA_EDENIED:
        status = 403, code = "forbidden";
        break;
    case PA_EUNAUTH:
        status = 401, code = "unauthenticated";
        break;
    case PA_EBUSY:
        status = 503, code = "busy";
        break;
    default:
        status = 500, code = "internal";
    }
    pa_http_error(r, status, code, err->field, "%s", pa_error_text(err, r->lang));
}

void pa_http_file_error(struct pa_http_request *r, int line, const struct pa_error *err)
{
    /* the INI reader may have named the line already; the key is named once */
    const char *rest = pa_msg_skip_line(pa_error_text(err, r->lang));
    char quoted[80], message[1200];
    snprintf(quoted, sizeof(quoted), r->lang == PA_LANG_ZH ? "“%s”" : "'%s'", err->field);
    bool named =
        err->field[0] == '\0' || strstr(rest, quoted) || strstr(rest, err->field) == rest;
    if (named)
        pa_msg_format(message, sizeof(message), r->lang, "line %d: %s", line, rest);
    else
        pa_msg_format(message, sizeof(message), r->lang, "line %d: key '%s': %s", line,
                      err->field, rest);
    json_t *error = json_pack("{s:s, s:s, s:s}", "code", "invalid", "message", message,
                              "field", err->field[0] ? err->field : "text");
    if (error == NULL) /* the message quotes the file, which need not be UTF-8 */
        pa_http_error(r, 422, "invalid", "text", "line %d: the text is not UTF-8", line);
    else
        pa_http_json(r, 422, json_pack("{s:o}", "error", error));
}

json_t *pa_http_money(int64_t fen)
{
    char buf[64];
    pa_money_format(fen, PA_YUAN, 0, buf, sizeof(buf));
    return json_string(buf);
}

json_t *pa_http_rate(int permille)
{
    if (permille < 0)
        return json_null();
    char buf[32];
    snprintf(buf, sizeof(buf), "%d.%d", permille / 10, permille % 10);
    return json_string(buf);
}
