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

static const struct pa_event_module audit_module = {
    .name = "audit", .types = audit_events, .tables = audit_tables};

void pa_audit_init(void)
{
    pa_tlog_register(&audit_module);
    pa_ledger_set_payment_limit(pa_audit__payment_limit);
}
