/*
 * inbox.c - 待办, what waits for the signed-in user's action: requests they
 * may approve or reject, audit findings their side must answer, and measures
 * versions awaiting their side's approval.
 *
 * Nothing here decides who may act: each part asks the function that guards
 * the action itself (the ledger's approval rule behind can_resolve, the
 * audit's response rule, the measures' approving side), so the inbox and the
 * actions cannot disagree.  It lives in the audit module because that is the
 * lowest module that sees both the ledger and the audit.
 */
#include <string.h>

#include "audit_int.h"

#define TRANSFER_PAGE 1000
#define TRANSFER_PAGES_MAX 20 /* 20,000 open requests: far beyond a programme, a bound */

static int append_item(json_t *items, json_t *item, struct pa_error *err)
{
    if (item == NULL || json_array_append_new(items, item) != 0)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    return 0;
}

/* Open requests (not expired: those can only be voided) that the principal may
 * decide: can_resolve, which pa_transfer_list computes from the ledger's rule. */
static int transfers_awaiting(struct pa_db *db, json_t *items, struct pa_error *err)
{
    int rc = 0;
    for (int page = 0; rc == 0 && page < TRANSFER_PAGES_MAX; page++) {
        struct pa_transfer_filter f = {.state = "pending", .limit = TRANSFER_PAGE,
                                       .offset = (int64_t)page * TRANSFER_PAGE};
        json_t *list;
        int64_t total;
        if ((rc = pa_transfer_list(db, &f, &list, &total, err)) != 0)
            break;
        size_t i;
        json_t *t;
        json_array_foreach(list, i, t)
        {
            if (rc != 0 || !json_is_true(json_object_get(t, "can_resolve")))
                continue;
            json_t *item = json_deep_copy(t);
            if (item)
                json_object_set_new(item, "kind", json_string("transfer"));
            rc = append_item(items, item, err);
        }
        size_t got = json_array_size(list);
        json_decref(list);
        if (got < TRANSFER_PAGE || f.offset + (int64_t)got >= total)
            break;
    }
    return rc;
}

/* Findings not yet resolved whose next answer is the principal's to give. */
static int findings_awaiting(struct pa_db *db, json_t *items, struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    if (who == NULL || (who->role != PA_ROLE_RECIPIENT && who->role != PA_ROLE_AUDITOR))
        return 0; /* only the county answers and only the auditors judge */
    struct pa_finding_filter f = {.status = "open"};
    json_t *list;
    int rc = pa_audit_findings(db, &f, &list, err);
    if (rc != 0)
        return rc;
    size_t i;
    json_t *finding;
    json_array_foreach(list, i, finding)
    {
        json_t *actions = NULL;
        if (rc == 0)
            rc = pa_audit__awaited_actions(
                db, json_string_value(json_object_get(finding, "id")), &actions, err);
        if (rc == 0 && json_array_size(actions) > 0) {
            json_t *item = json_deep_copy(finding);
            if (item) {
                json_object_set_new(item, "kind", json_string("finding"));
                json_object_set_new(item, "actions", json_incref(actions));
            }
            rc = append_item(items, item, err);
        }
        json_decref(actions);
    }
    json_decref(list);
    return rc;
}

static json_int_t count_of(json_t *items, const char *kind)
{
    json_int_t n = 0;
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        n += strcmp(json_string_value(json_object_get(item, "kind")), kind) == 0;
    }
    return n;
}

int pa_inbox(struct pa_db *db, json_t **out, struct pa_error *err)
{
    PA_ASSERT(db != NULL && out != NULL);
    *out = NULL;
    const struct pa_principal *who = pa_db_principal(db);
    if (who == NULL || who->role == PA_ROLE_ANONYMOUS)
        return pa_error_set(err, PA_EUNAUTH, "sign in to see what awaits you");
    json_t *items = json_array();
    int rc = items ? transfers_awaiting(db, items, err)
                   : pa_error_set(err, PA_ENOMEM, "out of memory");
    if (rc == 0)
        rc = findings_awaiting(db, items, err);
    if (rc == 0)
        rc = pa_audit__measures_awaiting(db, items, err);
    if (rc == 0) {
        *out = json_pack("{s:s, s:{s:I, s:I, s:I}, s:I, s:O}", "user", who->name, "counts",
                         "transfers", count_of(items, "transfer"), "findings",
                         count_of(items, "finding"), "measures", count_of(items, "measures"),
                         "total", (json_int_t)json_array_size(items), "items", items);
        if (*out == NULL)
            rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    json_decref(items);
    PA_ASSERT(rc != 0 || json_is_object(*out));
    return rc;
}
