/*
 * tlog.h - the event log, pairaid's source of truth.  Every change is one event:
 * canonical bytes (docs/events.md) appended to the `events` table and applied to
 * the projection tables in the same transaction.  Replay rebuilds the projection
 * from the events alone.
 *
 * The log knows events as typed bytes, not what they mean: modules such as the
 * registry register the functions that apply their event types, so that replay
 * lives here without including them.
 */
#ifndef PAIRAID_TLOG_H
#define PAIRAID_TLOG_H

#include <jansson.h>

#include "pairaid/merkle.h"
#include "pairaid/note.h"
#include "pairaid/store.h"

/* Version 2 records the role the actor acted in (and its scope); version 1
 * entries, written before, are still read (docs/events.md). */
#define PA_EVENT_VERSION 2

struct pa_flat;

/* A decoded event.  `data` and the strings are owned by `root`; or, for an
 * event read by pa_flat_decode, `data` and `root` are NULL and `flat` holds
 * its fields (borrowed from the reader). */
struct pa_event {
    int64_t seq;
    int version;
    const char *type;
    const char *actor;
    const char *role;  /* NULL in a version 1 entry */
    const char *scope; /* NULL when the role has none */
    int64_t time;
    const json_t *data;
    json_t *root; /* NULL for an event being appended */
    const struct pa_flat *flat;
};
/* Applies one event to the projection.  Must be deterministic: it may read the
 * event (its data, actor and position) and the projection, nothing else (no
 * clock, no environment). */
typedef int (*pa_event_apply_fn)(struct pa_db *db, const struct pa_event *ev, struct pa_error *err);

struct pa_event_type {
    const char *name; /* "project.create" */
    pa_event_apply_fn apply;
};

struct pa_event_module {
    const char *name;
    const struct pa_event_type *types; /* ends with {NULL, NULL} */
    const char *const *tables;         /* projection tables, children first; ends with NULL */
    /* Replay only: may the event's actor, as the projection stands before it,
     * have made it in the role it records?  PA_ETAMPER if not.  NULL: no check. */
    pa_event_apply_fn check_actor;
    /* The types whose apply also reads an event given as ev->flat (ev->data
     * NULL), so replay can skip the JSON tree for them; ends with NULL.
     * NULL: none. */
    const char *const *flat_types;
    /* Tables a replay fills with a row for most events (transfers): it builds
     * their reader indexes once at the end (pa_db_defer_indexes).  Not a table
     * whose index the module's apply reads by.  NULL: none. */
    const char *const *bulk_tables;
    /* Which log the event belongs to (docs/scale-out.md, "Pairing logs"):
     * writes into log (PA_LOG_NAME_MAX + 1 bytes) the code of the city-level
     * pairing whose books it changes, or "" for the province log.  Reads the
     * projection as it stands before the event, as check_actor does, and must
     * be as deterministic as apply.  A registry record's event (record.c) is
     * given with only the data members that decide its log: its "pairing",
     * "project" and "code".  NULL: every event of the module is the
     * province's. */
    int (*log_of)(struct pa_db *db, const struct pa_event *ev, char *log, struct pa_error *err);
};

/* ---- the logs inside the log ------------------------------------------------ */

/* Every event belongs to one log: a city-level pairing's (named by its code)
 * or the province log, named "*" (what belongs to no one pairing: regions,
 * pairings, organisations, users, the assessment).  Each log is an RFC 9162
 * tree of its own over its events, in the order of the database's whole log,
 * with checkpoints of its own.  Functions below that take `log` take NULL for
 * the whole log, as before. */
#define PA_LOG_PROVINCE "*"
#define PA_LOG_NAME_MAX PA_CODE_MAX

/* Is `log` the name of a log of db?  PA_ENOTFOUND for an unknown name,
 * PA_EINVAL for a pairing that is not city-level (the message names its log);
 * both with err->field "log". */
int pa_tlog_log_check(struct pa_db *db, const char *log, struct pa_error *err);
/* The origin line of a log's checkpoints: "pairaid/log/" and its name. */
void pa_tlog_log_origin(const char *log, char *buf, size_t size);
/* Which log the event belongs to, by its module's log_of: "*" or a code. */
int pa_tlog_log_of(struct pa_db *db, const struct pa_event *ev, char log[PA_LOG_NAME_MAX + 1],
                   struct pa_error *err);
