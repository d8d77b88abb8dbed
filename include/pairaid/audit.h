/*
 * audit.h - the joint audit (联合审计): the 19 compliance rules of
 * domain/rules.md run over the books as they stood on a date, the findings
 * they raise with their rectification (整改) history, and the measures (资金
 * 管理办法) that switch the rules and set their thresholds, in force only once
 * both sides of a pairing approved them.  Everything here is an event of the
 * log (docs/audit.md), so an audit is covered by the signed checkpoints.
 */
#ifndef PAIRAID_AUDIT_H
#define PAIRAID_AUDIT_H

#include "pairaid/ledger.h"

/* Registers the audit's event types (after the ledger's); pa_open() does this. */
void pa_audit_init(void);

/* ---- the measures ------------------------------------------------------------ */

#define PA_RULES 19
#define PA_RULE_PARAMS 4

enum pa_param_type {
    PA_PARAM_DAYS,     /* a whole number of days */
    PA_PARAM_MONEY,    /* yuan, two decimals at most; fen inside */
    PA_PARAM_PERCENT,  /* 0..100, two decimals at most; hundredths inside */
    PA_PARAM_COUNT,    /* a whole number >= 1 */
    PA_PARAM_PURPOSES, /* payment purposes (pa_payment_purposes), comma-separated */
};

struct pa_rule_param {
    const char *name; /* the INI key and the SQL parameter :name */
    enum pa_param_type type;
    const char *fallback; /* the default, as written in the INI file */
    const char *zh;
};

struct pa_rule {
    const char *id; /* idle_funds ... bad_identifiers */
    const char *zh; /* 资金闲置滞留 ... */
    struct pa_rule_param params[PA_RULE_PARAMS];
};

/* The rules in their order (1..19 of domain/rules.md). */
extern const struct pa_rule pa_rules[PA_RULES];

struct pa_measures {
    int version; /* 0: the defaults */
    bool enabled[PA_RULES];
    int64_t value[PA_RULES][PA_RULE_PARAMS]; /* days, fen, hundredths or a count */
    char purposes[PA_RULES][512];            /* PURPOSES: "|debt|vehicles|" */
    int64_t approval_threshold_fen;          /* [payments]: larger payments need the donor */
};

/* Parses an INI text of measures over the defaults; a bad line is PA_EINVAL
 * with *line set (if line is not NULL) and err->field naming the key (or the
 * section).  Every section and key must be known, and none may repeat. */
int pa_measures_parse(const char *text, struct pa_measures *m, int *line, struct pa_error *err);
/* The defaults as an INI text (malloc'd), with a comment per key. */
char *pa_measures_default_text(void);

/* Records a version of the measures of a city-level pairing (NULL: the one
 * city-level pairing there is) and returns its number.  Auditors, admins and
 * either side's officers may propose; the text must parse. */
int pa_measures_propose(struct pa_db *db, const char *pairing, const char *text, int *version,
                        struct pa_error *err);
/* Approves a version for the approver's side (the donor's or the recipient's
 * users of that pairing); *in_force tells whether both sides now have. */
int pa_measures_approve(struct pa_db *db, const char *pairing, int version, bool *in_force,
                        struct pa_error *err);
/* The measures in force for a pairing (the defaults with version 0 if none). */
int pa_measures_in_force(struct pa_db *db, const char *pairing, struct pa_measures *m,
                         char **text, struct pa_error *err);
/* Every version of a pairing's measures, newest first, with its approvals
 * and (for versions not in force) the lines that differ from the one in force. */
int pa_measures_list(struct pa_db *db, const char *pairing, json_t **out, struct pa_error *err);
/* The city-level pairing `pairing` names (itself, or its parent); NULL: the
 * only one.  PA_EINVAL when there are several and none was named. */
int pa_audit_city_pairing(struct pa_db *db, const char *pairing, char out[PA_CODE_MAX + 1],
                          struct pa_error *err);

/* ---- running the audit ---------------------------------------------------------- */

struct pa_audit_outcome {
    int runs;             /* city-level pairings audited */
    int64_t found;        /* findings raised by this run */
    int64_t opened, updated, cleared, unchanged;
    int measures_version; /* of the last pairing audited */
};

/* Runs every enabled rule over the books as they stood at the end of `as_of`
 * (NULL: today) for one city-level pairing (NULL: each), and records what
 * changed: new findings open with a new id, one found again keeps its id (and
 * is updated if its figures changed), one no longer found is cleared.
 * Auditors (of that pairing), admins and the local operator may run it. */
int pa_audit_run(struct pa_db *db, const char *as_of, const char *pairing,
                 struct pa_audit_outcome *out, struct pa_error *err);

struct pa_finding_filter {
    const char *status; /* open (not resolved or cleared), all, or one status; NULL: open */
    const char *rule, *severity, *region, *project, *pairing;
};

/* The findings the principal may read (JSON objects with the CSV columns,
 * plus pairing, project, region and the names), newest first. */
int pa_audit_findings(struct pa_db *db, const struct pa_finding_filter *f, json_t **out,
                      struct pa_error *err);
/* One finding with its history. */
int pa_audit_finding(struct pa_db *db, const char *id, json_t **out, struct pa_error *err);

/* acknowledge and explain: the recipient side; resolve and reopen: auditors.
 * `attachment` is a file already stored in the media folder (or NULL). */
int pa_audit_respond(struct pa_db *db, const char *id, const char *action, const char *note,
                     const char *attachment, struct pa_error *err);

/* ---- the inbox (待办) ------------------------------------------------------------ */

/* What waits for the signed-in principal's action, decided by the rules that
 * allow each action: {"user", "counts": {"transfers", "findings", "measures"},
 * "total", "items": [...]}.  An item is a request they may approve or reject
 * (a transfer of pa_transfer_list with "kind":"transfer"), a finding whose
 * next answer is their side's ("kind":"finding", the finding's fields and
 * "actions"), or a measures version awaiting their side ("kind":"measures",
 * "pairing", "version", "proposed_by", "side", "other_side_by").  Requests
 * first, newest first; then findings by id; then measures.  PA_EUNAUTH for
 * the public. */
int pa_inbox(struct pa_db *db, json_t **out, struct pa_error *err);

/* Counts and amounts of findings per county, rule and status, for the public. */
int pa_audit_public_summary(struct pa_db *db, json_t **out, struct pa_error *err);

#endif
