/*
 * audit.c - the audit as a module: its event types for the log, its tables
 * for replay, and the payment limit it gives the ledger.
 */
#include "audit_int.h"

static const struct pa_event_type audit_events[] = {
    {"measures.propose", pa_audit__apply_propose},
    {"measures.approve", pa_audit__apply_approve},
    {"finding.open", pa_audit__apply_finding},
    {"finding.update", pa_audit__apply_finding},
    {"finding.clear", pa_audit__apply_finding},
    {"finding.respond", pa_audit__apply_respond},
    {"audit.run", pa_audit__apply_run},
    {NULL, NULL},
};

static const char *const audit_tables[] = {"audit_runs", "finding_history", "findings",
                                           "measures", NULL};

/* Every audit event is one city-level pairing's: a run, its measures and a new
 * finding name it; a finding's later events name the finding. */
static int audit_log_of(struct pa_db *db, const struct pa_event *ev, char *log,
                        struct pa_error *err)
{
    static const char sql_finding[] = "SELECT pairing FROM findings WHERE id = ?1";
    const char *pairing = json_string_value(json_object_get(ev->data, "pairing"));
    if (pairing)
        return pa_tlog_log_of_pairing(db, pairing, log, err);
    return pa_tlog_log_of_row(db, sql_finding, json_string_value(json_object_get(ev->data, "id")),
                              log, err);
}

static const struct pa_event_module audit_module = {
    .name = "audit", .types = audit_events, .tables = audit_tables, .log_of = audit_log_of};

void pa_audit_init(void)
{
    pa_tlog_register(&audit_module);
    pa_ledger_set_payment_limit(pa_audit__payment_limit);
}