/* For the modules' log_of: the log of `pairing` (a pairing at any level): its
 * city-level pairing's code, or "" (the province's) for NULL or an unknown
 * pairing.  log holds PA_LOG_NAME_MAX + 1 bytes. */
int pa_tlog_log_of_pairing(struct pa_db *db, const char *pairing, char *log,
                           struct pa_error *err);
/* The same for the pairing that `sql` (one parameter, `key`) reads, e.g. a
 * project's; "" for a NULL key or no row. */
int pa_tlog_log_of_row(struct pa_db *db, const char *sql, const char *key, char *log,
                       struct pa_error *err);
/* How many events `log` holds (NULL: the whole log's size). */
int pa_tlog_log_size(struct pa_db *db, const char *log, int64_t *size, struct pa_error *err);
/* Gives every event written before migration 012 its log (in one
 * transaction; nothing to do, at once, when none is missing). */
int pa_tlog_assign_logs(struct pa_db *db, struct pa_error *err);
/* Each log's head, the province's first then the pairings' by code:
 * [{"log","name","origin","size","root","checkpoint"}] (name: the pairing's,
 * null for the province; checkpoint: the log's latest signed note, or null);
 * *out is the caller's. */
int pa_tlog_logs_json(struct pa_db *db, json_t **out, struct pa_error *err);

/* Registers a module's event types for the whole process.  Registering the same
 * module again is a no-op; modules are cleared in reverse order on replay, so
 * register them in dependency order (registry before ledger). */
void pa_tlog_register(const struct pa_event_module *module);
/* Registers the log's own event type, log.head (logs.c). */
void pa_tlog_init(void);

void pa_event_release(struct pa_event *ev);

/* Canonical bytes of an event: compact JSON, keys sorted, integers only, UTF-8
 * unescaped.  *out is malloc'd and owned by the caller. */
int pa_tlog_encode(const char *type, const struct pa_actor *who, int64_t time, const json_t *data,
                   char **out, size_t *len, struct pa_error *err);
/* Parses entry bytes and checks they are canonical (re-encoding gives the same bytes). */
int pa_tlog_decode(const void *entry, size_t len, struct pa_event *ev, struct pa_error *err);

/* ---- writing canonical bytes directly ------------------------------------ */

/* Builds an event's canonical bytes without a JSON tree, for the hot paths
 * (imports, transfers).  Keys within `data` must be added in ascending byte
 * order, which is asserted; the result is byte-identical to pa_tlog_encode. */
struct pa_canon {
    char *buf;
    size_t len, cap;
    bool failed; /* out of memory: pa_canon_finish reports it */
    const char *last_key;
    bool first;
    struct pa_actor who; /* borrowed until pa_canon_finish */
};

void pa_canon_init(struct pa_canon *c);
void pa_canon_release(struct pa_canon *c);
/* Starts an event made by `who` (borrowed until pa_canon_finish):
 * `{"actor":…,"data":{`. */
void pa_canon_begin(struct pa_canon *c, const struct pa_actor *who);
void pa_canon_key(struct pa_canon *c, const char *key);
void pa_canon_string(struct pa_canon *c, const char *s, size_t len);
void pa_canon_int(struct pa_canon *c, int64_t v);
void pa_canon_bool(struct pa_canon *c, bool v);
/* Ends it: `},"role":…[,"scope":…],"time":…,"type":…,"v":2}`.  PA_ENOMEM if
 * anything failed. */
int pa_canon_finish(struct pa_canon *c, int64_t time, const char *type, struct pa_error *err);

/* ---- reading canonical bytes directly (flat.c) --------------------------- */

/* An event whose data is one object of strings, integers and booleans (every
 * transfer), read without a JSON tree: replay and verify read a million of them
 * (bench/RESULTS.md, issue 14).  A field's text is NUL-terminated; a boolean
 * is number 0 or 1. */
enum pa_flat_type { PA_FLAT_STRING, PA_FLAT_INT, PA_FLAT_BOOL };
struct pa_flat_field {
    const char *key, *text;
    int64_t number;
    enum pa_flat_type type;
};
#define PA_FLAT_FIELDS_MAX 32
struct pa_flat {
    int n;
    struct pa_flat_field field[PA_FLAT_FIELDS_MAX]; /* keys in ascending byte order */
};
struct pa_flat_reader {
    struct pa_canon canon; /* the bytes encoded again, to compare */
    char *text;            /* the decoded strings */
    size_t cap;
    struct pa_flat flat;
};
void pa_flat_reader_init(struct pa_flat_reader *r);
void pa_flat_reader_release(struct pa_flat_reader *r);
/* Reads a version 2 event whose data is flat and whose bytes are canonical
 * (encoding the fields again with pa_canon gives the same bytes): fills ev
 * (ev->flat set, ev->data and ev->root NULL; everything borrowed from r until
 * its next call) and returns true.  False decides nothing: anything else —
 * nested data, an escape other than the short ones, a real, a version 1
 * entry, bytes that are not canonical — is left to pa_tlog_decode, which
 * accepts or refuses it with its own message. */
