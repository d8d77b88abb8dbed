/*
 * ledger.h - the fund ledger: double-entry accounts with four counters, transfers
 * posted at once or in two phases (pending -> post or void), linked chains that
 * succeed or fail as one, exact idempotency, and the reports finance offices use.
 *
 * The semantics follow TigerBeetle: every account has debits and credits, each
 * pending and posted; every account except a `source` must never have more going
 * out than coming in (debits_posted + debits_pending <= credits_posted); a transfer
 * id is an idempotency key.  SQLite stays the storage, and every transfer is an
 * event of the log (docs/ledger.md).
 */
#ifndef PAIRAID_LEDGER_H
#define PAIRAID_LEDGER_H

#include "pairaid/registry.h"

/* Registers the ledger's kinds and event types (after the registry's); pa_open() does this. */
void pa_ledger_init(void);

enum pa_transfer_kind {
    PA_TRANSFER_POSTED,  /* moves money at once */
    PA_TRANSFER_PENDING, /* reserves it until posted or voided */
    PA_TRANSFER_POST,    /* completes a pending transfer, in full or in part */
    PA_TRANSFER_VOID,    /* releases a pending transfer */
};

struct pa_transfer {
    const char *id; /* idempotency key, a code */
    enum pa_transfer_kind kind;
    const char *date;       /* business date, YYYY-MM-DD */
    const char *from;       /* debited account; for POST/VOID NULL or the pending's */
    const char *to;         /* credited account; likewise */
    int64_t amount_fen;     /* > 0; for POST 0 means the whole pending amount */
    const char *project;    /* optional: the project the money is for */
    const char *memo;       /* optional */
    const char *pending_id; /* POST/VOID: the pending transfer */
    const char *expires;    /* PENDING, optional: after this date it can only be voided */
    bool linked;            /* succeeds or fails together with the next transfer */
    /* What a payment is for, as the joint audit reads it (docs/audit.md);
     * optional.  A POST takes them from its pending transfer. */
    const char *purpose;  /* works, goods, services, subsidy, ... (pa_payment_purposes) */
    const char *stage;    /* advance, progress, final */
    const char *contract; /* the contract it pays, of the transfer's project */
    /* POST/VOID, optional: the approver's comment (审批意见), recorded in the
     * event and shown beside the ledger line; at most PA_MEMO_MAX_CHARS. */
    const char *comment;
};

/* The codes `purpose` and `stage` take, with their Chinese names. */
extern const struct pa_enum_value pa_payment_purposes[];
extern const struct pa_enum_value pa_payment_stages[];

/* X(NAME, field at fault or NULL, message).  Order of the checks: docs/ledger.md. */
#define PA_TRANSFER_RESULTS(X)                                                                     \
    X(CREATED, NULL, "created")                                                                    \
    X(EXISTS, NULL, "already exists")                                                              \
    X(EXISTS_DIFFERENT, NULL, "exists with a different value")                                     \
    X(LINKED_FAILED, NULL, "a linked transfer failed")                                             \
    X(LINKED_OPEN, NULL, "the last transfer of a batch is linked to nothing")                      \
    X(ID_INVALID, "id", "id is not a valid code")                                                  \
    X(DATE_INVALID, "date", "date is not a valid YYYY-MM-DD date")                                 \
    X(AMOUNT_INVALID, "amount", "amount must be greater than zero")                                \
    X(ACCOUNTS_SAME, "to", "from and to must be different accounts")                               \
    X(FROM_NOT_FOUND, "from", "unknown account")                                                   \
    X(TO_NOT_FOUND, "to", "unknown account")                                                       \
    X(FROM_CLOSED, "from", "account is closed")                                                    \
    X(TO_CLOSED, "to", "account is closed")                                                        \
    X(PROJECT_NOT_FOUND, "project", "unknown project")                                             \
    X(EXPIRES_INVALID, "expires", "expiry must be a date on or after the transfer's date")         \
    X(PURPOSE_INVALID, "purpose", "unknown purpose")                                               \
    X(STAGE_INVALID, "stage", "unknown payment stage")                                             \
    X(CONTRACT_NOT_FOUND, "contract", "unknown contract")                                          \
    X(CONTRACT_OTHER_PROJECT, "contract", "the contract is another project's")                     \
    X(PENDING_NOT_FOUND, "pending_id", "no such pending transfer")                                 \
    X(PENDING_NOT_PENDING, "pending_id", "that transfer is not a pending one")                     \
    X(PENDING_ALREADY_POSTED, "pending_id", "the pending transfer was already posted")             \
    X(PENDING_ALREADY_VOIDED, "pending_id", "the pending transfer was already voided")             \
    X(PENDING_EXPIRED, "date", "the pending transfer has expired: it can only be voided")          \
    X(DATE_BEFORE_PENDING, "date", "date is before the pending transfer's date")                   \
    X(FROM_DIFFERS, "from", "from differs from the pending transfer's")                            \
    X(TO_DIFFERS, "to", "to differs from the pending transfer's")                                  \
    X(PROJECT_DIFFERS, "project", "project differs from the pending transfer's")                   \
    X(DETAIL_DIFFERS, NULL, "purpose, stage or contract differs from the pending transfer's")      \
    X(EXCEEDS_PENDING_AMOUNT, "amount", "amount exceeds the pending amount")                       \
    X(SAME_ACTOR, NULL, "the person who requested a transfer cannot approve it")                   \
    X(EXCEEDS_CREDITS, "amount", "would spend more than the account has received")                 \
    X(EXCEEDS_BUDGET, "amount", "asks a pool for more than the project's budget not yet funded")   \
    X(NEEDS_APPROVAL, "amount", "a payment this large needs the donor's approval: request it")     \
    X(OVERFLOW, "amount", "a balance would overflow")                                              \
    X(COMMENT_INVALID, "comment",                                                                  \
      "a comment is text of at most 1,000 characters on an approval or a rejection")

