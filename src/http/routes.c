/*
 * routes.c - every endpoint of docs/api.md, in one table.  Who may do what
 * beyond "signed in" is decided by the library (pa_scope_*), not here.
 */
#include "http_int.h"

const struct pa_route pa_http_routes[] = {
    {"POST", "/api/v1/login", PA_PUBLIC, pa_h_login},
    {"POST", "/api/v1/logout", PA_SIGNED_IN, pa_h_logout},
    {"GET", "/api/v1/me", PA_SIGNED_IN, pa_h_me},

    {"GET", "/api/v1/summary", PA_PUBLIC, pa_h_summary},
    {"GET", "/api/v1/moments", PA_PUBLIC, pa_h_moments},
    {"GET", "/api/v1/budget", PA_PUBLIC, pa_h_budget},
    {"GET", "/api/v1/flows", PA_PUBLIC, pa_h_flows},
    {"GET", "/api/v1/pairings", PA_PUBLIC, pa_h_pairings},
    {"GET", "/api/v1/regions", PA_PUBLIC, pa_h_regions},
    {"GET", "/api/v1/enums", PA_PUBLIC, pa_h_enums},

    {"GET", "/api/v1/projects", PA_PUBLIC, pa_h_projects},
    {"POST", "/api/v1/projects", PA_SIGNED_IN, pa_h_project_create},
    {"GET", "/api/v1/projects/{}", PA_PUBLIC, pa_h_project},
    {"PATCH", "/api/v1/projects/{}", PA_SIGNED_IN, pa_h_project_patch},
    {"POST", "/api/v1/projects/{}/milestones", PA_SIGNED_IN, pa_h_milestone_create},

    {"GET", "/api/v1/accounts", PA_SIGNED_IN, pa_h_accounts},
    {"POST", "/api/v1/accounts", PA_SIGNED_IN, pa_h_account_create},
    {"GET", "/api/v1/accounts/{}/statement", PA_SIGNED_IN, pa_h_statement},
    {"GET", "/api/v1/balances", PA_SIGNED_IN, pa_h_balances},
    {"GET", "/api/v1/transfers", PA_SIGNED_IN, pa_h_transfers},
    {"POST", "/api/v1/transfers", PA_SIGNED_IN, pa_h_transfer_create},
    {"POST", "/api/v1/transfers/{}/post", PA_SIGNED_IN, pa_h_transfer_post},
    {"POST", "/api/v1/transfers/{}/void", PA_SIGNED_IN, pa_h_transfer_void},

    {"POST", "/api/v1/import/{}", PA_SIGNED_IN, pa_h_import},
    {"GET", "/api/v1/export/{}", PA_SIGNED_IN, pa_h_export},

    {"GET", "/api/v1/log/checkpoint", PA_PUBLIC, pa_h_log_checkpoint},
    {"GET", "/api/v1/log/entries", PA_SIGNED_IN, pa_h_log_entries},
    {"GET", "/api/v1/log/proof/inclusion", PA_PUBLIC, pa_h_log_inclusion},
    {"GET", "/api/v1/log/proof/consistency", PA_PUBLIC, pa_h_log_consistency},

    {"GET", "/media/{}", PA_PUBLIC, pa_h_media},
    {"GET", "/healthz", PA_PUBLIC, pa_h_healthz},
    {"GET", "/metrics", PA_PUBLIC, pa_h_metrics},
};

const size_t pa_http_nroutes = PA_ARRAY_LEN(pa_http_routes);