bool pa_flat_decode(struct pa_flat_reader *r, const void *entry, size_t len, struct pa_event *ev);

/* Appends canonical bytes built with pa_canon (begun with the database's
 * pa_db_who) at `time`, into `log`: what the module's log_of says of it (a
 * city-level pairing's code, or "" or "*" for the province's), or NULL to
 * have log_of work it out from the bytes (decoding them: for events written
 * one at a time; the hot paths, transfers, say it themselves); the caller
 * applies the event itself (with the same code replay reaches through the
 * registered apply function).  Must run inside a transaction. */
int pa_tlog_append_canon(struct pa_db *db, const char *type, int64_t time, const struct pa_canon *c,
                         const char *log, int64_t *seq, struct pa_error *err);

/* Appends an event with the database's actor and the current time, then applies
 * it.  Takes ownership of `data`.  Must run inside a transaction. */
int pa_tlog_append(struct pa_db *db, const char *type, json_t *data, int64_t *seq,
                   struct pa_error *err);

/* Empties every registered projection table and re-applies all events in order,
 * in one transaction. */
int pa_tlog_replay(struct pa_db *db, struct pa_error *err);

/* For a write that appends many events (a bulk import, a bundle, a replica's
 * first pull, a copy made anew): the log's own reader index (which log each
 * event is in, events_by_log) is built once before COMMIT instead of row by
 * row (pa_db_defer_indexes).  Inside a transaction. */
int pa_tlog_defer_indexes(struct pa_db *db, struct pa_error *err);

int pa_tlog_size(struct pa_db *db, int64_t *size, struct pa_error *err);

/* The tree stored beside the log, as a source of perfect subtrees for
 * pa_merkle_root and the proofs. */
void pa_tlog_tree_source(struct pa_db *db, struct pa_merkle_source *src);
/* A savepoint inside a transaction (one at a time), for work that must be undone
 * as a whole without undoing the transaction: the ledger's linked chains.  The
 * tree's cached tiles are kept in step with it. */
int pa_tlog_savepoint(struct pa_db *db, struct pa_error *err);
int pa_tlog_release(struct pa_db *db, struct pa_error *err);
/* Undoes everything since the savepoint and releases it. */
int pa_tlog_rollback_to(struct pa_db *db, struct pa_error *err);

/* ---- reading the log and proving it (proof.c) ------------------------------ */

/* One event as the log holds it; the pointers are borrowed for the call. */
struct pa_log_entry {
    int64_t index; /* 0-based leaf index in the log read (the whole log's: seq - 1) */
    int64_t seq;   /* its place in the whole log */
    const char *log; /* the log read: NULL for the whole log */
    const char *type, *actor;
    int64_t time;
    const void *entry; /* the canonical bytes */
    size_t len;
    pa_hash leaf_hash;
};

/* Calls fn for at most `count` events from leaf index `from` on, in order; fn
 * returns nonzero to stop (and that value is returned). */
int pa_tlog_entries(struct pa_db *db, const char *log, int64_t from, int64_t count,
                    int (*fn)(const struct pa_log_entry *e, void *ctx), void *ctx,
                    struct pa_error *err);

/* The current tree head: the log's size and its root. */
int pa_tlog_head(struct pa_db *db, const char *log, uint64_t *size, pa_hash root, struct pa_error *err);

struct pa_inclusion {
    uint64_t index, size;
    pa_hash leaf_hash, root;
    pa_hash proof[PA_PROOF_MAX];
    int n;
};

/* An inclusion proof of leaf `index` in the tree of `size` leaves (< 0: the
 * log's size).  A size beyond the log or an index not below the size is
 * PA_EINVAL with err->field "size" or "index". */
int pa_tlog_prove_inclusion(struct pa_db *db, const char *log, int64_t index, int64_t size, struct pa_inclusion *out,
                            struct pa_error *err);

