/*
 * error.c - error codes, their names and the message kept on struct pa_error.
 * The library never prints: it explains failures here and lets the front end
 * decide how to show them.  Each message is formatted in English and in
 * Chinese when it is set (i18n.c), so that the front end need only choose.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairaid/core.h"

const char *pa_strerror(int code)
{
    switch (code) {
#define PA_ERRNO_TEXT(name, value, text)                                                           \
    case value:                                                                                    \
        return text;
        PA_ERRNO_MAP(PA_ERRNO_TEXT)
#undef PA_ERRNO_TEXT
    }
    return "unknown error";
}

const char *pa_strerror_lang(int code, enum pa_lang lang)
{
    const char *en = pa_strerror(code);
    const char *zh = lang == PA_LANG_ZH ? pa_msg_zh(en) : NULL;
    return zh ? zh : en;
}

const char *pa_errname(int code)
{
    switch (code) {
#define PA_ERRNO_NAME(name, value, text)                                                           \
    case value:                                                                                    \
        return #name;
        PA_ERRNO_MAP(PA_ERRNO_NAME)
#undef PA_ERRNO_NAME
    }
    return "EUNKNOWN";
}

void pa_error_clear(struct pa_error *err)
{
    if (err == NULL)
        return;
    err->code = 0;
    err->field[0] = '\0';
    err->message[0] = '\0';
    err->message_zh[0] = '\0';
}

const char *pa_error_text(const struct pa_error *err, enum pa_lang lang)
{
    const char *text = lang == PA_LANG_ZH && err->message_zh[0] ? err->message_zh : err->message;
    return text[0] ? text : pa_strerror_lang(err->code, lang);
}

/* A non-empty string ending within its array. */
static bool holds_text(const char *s, size_t size)
{
    return s[0] != '\0' && memchr(s, '\0', size) != NULL;
}

static int error_vset(struct pa_error *err, int code, const char *field, const char *fmt,
                      va_list ap)
{
    PA_ASSERT(code < 0);
    if (err == NULL)
        return code;
    /* Formatted apart first: callers may pass err->message or err->field as an
     * argument ("%s: more context"), which must not overlap the output. */
    char message[sizeof(err->message)], zh[sizeof(err->message_zh)], name[sizeof(err->field)];
    snprintf(name, sizeof(name), "%s", field ? field : "");
    va_list again;
    va_copy(again, ap);
    vsnprintf(message, sizeof(message), fmt, ap);
    /* An earlier message of err embedded in this one is found by its text
     * (pa_msg_twin).  Only one really embedded counts: err may be a struct
     * nobody cleared, whose stale bytes must never become a twin. */
    if (holds_text(err->message, sizeof(err->message)) &&
        holds_text(err->message_zh, sizeof(err->message_zh)) && strstr(message, err->message))
        pa_msg_twin(err->message, err->message_zh);
    pa_msg_vformat(zh, sizeof(zh), PA_LANG_ZH, fmt, again);
    va_end(again);
    err->code = code;
    memcpy(err->field, name, sizeof(name));
    memcpy(err->message, message, sizeof(message));
    memcpy(err->message_zh, zh, sizeof(zh));
    pa_msg_twin(err->message, err->message_zh);
    return code;
}

int pa_error_set(struct pa_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, code, NULL, fmt, ap);
    va_end(ap);
    return code;
}

int pa_error_setf(struct pa_error *err, int code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, code, field, fmt, ap);
    va_end(ap);
    return code;
}

_Noreturn void pa_assert_fail(const char *what, const char *file, int line)
{
    /* The one place the library writes to stderr: a broken invariant means the
     * books can no longer be trusted, so stop before anything is committed. */
    fprintf(stderr, "pairaid: assertion failed: %s (%s:%d)\n", what, file, line);
    abort();
}
