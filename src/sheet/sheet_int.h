/*
 * sheet_int.h - what the sheet writer's two formats share: the open sheet,
 * its headings, and the format-specific hooks (sheet_csv.c, sheet_xlsx.c).
 */
#ifndef PAIRAID_SHEET_INT_H
#define PAIRAID_SHEET_INT_H

#include "pairaid/sheet.h"

struct sheet_xlsx; /* sheet_xlsx.c's own state */

struct pa_sheet {
    struct pa_sheet_options opts;
    bool has_title;
    struct pa_sheet_title title; /* name and org point into the copies below */
    char *title_name, *title_org, *unit_caption, *unit_text;
    struct pa_sheet_column *columns;
    int ncolumns;
    char **headings; /* one per column, in opts.headers' language */
    FILE *csv;       /* CSV: where rows go */
    bool own_csv;    /* CSV: opened by pa_sheet_open_file, closed by close */
    struct sheet_xlsx *xlsx;
};

/* The CSV writer: the heading line at open, one line per row. */
int sheet_csv_begin(struct pa_sheet *sheet, struct pa_error *err);
int sheet_csv_row(struct pa_sheet *sheet, const struct pa_cell *cells, struct pa_error *err);
int sheet_csv_end(struct pa_sheet *sheet, struct pa_error *err);

/* The XLSX writer (libxlsxwriter): the workbook at path. */
int sheet_xlsx_begin(struct pa_sheet *sheet, const char *path, struct pa_error *err);
int sheet_xlsx_row(struct pa_sheet *sheet, const struct pa_cell *cells, struct pa_error *err);
int sheet_xlsx_end(struct pa_sheet *sheet, struct pa_error *err);
void sheet_xlsx_abandon(struct pa_sheet *sheet);
void sheet_xlsx_choices(struct pa_sheet *sheet, int col, const char *const *labels);

/* The unit MONEY cells are written in: 元 for exports, the title's for reports. */
enum pa_money_unit sheet_money_unit(const struct pa_sheet *sheet);

#endif
