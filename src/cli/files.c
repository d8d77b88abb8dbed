/*
 * files.c - small text files the commands read whole (measures, schemes, keys
 * to trust), how their errors are shown (`pairaid: FILE:LINE: column KEY:
 * message`), and removing a database file that a command failed to fill.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The whole file, NUL-terminated; NULL (message printed) if unreadable. */
char *pa_cli_read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        pa_cli_error("%s: cannot read the file", path);
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            char *grown = cap < (1u << 20) ? realloc(buf, cap * 2) : NULL;
            if (grown == NULL) {
                free(buf);
                buf = NULL;
                pa_cli_error("%s: measures are at most 1 MiB of text", path);
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    if (buf && strlen(buf) != len) {
        pa_cli_error("%s: not a text file (it holds a NUL byte)", path);
        free(buf);
        return NULL;
    }
    return buf;
}

int pa_cli_file_error(const char *path, int line, const struct pa_error *err)
{
    /* the library's message starts "line N: "; the prefix says it already */
    const char *message = pa_msg_skip_line(pa_error_text(err, pa_cli_error_lang()));
    fprintf(stderr, "pairaid: %s:%d: column %s: %s\n", path, line,
            err->field[0] ? err->field : "-", message);
    return PA_EXIT_INPUT;
}

/* One line of a key list: skipped if blank or a # comment, else a key. */
static int take_key_line(const char *line, const char *what, int lineno, struct pa_verifier *keys,
                         int max, int *n, struct pa_error *err)
{
    if (line[0] == '\0' || line[0] == '#')
        return 0;
    if (*n == max)
        return pa_error_set(err, PA_EINVAL, "%s: more than %d keys", what, max);
    if (pa_verifier_parse(line, &keys[*n], err) != 0)
        return pa_error_set(err, PA_EINVAL, "%s:%d: not a verifier key", what, lineno);
    (*n)++;
    return 0;
}

int pa_cli_parse_keys(const char *text, const char *what, struct pa_verifier *keys, int max, int *n,
                      struct pa_error *err)
{
    int rc = 0, lineno = 0;
    for (const char *p = text; rc == 0 && *p;) {
        size_t len = strcspn(p, "\r\n");
        char line[512];
        snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) - 1 ? len : sizeof(line) - 1), p);
        p += len;
        p += strspn(p, "\r\n");
        rc = take_key_line(line, what, ++lineno, keys, max, n, err);
    }
    return rc;
}

int pa_cli_read_keys(const char *path, struct pa_verifier *keys, int max, int *n,
                     struct pa_error *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return pa_error_set(err, errno == ENOENT ? PA_ENOTFOUND : PA_EIO, "cannot read '%s': %s",
                            path, strerror(errno));
    char line[512];
    int rc = 0, lineno = 0;
    while (rc == 0 && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        rc = take_key_line(line, path, ++lineno, keys, max, n, err);
    }
    fclose(f);
    return rc;
}

void pa_cli_remove_database(const char *path)
{
    pa_db_remove_files(path);
}
