/*
 * scheme.c - assessment schemes: INI files of indicators, bonus, penalty and
 * tiers (docs/assessment.md), validated on load so that a ranking is never
 * computed from a scheme that does not add up; and their versions, recorded
 * as events by the assessors who manage them.
 */
#include <stdlib.h>
#include <string.h>

#include "assess_int.h"

extern const struct pa_blob pa_assess_files[];

const char *pa_scheme_default_text(void)
{
    for (int i = 0; pa_assess_files[i].name; i++)
        if (strcmp(pa_assess_files[i].name, "default-scheme.ini") == 0)
            return (const char *)pa_assess_files[i].data;
    pa_assert_fail("the default scheme is built in", __FILE__, __LINE__);
}

/* ---- parsing ---------------------------------------------------------------------- */

struct parse {
    struct pa_scheme *s;
    int lines[PA_SCHEME_INDICATORS + PA_SCHEME_TIERS + 1]; /* of each section's header */
    int last_line;
    bool tier_seen[PA_SCHEME_TIERS];
    bool has[PA_SCHEME_INDICATORS][4]; /* area, weight, metric, target given */
};

/* A number >= 0 with at most two decimals, in hundredths. */
static int hundredths(const char *value, int64_t *out)
{
    return pa_money_parse(value, out, NULL) == 0 && *out >= 0 ? 0 : -1;
}

static int bad_value(struct pa_error *err, const char *key, const char *value, const char *what)
{
    return pa_error_setf(err, PA_EINVAL, key, "'%s' is not %s", value, what);
}

static int tier_number(const char *section)
{
    if (strncmp(section, "tier.", 5) != 0)
        return 0;
    char *end;
    long n = strtol(section + 5, &end, 10);
    return *end == '\0' && section[5] >= '1' && section[5] <= '9' && n >= 1 &&
                   n <= PA_SCHEME_TIERS
               ? (int)n
               : -1;
}

static struct pa_indicator *indicator(struct pa_scheme *s, const char *id)
{
    for (int i = 0; i < s->nindicators; i++)
        if (strcmp(s->indicators[i].id, id) == 0)
            return &s->indicators[i];
    return NULL;
}

static int on_section(void *ctx, const char *section, int line, struct pa_error *err)
{
    struct parse *p = ctx;
    struct pa_scheme *s = p->s;
    p->last_line = line;
    int tier = tier_number(section);
    if (strcmp(section, "scheme") == 0)
        return 0;
    if (tier < 0 || (tier == 0 && strncmp(section, "tier", 4) == 0))
        return pa_error_setf(err, PA_EINVAL, section,
                             "[%s] is not a tier: tiers are [tier.1] to [tier.%d]", section,
                             PA_SCHEME_TIERS);
    if (tier > 0) {
        p->lines[PA_SCHEME_INDICATORS + tier - 1] = line;
        p->tier_seen[tier - 1] = true;
        if (tier > s->ntiers)
            s->ntiers = tier;
        return 0;
    }
    if (pa_code_check(section, NULL) != 0 || strlen(section) >= sizeof(s->indicators[0].id))
        return pa_error_setf(err, PA_EINVAL, section, "[%s] is not an indicator code", section);
    if (strcmp(section, "bonus") == 0) /* the manual score of that name is the bonus */
        return pa_error_setf(err, PA_EINVAL, section,
                             "[bonus] is not an indicator: the manual score 'bonus' is the bonus "
                             "of [scheme] bonus_max");
    if (s->nindicators == PA_SCHEME_INDICATORS)
        return pa_error_setf(err, PA_EINVAL, section, "a scheme has at most %d indicators",
                             PA_SCHEME_INDICATORS);
    struct pa_indicator *ind = &s->indicators[s->nindicators];
    p->lines[s->nindicators++] = line;
    snprintf(ind->id, sizeof(ind->id), "%s", section);
    snprintf(ind->name, sizeof(ind->name), "%s", section);
    ind->cap = -1; /* the scheme's cap, once known */
    return 0;
}

