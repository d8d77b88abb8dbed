/*
 * registry.h - the programme registry: regions (built in, read only), pairings,
 * organisations, projects, milestones (定格时刻) and people exchanges.
 *
 * Every kind of record is described by a table of columns (struct pa_kind), and
 * one generic path serves them all: parse a column's text, check the record
 * against what is stored, append a `<kind>.create` event and apply it.  The CSV
 * importer, the exporter and (later) the HTTP API use the same descriptions, so a
 * column means the same thing everywhere.
 */
#ifndef PAIRAID_REGISTRY_H
#define PAIRAID_REGISTRY_H

#include "pairaid/tlog.h"

#define PA_MAX_COLUMNS    24
#define PA_NAME_MAX_CHARS 200
#define PA_MEMO_MAX_CHARS 1000

enum pa_col_type {
    PA_COL_CODE,   /* [A-Za-z0-9][A-Za-z0-9:._-]{0,63} */
    PA_COL_NAME,   /* one line of text, at most 200 characters */
    PA_COL_MEMO,   /* text with line breaks, at most 1,000 characters */
    PA_COL_MONEY,  /* yuan in text, int64 fen inside */
    PA_COL_DATE,   /* YYYY-MM-DD */
    PA_COL_COUNT,  /* a whole number >= 0 */
    PA_COL_BOOL,   /* true/false (also 1/0, yes/no, 是/否 on input) */
    PA_COL_ENUM,   /* one of `values` (or its Chinese name on input) */
    PA_COL_REGION, /* a GB/T 2260 code that exists */
    PA_COL_CREDIT, /* a unified social credit code */
    PA_COL_PHOTO,  /* an image file; stored as <sha256>.<ext> in the media folder */
    PA_COL_QUANTITY, /* a number >= 0 with at most two decimals; hundredths inside */
    PA_COL_SET,      /* some of `values`, "a|b" in their order (input also 、 ; , as separators) */
};

enum pa_col_flags {
    PA_COL_REQUIRED = 1 << 0,
    PA_COL_KEY = 1 << 1,   /* part of the record's identity */
    PA_COL_EXTRA = 1 << 2, /* exported only when some record has a value in it */
    PA_COL_UPDATABLE = 1 << 3, /* may change once stored, as the kind's event_update */
};

struct pa_enum_value {
    const char *name; /* what is stored and exported */
    const char *zh;   /* accepted on input as well; used in Chinese reports */
};

/* A project's domains and kinds (industry, ...; livelihood, ...), for other
 * kinds' columns that name them (a fund's designated direction). */
extern const struct pa_enum_value pa_project_domains[];
extern const struct pa_enum_value pa_project_kinds[];

struct pa_column {
    const char *name;
    enum pa_col_type type;
    unsigned flags;
    const struct pa_enum_value *values; /* PA_COL_ENUM only; ends with {NULL, NULL} */
};

/* One column's value.  Text is borrowed from whoever filled the record. */
struct pa_value {
    bool null;
    int64_t i; /* MONEY (fen), COUNT, BOOL, QUANTITY (hundredths) */
    const char *s;
};

struct pa_kind;

struct pa_record {
    const struct pa_kind *kind;
    struct pa_value v[PA_MAX_COLUMNS];
    char photo[80]; /* backing store for a PHOTO value */
};

enum pa_put_result {
    PA_PUT_CREATED, /* new: one event appended */
    PA_PUT_SAME,    /* identical to what is stored: nothing appended */
    PA_PUT_UPDATED, /* an allowed change (a project's status moving forward) */
};

struct pa_kind {
    const char *name;         /* "projects": the CSV/export KIND */
    const char *event_create; /* "project.create" */
    /* "indicator.update": a put that changes only PA_COL_UPDATABLE columns
     * records the whole record again under this type (NULL: none may change). */
    const char *event_update;
    const struct pa_column *columns;
    int ncolumns;
    /* The projection table, and the SQL its queries are made from
     * (pa_kind_sql): the table's column for each of `columns` (NULL: the
     * same names), the export's ORDER BY, and which rows the acting principal
     * reads (an SQL condition over the scope functions; NULL: every row). */
    const char *table;
    const char *const *sql_names;
    const char *order_by;
    const char *visible;
    /* Checks the record against the stored state (references, regions, dates). */
    int (*check)(struct pa_db *db, const struct pa_record *rec, struct pa_error *err);
    /* Called when a stored record differs from rec in column `col` only (and maybe
     * others after it); may accept the change (PA_PUT_UPDATED) or refuse it. */
    int (*on_change)(struct pa_db *db, const struct pa_record *stored, const struct pa_record *rec,
                     int col, enum pa_put_result *result, struct pa_error *err);
    /* Replaces the generic put entirely (transfers go through the ledger). */
    int (*put)(struct pa_db *db, const struct pa_record *rec, enum pa_put_result *result,
               struct pa_error *err);
    /* SELECT returning one row with 1 if any PA_COL_EXTRA column has a value. */
    const char *sql_has_extra;
    /* May the acting principal store rec?  0 or PA_EDENIED; NULL: admins only. */
    int (*authorize)(struct pa_db *db, const struct pa_record *rec, struct pa_error *err);
    /* The same key twice in one file is allowed (idempotent kinds: the second
     * identical row is skipped, a different one refused). */
    bool repeats_allowed;
};

