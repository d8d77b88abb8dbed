/*
 * fuzz_http.c - libFuzzer target for the HTTP server's whole request path:
 * method, URL, query, headers and body go through dispatch.c exactly as the
 * libmicrohttpd glue (src/http/mhd.c) feeds them, to routing, framing checks,
 * sign-in, CSRF, the answer cache, every handler, the library behind them and
 * the reply.  No socket: what libmicrohttpd 0.9.75 would parse out of the
 * bytes, the harness parses itself.
 *
 * One service (pa_http_service_open) serves the whole run, on a demo database
 * in a temporary directory with one user per role, each signed in once, and
 * two pending transfers that can still be approved or rejected.  An
 * input names a session as "@0".."@4" in a header value (the harness puts the
 * token there), and "@c0".."@c4" stands for that session's CSRF value, so
 * signed-in reads, CSRF checks and writes are reached.  Writes change the
 * database; it is put back from a pristine copy now and then (see
 * reset_if_due), so it cannot grow without bound.
 *
 * The input (fuzz/README.md has it with examples):
 *
 *   byte 0     '%': the rest is a URL part for pa_http_unescape, checked
 *              against an independent reference decoder.
 *              Otherwise o = (uint8_t)(byte - '0') picks the client address,
 *              clients[o % 4], and how the body is cut for
 *              pa_http_take_body, pieces[(o / 4) % 4].
 *   line 1     METHOD SP URL [SP HTTP/1.1]: the URL is split at its first
 *              '?', the path percent-decoded, the query split on '&' and
 *              '=', '+' made a space and each part decoded, as libmicrohttpd
 *              does; a part without '=' is an argument with a NULL value.
 *   headers    "Name: value" lines (LF or CRLF; a bare CR stays in the value)
 *              up to an empty line; a line without ':' is dropped (libmicrohttpd
 *              refuses the request itself).
 *   body       everything after the empty line, as libmicrohttpd would pass it
 *              (de-chunked): Content-Length does not frame it here, dispatch.c
 *              only checks it.
 *
 * What is checked (__builtin_trap() on a violation, besides ASan/UBSan/LSan),
 * on every answer, whether pa_http_begin gave it or pa_http_finish:
 *  - the status is 100..599, and a reply body is there if it has a length;
 *  - a 5xx is 503 busy, or the 501 a transfer coding gets (connection
 *    closed): never a 500, which is a bug;
 *  - an application/json reply parses; every answer >= 400 is JSON of exactly
 *    {"error": {"code", "message", "field"}} (plus "errors" for an import's
 *    rows), code the one docs/api.md gives the status, message a non-empty
 *    string, field a string or null; a 405 says which methods are allowed;
 *  - a request that was a cache candidate has the key cache.c documents:
 *    SHA-256 over the path and the arguments as sent, each length-prefixed;
 *    recomputed here from the request as the harness sent it;
 *  - a HEAD gets the status its GET gets (the GET runs right after it).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "http_int.h"
#include "pairaid/pairaid.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_failed(const char *cond, int line);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            check_failed(#cond, __LINE__);                                                         \
    } while (0)

/* A harness that cannot set itself up has nothing to fuzz. */
#define SETUP(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_http: setup failed: %s (line %d)\n", #cond, __LINE__);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* ---- the database and the service ---------------------------------------------------- */

struct demo_user {
    const char *name, *password;
    enum pa_role role;
    const char *region, *pairing;
};

/* scripts/demo-users's users: session i is users[i]'s. */
static const struct demo_user users[] = {
    {"admin", "pairaid-root", PA_ROLE_ADMIN, "", ""},
    {"wuxi.finance", "pairaid-donor", PA_ROLE_DONOR, "320200", ""},
    {"donghai.office", "pairaid-recipient", PA_ROLE_RECIPIENT, "320722", ""},
    {"audit.wxlyg", "pairaid-auditor", PA_ROLE_AUDITOR, "", "WX-LYG"},
    {"province.assess", "pairaid-assessor", PA_ROLE_ASSESSOR, "", ""},
};
#define NSESSIONS ((int)PA_ARRAY_LEN(users))

