/*
 * ledger_int.h - what the ledger's files share and nobody else sees: the
 * per-transaction cache of account counters and the transfer kind for CSV.
 *
 * Transfers touch two accounts each; reading and writing both rows for every
 * transfer would cost four statements.  Instead the counters of the accounts a
 * transaction touches are kept here, checked and changed in memory, and written
 * back once, just before COMMIT (pa_db_extension).  A rollback forgets them.
 */
#ifndef PAIRAID_LEDGER_INT_H
#define PAIRAID_LEDGER_INT_H

#include "pairaid/ledger.h"

struct pa_account {
    char code[PA_CODE_MAX + 1];
    bool is_source; /* may go negative */
    bool is_pool, is_project;
    bool closed;
    char log[PA_LOG_NAME_MAX + 1]; /* its log (tlog.h): "" for a payee or a donor's source */
    int64_t debits_pending, debits_posted, credits_pending, credits_posted;
    int slot; /* its place in the cache */
    /* the counters as read from the table, so a commit can check that what the
     * transaction changed balances */
    int64_t loaded_debits_pending, loaded_debits_posted, loaded_credits_pending,
        loaded_credits_posted;
};

/* The log of account `code` ("" if it has none or does not exist). */
int pa_ledger__log_of_account(struct pa_db *db, const char *code, char *log,
                              struct pa_error *err);
/* The log of a transfer event (tlog.h's log_of): see transfer_log in transfer.c. */
int pa_ledger__log_of_transfer(struct pa_db *db, const struct pa_event *ev, char *log,
                               struct pa_error *err);

/* Makes sure the cache is attached to db (before a chain may begin). */
int pa_ledger__attach(struct pa_db *db, struct pa_error *err);
/* The cached account `code`, loaded on first use; *acct = NULL if there is none. */
int pa_ledger__account(struct pa_db *db, const char *code, struct pa_account **acct,
                       struct pa_error *err);
/* Marks an account about to change (it is written back before COMMIT); call it
 * before changing the counters: while a linked chain is open, the counters as
 * they are now are remembered so pa_ledger__chain_end can restore them. */
void pa_ledger__touch(struct pa_db *db, struct pa_account *acct);
/* Starts remembering (chain begins), forgets (chain succeeded), or restores
 * (chain failed) the counters touched since. */
void pa_ledger__chain_begin(struct pa_db *db);
void pa_ledger__chain_end(struct pa_db *db, bool restore);

/* May the acting principal move money out of `account` now (a posted
 * transfer)?  Approve or reject a request against it (post or void: only the
 * donor whose money it is)?  Ask for money from `from` to `to` (a pending
 * transfer: a recipient's request for a project of theirs, or the donor
 * reserving their own)?  0 or PA_EDENIED. */
int pa_ledger__authorize_spend(struct pa_db *db, const char *account, const char *what,
                               struct pa_error *err);
int pa_ledger__authorize_approval(struct pa_db *db, const char *account, const char *what,
                                  struct pa_error *err);
int pa_ledger__authorize_request(struct pa_db *db, const char *from, const char *to,
                                 struct pa_error *err);
/* The payer half of a request's rule: 0 when the principal may ask money of
 * `from` (for some account it goes into; *needs_target: only for some, which
 * pa_ledger__authorize_request decides), or PA_EDENIED. */
int pa_ledger__authorize_payer(struct pa_db *db, const char *from, bool *needs_target,
                               struct pa_error *err);
/* What the project behind a project account may still be given: its budget
 * less what its accounts have received or been promised (credits posted and
 * pending).  *applies is false for any other account. */
int pa_ledger__unfunded(struct pa_db *db, const char *account, bool *applies, int64_t *unfunded,
                        struct pa_error *err);

extern const struct pa_kind pa_ledger__account_kind;
extern const struct pa_kind pa_ledger__transfer_kind;
int pa_ledger__apply_transfer(struct pa_db *db, const struct pa_event *ev, struct pa_error *err);
int pa_ledger__apply_close(struct pa_db *db, const struct pa_event *ev, struct pa_error *err);

#endif
