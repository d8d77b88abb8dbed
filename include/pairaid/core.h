/*
 * core.h - the vocabulary every pairaid module shares: error codes, money in fen,
 * calendar dates, codes, text limits, GB/T 2260 region codes and unified social
 * credit codes (GB 32100-2015).
 *
 * Ownership rule for the whole library: what comes back through `**out` belongs to
 * the caller and is freed with the matching pa_*_free(); a returned const pointer is
 * borrowed from the object it came from.  Functions that can fail return 0 or a
 * negative PA_E* code and fill `struct pa_error` (which may be NULL).
 */
#ifndef PAIRAID_CORE_H
#define PAIRAID_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Assertions stay on in release builds: they guard programmer errors and ledger
 * invariants, never bad input. */
#define PA_ASSERT(cond) ((cond) ? (void)0 : pa_assert_fail(#cond, __FILE__, __LINE__))
_Noreturn void pa_assert_fail(const char *what, const char *file, int line);

#define PA_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors ------------------------------------------------------------ */

/* X(NAME, value, description).  The CLI maps these to exit codes and the HTTP
 * layer to statuses, each in exactly one place. */
#define PA_ERRNO_MAP(X)                                                                            \
    X(OK, 0, "success")                                                                            \
    X(EINVAL, -1, "invalid input")                                                                 \
    X(ENOTFOUND, -2, "not found")                                                                  \
    X(EEXIST, -3, "conflicts with what is stored")                                                 \
    X(ERANGE, -4, "value out of range")                                                            \
    X(ENOMEM, -5, "out of memory")                                                                 \
    X(EIO, -6, "input/output error")                                                               \
    X(EDB, -7, "database error")                                                                   \
    X(EBUSY, -8, "database is locked")                                                             \
    X(ETAMPER, -9, "verification failed")                                                          \
    X(EDENIED, -10, "not allowed")                                                                 \
    X(EINTERNAL, -11, "internal error")                                                            \
    X(EUNAUTH, -12, "not signed in")

enum pa_errno {
#define PA_ERRNO_ENUM(name, value, text) PA_##name = value,
    PA_ERRNO_MAP(PA_ERRNO_ENUM)
#undef PA_ERRNO_ENUM
};

const char *pa_strerror(int code);
const char *pa_errname(int code);

/* The message of the most recent failure, kept on the caller's stack. `field` names
 * the input column or JSON field at fault, empty when none is.  The message is
 * formatted twice when it is set, in English and in Chinese (the catalogue of
 * messages.c), so that each front end shows the language its user asked for. */
struct pa_error {
    int code;
    char field[64];
    char message[512];    /* English */
    char message_zh[512]; /* 简体中文 */
};