struct pa_consistency {
    uint64_t from, to;
    pa_hash old_root, new_root;
    pa_hash proof[PA_PROOF_MAX];
    int n;
};

/* A consistency proof from the tree of `from` leaves to that of `to` (< 0: the
 * log's size).  Needs 1 <= from <= to <= the log's size; otherwise PA_EINVAL
 * with err->field "from" or "to". */
int pa_tlog_prove_consistency(struct pa_db *db, const char *log, int64_t from, int64_t to,
                              struct pa_consistency *out, struct pa_error *err);

/* The proofs as JSON, the same for the command line and the API (hashes in
 * standard base64, as in checkpoints):
 *   {"index","size","leaf_hash","root","proof":[…]}
 *   {"from","to","old_root","new_root","proof":[…]}
 * NULL when out of memory. */
json_t *pa_inclusion_json(const struct pa_inclusion *p);
json_t *pa_consistency_json(const struct pa_consistency *c);

/* ---- checkpoints ------------------------------------------------------------ */

/* The log's origin line: "pairaid/" and the codes of the city-level pairings it
 * holds, joined by ',' (or "pairaid/empty"). */
int pa_tlog_origin(struct pa_db *db, char *buf, size_t size, struct pa_error *err);

/* Signs the current tree head with signer, stores the checkpoint, and remembers
 * it as the last one this key signed.  *note (malloc'd) is the signed note. */
int pa_tlog_checkpoint(struct pa_db *db, const char *log, const struct pa_signer *signer, char **note,
                       struct pa_error *err);

/* The witness step: adds signer's signature to the latest checkpoint, after
 * checking that the checkpoint matches the log and is consistent with the last
 * one this key signed (a smaller size is a rollback, a failed consistency proof
 * a fork: both PA_ETAMPER, nothing signed). */
int pa_tlog_cosign(struct pa_db *db, const char *log, const struct pa_signer *signer, char **note,
                   struct pa_error *err);

/* The latest checkpoint's note, or PA_ENOTFOUND. */
int pa_tlog_latest_checkpoint(struct pa_db *db, const char *log, char **note, struct pa_error *err);

/* Every key that signed a checkpoint, for readers who check the signatures
 * themselves: *out (the caller's) is [{"name","verifier","size","time"}], by
 * name: the verifier key, the size of the last tree it signed and the time
 * (Unix seconds) of that tree's last event, the newest thing the signer vouched
 * for (a note carries no signing time). */
int pa_tlog_signers_json(struct pa_db *db, const char *log, json_t **out, struct pa_error *err);

/* ---- verification ----------------------------------------------------------- */

/* Checks everything pairaid can check about itself: the tree recomputed from
 * the events equals the stored one; every stored checkpoint matches the tree at
 * its size and, when trusted keys are given, every signature is by one of them
 * and verifies; what each key last signed is recorded right; the events replayed
 * into a fresh projection give exactly the stored tables.  0, or PA_ETAMPER with
 * the first difference named precisely. */
int pa_tlog_verify(struct pa_db *db, const struct pa_verifier *trusted, int ntrusted,
                   struct pa_error *err);

/* ---- the digest of the projection (digest.c) ------------------------------- */

#define PA_DIGEST_TABLES_MAX 48

struct pa_digest_table {
    char name[64];
    int64_t rows;
    pa_hash hash; /* SHA-256 of the column names and every row in key order */
};

/* What a replica compares with the server: the log's size and one SHA-256 over
 * the projection tables (the regions and every registered module's), with
 * each table's own hash and row count, so that a difference names its table. */
struct pa_digest {
    int64_t size;
    pa_hash digest;
    int ntables;
    struct pa_digest_table tables[PA_DIGEST_TABLES_MAX];
};

/* The digest of db's tables as they stand, with the log's size, in one
 * snapshot (inside the caller's transaction if one is open; its cached
 * state written first with pa_db_flush). */
int pa_tlog_digest(struct pa_db *db, struct pa_digest *out, struct pa_error *err);
/* {"size","digest","tables":[{"name","rows","digest"}]} (hashes in base64); NULL
 * when out of memory.  pa_digest_parse reads it back (PA_EIO if malformed). */
json_t *pa_digest_json(const struct pa_digest *d);
int pa_digest_parse(const json_t *j, struct pa_digest *out, struct pa_error *err);

/* ---- bundles for auditors who receive files --------------------------------- */