enum pa_kind_query {
    PA_SQL_INSERT,     /* binds ?1..?n in column order */
    PA_SQL_SELECT_KEY, /* every column in order, WHERE the key columns = ?1.. */
    PA_SQL_EXPORT,     /* every column in order, of the rows the principal reads, in order */
    PA_SQL_DELETE_KEY, /* WHERE the key columns = ?1.. */
};
/* The statement of a kind, made from its columns when the kind was
 * registered; the string lives as long as the process. */
const char *pa_kind_sql(const struct pa_kind *kind, enum pa_kind_query query);

/* Registers the registry's event types with the log; pa_open() does this. */
void pa_registry_init(void);

/* The importable kind called `name` ("pairings", "orgs", "projects",
 * "milestones", "exchanges", and what other modules registered), or NULL.
 * Regions are built in and only exported (pa_region_kind). */
const struct pa_kind *pa_kind_find(const char *name);
/* Makes a kind importable and exportable, and routes its create event to the
 * generic apply (modules call this from their init; a second call is a no-op). */
void pa_kind_register(const struct pa_kind *kind);
/* Makes a kind's SQL without making it importable (regions). */
void pa_kind_register_export_only(const struct pa_kind *kind);
/* "pairings, orgs, ..." for messages. */
const char *pa_kind_names(void);
extern const struct pa_kind pa_region_kind;
int pa_kind_column(const struct pa_kind *kind, const char *name);

/* Parses a column's text.  Empty text is null (an error if the column is
 * required).  Borrowed text in `out` points into `text` or into static tables. */
int pa_value_parse(const struct pa_column *col, const char *text, size_t len, struct pa_value *out,
                   struct pa_error *err);
/* Formats a value as the CSV export writes it; "" for null.  buf of 64 bytes
 * suffices for everything but text, which is returned borrowed. */
const char *pa_value_format(const struct pa_column *col, const struct pa_value *v, char *buf,
                            size_t size);
/* The JSON form used by exports and the HTTP API (money as a "0.00" string). */
json_t *pa_value_json(const struct pa_column *col, const struct pa_value *v);
/* Fills a record from a row of PA_SQL_SELECT_KEY or PA_SQL_EXPORT. */
void pa_record_from_row(struct pa_record *rec, const struct pa_kind *kind, sqlite3_stmt *stmt);

/* Adds one record: refuses it (with err->field naming the column) if it is
 * invalid, skips it if identical to what is stored, refuses a different record
 * under the same key unless the kind allows that change.  Must run inside a
 * transaction; appends at most one event. */
int pa_record_put(struct pa_db *db, const struct pa_record *rec, enum pa_put_result *result,
                  struct pa_error *err);

/* Copies an image into the media folder under its SHA-256 and writes the stored
 * name ("<64 hex>.<ext>") to name.  A file already there under that name is kept. */
int pa_media_store(struct pa_db *db, const char *path, char name[80], struct pa_error *err);
/* The same for a picture in memory (an upload): its type is what its first
 * bytes say (JPEG, PNG, WebP or GIF; anything else is PA_EINVAL), never what
 * the sender claims; over 20 MiB is PA_ERANGE. */
int pa_media_store_bytes(struct pa_db *db, const void *data, size_t len, char name[80],
                         struct pa_error *err);
/* Is `name` a stored picture's name ("<64 hex>.<ext>") with its file present? */
bool pa_media_exists(struct pa_db *db, const char *name);

/* Does region `code` exist?  PA_ENOTFOUND if not; *level (may be NULL) is 1
 * for a province, 2 for a city, 3 for a county. */
