/*
 * audit_int.h - what the files of src/audit share.
 */
#ifndef PAIRAID_AUDIT_INT_H
#define PAIRAID_AUDIT_INT_H

#include "pairaid/audit.h"

/* The index of rule `id` in pa_rules, or -1. */
int pa_audit__rule_index(const char *id);

/* Prepares the scope tables of one run (temp.a_*: the pairing's projects,
 * accounts and the money moved up to as_of) and registers the SQL functions
 * the rules use; then runs rule r, calling fn for each finding it raises. */
struct pa_audit_hit {
    const char *key, *subject, *project, *region, *severity, *evidence, *message;
    int64_t amount_fen;
};
int pa_audit__prepare(struct pa_db *db, const char *pairing, const char *as_of,
                      struct pa_error *err);
int pa_audit__rule_run(struct pa_db *db, int r, const struct pa_measures *m, const char *pairing,
                       const char *as_of, int (*fn)(const struct pa_audit_hit *hit, void *ctx),
                       void *ctx, struct pa_error *err);

/* Character-bigram Dice similarity of two UTF-8 names, 0..1 (rules.c). */
double pa_audit__similarity(const char *a, const char *b);

int pa_audit__apply_propose(struct pa_db *db, const struct pa_event *ev, struct pa_error *err);
int pa_audit__apply_approve(struct pa_db *db, const struct pa_event *ev, struct pa_error *err);
int pa_audit__apply_finding(struct pa_db *db, const struct pa_event *ev, struct pa_error *err);
int pa_audit__apply_respond(struct pa_db *db, const struct pa_event *ev, struct pa_error *err);
int pa_audit__apply_run(struct pa_db *db, const struct pa_event *ev, struct pa_error *err);
/* The inbox's parts.  The responses finding `id` waits for that the principal
 * may give now (a JSON array of action names, maybe empty): the same rules as
 * pa_audit_respond's, taken only by the role the action belongs to, so an
 * admin, who may do everything, is nobody's counterpart. */
int pa_audit__awaited_actions(struct pa_db *db, const char *id, json_t **out,
                              struct pa_error *err);
/* Appends to items the measures versions awaiting the principal's side. */
int pa_audit__measures_awaiting(struct pa_db *db, json_t *items, struct pa_error *err);
int pa_audit__payment_limit(struct pa_db *db, const char *account, int64_t *limit_fen,
                            struct pa_error *err);

#endif
