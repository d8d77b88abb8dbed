/*
 * files.c - small text files the commands read whole (measures, schemes), and
 * how their errors are shown: `pairaid: FILE:LINE: column KEY: message`.
 */
#include <stdlib.h>
#include <string.h>

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
