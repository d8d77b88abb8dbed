/*
 * report_int.h - what the report module's files share: the queries that fill
 * a report (rows.c) and the names of things in its cells and title (labels.c).
 */
#ifndef PAIRAID_REPORT_INT_H
#define PAIRAID_REPORT_INT_H

#include "pairaid/report.h"

/* The rows of a report read whole (every kind but the statement), as JSON
 * objects keyed by the report's fields: money as integer fen or as "12.34",
 * counts as integers.  *rows is the caller's. */
int pa_report__load(struct pa_db *db, const struct pa_report_query *q, json_t **rows,
                    struct pa_error *err);
/* The name of an account the principal reads; PA_ENOTFOUND for any other. */
int pa_report__account_name(struct pa_db *db, const char *code, char *name, size_t size,
                            struct pa_error *err);

/* The cell of column `field` (of `type`) in a row of pa_report__load; text
 * not in the row (a number made text, a label) goes to buf. */
struct pa_cell pa_report__cell(const struct pa_report_query *q, enum pa_lang lang,
                               const char *field, enum pa_cell_type type, json_t *row, char *buf,
                               size_t size);

/* The label of an enum's code in lang ("transfer_kind", "account_kind",
 * "severity", "finding_status", "area", "project_kind", "project_domain",
 * "rule", "metric"); the code itself when the set does not know it. */
const char *pa_report__label(const char *set, const char *code, enum pa_lang lang);
/* "按县区" / "by county". */
const char *pa_report__group_label(enum pa_budget_group group, enum pa_lang lang);
/* 制表单位: who made the report, as the app's printed reports name it. */
void pa_report__org(struct pa_db *db, enum pa_lang lang, char *buf, size_t size);

#endif