static int scheme_key(struct pa_scheme *s, const char *key, const char *value,
                      struct pa_error *err)
{
    if (strcmp(key, "name") == 0)
        return pa_text_check(value, strlen(value), 100, 0, err) == 0
                   ? (snprintf(s->name, sizeof(s->name), "%s", value), 0)
                   : pa_error_setf(err, PA_EINVAL, key, "a name is one line of 100 characters");
    if (strcmp(key, "tie_break") == 0) {
        if (pa_metric_find(value) == NULL)
            return pa_error_setf(err, PA_EINVAL, key, "unknown metric '%s'", value);
        snprintf(s->tie_break, sizeof(s->tie_break), "%s", value);
        return 0;
    }
    int64_t *target = strcmp(key, "bonus_max") == 0           ? &s->bonus_max
                      : strcmp(key, "penalty_per_error") == 0 ? &s->penalty_per_error
                      : strcmp(key, "cap") == 0               ? &s->cap
                                                              : NULL;
    if (target == NULL)
        return pa_error_setf(err, PA_EINVAL, key,
                             "unknown key '%s' in [scheme] (name, cap, tie_break, bonus_max, "
                             "penalty_per_error)",
                             key);
    int64_t v;
    if (hundredths(value, &v) != 0 || (strcmp(key, "cap") == 0 && v < 100))
        return bad_value(err, key, value,
                         strcmp(key, "cap") == 0 ? "a cap of at least 1" : "a number >= 0");
    *target = v;
    return 0;
}

static int tier_key(struct pa_tier *t, const char *key, const char *value, struct pa_error *err)
{
    if (strcmp(key, "name") == 0) {
        if (pa_text_check(value, strlen(value), 30, 0, err) != 0)
            return pa_error_setf(err, PA_EINVAL, key, "a tier's name is one line of 30 characters");
        snprintf(t->name, sizeof(t->name), "%s", value);
        return 0;
    }
    if (strcmp(key, "no_open_errors") == 0) {
        bool yes = strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 ||
                   strcmp(value, "1") == 0 || strcmp(value, "是") == 0;
        bool no = strcmp(value, "false") == 0 || strcmp(value, "no") == 0 ||
                  strcmp(value, "0") == 0 || strcmp(value, "否") == 0;
        if (!yes && !no)
            return bad_value(err, key, value, "true or false");
        t->no_open_errors = yes;
        return 0;
    }
    int64_t *target = strcmp(key, "min_total") == 0   ? &t->min_total
                      : strcmp(key, "max_share") == 0 ? &t->max_share
                                                      : NULL;
    if (target == NULL)
        return pa_error_setf(err, PA_EINVAL, key,
                             "unknown key '%s' in a tier (name, min_total, max_share, "
                             "no_open_errors)",
                             key);
    if (hundredths(value, target) != 0 || *target > 10000)
        return bad_value(err, key, value, "a number from 0 to 100");
    return 0;
}

static int indicator_key(struct parse *p, struct pa_indicator *ind, const char *key,
                         const char *value, struct pa_error *err)
{
    bool *has = p->has[ind - p->s->indicators];
    if (strcmp(key, "name") == 0) {
        if (pa_text_check(value, strlen(value), 40, 0, err) != 0)
            return pa_error_setf(err, PA_EINVAL, key, "a name is one line of 40 characters");
        snprintf(ind->name, sizeof(ind->name), "%s", value);
    } else if (strcmp(key, "area") == 0) {
        if (pa_code_check(value, NULL) != 0 || strlen(value) >= sizeof(ind->area))
            return bad_value(err, key, value, "an area code (organisation, funds, ...)");
        snprintf(ind->area, sizeof(ind->area), "%s", value);
        has[0] = true;
    } else if (strcmp(key, "metric") == 0) {
        if (strcmp(value, "manual") != 0 && pa_metric_find(value) == NULL)
            return pa_error_setf(err, PA_EINVAL, key,
                                 "unknown metric '%s' (docs/assessment.md lists them; or manual)",
                                 value);
        snprintf(ind->metric, sizeof(ind->metric), "%s", value);
        has[2] = true;
    } else if (strcmp(key, "weight") == 0 || strcmp(key, "target") == 0 ||
               strcmp(key, "cap") == 0) {
        int64_t v;
        bool weight = key[0] == 'w', cap = key[0] == 'c';
        if (hundredths(value, &v) != 0 || (v == 0 && !cap) || (cap && v < 100))
            return bad_value(err, key, value,
                             cap ? "a cap of at least 1" : "a number above 0 with two decimals");
        *(weight ? &ind->weight : cap ? &ind->cap : &ind->target) = v;
        has[weight ? 1 : 3] |= !cap;
    } else if (strcmp(key, "deadline") == 0) {
        char date[16];
        snprintf(date, sizeof(date), "2024-%s", value);
        if (strlen(value) != 5 || pa_date_parse(date, NULL, NULL) != 0)
            return bad_value(err, key, value, "a day of the year, MM-DD");
        snprintf(ind->deadline, sizeof(ind->deadline), "%s", value);
    } else {
        return pa_error_setf(err, PA_EINVAL, key,
                             "unknown key '%s' in [%s] (area, name, weight, metric, target, "
                             "cap, deadline)",
                             key, ind->id);
    }
    return 0;
}

