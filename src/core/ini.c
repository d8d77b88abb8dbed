/*
 * ini.c - INI files (the audit's measures, the assessment's schemes) read with
 * libinih, plus what inih leaves to its caller: the line of the first
 * problem, sections that have no keys (inih never reports them), and a key
 * given twice in one section (inih would silently let the last one win).
 */
#include <ctype.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>

#include "pairaid/core.h"

struct parse {
    const struct pa_ini_handler *h;
    void *ctx;
    struct pa_error *err;
    int rc;
    char **seen; /* "section\nkey" of every key so far */
    size_t nseen, cap;
};

static int remember(struct parse *p, const char *section, const char *key)
{
    size_t len = strlen(section) + strlen(key) + 2;
    char *both = malloc(len);
    if (both == NULL)
        return -1;
    snprintf(both, len, "%s\n%s", section, key);
    for (size_t i = 0; i < p->nseen; i++)
        if (strcmp(p->seen[i], both) == 0) {
            free(both);
            return 1;
        }
    if (p->nseen == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 32;
        char **grown = realloc(p->seen, cap * sizeof(*grown));
        if (grown == NULL) {
            free(both);
            return -1;
        }
        p->seen = grown;
        p->cap = cap;
    }
    p->seen[p->nseen++] = both;
    return 0;
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
    struct parse *p = user;
    if (p->rc != 0) /* inih goes on after a refusal; the first one stands */
        return 0;
    int seen = remember(p, section, key);
    if (seen < 0)
        p->rc = pa_error_set(p->err, PA_ENOMEM, "out of memory");
    else if (seen > 0)
        p->rc = pa_error_setf(p->err, PA_EINVAL, key, "'%s' is given twice in [%s]", key,
                              section);
    else if (section[0] == '\0')
        p->rc = pa_error_setf(p->err, PA_EINVAL, key, "'%s' stands before any [section]", key);
    else
        p->rc = p->h->on_key(p->ctx, section, key, value, p->err);
    return p->rc == 0; /* 0 stops inih, which returns this line */
}

/* inih cuts section names at 49 bytes (its MAX_SECTION); a longer one would
 * reach the key handler under another name, so it is refused here.  It reads
 * a line longer than INI_MAX_LINE as several, which would put its line
 * numbers off: such lines are refused too. */
#define SECTION_MAX 50
#define LINE_MAX_BYTES 198 /* INI_MAX_LINE less the CR, LF and NUL it keeps room for */

/* inih does not report a section without keys, nor lines too long to count;
 * each line is checked here first. */
static int scan_sections(struct parse *p, const char *text, int *line)
{
    int n = 0;
    for (const char *at = text; *at; n++) {
        const char *eol = strchr(at, '\n');
        size_t len = eol ? (size_t)(eol - at) : strlen(at);
        if (len >= LINE_MAX_BYTES) {
            *line = n + 1;
            return pa_error_setf(p->err, PA_EINVAL, NULL, "a line has at most %d bytes",
                                 LINE_MAX_BYTES - 1);
        }
        const char *s = at;
        while (len > 0 && isspace((unsigned char)*s)) /* as inih's lskip */
            s++, len--;
        if (len > 0 && *s == '[') {
            const char *close = memchr(s, ']', len);
            char name[128];
            size_t nlen = close ? (size_t)(close - s - 1) : len - 1;
            snprintf(name, sizeof(name), "%.*s", (int)(nlen < 127 ? nlen : 127), s + 1);
            int rc = !close ? pa_error_setf(p->err, PA_EINVAL, name, "'[%s' is not closed", name)
                     : nlen >= SECTION_MAX
                         ? pa_error_setf(p->err, PA_EINVAL, name,
                                         "a section name has at most %d bytes", SECTION_MAX - 1)
                         : p->h->on_section ? p->h->on_section(p->ctx, name, n + 1, p->err)
                                            : 0;
            if (rc != 0) {
                *line = n + 1;
                return rc;
            }
        }
        at = eol ? eol + 1 : at + strlen(at); /* len was consumed by the skip above */
    }
    return 0;
}

int pa_ini_parse(const char *text, const struct pa_ini_handler *h, void *ctx, int *line,
                 struct pa_error *err)
{
    struct pa_error local;
    pa_error_clear(&local);
    struct parse p = {.h = h, .ctx = ctx, .err = &local};
    int at = 0, rc = scan_sections(&p, text, &at);
    if (rc == 0) {
        at = ini_parse_string(text, on_key, &p);
        if (at < 0)
            rc = pa_error_set(&local, PA_ENOMEM, "out of memory");
        else if (at > 0)
            rc = p.rc != 0 ? p.rc
                           : pa_error_setf(&local, PA_EINVAL, NULL,
                                           "not a [section] or a key = value line");
    }
    for (size_t i = 0; i < p.nseen; i++)
        free(p.seen[i]);
    free(p.seen);
    if (line)
        *line = rc != 0 && at > 0 ? at : 0;
    if (rc != 0 && at > 0)
        pa_error_setf(&local, rc, local.field, "line %d: %.480s", at, local.message);
    if (rc != 0 && err)
        *err = local;
    return rc;
}