#define SESSION_SECONDS (365LL * 24 * 3600) /* no session ends during a run */
#define TRUSTED_PROXY   "10.0.0.1"
#define UPLOAD_BYTES    16384              /* an import's limit, small so that inputs can pass it */
#define RESET_INPUTS    10000              /* the database is put back this often... */
#define RESET_GROWTH    ((int64_t)8 << 20) /* ...or when it has grown by this much */

static struct {
    char dir[64], db_path[128], pristine_path[128];
    int64_t pristine_bytes;
    struct pa_server_config config;
    struct pa_http_service *service;
    char tokens[NSESSIONS][PA_TOKEN_HEX_LEN + 1];
    char csrf[NSESSIONS][PA_TOKEN_HEX_LEN + 1];
    long inputs_since_reset;
    bool verbose; /* FUZZ_HTTP_VERBOSE=1: every answer on stderr, for writing seeds */
} fz;

static struct pa_principal principal(const struct demo_user *u)
{
    struct pa_principal p;
    memset(&p, 0, sizeof(p));
    snprintf(p.name, sizeof(p.name), "%s", u->name);
    p.role = u->role;
    snprintf(p.region, sizeof(p.region), "%s", u->region);
    snprintf(p.pairing, sizeof(p.pairing), "%s", u->pairing);
    return p;
}

/* The users, then one session each, as the local operator (cmd_user.c does the same). */
static int add_users_and_sessions(struct pa_db *db, struct pa_error *err)
{
    int rc = pa_db_begin(db, err);
    for (int i = 0; rc == 0 && i < NSESSIONS; i++) {
        struct pa_principal p = principal(&users[i]);
        rc = pa_user_add(db, &p, users[i].password, err);
    }
    for (int i = 0; rc == 0 && i < NSESSIONS; i++) {
        struct pa_principal p = principal(&users[i]);
        int64_t expires;
        rc = pa_session_open(db, &p, SESSION_SECONDS, fz.tokens[i], &expires, err);
        pa_session_csrf(fz.tokens[i], fz.csrf[i]);
    }
    if (rc == 0)
        rc = pa_db_commit(db, err);
    if (rc != 0)
        pa_db_rollback(db);
    return rc;
}

/* Imports CSV text of `kind`, or the demo when csv is NULL; the first bad
 * row, if any, is what err says. */
static int import_csv(struct pa_db *db, const char *kind, const char *csv, struct pa_error *err)
{
    struct pa_import_report report;
    const char *file = "demo";
    int rc = csv ? pa_import(db, kind, csv, strlen(csv), NULL, &report, err)
                 : pa_demo_load(db, &report, &file, err);
    if (rc != 0 && report.kept > 0)
        snprintf(err->message, sizeof(err->message), "%s:%ld: %.400s", csv ? kind : file,
                 report.errors[0].line, report.errors[0].message);
    pa_import_report_release(&report);
    return rc;
}

/* Two pending transfers that have not expired, so that approving and
 * rejecting one (POST /api/v1/transfers/{id}/post, /void) can succeed: the
 * demo's pending transfers have all expired. */
static int add_pending_transfers(struct pa_db *db, struct pa_error *err)
{
    char today[PA_DATE_LEN + 1], expires[PA_DATE_LEN + 1], csv[512];
    pa_date_format(pa_date_today(), today);
    pa_date_format(pa_date_today() + 3650, expires);
    snprintf(csv, sizeof(csv),
             "id,date,from,to,amount,project,memo,kind,pending_id,expires\n"
             "FZ-PENDING-1,%s,PRJ-LYG-MS-016,PAY-SYN-BUILD-HZ,100.00,LYG-MS-016,fuzz,pending,,%s\n"
             "FZ-PENDING-2,%s,PRJ-LYG-MS-016,PAY-SYN-BUILD-HZ,200.00,LYG-MS-016,fuzz,pending,,%s\n",
             today, expires, today, expires);
    return import_csv(db, "transfers", csv, err);
}

