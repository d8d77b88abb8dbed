/*
 * assess.h - the province's yearly assessment (考核) of its pairings: a
 * scheme (an INI file of indicators, bonus, penalty and tiers) scored against
 * metrics computed from the books, each score with the inputs it came from;
 * the ranking in tiers, published as an event so the signed checkpoints cover
 * it.  docs/assessment.md has the scheme format and every metric.
 */
#ifndef PAIRAID_ASSESS_H
#define PAIRAID_ASSESS_H

#include "pairaid/audit.h"

/* Registers the assessment's kinds and event types; pa_open() does this. */
void pa_assess_init(void);

#define PA_SCHEME_INDICATORS 48
#define PA_SCHEME_TIERS 8

struct pa_indicator {
    char id[64];     /* the section name */
    char name[128];  /* Chinese, for reports */
    char area[64];   /* organisation, funds, ... */
    char metric[64]; /* a metric of pa_metrics, or "manual" */
    int64_t weight;  /* hundredths of a point */
    int64_t target;  /* hundredths, in the metric's unit */
    int64_t cap;     /* hundredths: 120 means actual may count up to 1.2 x target */
    char deadline[6]; /* MM-DD for metrics measured by a day of the year; "" for none */
};

struct pa_tier {
    char name[64];
    int64_t min_total;      /* hundredths of a point */
    int64_t max_share;      /* hundredths of a percent of the pairs; 0: no limit */
    bool no_open_errors;    /* only pairs without an open error finding */
};

struct pa_scheme {
    int version; /* 0: the built-in default */
    char name[128];
    int nindicators, ntiers;
    struct pa_indicator indicators[PA_SCHEME_INDICATORS];
    struct pa_tier tiers[PA_SCHEME_TIERS]; /* in order: tier 1, 2, ... */
    int64_t cap;                /* the indicators' cap unless they set their own */
    int64_t bonus_max;          /* hundredths of a point */
    int64_t penalty_per_error;  /* hundredths of a point per open error finding */
    char tie_break[64];         /* a metric; ties in total go to the larger value */
};

struct pa_metric {
    const char *name, *zh, *unit;
    const char *sql; /* :pairing, :year, :deadline -> actual (hundredths), inputs */
};
extern const struct pa_metric pa_metrics[];
const struct pa_metric *pa_metric_find(const char *name);

/* Parses and validates a scheme: known sections and keys, every indicator with
 * area, weight, metric (known, or manual) and target, weights adding up to 100,
 * tiers numbered 1, 2, ... with falling thresholds.  PA_EINVAL with *line set. */
int pa_scheme_parse(const char *text, struct pa_scheme *s, int *line, struct pa_error *err);
/* The built-in default scheme (domain/assessment.md), as INI text (static). */
const char *pa_scheme_default_text(void);
/* Records a scheme version (assessors and admins); it is used from then on. */
int pa_scheme_add(struct pa_db *db, const char *text, int *version, struct pa_error *err);
/* The scheme in use: the latest version recorded, else the default. */
int pa_scheme_current(struct pa_db *db, struct pa_scheme *s, char **text, struct pa_error *err);

struct pa_assess_outcome {
    int pairings;
    int64_t seq; /* the assess.run event */
};

/* Scores every city-level pairing for `year` with `scheme_text` (NULL: the
 * scheme in use) and records the result as an assess.run event.  Assessors,
 * admins and the local operator.  pa_assess_compute + pa_assess_publish. */
int pa_assess_run(struct pa_db *db, int year, const char *scheme_text,
                  struct pa_assess_outcome *out, struct pa_error *err);

/* Scores and ranks as pa_assess_run does, recording nothing (a preview, or two
 * schemes compared).  *out, the caller's, is what assess.run would carry:
 * {"year","scheme","name","text","results":[...]}, numbers in hundredths.
 * Reads one snapshot of the books: the caller's transaction, else a read
 * transaction of its own.  Assessors, admins and the local operator. */
int pa_assess_compute(struct pa_db *db, int year, const char *scheme_text, json_t **out,
                      struct pa_error *err);
/* Records a result of pa_assess_compute (borrowed) as an assess.run event;
 * inside a transaction, by an assessor, an admin or the local operator. */
int pa_assess_publish(struct pa_db *db, json_t *result, int64_t *seq, struct pa_error *err);
/* A computed result in the shapes pa_assess_ranking and pa_assess_scores give
 * a published one (the same fields, numbers as "12.34", in tier and rank
 * order), so a preview reads exactly as its publication would.  Both the
 * caller's. */
int pa_assess_result_view(const json_t *result, json_t **ranking, json_t **scores,
                          struct pa_error *err);

/* The latest published result for a year: scores (one object per pairing and
 * indicator, with inputs) and the ranking.  PA_ENOTFOUND if none. */
int pa_assess_scores(struct pa_db *db, int year, const char *pairing, json_t **out,
                     struct pa_error *err);
int pa_assess_ranking(struct pa_db *db, int year, json_t **out, struct pa_error *err);
/* Each pairing's points by area in the latest result of a year:
 * [{"pairing","area","weight","score"}], areas in the scheme's order. */
int pa_assess_areas(struct pa_db *db, int year, json_t **out, struct pa_error *err);
/* Every published run, newest first: [{"seq","year","scheme","name","actor",
 * "published"}] (`published`: the day of the event, Beijing time). */
int pa_assess_runs(struct pa_db *db, json_t **out, struct pa_error *err);
/* Every scheme version, newest first: [{"version","name","text","actor"}]. */
int pa_scheme_list(struct pa_db *db, json_t **out, struct pa_error *err);

#endif
