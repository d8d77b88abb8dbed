/*
 * io_int.h - what export.c shares with export_sheet.c: finding a kind to
 * export and preparing its rows in the principal's scope.
 */
#ifndef PAIRAID_IO_INT_H
#define PAIRAID_IO_INT_H

#include "pairaid/io.h"
#include "pairaid/sheet.h"

/* The kind called kind_name, regions included; PA_EINVAL naming the kinds if none. */
int pa_export_kind(const char *kind_name, const struct pa_kind **kind, struct pa_error *err);
/* The export statement of kind over what the principal reads; *extras says
 * whether some record uses a PA_COL_EXTRA column (those are left out if none). */
int pa_export_prepare(struct pa_db *db, const struct pa_kind *kind, bool *extras,
                      sqlite3_stmt **stmt, struct pa_error *err);

/* How a column's values show in a sheet (export_sheet.c): its cell type, and
 * one value as a cell, labels in lang; buf backs a set's joined labels. */
enum pa_cell_type pa_export_cell_type(const struct pa_column *col);
struct pa_cell pa_export_cell(const struct pa_column *col, const struct pa_value *v,
                              enum pa_lang lang, char *buf, size_t size);
/* The label of an enum column's code (len bytes) in lang; NULL if not a value. */
const char *pa_export_enum_label(const struct pa_column *col, const char *code, size_t len,
                                 enum pa_lang lang);

#endif