/* The demo database with its users, sessions and pending transfers, and a
 * pristine copy of it. */
static void build_database(void)
{
    struct pa_db *db = NULL;
    struct pa_error err;
    pa_error_clear(&err);
    int rc = pa_open(&db, fz.db_path, PA_DB_CREATE, &err);
    if (rc == 0)
        rc = pa_db_set_actor(db, "fuzz", &err);
    if (rc == 0)
        rc = import_csv(db, NULL, NULL, &err);
    if (rc == 0)
        rc = add_pending_transfers(db, &err);
    if (rc == 0)
        rc = add_users_and_sessions(db, &err);
    if (rc == 0)
        rc = pa_db_backup(db, fz.pristine_path, &err);
    if (rc != 0)
        fprintf(stderr, "fuzz_http: %s\n", err.message);
    SETUP(rc == 0);
    pa_db_free(db);
    struct stat st;
    SETUP(stat(fz.pristine_path, &st) == 0);
    fz.pristine_bytes = (int64_t)st.st_size;
}

static void open_service(void)
{
    struct pa_error err;
    pa_error_clear(&err);
    if (pa_http_service_open(&fz.service, &fz.config, &err) != 0)
        fprintf(stderr, "fuzz_http: %s\n", err.message);
    SETUP(fz.service != NULL);
}

static int64_t file_bytes(const char *path, const char *suffix)
{
    char name[160];
    snprintf(name, sizeof(name), "%s%s", path, suffix);
    struct stat st;
    return stat(name, &st) == 0 ? (int64_t)st.st_size : 0;
}

static void remove_file(const char *path, const char *suffix)
{
    char name[160];
    snprintf(name, sizeof(name), "%s%s", path, suffix);
    SETUP(unlink(name) == 0 || errno == ENOENT);
}

static void copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    SETUP(in >= 0 && out >= 0);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        SETUP(write(out, buf, (size_t)n) == n);
    SETUP(n == 0 && close(in) == 0 && close(out) == 0);
}

/* The service is closed (so no connection holds the file), the database put
 * back as it was after LLVMFuzzerInitialize, and the service opened again:
 * sessions signed out come back, and the answer cache and the sign-in
 * throttle start empty. */
static void reset_database(void)
{
    pa_http_service_close(fz.service);
    fz.service = NULL;
    remove_file(fz.db_path, "-wal");
    remove_file(fz.db_path, "-shm");
    copy_file(fz.pristine_path, fz.db_path);
    open_service();
    fz.inputs_since_reset = 0;
}

/* After a sign-out (its session would stay closed), every RESET_INPUTS
 * inputs, and when the database and its WAL have grown by RESET_GROWTH. */
static void reset_if_due(const struct pa_http_request *r)
{
    bool signed_out =
        r->route && strcmp(r->route->pattern, "/api/v1/logout") == 0 && r->status == 204;
    int64_t bytes = file_bytes(fz.db_path, "") + file_bytes(fz.db_path, "-wal");
    if (signed_out || ++fz.inputs_since_reset >= RESET_INPUTS ||
        bytes > fz.pristine_bytes + RESET_GROWTH)
        reset_database();
}

static void remove_dir(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char name[512];
        snprintf(name, sizeof(name), "%s/%s", path, e->d_name);
        if (e->d_type == DT_DIR)
            remove_dir(name);
        else
            unlink(name);
    }
    if (d)
        closedir(d);
    rmdir(path);
}