/* Writes DIR/entries (base64 of each event's bytes, one per line, in order),
 * DIR/checkpoint-NNNN.txt (each signed checkpoint) and DIR/keys (the verifier
 * keys that signed them).  DIR is created; files in it are replaced. */
int pa_tlog_export(struct pa_db *db, const char *dir, struct pa_error *err);
/* Rebuilds a log from a bundle into db (an empty in-memory database): appends
 * every entry (tree and projection included), stores the checkpoints and what
 * each key signed last.  keys receives the bundle's verifier keys.  Then
 * pa_tlog_verify can check it with no other database. */
int pa_tlog_load_bundle(struct pa_db *db, const char *dir, struct pa_verifier *keys, int max,
                        int *nkeys, struct pa_error *err);

/* Internal to src/tlog: replay every event of src into dst, inside dst's
 * transaction (each event's actor checked, then applied); the i-th projection
 * table. */
int pa_tlog__replay(struct pa_db *src, struct pa_db *dst, struct pa_error *err);
const char *pa_tlog__table(int i);
/* For a write that fills the projection with many events (a replay, a bundle,
 * a replica's first pull): the modules' bulk tables build their reader indexes
 * once, before COMMIT (pa_db_defer_indexes). */
int pa_tlog__defer_bulk_indexes(struct pa_db *db, struct pa_error *err);
/* Appends an event already in canonical bytes (ev decoded from them; its seq is set). */
int pa_tlog__append_decoded(struct pa_db *db, const void *entry, size_t len, struct pa_event *ev,
                            struct pa_error *err);

/* A tree in memory, level by level (memtree.c): 64 MiB for a million leaves. */
#define PA_TLOG_LEVELS 64
struct pa_tlog__memtree {
    pa_hash *level[PA_TLOG_LEVELS];
    uint64_t count[PA_TLOG_LEVELS], cap0;
};
int pa_tlog__memtree_add(struct pa_tlog__memtree *t, const void *entry, size_t len,
                         struct pa_error *err);
/* The same for a leaf already hashed. */
int pa_tlog__memtree_add_hash(struct pa_tlog__memtree *t, const pa_hash leaf,
                              struct pa_error *err);
/* Computes the levels above the leaves added so far. */
int pa_tlog__memtree_build(struct pa_tlog__memtree *t, struct pa_error *err);
void pa_tlog__memtree_source(struct pa_tlog__memtree *t, struct pa_merkle_source *src);
void pa_tlog__memtree_release(struct pa_tlog__memtree *t);

/* A tree to read, from its stored tiles: the whole log's or one log's.  Its
 * size is read first, and no node of a tree of that size ever changes. */
struct pa_tlog__view {
    struct pa_db *db;
    const char *log; /* NULL: the whole log */
    uint64_t size;
    struct pa_merkle_source src;
};
/* Checks `log` (pa_tlog_log_check) and reads its tree. */
int pa_tlog__view_open(struct pa_db *db, const char *log, struct pa_tlog__view *v,
                       struct pa_error *err);
/* The log a checkpoint's origin line names ("pairaid/log/NAME"); NULL for
 * the whole log's.  Points into origin. */
const char *pa_tlog__origin_log(const char *origin);
/* Appends to the province log a log.head event for a pairing log's signed
 * head, unless it is recorded already; another root at the same size is a
 * fork (PA_ETAMPER, nothing written). */
int pa_tlog__record_head(struct pa_db *db, const char *log, uint64_t size, const pa_hash root,
                         struct pa_error *err);
/* Recomputes one log's tree (no check of the name) from its events, in order. */
int pa_tlog__log_tree(struct pa_db *db, const char *log, struct pa_tlog__memtree *t,
                      struct pa_error *err);
/* One log's stored tree (tree.c): its size, a source of its nodes (for a view
 * with db and log set), and writing it whole from a tree in memory. */
int pa_tlog__log_tree_size(struct pa_db *db, const char *log, uint64_t *size,
                           struct pa_error *err);
void pa_tlog__log_tree_source(struct pa_tlog__view *v, struct pa_merkle_source *src);
int pa_tlog__log_tiles_write(struct pa_db *db, const char *log, const struct pa_tlog__memtree *t,
                             struct pa_error *err);

/* Adds event seq's leaf (and every parent it completes) to the whole log's
 * tree and to the tree of `log`, the log it belongs to; part of each append. */
int pa_tlog__tree_append(struct pa_db *db, int64_t seq, const char *log, const void *entry,
                         size_t len, struct pa_error *err);

#endif
