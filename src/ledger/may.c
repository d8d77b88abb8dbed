/*
 * may.c - what the acting principal may do with the books, asked of the very
 * functions that refuse it: an account kind's authorize (opening accounts)
 * and the request rule of account.c (pending transfers).  The app's forms and
 * buttons follow these answers, so nobody is offered an account, a pairing
 * or a button that the library would then refuse, and the rules are written
 * once, beside the code that enforces them.
 */
#include <string.h>

#include "ledger_int.h"

/* A refusal (PA_EDENIED, or PA_EUNAUTH for the public) is an answer, false;
 * anything else is a failure to pass on. */
static int as_answer(int rc, const struct pa_error *denied, bool *may, struct pa_error *err)
{
    *may = rc == 0;
    if (rc == 0 || rc == PA_EDENIED || rc == PA_EUNAUTH)
        return 0;
    return pa_error_set(err, rc, "%s", denied->message);
}

int pa_account_may_open(struct pa_db *db, const char *kind, const char *region,
                        const char *pairing, bool *may, struct pa_error *err)
{
    PA_ASSERT(db != NULL && kind != NULL && region != NULL && may != NULL);
    const struct pa_kind *k = &pa_ledger__account_kind;
    int kind_col = pa_kind_column(k, "kind"), region_col = pa_kind_column(k, "region");
    int pairing_col = pa_kind_column(k, "pairing");
    PA_ASSERT(k->authorize != NULL && kind_col >= 0 && region_col >= 0 && pairing_col >= 0);
    struct pa_record rec;
    memset(&rec, 0, sizeof(rec));
    rec.kind = k;
    for (int i = 0; i < k->ncolumns; i++)
        rec.v[i].null = true;
    rec.v[kind_col] = (struct pa_value){.s = kind};
    rec.v[region_col] = (struct pa_value){.s = region};
    if (pairing)
        rec.v[pairing_col] = (struct pa_value){.s = pairing};
    struct pa_error denied;
    pa_error_clear(&denied);
    return as_answer(k->authorize(db, &rec, &denied), &denied, may, err);
}

static int may_request(struct pa_db *db, const char *from, const char *to, bool *may,
                       struct pa_error *err)
{
    struct pa_error denied;
    pa_error_clear(&denied);
    return as_answer(pa_ledger__authorize_request(db, from, to, &denied), &denied, may, err);
}

static bool is_open(const json_t *a)
{
    return !json_is_true(json_object_get(a, "closed"));
}

static const char *code_of(const json_t *a)
{
    return json_string_value(json_object_get(a, "code"));
}

/* Is `code` among the accounts the reader reads?  (Not read is unknown.) */
static bool listed(json_t *all, const char *code)
{
    size_t i;
    json_t *a;
    json_array_foreach(all, i, a)
    {
        if (strcmp(code_of(a), code) == 0)
            return true;
    }
    return false;
}

/* May the principal ask money of `from` for some account in `all`?  Only a
 * payer whose answer depends on the target (a recipient asking a pool) walks
 * the targets. */
static int may_pay_from(struct pa_db *db, const char *from, json_t *all, bool *may,
                        struct pa_error *err)
{
    bool needs_target = false;
    struct pa_error denied;
    pa_error_clear(&denied);
    int rc = as_answer(pa_ledger__authorize_payer(db, from, &needs_target, &denied), &denied,
                       may, err);
    if (rc != 0 || !*may || !needs_target)
        return rc;
    *may = false;
    size_t i;
    json_t *to;
    json_array_foreach(all, i, to)
    {
        if (!is_open(to) || strcmp(code_of(to), from) == 0)
            continue;
        if ((rc = may_request(db, from, code_of(to), may, err)) != 0 || *may)
            return rc;
    }
    return 0;
}

int pa_account_list_may_request(struct pa_db *db, const char *from, json_t **accounts,
                                struct pa_error *err)
{
    PA_ASSERT(db != NULL && accounts != NULL);
    *accounts = NULL;
    json_t *all;
    int rc = pa_account_list(db, NULL, NULL, &all, err);
    if (rc != 0)
        return rc;
    if (from && !listed(all, from)) {
        json_decref(all);
        return pa_error_setf(err, PA_ENOTFOUND, "from", "unknown account '%s'", from);
    }
    json_t *kept = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(all, i, a)
    {
        bool may = false;
        if (!is_open(a) || (from && strcmp(code_of(a), from) == 0))
            continue;
        rc = from ? may_request(db, from, code_of(a), &may, err)
                  : may_pay_from(db, code_of(a), all, &may, err);
        if (rc != 0)
            break;
        if (may)
            json_array_append(kept, a);
    }
    json_decref(all);
    if (rc != 0)
        json_decref(kept);
    else
        *accounts = kept;
    return rc;
}

/* Some kind of account the principal may open in their own region (anywhere
 * for an admin or the local operator). */
static int may_open_some(struct pa_db *db, bool *may, struct pa_error *err)
{
    static const char *const kinds[] = {"source", "pool", "project", "payee"};
    const struct pa_principal *who = pa_db_principal(db);
    *may = pa_scope_unrestricted(db);
    if (*may || who->region[0] == '\0')
        return 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && !*may && i < PA_ARRAY_LEN(kinds); i++)
        rc = pa_account_may_open(db, kinds[i], who->region, NULL, may, err);
    return rc;
}

int pa_principal_may(struct pa_db *db, json_t **out, struct pa_error *err)
{
    PA_ASSERT(db != NULL && out != NULL);
    *out = NULL;
    json_t *pairings = NULL, *payers = NULL;
    bool open_account = false;
    int rc = pa_pairing_list_may_create(db, &pairings, err);
    if (rc == 0)
        rc = pa_account_list_may_request(db, NULL, &payers, err);
    if (rc == 0)
        rc = may_open_some(db, &open_account, err);
    if (rc == 0)
        *out = json_pack("{s:b, s:b, s:b}", "create_project", json_array_size(pairings) > 0,
                         "create_account", open_account, "request_transfer",
                         json_array_size(payers) > 0);
    json_decref(pairings);
    json_decref(payers);
    return rc != 0 ? rc : *out ? 0 : pa_error_set(err, PA_ENOMEM, "out of memory");
}

int pa_project_may(struct pa_db *db, const char *code, const char *region, const char *pairing,
                   json_t **out, struct pa_error *err)
{
    PA_ASSERT(db != NULL && code != NULL && region != NULL && out != NULL);
    *out = NULL;
    bool change = false, open_account = false;
    int rc = pa_project_may_change(db, code, &change, err);
    if (rc == 0)
        rc = pa_account_may_open(db, "project", region, pairing, &open_account, err);
    if (rc == 0)
        *out = json_pack("{s:b, s:b, s:b}", "edit", change, "add_milestone", change,
                         "open_account", open_account);
    return rc != 0 ? rc : *out ? 0 : pa_error_set(err, PA_ENOMEM, "out of memory");
}