static void cleanup(void)
{
    pa_http_service_close(fz.service);
    fz.service = NULL;
    remove_dir(fz.dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    SETUP(sodium_init() >= 0);
    snprintf(fz.dir, sizeof(fz.dir), "/tmp/fuzz_http.XXXXXX");
    SETUP(mkdtemp(fz.dir) != NULL);
    snprintf(fz.db_path, sizeof(fz.db_path), "%s/pairaid.db", fz.dir);
    snprintf(fz.pristine_path, sizeof(fz.pristine_path), "%s/pristine.db", fz.dir);
    build_database();
    fz.config.db_path = fz.db_path;
    fz.config.trusted_proxy = TRUSTED_PROXY;
    fz.config.upload_bytes = UPLOAD_BYTES;
    open_service();
    SETUP(atexit(cleanup) == 0);
    fz.verbose = getenv("FUZZ_HTTP_VERBOSE") != NULL;
    return 0;
}

/* ---- the input ------------------------------------------------------------------------- */

/* Peers as the glue names them; "" is one it cannot name (address_text). */
static const char *const clients[] = {"127.0.0.1", "::1", TRUSTED_PROXY, ""};
/* The size of the pieces the body arrives in: 0 means two halves. */
static const size_t pieces[] = {SIZE_MAX, 0, 1, 100};

/* More than this many headers or arguments are refused like this many. */
#define FIELDS_KEPT (PA_HTTP_FIELDS_MAX + 1)

struct input {
    char *text; /* the input after byte 0, NUL-terminated; the head is cut up in place */
    const char *method, *path;
    struct pa_http_field headers[FIELDS_KEPT], args[FIELDS_KEPT];
    int nheaders, nargs;
    const char *body;
    size_t body_len;
    char *owned[FIELDS_KEPT]; /* headers' values with sessions put in (expand_sessions) */
    const char *client;
    size_t piece;
};

/* The next line (its LF, and a CR before it, cut off), or NULL at the end. */
static char *next_line(char **at, char *end)
{
    char *line = *at;
    if (line >= end)
        return NULL;
    char *lf = memchr(line, '\n', (size_t)(end - line));
    if (lf == NULL) {
        *at = end;
        return line;
    }
    *lf = '\0';
    if (lf > line && lf[-1] == '\r')
        lf[-1] = '\0';
    *at = lf + 1;
    return line;
}

static void add_field(struct pa_http_field *fields, int *n, const char *name, const char *value)
{
    if (*n == FIELDS_KEPT)
        return;
    fields[*n].name = name;
    fields[*n].value = value;
    (*n)++;
}

/* A query part, decoded as libmicrohttpd does: '+' is a space, then %XX. */
static char *decode_part(char *s)
{
    for (char *p = strchr(s, '+'); p; p = strchr(p + 1, '+'))
        *p = ' ';
    pa_http_unescape(s);
    return s;
}

/* "a=1&b&=c&" gives a "1", b NULL, "" "c"; an empty part after the last '&'
 * gives nothing (libmicrohttpd's MHD_parse_arguments_). */
static void split_query(struct input *in, char *query)
{
    while (*query) {
        char *amp = strchr(query, '&');
        if (amp)
            *amp = '\0';
        char *eq = strchr(query, '=');
        if (eq)
            *eq = '\0';
        add_field(in->args, &in->nargs, decode_part(query), eq ? decode_part(eq + 1) : NULL);
        if (amp == NULL)
            break;
        query = amp + 1;
    }
}

/* "METHOD SP URL [SP VERSION]": libmicrohttpd refuses a line without a method or a URL. */
static int parse_request_line(struct input *in, char *line)
{
    char *sp = strchr(line, ' ');
    if (sp == NULL || sp == line)
        return -1;
    *sp = '\0';
    in->method = line;
    char *url = sp + 1;
    while (*url == ' ')
        url++;
    char *version = strrchr(url, ' ');
    if (version)
        *version = '\0';
    if (*url == '\0')
        return -1;
    char *query = strchr(url, '?');
    if (query) {
        *query = '\0';
        split_query(in, query + 1);
    }
    pa_http_unescape(url);
    in->path = url;
    return 0;
}

/* "@N" becomes session N's token, "@cN" its CSRF value (N mod NSESSIONS).
 * The value is the input's own when there is nothing to replace. */
static const char *expand_sessions(const char *value, char **owned)
{
    size_t at = 0;
    for (const char *p = strchr(value, '@'); p; p = strchr(p + 1, '@'))
        at++;
    *owned = NULL;
    if (at == 0)
        return value;
    char *out = malloc(strlen(value) + at * PA_TOKEN_HEX_LEN + 1), *o = out;
    SETUP(out != NULL);
    for (const char *p = value; *p;) {
        bool csrf = p[0] == '@' && p[1] == 'c' && p[2] >= '0' && p[2] <= '9';
        bool token = p[0] == '@' && p[1] >= '0' && p[1] <= '9';
        if (!csrf && !token) {
            *o++ = *p++;
            continue;
        }
        int i = (p[csrf ? 2 : 1] - '0') % NSESSIONS;
        memcpy(o, csrf ? fz.csrf[i] : fz.tokens[i], PA_TOKEN_HEX_LEN);
        o += PA_TOKEN_HEX_LEN;
        p += csrf ? 3 : 2;
    }
    *o = '\0';
    return *owned = out;
}

/* "Name: value": the value starts after the blanks that follow the colon. */
static void parse_header(struct input *in, char *line)
{
    char *colon = strchr(line, ':');
    if (colon == NULL)
        return;
    *colon = '\0';
    char *value = colon + 1;
    while (*value == ' ' || *value == '\t')
        value++;
    if (in->nheaders < FIELDS_KEPT)
        add_field(in->headers, &in->nheaders, line,
                  expand_sessions(value, &in->owned[in->nheaders]));
}

static void input_release(struct input *in)
{
    for (int i = 0; i < FIELDS_KEPT; i++)
        free(in->owned[i]);
    free(in->text);
    memset(in, 0, sizeof(*in));
}

static int parse_input(const uint8_t *data, size_t size, struct input *in)
{
    memset(in, 0, sizeof(*in));
    unsigned options = (uint8_t)(data[0] - '0');
    in->client = clients[options % 4];
    in->piece = pieces[(options / 4) % 4];
    in->text = malloc(size);
    SETUP(in->text != NULL);
    memcpy(in->text, data + 1, size - 1);
    in->text[size - 1] = '\0';
    char *at = in->text, *end = in->text + size - 1, *line = next_line(&at, end);
    if (line == NULL || parse_request_line(in, line) != 0)
        return -1;
    while ((line = next_line(&at, end)) != NULL && line[0] != '\0')
        parse_header(in, line);
    in->body = at;
    in->body_len = (size_t)(end - at);
    return 0;
}

/* ---- one request, as mhd.c drives it ------------------------------------------------- */

/* Every piece, as libmicrohttpd passes them even after a 413 or a 503 was
 * decided: pa_http_take_body drops what it does not need. */
static void take_body(struct pa_http_request *r, const struct input *in)
{
    size_t piece = in->piece ? in->piece : (in->body_len + 1) / 2;
    for (size_t done = 0; done < in->body_len;) {
        size_t n = in->body_len - done < piece ? in->body_len - done : piece;
        pa_http_take_body(r, in->body + done, n);
        done += n;
    }
}

/* on_request: headers and arguments, begin; if that did not answer, the body
 * and finish.  Then on_completed's metrics.  The caller releases r. */
static void run(struct pa_http_request *r, const struct input *in, const char *method)
{
    pa_http_request_init(r, fz.service, method, in->path, in->client);
    for (int i = 0; i < in->nheaders; i++)
        pa_http_add_header(r, in->headers[i].name, in->headers[i].value);
    for (int i = 0; i < in->nargs; i++)
        pa_http_add_arg(r, in->args[i].name, in->args[i].value);
    pa_http_begin(r);
    if (!pa_http_answered(r)) {
        take_body(r, in);
        pa_http_finish(r);
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long now_ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
    double seconds = (double)(now_ns - r->started_ns) / 1e9;
    pa_metrics_observe(r->metrics, r->route ? r->route->pattern : "static", r->status, seconds);
}

/* ---- the checks ------------------------------------------------------------------------- */

static const struct pa_http_request *checking; /* the request a failed check shows */

static void show(const struct pa_http_request *r)
{
    fprintf(stderr, "fuzz_http: %s %.200s -> %u %s: %.*s\n", r->method, r->url, r->status,
            r->content_type ? r->content_type : "(no type)",
            (int)(r->reply_len < 2000 ? r->reply_len : 2000), r->reply ? r->reply : "");
}

static void check_failed(const char *cond, int line)
{
    fprintf(stderr, "fuzz_http: check failed: %s (fuzz_http.c:%d)\n", cond, line);
    if (checking != NULL)
        show(checking);
    __builtin_trap();
}

/* docs/api.md's table: the code each error status has. */
static const char *error_code(unsigned status)
{
    switch (status) {
    case 400:
        return "malformed";
    case 401:
        return "unauthenticated";
    case 403:
        return "forbidden";
    case 404:
        return "not_found";
    case 405:
        return "method_not_allowed";
    case 409:
        return "conflict";
    case 413:
        return "too_large";
    case 415:
        return "unsupported_media_type";
    case 422:
        return "invalid";
    case 429:
        return "too_many_attempts";
    case 431:
        return "too_large";
    case 501:
        return "not_implemented";
    case 503:
        return "busy";
    default:
        return NULL;
    }
}

static bool is_json(const struct pa_http_request *r)
{
    /* the glue sends application/json when a handler names no type */
    return r->content_type == NULL || strncmp(r->content_type, "application/json", 16) == 0;
}

/* {"error": {"code", "message", "field"}}, and an import's row errors. */
static void check_error(const struct pa_http_request *r, json_t *reply)
{
    CHECK(json_is_object(reply) && json_object_size(reply) == 1);
    json_t *error = json_object_get(reply, "error");
    CHECK(json_is_object(error));
    json_t *code = json_object_get(error, "code"), *message = json_object_get(error, "message");
    json_t *field = json_object_get(error, "field"), *errors = json_object_get(error, "errors");
    const char *want = error_code(r->status);
    CHECK(want != NULL);
    CHECK(json_is_string(code) && strcmp(json_string_value(code), want) == 0);
    CHECK(json_is_string(message) && json_string_length(message) > 0);
    CHECK(json_is_string(field) || json_is_null(field));
    if (errors != NULL)
        CHECK(json_is_array(errors) && r->status == 422 && r->route &&
              r->route->handle == pa_h_import);
    CHECK(json_object_size(error) == (errors ? 4u : 3u));
}

static void check_answer(const struct pa_http_request *r)
{
    if (fz.verbose)
        show(r);
    checking = r;
    CHECK(r->status >= 100 && r->status <= 599);
    CHECK(r->reply_len == 0 || r->reply != NULL);
    CHECK(r->status < 500 || r->status == 503 || (r->status == 501 && r->close));
    if (r->status == 405)
        CHECK(r->allow[0] != '\0');
    if (r->status >= 400)
        CHECK(is_json(r) && r->reply_len > 0);
    if (is_json(r) && r->reply_len > 0) {
        json_error_t jerr;
        json_t *reply = json_loadb(r->reply, r->reply_len, JSON_ALLOW_NUL, &jerr);
        if (reply == NULL)
            fprintf(stderr, "fuzz_http: the reply is not JSON: %s\n", jerr.text);
        CHECK(reply != NULL);
        if (r->status >= 400)
            check_error(r, reply);
        json_decref(reply);
    }
    checking = NULL;
}

/* Adds a string, or its absence, as cache.c documents: its length as 8 bytes
 * little-endian (all ones for none), then its bytes. */
static void hash_text(crypto_hash_sha256_state *h, const char *text)
{
    uint64_t len = text ? strlen(text) : UINT64_MAX;
    unsigned char prefix[8];
    for (int i = 0; i < 8; i++)
        prefix[i] = (unsigned char)(len >> (8 * i));
    crypto_hash_sha256_update(h, prefix, sizeof(prefix));
    if (text)
        crypto_hash_sha256_update(h, (const unsigned char *)text, len);
}

/* The key is who reads (anonymous, or the role and scope the server found,
 * and the name where the route keeps answers per user), the language, then
 * the request's path and arguments as sent, in order (cache.c). */
static void check_cache_key(const struct pa_http_request *r, const struct input *in)
{
    if (!r->cache_candidate)
        return;
    checking = r;
    crypto_hash_sha256_state h;
    unsigned char key[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&h);
    if (r->signed_in) {
        char role[16];
        snprintf(role, sizeof(role), "role %d", (int)r->user.role);
        hash_text(&h, role);
        hash_text(&h, r->user.region);
        hash_text(&h, r->user.pairing);
        hash_text(&h, r->route->keyed == PA_KEY_USER ? r->user.name : NULL);
    } else {
        hash_text(&h, "anonymous");
    }
    hash_text(&h, r->lang == PA_LANG_ZH ? "zh" : "en");
    hash_text(&h, in->path);
    for (int i = 0; i < in->nargs; i++) {
        hash_text(&h, in->args[i].name);
        hash_text(&h, in->args[i].value);
    }
    crypto_hash_sha256_final(&h, key);
    CHECK(in->nargs <= PA_HTTP_FIELDS_MAX);
    CHECK(memcmp(key, r->cache_key, sizeof(key)) == 0);
    checking = NULL;
}

/* ---- URL unescaping (byte 0 '%') --------------------------------------------------- */

static int hex_value(char c)
{
    static const char digits[] = "0123456789abcdef0123456789ABCDEF";
    const char *p = c ? strchr(digits, c) : NULL;
    return p ? (int)((p - digits) % 16) : -1;
}

/* What pa_http_unescape should give: "%XY" with two hex digits becomes the byte
 * 0xXY unless that is 0; everything else is copied. */
static size_t reference_unescape(const char *in, char *out)
{
    size_t n = 0;
    while (*in) {
        int hi = in[0] == '%' ? hex_value(in[1]) : -1;
        int lo = hi >= 0 ? hex_value(in[2]) : -1;
        if (lo >= 0 && (hi << 4 | lo) != 0) {
            out[n++] = (char)(hi << 4 | lo);
            in += 3;
        } else {
            out[n++] = *in++;
        }
    }
    out[n] = '\0';
    return n;
}

/* The length returned is the string's (no NUL inside: "%00" stays), the
 * output is the reference decoder's, and a string without '%' is unchanged,
 * also by a second pass. */
static void fuzz_unescape(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), *input = malloc(size + 1), *want = malloc(size + 1);
    SETUP(s != NULL && input != NULL && want != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    size_t in_len = strlen(s);
    memcpy(input, s, in_len + 1);

    size_t n = pa_http_unescape(s);
    CHECK(n <= in_len);
    CHECK(strlen(s) == n);
    size_t m = reference_unescape(input, want);
    CHECK(m == n && memcmp(s, want, n) == 0);
    if (strchr(input, '%') == NULL)
        CHECK(n == in_len && memcmp(s, input, n) == 0);
    if (strchr(s, '%') == NULL) {
        memcpy(want, s, n + 1);
        CHECK(pa_http_unescape(s) == n && memcmp(s, want, n + 1) == 0);
    }
    free(s);
    free(input);
    free(want);
}

/* ---- the entry point --------------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] == '%') {
        fuzz_unescape(data + 1, size - 1);
        return 0;
    }
    static struct input in;
    if (parse_input(data, size, &in) != 0) {
        input_release(&in);
        return 0;
    }
    struct pa_http_request *r = malloc(sizeof(*r));
    SETUP(r != NULL);
    run(r, &in, in.method);
    check_answer(r);
    check_cache_key(r, &in);
    if (strcmp(in.method, "HEAD") == 0) {
        unsigned head_status = r->status;
        pa_http_request_release(r);
        run(r, &in, "GET");
        check_answer(r);
        check_cache_key(r, &in);
        checking = r;
        CHECK(r->status == head_status);
        checking = NULL;
    }
    reset_if_due(r);
    pa_http_request_release(r);
    free(r);
    input_release(&in);
    return 0;
}