enum pa_transfer_result {
#define PA_TRANSFER_ENUM(name, field, text) PA_TR_##name,
    PA_TRANSFER_RESULTS(PA_TRANSFER_ENUM)
#undef PA_TRANSFER_ENUM
};

const char *pa_transfer_result_name(enum pa_transfer_result r); /* "EXCEEDS_CREDITS" */
const char *pa_transfer_result_text(enum pa_transfer_result r);
/* The input field a result is about ("amount"), or NULL. */
const char *pa_transfer_result_field(enum pa_transfer_result r);
/* Created or already there: the transfer is in the books. */
bool pa_transfer_result_ok(enum pa_transfer_result r);

struct pa_transfer_outcome {
    enum pa_transfer_result result;
    char field[32];   /* EXISTS_DIFFERENT: the field that differs; otherwise the field at fault */
    char detail[320]; /* e.g. the balance available for EXCEEDS_CREDITS */
    char detail_zh[320]; /* the same in Chinese */
};

/* The transfer a record of kind "transfers" (a CSV row, an API object) describes;
 * its strings stay the record's. */
void pa_transfer_from_record(const struct pa_record *rec, struct pa_transfer *t);

/* Submits n transfers in order, each checked against the balances left by the
 * ones before it; linked chains succeed or fail as one.  Fills out[0..n-1].
 * Returns 0 when every transfer got an outcome (some may be refused), or a
 * runtime error.  Must run inside a transaction; the COMMIT is refused unless
 * what the transaction changed balances (debits = credits, posted and pending). */
int pa_ledger_submit(struct pa_db *db, const struct pa_transfer *transfers, size_t n,
                     struct pa_transfer_outcome *out, struct pa_error *err);

/* The most a recipient may pay out of project account `account` at once
 * without the donor's approval (more is refused as NEEDS_APPROVAL: it goes as
 * a request instead); *limit_fen < 0 when there is no limit.  The joint
 * audit's measures set it (pa_audit_init); without one there is no limit. */
typedef int (*pa_payment_limit_fn)(struct pa_db *db, const char *account, int64_t *limit_fen,
                                   struct pa_error *err);
void pa_ledger_set_payment_limit(pa_payment_limit_fn fn);

/* Closes an account: it refuses new transfers.  Refused while it has pending ones. */
int pa_account_close(struct pa_db *db, const char *code, struct pa_error *err);

/* ---- queries -------------------------------------------------------------- */

struct pa_balance {
    char account[PA_CODE_MAX + 1];
    char kind[16];
    int64_t debits_posted, credits_posted, debits_pending, credits_pending;
};

/* Where a balance query stands: now, at the end of a business date, or after a
 * log position (events 1..seq). */
struct pa_as_of {
    const char *date; /* NULL: not limited by date */
    int64_t seq;      /* 0: not limited by position */
};

/* Calls fn for every account (or just `account`), in code order.  Balances as of
 * a date or position are computed from the transfers; without one they are the
 * counters.  fn returns nonzero to stop. */
int pa_ledger_balances(struct pa_db *db, const char *account, const struct pa_as_of *as_of,
                       int (*fn)(const struct pa_balance *b, void *ctx), void *ctx,
                       struct pa_error *err);

struct pa_statement_line {
    const char *id, *date, *kind, *counterparty, *project, *memo;
    const char *comment;           /* a post's or void's 审批意见, or NULL */
    int64_t debit_fen, credit_fen; /* posted movement of the account */
    int64_t pending_fen;           /* reserved (+) or released (-) by this line */
    int64_t balance_fen;           /* running posted balance, credits - debits */
    int64_t seq;
};

/* The account's movements in (date, position) order with a running balance. */
int pa_ledger_statement(struct pa_db *db, const char *account,
                        int (*fn)(const struct pa_statement_line *line, void *ctx), void *ctx,
                        struct pa_error *err);

