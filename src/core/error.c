/*
 * error.c - error codes, their names and the message kept on struct pa_error.
 * The library never prints: it explains failures here and lets the front end
 * decide how to show them.
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
}

static int error_vset(struct pa_error *err, int code, const char *field, const char *fmt,
                      va_list ap)
{
    PA_ASSERT(code < 0);
    if (err == NULL)
        return code;
    /* Formatted apart first: callers may pass err->message or err->field as an
     * argument ("%s: more context"), which must not overlap the output. */
    char message[sizeof(err->message)], name[sizeof(err->field)];
    snprintf(name, sizeof(name), "%s", field ? field : "");
    vsnprintf(message, sizeof(message), fmt, ap);
    err->code = code;
    memcpy(err->field, name, sizeof(name));
    memcpy(err->message, message, sizeof(message));
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
