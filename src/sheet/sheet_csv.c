/*
 * sheet_csv.c - a sheet as CSV: the heading line, then one line per row, in
 * the forms pairaid's importer and programs read (yuan with two decimals,
 * YYYY-MM-DD, enum codes).  No title block: the first line stays the headings.
 */
#include <inttypes.h>
#include <string.h>

#include "pairaid/io.h"
#include "sheet_int.h"

int sheet_csv_begin(struct pa_sheet *sheet, struct pa_error *err)
{
    if (sheet->opts.bom)
        fputs("\xEF\xBB\xBF", sheet->csv);
    for (int i = 0; i < sheet->ncolumns; i++)
        pa_csv_field(sheet->csv, sheet->headings[i], 0, i == sheet->ncolumns - 1);
    return ferror(sheet->csv) ? pa_error_set(err, PA_EIO, "cannot write the CSV file") : 0;
}

/* The text of one cell; buf holds it when it is not the cell's own string. */
static const char *cell_text(const struct pa_cell *cell, char *buf, size_t size)
{
    switch (cell->type) {
    case PA_CELL_TEXT:
    case PA_CELL_CODE:
    case PA_CELL_ENUM:
        return cell->text;
    case PA_CELL_MONEY:
    case PA_CELL_DECIMAL:
        pa_money_format(cell->number, PA_YUAN, 0, buf, size);
        return buf;
    case PA_CELL_DATE: {
        char date[PA_DATE_LEN + 1];
        pa_date_format((int32_t)cell->number, date);
        snprintf(buf, size, "%s", date);
        return buf;
    }
    case PA_CELL_COUNT:
        snprintf(buf, size, "%" PRId64, cell->number);
        return buf;
    case PA_CELL_RATE:
        snprintf(buf, size, "%" PRId64 ".%" PRId64 "%%", cell->number / 10, cell->number % 10);
        return buf;
    case PA_CELL_EMPTY:
        break;
    }
    return "";
}

int sheet_csv_row(struct pa_sheet *sheet, const struct pa_cell *cells, struct pa_error *err)
{
    for (int i = 0; i < sheet->ncolumns; i++) {
        char buf[64];
        pa_csv_field(sheet->csv, cell_text(&cells[i], buf, sizeof(buf)),
                     cells[i].type == PA_CELL_TEXT ? PA_CSV_TEXT : 0, i == sheet->ncolumns - 1);
    }
    return ferror(sheet->csv) ? pa_error_set(err, PA_EIO, "cannot write the CSV file") : 0;
}

int sheet_csv_end(struct pa_sheet *sheet, struct pa_error *err)
{
    int rc = fflush(sheet->csv) != 0 || ferror(sheet->csv) ? PA_EIO : 0;
    if (sheet->own_csv && fclose(sheet->csv) != 0)
        rc = PA_EIO;
    sheet->csv = NULL;
    return rc ? pa_error_set(err, rc, "cannot write the CSV file") : 0;
}