void pa_error_clear(struct pa_error *err);
/* Fills err (if not NULL) and returns code, so `return pa_error_set(...)` reads well. */
int pa_error_set(struct pa_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int pa_error_setf(struct pa_error *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- messages in two languages (i18n.c, messages.c) ---------------------- */

/* The languages of messages and labels.  PA_LANG_ZH first: it is the UI's own. */
enum pa_lang { PA_LANG_ZH, PA_LANG_EN };

/* The message of err in lang; pa_strerror's text when err holds none. */
const char *pa_error_text(const struct pa_error *err, enum pa_lang lang);
const char *pa_strerror_lang(int code, enum pa_lang lang);
/* Marks a literal as a message phrase for the catalogue's test, which finds
 * every text that needs a Chinese twin; it changes nothing. */
#define PA_MSG(text) (text)
/* The Chinese twin of an English format or phrase in the catalogue, NULL if
 * it has none.  The twin has the same conversions in the same order; in it,
 * %#s shows its argument by its Chinese label (pa_field_label, else the
 * catalogue), and any %s argument that is itself a recent message (an earlier
 * error's text, embedded) is shown by that message's Chinese twin. */
const char *pa_msg_zh(const char *en);
/* Formats an English format in lang (the catalogue's twin for PA_LANG_ZH).
 * Returns what vsnprintf returns. */
int pa_msg_vformat(char *buf, size_t size, enum pa_lang lang, const char *fmt, va_list ap);
int pa_msg_format(char *buf, size_t size, enum pa_lang lang, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Formats fmt in both languages at once, into en and zh (each of size bytes),
 * and remembers the pair (pa_msg_twin) for a message that embeds en later. */
void pa_msg_format2(char *en, char *zh, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Declares zh the Chinese of en, a text built by hand that a later message
 * embeds with %s (a list of codes, a detail).  Kept in a small shared ring of
 * recent texts; thread-safe. */
void pa_msg_twin(const char *en, const char *zh);
/* The text after a "line N: " or "第 N 行：" prefix (files name the line
 * themselves), or text itself. */
const char *pa_msg_skip_line(const char *text);
/* The label of a record field, JSON field or CSV column in lang: Chinese
 * (预算, 开始日期 ...) or, in English, the name itself; name itself when the
 * table does not know it.  Shared by messages and Chinese column headings. */
const char *pa_field_label(const char *name, enum pa_lang lang);
/* The i-th name the field table knows (in byte order), NULL past the last. */
const char *pa_field_name(size_t i);
/* What an HTTP error code ("not_found", "forbidden" ...) means, in lang; NULL
 * for a code the table does not know. */
const char *pa_error_code_text(const char *code, enum pa_lang lang);
/* The language an Accept-Language header prefers: PA_LANG_ZH when a zh range
 * has a higher q-value than any en range (or en is absent), else PA_LANG_EN,
 * which is also the answer for NULL, "*" or a header naming neither. */
enum pa_lang pa_lang_accept(const char *header);

/* ---- money ------------------------------------------------------------- */

/* Money is always int64 fen (分, 1/100 yuan); never a float anywhere. */
#define PA_FEN_PER_YUAN INT64_C(100)
#define PA_FEN_PER_WAN  INT64_C(1000000)     /* 万元 = 10,000 yuan */
#define PA_FEN_PER_YI   INT64_C(10000000000) /* 亿元 = 100,000,000 yuan */

enum pa_money_unit { PA_YUAN, PA_WAN, PA_YI };

enum pa_money_flags {
    PA_MONEY_GROUP = 1 << 0,  /* thousands separators: 1,400,000.00 */
    PA_MONEY_SUFFIX = 1 << 1, /* append 元 / 万元 / 亿元 */
};

/* Parses yuan as written in Chinese finance spreadsheets: digits, optional
 * correctly grouped thousands separators, at most two decimals.  Negative values,
 * a third decimal, stray characters and values beyond int64 fen are PA_EINVAL or
 * PA_ERANGE with a message fit for a person. */
int pa_money_parse(const char *text, int64_t *fen, struct pa_error *err);

/* Writes fen in the unit asked for, rounded half away from zero to two decimals
 * (四舍五入).  Returns the length written, or a negative PA_ERANGE if buf is too
 * small (64 bytes always suffice). */
int pa_money_format(int64_t fen, enum pa_money_unit unit, unsigned flags, char *buf, size_t size);
/* The unit a Chinese report would choose: 亿元 from 1亿, 万元 from 1万, else 元. */
enum pa_money_unit pa_money_unit_for(int64_t fen);

/* Overflow-checked arithmetic: PA_ERANGE instead of wrapping. */
int pa_money_add(int64_t a, int64_t b, int64_t *sum);
int pa_money_sub(int64_t a, int64_t b, int64_t *difference);

/* ---- dates ------------------------------------------------------------- */

#define PA_DATE_LEN 10 /* YYYY-MM-DD */

/* Strict YYYY-MM-DD between 1900-01-01 and 2999-12-31 that exists in the
 * Gregorian calendar (2023-02-30 does not). `days` (may be NULL) receives days
 * since 1970-01-01. */
int pa_date_parse(const char *text, int32_t *days, struct pa_error *err);
void pa_date_format(int32_t days, char buf[PA_DATE_LEN + 1]);
/* Today in Beijing time (UTC+8), the programme's calendar: the one place
 * pairaid asks what day it is.  For tests only, $PAIRAID_TODAY sets it: a date
 * (2026-12-04), or @FILE, a file holding one, read at every call. */
#define PA_TODAY_ENV "PAIRAID_TODAY"
int32_t pa_date_today(void);

/* ---- INI files ------------------------------------------------------------ */

/* Called for each [section] header, with its line (on_section may be NULL;
 * it sees every header before on_key sees any key), and each
 * `key = value` with its section; each returns 0, or a PA_E* code with err
 * filled (err->field naming the key or section). */
struct pa_ini_handler {
    int (*on_section)(void *ctx, const char *section, int line, struct pa_error *err);
    int (*on_key)(void *ctx, const char *section, const char *key, const char *value,
                  struct pa_error *err);
};
/* Parses INI text (libinih: `;` and `#` comments, inline `; ...`).  A key
 * given twice in a section, a key before any section, a line that is neither,
 * or a callback's refusal stops the parse: PA_EINVAL with *line (if not
 * NULL) set to the line and the message prefixed "line N: ". */
int pa_ini_parse(const char *text, const struct pa_ini_handler *h, void *ctx, int *line,
                 struct pa_error *err);

/* ---- codes and text ----------------------------------------------------- */

#define PA_CODE_MAX 64

/* How a JSON string writes byte c, as jansson does: NULL when as it is (UTF-8
 * included), else its escape in buf (`\"`, `\\`, `\n` ..., `\u001F` upper-case):
 * the one rule of the event bytes (canon.c) and the HTTP writer (jsonw.c). */
const char *pa_json_escape(unsigned char c, char buf[8]);

/* A code is [A-Za-z0-9][A-Za-z0-9:._-]{0,63}. */
int pa_code_check(const char *text, struct pa_error *err);

enum pa_text_flags {
    PA_TEXT_MULTILINE = 1 << 0, /* allow LF, CR and TAB (descriptions, memos) */
};
/* Valid UTF-8, no NUL or control characters, at most max_chars code points. */
int pa_text_check(const char *text, size_t len, size_t max_chars, unsigned flags,
                  struct pa_error *err);
size_t pa_utf8_chars(const char *text, size_t len);
/* Replaces, in place, each byte that is not part of valid UTF-8 with '?' (text
 * quoted from a request, or cut at a byte count, made safe to show). */
void pa_utf8_scrub(char *text);
/* A short one-line excerpt of text for an error message: line breaks and tabs
 * shown as \n \r \t, never cut inside a UTF-8 character, "..." when cut.
 * Returns buf. */
const char *pa_text_excerpt(const char *text, char *buf, size_t size);

/* ---- region codes and credit codes --------------------------------------- */

/* Six digits, GB/T 2260 shape (not whether the region exists: see registry.h). */
int pa_region_code_check(const char *text, struct pa_error *err);

/* 18 characters from 0-9A-HJ-NP-RTUW-Y with a correct check character (GB 32100-2015). */
int pa_credit_code_check(const char *text, struct pa_error *err);
/* The check character for the first 17 characters, or 0 if one is not allowed. */
char pa_credit_code_check_char(const char first17[17]);

/* ---- a small string set (for duplicate detection within one file) -------- */

struct pa_strmap;
int pa_strmap_new(struct pa_strmap **out);
void pa_strmap_free(struct pa_strmap *map);
/* Inserts key -> value unless present. Returns 1 if inserted, 0 if present (with
 * *existing set to the stored value), negative PA_ENOMEM. */
int pa_strmap_put(struct pa_strmap *map, const char *key, long value, long *existing);
/* 1 and *value set if key is present, else 0. */
int pa_strmap_get(const struct pa_strmap *map, const char *key, long *value);

/* ---- files built into the binary (migrations, regions, the demo) -------- */

/* One embedded file; arrays of these end with a {NULL, NULL, 0} entry. */
struct pa_blob {
    const char *name;
    const unsigned char *data;
    size_t len;
};

/* ---- files written whole or not at all ---------------------------------- */

/* Runs write(f, ctx, err) on PATH.tmp and renames it to path when both the
 * writing and the closing succeed; otherwise removes it, so that no reader ever
 * finds half a file under path (an export, a report, a template). */
typedef int (*pa_file_writer)(FILE *f, void *ctx, struct pa_error *err);
int pa_file_write_atomic(const char *path, pa_file_writer write, void *ctx, struct pa_error *err);
/* path with ".tmp" appended, in buf; PA_EINVAL if it does not fit. */
int pa_file_tmp_path(const char *path, char *buf, size_t size, struct pa_error *err);

#endif