int pa_region_lookup(struct pa_db *db, const char *code, int *level, struct pa_error *err);
/* The region's Chinese name ("东海县"). */
int pa_region_name(struct pa_db *db, const char *code, char *name, size_t size,
                   struct pa_error *err);
/* Is region `code` the region `ancestor` or below it? */
int pa_region_within(struct pa_db *db, const char *code, const char *ancestor, bool *within,
                     struct pa_error *err);

/* ---- the registry as JSON for the API (query.c) ------------------------------ */

/* A record as JSON: its columns by name, money as "1400000.00", counts as
 * integers, flags as booleans, absent values as null. */
json_t *pa_record_json(const struct pa_record *rec);

struct pa_project_filter {
    const char *q; /* part of the code, the name or the region's name */
    const char *kind, *status, *domain;
    const char *region;  /* this region or one below it */
    const char *pairing; /* this pairing or one below it */
    int64_t year;        /* started (start_date) in this year; 0 = any */
    int64_t limit, offset;
};

/* A page of the projects the principal reads, newest first, each with its
 * region_name; *total counts every one the filter matches. */
int pa_project_list(struct pa_db *db, const struct pa_project_filter *f, json_t **projects,
                    int64_t *total, struct pa_error *err);

int pa_project_exists(struct pa_db *db, const char *code, bool *exists, struct pa_error *err);

/* ---- who may change what (scope.c) --------------------------------------
 * The local operator (no principal) and admins may do everything.  Each
 * pa_scope_require* returns 0 or PA_EDENIED (PA_EUNAUTH for the public) with a
 * message saying why. */
bool pa_scope_unrestricted(struct pa_db *db);
/* Is `region` the principal's region or below it?  (Always for assessors.) */
int pa_scope_covers_region(struct pa_db *db, const char *region, bool *covered,
                           struct pa_error *err);
/* The principal must have `role` and cover `region`; `what` completes "may not ...". */
int pa_scope_require(struct pa_db *db, enum pa_role role, const char *region, const char *what,
                     struct pa_error *err);
int pa_scope_admin_only(struct pa_db *db, const char *what, struct pa_error *err);
/* A kind's authorize for kinds whose put decides itself (transfers). */
int pa_scope_allow(struct pa_db *db, const struct pa_record *rec, struct pa_error *err);

/* ---- who may read what (scope.c) -----------------------------------------
 * The rule is scope.c's header comment.  pa_scope_read makes it current for
 * the acting principal and the log as it is; every read that filters calls
 * it first, and may then use the pa_scope_sees_* functions and, in SQL, the
 * functions pa_sees_pairing(code), pa_sees_project(pairing, public),
 * pa_sees_account(code) (with PA_SCOPE_ACCOUNTS), pa_sees_region(code) and
 * pa_pairing_under(code, ancestor). */
enum pa_scope_needs {
    PA_SCOPE_ACCOUNTS = 1 << 0, /* which accounts are read (a query over accounts) */
};
int pa_scope_read(struct pa_db *db, unsigned needs, struct pa_error *err);
/* The local operator, admins and assessors. */
bool pa_scope_reads_everything(struct pa_db *db);
bool pa_scope_sees_pairing(struct pa_db *db, const char *code);
bool pa_scope_sees_project(struct pa_db *db, const char *pairing, bool is_public);
bool pa_scope_sees_account(struct pa_db *db, const char *code);
/* Is pairing `code` the pairing `ancestor` or below it (any depth)? */
bool pa_pairing_under(struct pa_db *db, const char *code, const char *ancestor);

/* Edits a stored project: rec is the whole project as it should be.  name,
 * budget, end_date, beneficiaries and public may change (one project.update
 * event), the status may move forward; anything else is refused. */
int pa_project_edit(struct pa_db *db, const struct pa_record *rec, enum pa_put_result *result,
                    struct pa_error *err);

/* ---- what the principal may file (may.c) ----------------------------------
 * Asked of the same rules that refuse a write (the project kind's region rule
 * and its authorize), so a form offers only what will be accepted.  A refusal
 * is *may = false, never an error. */
/* May the principal file a project of `pairing` located in `region`? */
int pa_project_may_create(struct pa_db *db, const char *pairing, const char *region, bool *may,
                          struct pa_error *err);
