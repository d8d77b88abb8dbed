/*
 * fuzz_ini.c - libFuzzer target for the INI files pairaid reads: the joint
 * audit's measures (pa_measures_parse) and the assessment's schemes
 * (pa_scheme_parse), both through pa_ini_parse and libinih.
 *
 * The first byte chooses the parser; the rest is the file.  Invariants: a
 * file is accepted or refused, never half-read; a refusal is PA_EINVAL (or
 * PA_ENOMEM) with a message and, for PA_EINVAL, a line within the file; an
 * accepted scheme's weights add up to 100 and its tiers fall to 0; accepted
 * measures keep every value in its range.
 */
#include <stdlib.h>
#include <string.h>

#include "assess_int.h" /* pa_assess__score */
#include "pairaid/pairaid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int lines_of(const char *text)
{
    int n = 1;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

static void check_refusal(int rc, int line, const struct pa_error *err, const char *text)
{
    if (rc != PA_EINVAL && rc != PA_ENOMEM)
        abort();
    if (err->message[0] == '\0')
        abort();
    if (rc == PA_EINVAL && (line < 1 || line > lines_of(text)))
        abort();
}

static void check_scheme(const struct pa_scheme *s)
{
    int64_t sum = 0;
    for (int i = 0; i < s->nindicators; i++) {
        const struct pa_indicator *ind = &s->indicators[i];
        if (ind->weight <= 0 || ind->target <= 0 || ind->cap < 100 || ind->area[0] == '\0' ||
            (strcmp(ind->metric, "manual") != 0 && pa_metric_find(ind->metric) == NULL))
            abort();
        sum += ind->weight;
    }
    if (sum != 10000 || s->ntiers < 1 || s->tiers[s->ntiers - 1].min_total != 0)
        abort();
    for (int t = 1; t < s->ntiers; t++)
        if (s->tiers[t].min_total >= s->tiers[t - 1].min_total)
            abort();
    /* scoring an accepted scheme never breaks its own assertions */
    for (int i = 0; i < s->nindicators; i++)
        (void)pa_assess__score(s->indicators[i].weight, s->indicators[i].target * 3,
                               s->indicators[i].target, s->indicators[i].cap);
}

static void check_measures(const struct pa_measures *m)
{
    if (m->approval_threshold_fen < 0)
        abort();
    for (int r = 0; r < PA_RULES; r++)
        for (int k = 0; k < PA_RULE_PARAMS && pa_rules[r].params[k].name; k++) {
            enum pa_param_type t = pa_rules[r].params[k].type;
            int64_t v = m->value[r][k];
            if ((t == PA_PARAM_PERCENT && (v < 0 || v > 10000)) ||
                (t == PA_PARAM_COUNT && v < 1) || v < 0)
                abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    struct pa_error err;
    pa_error_clear(&err);
    int line = -1;
    if (data[0] & 1) {
        static struct pa_scheme s;
        int rc = pa_scheme_parse(text, &s, &line, &err);
        if (rc == 0)
            check_scheme(&s);
        else
            check_refusal(rc, line, &err, text);
    } else {
        static struct pa_measures m;
        int rc = pa_measures_parse(text, &m, &line, &err);
        if (rc == 0)
            check_measures(&m);
        else
            check_refusal(rc, line, &err, text);
    }
    free(text);
    return 0;
}