static int on_key(void *ctx, const char *section, const char *key, const char *value,
                  struct pa_error *err)
{
    struct parse *p = ctx;
    int tier = tier_number(section);
    if (strcmp(section, "scheme") == 0)
        return scheme_key(p->s, key, value, err);
    if (tier > 0)
        return tier_key(&p->s->tiers[tier - 1], key, value, err);
    struct pa_indicator *ind = indicator(p->s, section);
    if (ind == NULL) /* a header the line scan read differently from inih */
        return pa_error_setf(err, PA_EINVAL, section, "[%s] is not a section of this file",
                             section);
    return indicator_key(p, ind, key, value, err);
}

/* What only the whole file can show; *line is the header of the section at fault. */
static int check_whole(struct parse *p, int *line, struct pa_error *err)
{
    static const char *const required[] = {"area", "weight", "metric", "target"};
    struct pa_scheme *s = p->s;
    int64_t sum = 0;
    for (int i = 0; i < s->nindicators; i++) {
        for (int k = 0; k < 4; k++)
            if (!p->has[i][k]) {
                *line = p->lines[i];
                return pa_error_setf(err, PA_EINVAL, required[k], "line %d: [%s] has no %s",
                                     *line, s->indicators[i].id, required[k]);
            }
        sum += s->indicators[i].weight;
    }
    if (s->nindicators == 0) {
        *line = p->last_line ? p->last_line : 1;
        return pa_error_setf(err, PA_EINVAL, "weight", "line %d: the scheme has no indicator",
                             *line);
    }
    if (sum != 10000) {
        *line = p->lines[s->nindicators - 1];
        return pa_error_setf(err, PA_EINVAL, "weight",
                             "line %d: the weights add up to %lld.%02lld, not 100", *line,
                             (long long)(sum / 100), (long long)(sum % 100));
    }
    for (int t = 0; t < s->ntiers; t++) {
        int at = p->lines[PA_SCHEME_INDICATORS + t];
        if (!p->tier_seen[t]) {
            *line = p->lines[PA_SCHEME_INDICATORS + s->ntiers - 1];
            return pa_error_setf(err, PA_EINVAL, "tier", "line %d: [tier.%d] is missing",
                                 *line, t + 1);
        }
        if (t > 0 && s->tiers[t].min_total >= s->tiers[t - 1].min_total) {
            *line = at;
            return pa_error_setf(err, PA_EINVAL, "min_total",
                                 "line %d: tier %d's min_total must be below tier %d's", at,
                                 t + 1, t);
        }
        if (s->tiers[t].name[0] == '\0')
            snprintf(s->tiers[t].name, sizeof(s->tiers[t].name), "第%d等次", t + 1);
    }
    if (s->ntiers == 0) {
        *line = p->last_line;
        return pa_error_setf(err, PA_EINVAL, "tier", "line %d: the scheme has no [tier.1]",
                             *line);
    }
    if (s->tiers[s->ntiers - 1].min_total != 0) {
        *line = p->lines[PA_SCHEME_INDICATORS + s->ntiers - 1];
        return pa_error_setf(err, PA_EINVAL, "min_total",
                             "line %d: the last tier takes every pair left: its min_total is 0",
                             *line);
    }
    return 0;
}

int pa_scheme_parse(const char *text, struct pa_scheme *s, int *line, struct pa_error *err)
{
    static const struct pa_ini_handler handler = {on_section, on_key};
    struct parse *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    memset(s, 0, sizeof(*s));
    snprintf(s->tie_break, sizeof(s->tie_break), "spent_share");
    s->cap = 120;
    p->s = s;
    int at = 0;
    int rc = pa_ini_parse(text, &handler, p, &at, err);
    if (rc == 0) {
        for (int i = 0; i < s->nindicators; i++)
            if (s->indicators[i].cap < 0)
                s->indicators[i].cap = s->cap;
        rc = check_whole(p, &at, err);
    }
    free(p);
    if (line)
        *line = rc != 0 ? at : 0;
    return rc;
}
