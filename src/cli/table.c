/*
 * table.c - aligned text tables for terminals.  Chinese characters take two
 * columns on a terminal, so widths are counted in display columns, not bytes
 * or code points.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Display width: East Asian wide characters (U+1100 and up, roughly) count two. */
int pa_cli_width(const char *s)
{
    int width = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        width += *p >= 0xE1 ? 2 : 1; /* lead bytes of U+1000 and above */
    }
    return width;
}

void pa_table_init(struct pa_table *t, int ncols, const char *const *headers,
                   const bool *right_aligned)
{
    PA_ASSERT(ncols > 0 && ncols <= PA_TABLE_MAX_COLS);
    memset(t, 0, sizeof(*t));
    t->ncols = ncols;
    for (int i = 0; i < ncols; i++) {
        t->headers[i] = headers[i];
        t->right[i] = right_aligned ? right_aligned[i] : false;
    }
}

int pa_table_add(struct pa_table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        int cap = t->cap ? t->cap * 2 : 32;
        char **grown = realloc(t->cells, (size_t)cap * (size_t)t->ncols * sizeof(char *));
        if (grown == NULL)
            return PA_ENOMEM;
        t->cells = grown;
        t->cap = cap;
    }
    for (int i = 0; i < t->ncols; i++) {
        char *copy = strdup(cells[i] ? cells[i] : "");
        if (copy == NULL)
            return PA_ENOMEM;
        t->cells[t->nrows * t->ncols + i] = copy;
    }
    t->nrows++;
    return 0;
}

static void print_cell(FILE *out, const char *s, int width, bool right, bool last)
{
    int pad = width - pa_cli_width(s);
    if (right)
        fprintf(out, "%*s%s", pad, "", s);
    else
        fprintf(out, "%s%*s", s, last ? 0 : pad, "");
    fputs(last ? "\n" : "  ", out);
}

void pa_table_print(const struct pa_table *t, FILE *out)
{
    int width[PA_TABLE_MAX_COLS];
    for (int c = 0; c < t->ncols; c++) {
        width[c] = pa_cli_width(t->headers[c]);
        for (int r = 0; r < t->nrows; r++) {
            int w = pa_cli_width(t->cells[r * t->ncols + c]);
            width[c] = w > width[c] ? w : width[c];
        }
    }
    for (int c = 0; c < t->ncols; c++)
        print_cell(out, t->headers[c], width[c], t->right[c], c == t->ncols - 1);
    for (int r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++)
            print_cell(out, t->cells[r * t->ncols + c], width[c], t->right[c], c == t->ncols - 1);
}

void pa_table_release(struct pa_table *t)
{
    for (int i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof(*t));
}