/* Budget execution (预算数 / 已拨付 / 已支出 / 执行率) per project, or grouped. */
enum pa_budget_group {
    PA_BUDGET_PROJECT,
    PA_BUDGET_PAIRING,
    PA_BUDGET_COUNTY,
    PA_BUDGET_KIND,
    PA_BUDGET_DOMAIN,
    PA_BUDGET_DONOR, /* by the donor region of the project's pairing (帮扶方) */
};

struct pa_budget_row {
    char key[PA_CODE_MAX + 1];
    const char *name;
    int64_t projects;
    int64_t budget_fen;    /* 预算数 */
    int64_t allocated_fen; /* 已拨付: posted into the project's accounts */
    int64_t committed_fen; /* pending out of them: reserved, expired requests included */
    int64_t paid_fen;      /* 已支出: posted out of them */
    int rate_permille;     /* 执行率 = paid / budget, in tenths of a percent; -1 if no budget */
    int64_t expired_fen;   /* of committed, requests past their expiry date (today, the one
                            * clock): no longer approvable, only voidable */
    int64_t investment_fen; /* 总投资 recorded on the projects (0 where none): never part of
                             * budget or the rate, shown beside them */
};

int pa_budget_group_parse(const char *name, enum pa_budget_group *group, struct pa_error *err);
int pa_ledger_budget(struct pa_db *db, enum pa_budget_group group,
                     int (*fn)(const struct pa_budget_row *row, void *ctx), void *ctx,
                     struct pa_error *err);
/* The same as one PA_BUDGET_PROJECT row, for one project (no row if unknown). */
int pa_ledger_budget_of(struct pa_db *db, const char *project,
                        int (*fn)(const struct pa_budget_row *row, void *ctx), void *ctx,
                        struct pa_error *err);

/* Totals for the summary: arranged by sources, held in pools, allocated to
 * projects, paid out, pending. */
struct pa_funds_summary {
    int64_t accounts, transfers, pending_transfers, expired_pending;
    int64_t arranged_fen, pooled_fen, allocated_fen, paid_fen, pending_fen;
    /* of pending_fen, the requests past their expiry date: a request that can no
     * longer be approved is no work waiting, so readers show it apart */
    int64_t expired_pending_fen;
};
int pa_funds_summary_load(struct pa_db *db, struct pa_funds_summary *s, struct pa_error *err);

/* ---- the ledger as JSON for the API (query.c) ------------------------------------ */

/* Every query here shows what the acting principal reads (registry.h, "who
 * may read what"): something it may not read is as unknown as something that
 * does not exist. */

/* A project with region_name, pairing_name, execution (budget, allocated,
 * committed, paid, rate), milestones and accounts; for a signed-in reader
 * also `may` (pa_project_may). */
int pa_project_detail(struct pa_db *db, const char *code, json_t **project, struct pa_error *err);

/* ---- what the principal may do (may.c) ----------------------------------
 * Asked of the rules that refuse the write itself; a refusal is *may = false
 * (or a shorter list), never an error. */
/* May the principal open an account of `kind` in `region` (for `pairing`, or NULL)? */
int pa_account_may_open(struct pa_db *db, const char *kind, const char *region,
                        const char *pairing, bool *may, struct pa_error *err);
/* The open accounts (as pa_account_list) a request may ask money of: with
 * from == NULL, those the principal may ask money of; with `from`, those a
 * request from `from` may pay into. */
int pa_account_list_may_request(struct pa_db *db, const char *from, json_t **accounts,
                                struct pa_error *err);
/* {"create_project","create_account","request_transfer"}: booleans for the
 * app's menus and buttons (GET /api/v1/me). */
int pa_principal_may(struct pa_db *db, json_t **out, struct pa_error *err);
/* {"edit","add_milestone","open_account"} for one project (of `region` and
 * `pairing`), which the project's page shows its forms by. */
int pa_project_may(struct pa_db *db, const char *code, const char *region, const char *pairing,
                   json_t **out, struct pa_error *err);

/* Accounts (optionally of one kind or project) with their four counters,
 * balance and available, money as "123.45". */
int pa_account_list(struct pa_db *db, const char *kind, const char *project, json_t **accounts,
                    struct pa_error *err);

struct pa_transfer_filter {
    const char *state;   /* pending, approved, voided, expired, posted, post, void */
    const char *account; /* from or to this account */
    const char *id;      /* this transfer alone (an audit finding's evidence names it) */
    const char *region;  /* either account in this region or one below it (a county's own) */
    int64_t limit, offset;
};

/* Transfers, newest first, with who recorded each (actor) and its state. */
int pa_transfer_list(struct pa_db *db, const struct pa_transfer_filter *f, json_t **transfers,
                     int64_t *total, struct pa_error *err);

/* The fund flow for a Sankey diagram: {"nodes":[{"name","label"}],
 * "links":[{"source","target","amount"}]}, posted money from donor source
 * accounts through pools to project kinds and on to the projects' regions.
 * Node names are unique ("source:CODE", "pool:CODE", "kind:KIND",
 * "county:REGION"); amounts are "123.45" strings. */
int pa_fund_flows(struct pa_db *db, json_t **flows, struct pa_error *err);

#endif