/* The pairings (as pa_pairing_list) in which the principal may file a project. */
int pa_pairing_list_may_create(struct pa_db *db, json_t **pairings, struct pa_error *err);
/* The regions (as pa_region_children) where a project of `pairing` may be
 * filed by the principal: its recipient region and those below it.  An
 * unknown pairing is PA_ENOTFOUND naming "pairing". */
int pa_region_list_may_create(struct pa_db *db, const char *pairing, json_t **regions,
                              struct pa_error *err);
/* May the principal edit project `code` and record its milestones? */
int pa_project_may_change(struct pa_db *db, const char *code, bool *may, struct pa_error *err);

/* A project's change history from the event log, oldest first:
 * [{"seq","type","time","actor","role","subject","changes":[{"field","old","new"}]}]
 * for its project.create/update/advance events and the milestone.create and
 * account.create events that name it; `time` is Beijing "YYYY-MM-DD HH:MM",
 * `subject` a milestone's title or an account's code, money "123.45".  A
 * project the principal does not read is PA_ENOTFOUND. */
int pa_project_history(struct pa_db *db, const char *code, json_t **history,
                       struct pa_error *err);

/* Moves a project's status forward (never back), as its own event. */
int pa_project_advance(struct pa_db *db, const char *code, const char *status,
                       struct pa_error *err);

/* ---- the programme at a glance ----------------------------------------- */

struct pa_summary_row {
    char key[32];
    int64_t count;
    int64_t budget_fen;
};

struct pa_summary_moment {
    char date[PA_DATE_LEN + 1];
    char project[PA_CODE_MAX + 1];
    char title[4 * PA_NAME_MAX_CHARS + 1];
};

struct pa_summary {
    int64_t pairings, county_pairings, orgs, projects, milestones, exchanges, people;
    int64_t budget_fen;     /* 帮扶资金安排: the assistance money of the projects */
    int64_t investment_fen; /* 总投资 of the projects that record one, never in budget_fen */
    struct pa_summary_row by_kind[8], by_status[8], by_domain[12];
    int nkind, nstatus, ndomain;
    struct pa_summary_moment moments[5];
    int nmoments;
};

int pa_summary_load(struct pa_db *db, struct pa_summary *s, struct pa_error *err);

/* ---- internal to src/registry ------------------------------------------- */

/* Writes a record into its projection table (live path and replay alike). */
int pa_registry__insert(struct pa_db *db, const struct pa_record *rec, struct pa_error *err);
int pa_registry__apply_create(struct pa_db *db, const struct pa_event *ev, struct pa_error *err);
/* The log_of of a registry event (tlog.h): the log of its "pairing", else of
 * its "project"'s pairing (a project's own events: of its "code"); the
 * province's when it names neither. */
int pa_registry__log_of(struct pa_db *db, const struct pa_event *ev, char *log,
                        struct pa_error *err);
/* Refuses a change to column col, explaining stored vs new value (PA_EEXIST). */
int pa_registry__refuse_change(const struct pa_record *stored, const struct pa_record *rec, int col,
                               struct pa_error *err);
int pa_registry__first_difference(const struct pa_record *stored, const struct pa_record *rec,
                                  int from);
/* The county of project `code` (PA_ENOTFOUND naming the field "project"). */
int pa_registry__project_region(struct pa_db *db, const char *code, char region[8],
                                struct pa_error *err);
/* Registers the kinds the joint audit reads (facts.c): contracts, notices,
 * indicators, revenue_shares. */
void pa_registry__facts_init(void);

/* ---- what the public portal reads (portal.c) ------------------------------ */

/* Key moments (定格时刻) of published projects, newest first: project,
 * project_name, date, kind, title, description, photo ("/media/<file>" or
 * null).  *total counts them all. */
int pa_moment_list(struct pa_db *db, int64_t limit, int64_t offset, json_t **moments,
                   int64_t *total, struct pa_error *err);
/* Every pairing: its columns plus donor_name and recipient_name. */
int pa_pairing_list(struct pa_db *db, json_t **pairings, struct pa_error *err);
/* The regions directly below `parent` (NULL: the provinces) as code, name,
 * level, parent.  A malformed code is PA_EINVAL, an unknown one PA_ENOTFOUND. */
int pa_region_children(struct pa_db *db, const char *parent, json_t **regions,
                       struct pa_error *err);
/* The codes of the projects in the acting principal's scope: a recipient's
 * region, a donor's money (the pairing's donor region), an auditor's pairing;
 * every project for the others. */
int pa_project_scope_set(struct pa_db *db, struct pa_strmap **codes, struct pa_error *err);

#endif
