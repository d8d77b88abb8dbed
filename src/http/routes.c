/*
 * routes.c - every endpoint of docs/api.md, in one table.  Who may do what
 * beyond "signed in" is decided by the library (pa_scope_*), not here.  The
 * last column marks the public reads whose anonymous answers cache.c may keep
 * (not the checkpoint: signing one adds no event; the audit's public summary
 * is one: findings, responses and publishing a project are all events), and
 * the routes whose body is a file (an import, an attachment's picture).  A GET route answers HEAD too.
 * Signed-in answers are kept per scope (role, region, pairing: what the reader
 * may see) for the public reads and the SCOPED ones, per user for PER_USER
 * ones (a transfer's can_resolve compares the reader's name with the
 * requester's); LIVE ones never (/me, the inbox, findings and measures, which
 * mark what this user awaits, exports, the checkpoint).
 * The assessment's literal paths (schemes, run, preview) come before its
 * {pairing}: the first route that matches is the one taken.
 */
#include "http_int.h"

#define CACHED true, PA_BODY_JSON, PA_KEY_SCOPE /* anonymous and signed-in answers kept */
#define SCOPED false, PA_BODY_JSON, PA_KEY_SCOPE /* signed-in answers kept per scope */
#define PER_USER false, PA_BODY_JSON, PA_KEY_USER /* signed-in answers kept per user */
#define LIVE   false, PA_BODY_JSON, PA_KEY_NONE /* a JSON body of at most 1 MiB */
#define UPLOAD false, PA_BODY_UPLOAD, PA_KEY_NONE /* a file, spooled to disk (--upload-limit) */

const struct pa_route pa_http_routes[] = {
    {"POST", "/api/v1/login", PA_PUBLIC, pa_h_login, LIVE},
    {"POST", "/api/v1/logout", PA_SIGNED_IN, pa_h_logout, LIVE},
    {"GET", "/api/v1/me", PA_SIGNED_IN, pa_h_me, LIVE},

    {"GET", "/api/v1/summary", PA_PUBLIC, pa_h_summary, CACHED},
    {"GET", "/api/v1/moments", PA_PUBLIC, pa_h_moments, CACHED},
    {"GET", "/api/v1/budget", PA_PUBLIC, pa_h_budget, CACHED},
    {"GET", "/api/v1/flows", PA_PUBLIC, pa_h_flows, CACHED},
    {"GET", "/api/v1/pairings", PA_PUBLIC, pa_h_pairings, CACHED},
    {"GET", "/api/v1/regions", PA_PUBLIC, pa_h_regions, CACHED},
    {"GET", "/api/v1/enums", PA_PUBLIC, pa_h_enums, CACHED},

    {"GET", "/api/v1/projects", PA_PUBLIC, pa_h_projects, CACHED},
    {"POST", "/api/v1/projects", PA_SIGNED_IN, pa_h_project_create, LIVE},
    {"GET", "/api/v1/projects/{}", PA_PUBLIC, pa_h_project, CACHED},
    {"PATCH", "/api/v1/projects/{}", PA_SIGNED_IN, pa_h_project_patch, LIVE},
    {"POST", "/api/v1/projects/{}/milestones", PA_SIGNED_IN, pa_h_milestone_create, LIVE},
    {"GET", "/api/v1/projects/{}/history", PA_SIGNED_IN, pa_h_project_history, SCOPED},

    {"GET", "/api/v1/accounts", PA_SIGNED_IN, pa_h_accounts, SCOPED},
    {"POST", "/api/v1/accounts", PA_SIGNED_IN, pa_h_account_create, LIVE},
    {"GET", "/api/v1/accounts/{}/statement", PA_SIGNED_IN, pa_h_statement, SCOPED},
    {"GET", "/api/v1/balances", PA_SIGNED_IN, pa_h_balances, SCOPED},
    {"GET", "/api/v1/transfers", PA_SIGNED_IN, pa_h_transfers, PER_USER},
    {"POST", "/api/v1/transfers", PA_SIGNED_IN, pa_h_transfer_create, LIVE},
    {"POST", "/api/v1/transfers/{}/post", PA_SIGNED_IN, pa_h_transfer_post, LIVE},
    {"POST", "/api/v1/transfers/{}/void", PA_SIGNED_IN, pa_h_transfer_void, LIVE},

    {"POST", "/api/v1/import/{}", PA_SIGNED_IN, pa_h_import, UPLOAD},
    {"GET", "/api/v1/export/{}", PA_SIGNED_IN, pa_h_export, LIVE},
    {"GET", "/api/v1/templates/{}", PA_SIGNED_IN, pa_h_template, LIVE},

    {"GET", "/api/v1/audit/findings", PA_SIGNED_IN, pa_h_findings, LIVE},
    {"GET", "/api/v1/audit/findings/{}", PA_SIGNED_IN, pa_h_finding, LIVE},
    {"POST", "/api/v1/audit/findings/{}/responses", PA_SIGNED_IN, pa_h_finding_respond, LIVE},
    {"POST", "/api/v1/audit/run", PA_SIGNED_IN, pa_h_audit_run, LIVE},
    {"GET", "/api/v1/audit/summary", PA_PUBLIC, pa_h_audit_summary, CACHED},
    {"POST", "/api/v1/media", PA_SIGNED_IN, pa_h_media_upload, UPLOAD},
    {"GET", "/api/v1/measures", PA_SIGNED_IN, pa_h_measures, LIVE},
    {"POST", "/api/v1/measures", PA_SIGNED_IN, pa_h_measures_propose, LIVE},
    {"POST", "/api/v1/measures/{}/approve", PA_SIGNED_IN, pa_h_measures_approve, LIVE},
    {"GET", "/api/v1/inbox", PA_SIGNED_IN, pa_h_inbox, LIVE},

    {"GET", "/api/v1/assessment", PA_PUBLIC, pa_h_assessment, CACHED},
    {"GET", "/api/v1/assessment/schemes", PA_SIGNED_IN, pa_h_schemes, LIVE},
    {"POST", "/api/v1/assessment/schemes", PA_SIGNED_IN, pa_h_scheme_add, LIVE},
    {"POST", "/api/v1/assessment/run", PA_SIGNED_IN, pa_h_assessment_run, LIVE},
    {"POST", "/api/v1/assessment/preview", PA_SIGNED_IN, pa_h_assessment_preview, LIVE},
    {"GET", "/api/v1/assessment/{}", PA_PUBLIC, pa_h_assessment_pairing, CACHED},

    {"GET", "/api/v1/log/checkpoint", PA_PUBLIC, pa_h_log_checkpoint, LIVE},
    {"GET", "/api/v1/log/entries", PA_SIGNED_IN, pa_h_log_entries, SCOPED},
    {"GET", "/api/v1/log/proof/inclusion", PA_PUBLIC, pa_h_log_inclusion, LIVE},
    {"GET", "/api/v1/log/proof/consistency", PA_PUBLIC, pa_h_log_consistency, LIVE},
    {"GET", "/api/v1/log/digest", PA_SIGNED_IN, pa_h_log_digest, LIVE},
    {"GET", "/api/v1/log/heads", PA_PUBLIC, pa_h_log_heads, LIVE},

    {"GET", "/media/{}", PA_PUBLIC, pa_h_media, LIVE},
    {"GET", "/healthz", PA_PUBLIC, pa_h_healthz, LIVE},
    {"GET", "/metrics", PA_PUBLIC, pa_h_metrics, LIVE},
};

const size_t pa_http_nroutes = PA_ARRAY_LEN(pa_http_routes);
