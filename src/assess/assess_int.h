/*
 * assess_int.h - what the files of src/assess share.
 */
#ifndef PAIRAID_ASSESS_INT_H
#define PAIRAID_ASSESS_INT_H

#include "pairaid/assess.h"

/* Computes metric m for a city-level pairing and year; `deadline` (MM-DD or
 * NULL) ends the period of metrics measured by a day of the year. */
/* temp.assess_transfers, the year's posted transfers the money metrics read
 * (metrics.c): made once per run before the metrics, dropped after. */
int pa_assess__year_transfers(struct pa_db *db, int year, struct pa_error *err);
void pa_assess__year_transfers_drop(struct pa_db *db);
int pa_assess__metric(struct pa_db *db, const struct pa_metric *m, const char *pairing, int year,
                      const char *deadline, int64_t *actual, char *inputs, size_t size,
                      struct pa_error *err);

/* weight x min(actual / target, cap), in hundredths, rounded half up. */
int64_t pa_assess__score(int64_t weight, int64_t actual, int64_t target, int64_t cap);

int pa_assess__apply_run(struct pa_db *db, const struct pa_event *ev, struct pa_error *err);
int pa_assess__apply_scheme(struct pa_db *db, const struct pa_event *ev, struct pa_error *err);

#endif
