/*
 * xlsx_read.c - reads one worksheet of an XLSX workbook as rows of text, so that
 * the importer can check them exactly as it checks CSV records.
 *
 * libzip opens the archive from memory; libxml2's xmlReader reads every part as
 * a stream, so a sheet never becomes a DOM: memory holds the shared strings, one
 * row and the styles, whatever the sheet's length.  Every part is capped by its
 * uncompressed size, counted while reading (a zip may lie about sizes), which is
 * what stops a zip bomb.  No DTD is accepted, no entity is substituted and no
 * network is used, so entity expansion has nothing to work on.
 *
 * Values become the text the CSV importer parses: numbers as Excel shows them
 * at 15 significant digits (1400000, 1400000.5, 0.3 for 0.1+0.2), numbers in a
 * date style as YYYY-MM-DD (1900 system with Excel's 1900-02-29, or 1904),
 * booleans as true/false.  A formula is not read as its cached value: the cell
 * is handed over with PA_XLSX_FORMULA, and the importer says to paste values.
 */
#include <assert.h>
#include <ctype.h>
#include <libxml/xmlreader.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "pairaid/io.h"

#define PART_MAX_BYTES    ((zip_uint64_t)16 << 20)   /* workbook, rels, styles */
#define STRINGS_MAX_BYTES ((zip_uint64_t)256 << 20)  /* sharedStrings.xml */
#define SHEET_MAX_BYTES   ((zip_uint64_t)2048 << 20) /* a worksheet (the CSV limit) */
#define ROW_MAX_BYTES     ((size_t)64 << 20)
#define CELL_MAX_BYTES    ((size_t)PA_XLSX_CELL_CHARS * 4 + 4)
#define SHEETS_MAX        1024
#define STYLES_MAX        65536

static_assert(PA_XLSX_MAX_COLUMNS == 16384, "XFD is Excel's last column");

/* ---- growable text ----------------------------------------------------------------- */

struct text {
    char *s;
    size_t len, cap, max;
    bool over; /* something was dropped because of max */
};

static bool text_add(struct text *t, const char *s, size_t n)
{
    if (t->len + n > t->max) {
        t->over = true;
        return true;
    }
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *b = realloc(t->s, cap);
        if (b == NULL)
            return false;
        t->s = b;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
    return true;
}

/* ---- zip parts as xmlReaders -------------------------------------------------------- */

struct part {
    zip_file_t *file;
    zip_uint64_t read, max;
    bool over, failed;
};

static int part_read(void *ctx, char *buf, int len)
{
    struct part *p = ctx;
    zip_int64_t got = zip_fread(p->file, buf, (zip_uint64_t)len);
    if (got < 0) {
        p->failed = true;
        return -1;
    }
    p->read += (zip_uint64_t)got;
    if (p->read > p->max) { /* counted, not declared: a zip may lie */
        p->over = true;
        return -1;
    }
    return (int)got;
}

static int part_close(void *ctx)
{
    (void)ctx; /* the part is closed by part_end, after the reader */
    return 0;
}

static void quiet(void *ctx, xmlErrorPtr error)
{
    (void)ctx; /* the library never prints: a failed read is reported as an error */
    (void)error;
}

static void quiet_generic(void *ctx, const char *fmt, ...)
{
    (void)ctx; /* libxml2's errors without a parser (an encoder's) would go to stderr */
    (void)fmt;
}

struct xml {
    struct zip *za;
    const char *name; /* the part, for messages */
    struct part part;
    xmlTextReaderPtr r;
};

static int xml_open(struct zip *za, const char *name, zip_uint64_t max, struct xml *x,
                    struct pa_error *err)
{
    memset(x, 0, sizeof(*x));
    x->za = za;
    x->name = name;
    x->part.max = max;
    zip_stat_t st;
    zip_int64_t i = zip_name_locate(za, name, 0);
    if (i < 0 || zip_stat_index(za, (zip_uint64_t)i, 0, &st) != 0)
        return pa_error_set(err, PA_EINVAL, "not an XLSX workbook: the zip holds no %s", name);
    if ((st.valid & ZIP_STAT_SIZE) && st.size > max)
        return pa_error_set(err, PA_EINVAL, "%s is larger than %zu MiB uncompressed", name,
                            (size_t)(max >> 20));
    x->part.file = zip_fopen_index(za, (zip_uint64_t)i, 0);
    if (x->part.file == NULL)
        return pa_error_set(err, PA_EINVAL, "%s cannot be read from the zip", name);
    x->r = xmlReaderForIO(part_read, part_close, &x->part, NULL, NULL,
                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (x->r == NULL) {
        zip_fclose(x->part.file);
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    xmlTextReaderSetStructuredErrorHandler(x->r, quiet, NULL);
    return 0;
}

static void xml_close(struct xml *x)
{
    if (x->r)
        xmlFreeTextReader(x->r);
    if (x->part.file)
        zip_fclose(x->part.file);
    x->r = NULL;
    x->part.file = NULL;
}

/* The next node: 1, 0 at the end, or an error (a DTD, bad XML, a part too large). */
static int xml_next(struct xml *x, struct pa_error *err)
{
    int rc = xmlTextReaderRead(x->r);
    if (rc == 1 && xmlTextReaderNodeType(x->r) == XML_READER_TYPE_DOCUMENT_TYPE)
        return pa_error_set(err, PA_EINVAL, "%s declares a DTD, which a spreadsheet never does",
                            x->name);
    if (rc >= 0)
        return rc;
    if (x->part.over)
        return pa_error_set(err, PA_EINVAL, "%s is larger than %zu MiB uncompressed", x->name,
                            (size_t)(x->part.max >> 20));
    if (x->part.failed)
        return pa_error_set(err, PA_EINVAL, "%s cannot be read from the zip", x->name);
    return pa_error_set(err, PA_EINVAL, "%s is not well-formed XML (line %d)", x->name,
                        xmlTextReaderGetParserLineNumber(x->r));
}

static bool is_element(struct xml *x, const char *local)
{
    return xmlTextReaderNodeType(x->r) == XML_READER_TYPE_ELEMENT &&
           strcmp((const char *)xmlTextReaderConstLocalName(x->r), local) == 0;
}

static bool is_end(struct xml *x, const char *local)
{
    int type = xmlTextReaderNodeType(x->r);
    return (type == XML_READER_TYPE_END_ELEMENT ||
            (type == XML_READER_TYPE_ELEMENT && xmlTextReaderIsEmptyElement(x->r))) &&
           strcmp((const char *)xmlTextReaderConstLocalName(x->r), local) == 0;
}

static bool is_text(struct xml *x)
{
    int type = xmlTextReaderNodeType(x->r);
    return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
           type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE || type == XML_READER_TYPE_WHITESPACE;
}

/* An attribute by local name, copied into buf ("" when absent). */
static const char *attr(struct xml *x, const char *local, char *buf, size_t size)
{
    buf[0] = '\0';
    if (xmlTextReaderMoveToFirstAttribute(x->r) != 1)
        return buf;
    do {
        if (strcmp((const char *)xmlTextReaderConstLocalName(x->r), local) == 0) {
            snprintf(buf, size, "%s", (const char *)xmlTextReaderConstValue(x->r));
            break;
        }
    } while (xmlTextReaderMoveToNextAttribute(x->r) == 1);
    xmlTextReaderMoveToElement(x->r);
    return buf;
}

/* ---- the workbook: sheets, relationships, date system ----------------------------- */

struct sheet_ref {
    char name[128], rid[64], target[272]; /* "xl/" + a 255-byte Target */
};

struct workbook {
    struct sheet_ref *sheets;
    int nsheets;
    bool date1904;
    char strings[272], styles[272]; /* part names, "" when the workbook has none */
};

/* A relationship's target as a part name: relative to xl/, or absolute. */
static void part_name(const char *target, char *out, size_t size)
{
    if (target[0] == '/')
        snprintf(out, size, "%s", target + 1);
    else
        snprintf(out, size, "xl/%s", target);
}

static int read_workbook(struct zip *za, struct workbook *wb, struct pa_error *err)
{
    struct xml x;
    int rc = xml_open(za, "xl/workbook.xml", PART_MAX_BYTES, &x, err);
    while (rc == 0 && (rc = xml_next(&x, err)) == 1) {
        char v[16];
        rc = 0;
        if (is_element(&x, "workbookPr")) {
            attr(&x, "date1904", v, sizeof(v));
            wb->date1904 = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
        } else if (is_element(&x, "sheet") && wb->nsheets < SHEETS_MAX) {
            struct sheet_ref *s = realloc(wb->sheets, (size_t)(wb->nsheets + 1) * sizeof(*s));
            if (s == NULL) {
                rc = pa_error_set(err, PA_ENOMEM, "out of memory");
                break;
            }
            wb->sheets = s;
            s += wb->nsheets++;
            memset(s, 0, sizeof(*s));
            attr(&x, "name", s->name, sizeof(s->name));
            attr(&x, "id", s->rid, sizeof(s->rid)); /* r:id */
        }
    }
    xml_close(&x);
    return rc < 0 ? rc : 0;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

static int read_rels(struct zip *za, struct workbook *wb, struct pa_error *err)
{
    struct xml x;
    int rc = xml_open(za, "xl/_rels/workbook.xml.rels", PART_MAX_BYTES, &x, err);
    while (rc == 0 && (rc = xml_next(&x, err)) == 1) {
        rc = 0;
        if (!is_element(&x, "Relationship"))
            continue;
        char id[64], type[256], target[256];
        attr(&x, "Id", id, sizeof(id));
        attr(&x, "Type", type, sizeof(type));
        attr(&x, "Target", target, sizeof(target));
        if (ends_with(type, "/sharedStrings"))
            part_name(target, wb->strings, sizeof(wb->strings));
        else if (ends_with(type, "/styles"))
            part_name(target, wb->styles, sizeof(wb->styles));
        for (int i = 0; i < wb->nsheets; i++)
            if (strcmp(wb->sheets[i].rid, id) == 0 && ends_with(type, "/worksheet"))
                part_name(target, wb->sheets[i].target, sizeof(wb->sheets[i].target));
    }
    xml_close(&x);
    return rc < 0 ? rc : 0;
}

/* ---- styles: which cell formats are dates --------------------------------------- */

/* Built-in date formats: 14-22 and 45-47 everywhere; 27-31, 34-36 and 50-58
 * are the East Asian locales' date formats (年月日), which Chinese Excel writes. */
static bool builtin_date(long id)
{
    return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 31) ||
           (id >= 34 && id <= 36) || (id >= 50 && id <= 58);
}

/* A custom code is a date when it has y or d, or m without h or s (minutes),
 * outside [colour]/[$-locale] brackets and \escapes, and holds no quoted text. */
static bool custom_date(const char *code)
{
    bool y = false, m = false, d = false, hs = false;
    for (const char *s = code; *s; s++) {
        if (*s == '"')
            return false;
        if (*s == '\\' && s[1]) {
            s++;
            continue;
        }
        if (*s == '[') {
            const char *close = strchr(s, ']');
            if (close == NULL)
                return false;
            s = close;
            continue;
        }
        int c = tolower((unsigned char)*s);
        y |= c == 'y';
        m |= c == 'm';
        d |= c == 'd';
        hs |= c == 'h' || c == 's';
    }
    return y || d || (m && !hs);
}

struct styles {
    bool *date; /* per cellXfs index */
    size_t n;
    struct numfmt {
        long id;
        bool date;
    } *fmts;
    size_t nfmts;
};

static bool fmt_is_date(const struct styles *st, long id)
{
    for (size_t i = 0; i < st->nfmts; i++)
        if (st->fmts[i].id == id)
            return st->fmts[i].date;
    return builtin_date(id);
}

static int styles_element(struct xml *x, struct styles *st, bool in_xfs, struct pa_error *err)
{
    char v[1024];
    if (is_element(x, "numFmt") && st->nfmts < STYLES_MAX) {
        struct numfmt *f = realloc(st->fmts, (st->nfmts + 1) * sizeof(*f));
        if (f == NULL)
            return pa_error_set(err, PA_ENOMEM, "out of memory");
        st->fmts = f;
        f[st->nfmts].id = strtol(attr(x, "numFmtId", v, sizeof(v)), NULL, 10);
        f[st->nfmts++].date = custom_date(attr(x, "formatCode", v, sizeof(v)));
    } else if (in_xfs && is_element(x, "xf") && st->n < STYLES_MAX) {
        bool *d = realloc(st->date, (st->n + 1) * sizeof(*d));
        if (d == NULL)
            return pa_error_set(err, PA_ENOMEM, "out of memory");
        st->date = d;
        d[st->n++] = fmt_is_date(st, strtol(attr(x, "numFmtId", v, sizeof(v)), NULL, 10));
    }
    return 0;
}

static int read_styles(struct zip *za, const char *name, struct styles *st, struct pa_error *err)
{
    if (name[0] == '\0')
        return 0;
    struct xml x;
    int rc = xml_open(za, name, PART_MAX_BYTES, &x, err);
    bool in_xfs = false; /* numFmts come before cellXfs in the schema's order */
    while (rc == 0 && (rc = xml_next(&x, err)) == 1) {
        if (is_element(&x, "cellXfs") && !xmlTextReaderIsEmptyElement(x.r))
            in_xfs = true;
        else if (is_end(&x, "cellXfs"))
            in_xfs = false;
        rc = styles_element(&x, st, in_xfs, err);
    }
    xml_close(&x);
    return rc < 0 ? rc : 0;
}

/* ---- shared strings ---------------------------------------------------------------- */

struct strings {
    struct text all;    /* every string, each ended by NUL */
    size_t *offset;     /* SIZE_MAX: over Excel's cell limit */
    size_t n, cap;
};

static int strings_add(struct strings *ss, struct text *one, struct pa_error *err)
{
    if (ss->n == ss->cap) {
        size_t cap = ss->cap ? ss->cap * 2 : 1024;
        size_t *o = realloc(ss->offset, cap * sizeof(*o));
        if (o == NULL)
            return pa_error_set(err, PA_ENOMEM, "out of memory");
        ss->offset = o;
        ss->cap = cap;
    }
    const char *text = one->s ? one->s : "";
    bool over = one->over || pa_utf8_chars(text, one->len) > PA_XLSX_CELL_CHARS;
    ss->offset[ss->n++] = over ? SIZE_MAX : ss->all.len;
    if (!over && (!text_add(&ss->all, text, one->len) || !text_add(&ss->all, "", 1)))
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    if (ss->all.over)
        return pa_error_set(err, PA_EINVAL, "the shared strings are larger than %zu MiB",
                            (size_t)(STRINGS_MAX_BYTES >> 20));
    one->len = 0;
    one->over = false;
    return 0;
}

/* The text of <t> elements, directly in <si>/<is> or in rich text runs <r>;
 * the phonetic guides <rPh> (furigana) are not part of the value.  Called for
 * each node inside such a parent; *depth_t counts open <t>, *in_ph open <rPh>. */
static bool collect_text(struct xml *x, struct text *out, int *in_t, int *in_ph)
{
    if (is_element(x, "rPh") && !xmlTextReaderIsEmptyElement(x->r))
        (*in_ph)++;
    else if (xmlTextReaderNodeType(x->r) == XML_READER_TYPE_END_ELEMENT &&
             strcmp((const char *)xmlTextReaderConstLocalName(x->r), "rPh") == 0)
        (*in_ph)--;
    else if (is_element(x, "t") && !xmlTextReaderIsEmptyElement(x->r))
        (*in_t)++;
    else if (xmlTextReaderNodeType(x->r) == XML_READER_TYPE_END_ELEMENT &&
             strcmp((const char *)xmlTextReaderConstLocalName(x->r), "t") == 0)
        (*in_t)--;
    else if (is_text(x) && *in_t > 0 && *in_ph == 0) {
        const char *v = (const char *)xmlTextReaderConstValue(x->r);
        return text_add(out, v, strlen(v));
    }
    return true;
}

static int read_strings(struct zip *za, const char *name, struct strings *ss,
                        struct pa_error *err)
{
    ss->all.max = (size_t)STRINGS_MAX_BYTES;
    if (name[0] == '\0')
        return 0;
    struct xml x;
    struct text one = {.max = CELL_MAX_BYTES};
    int in_si = 0, in_t = 0, in_ph = 0;
    int rc = xml_open(za, name, STRINGS_MAX_BYTES, &x, err);
    while (rc == 0 && (rc = xml_next(&x, err)) == 1) {
        rc = 0;
        if (is_element(&x, "si")) {
            in_si = 1;
            in_t = in_ph = 0;
            if (xmlTextReaderIsEmptyElement(x.r)) {
                rc = strings_add(ss, &one, err);
                in_si = 0;
            }
        } else if (in_si && xmlTextReaderNodeType(x.r) == XML_READER_TYPE_END_ELEMENT &&
                   strcmp((const char *)xmlTextReaderConstLocalName(x.r), "si") == 0) {
            rc = strings_add(ss, &one, err);
            in_si = 0;
        } else if (in_si && !collect_text(&x, &one, &in_t, &in_ph)) {
            rc = pa_error_set(err, PA_ENOMEM, "out of memory");
        }
    }
    xml_close(&x);
    free(one.s);
    return rc < 0 ? rc : 0;
}

/* ---- numbers and dates as text -------------------------------------------------- */

/* x as Excel shows it in a General cell at 15 significant digits, in plain
 * decimal notation: 1400000, 1400000.5, 0.3 (not 0.30000000000000004). */
static void plain_number(double x, char *out, size_t size)
{
    char e[48], digits[20];
    snprintf(e, sizeof(e), "%.14e", x);
    const char *p = e;
    bool negative = *p == '-';
    p += negative;
    int n = 0;
    for (; *p && *p != 'e' && n < 15; p++)
        if (isdigit((unsigned char)*p))
            digits[n++] = *p;
    int exponent = atoi(strchr(e, 'e') + 1);
    while (n > 1 && digits[n - 1] == '0')
        n--;
    if (n == 1 && digits[0] == '0') {
        snprintf(out, size, "0");
        return;
    }
    int point = exponent + 1; /* digits before the decimal point */
    size_t o = 0;
    PA_ASSERT(size >= 360); /* 1e308 or 1e-323 in full */
    if (negative)
        out[o++] = '-';
    if (point <= 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = point; i < 0; i++)
            out[o++] = '0';
    }
    for (int i = 0; i < n; i++) {
        if (i == point && point > 0)
            out[o++] = '.';
        out[o++] = digits[i];
    }
    for (int i = n; i < point; i++)
        out[o++] = '0';
    out[o] = '\0';
}

/* Days since 1970-01-01 as YYYY-MM-DD (Howard Hinnant's civil_from_days). */
static void civil(long z, char *out, size_t size)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    snprintf(out, size, "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
}

/* A serial date as text; false when the number is no date Excel shows. */
static bool serial_date(double x, bool date1904, char *out, size_t size)
{
    if (!(x >= 0 && x < 2958466)) /* 9999-12-31 */
        return false;
    long s = (long)(x + 0.5 / 86400); /* x >= 0: truncation is floor; the time of day goes */
    if (date1904) {
        civil(s - 24107, out, size);
    } else if (s == 60) {
        snprintf(out, size, "1900-02-29"); /* Lotus's day, which the importer refuses */
    } else if (s >= 1) {
        civil(s < 60 ? s - 25568 : s - 25569, out, size);
    } else {
        return false;
    }
    return true;
}

/* ---- the worksheet --------------------------------------------------------------- */

struct cell_slot {
    size_t offset, len;
    enum pa_xlsx_problem problem;
    bool set;
};

struct sheet {
    const struct strings *ss;
    const struct styles *st;
    bool date1904;
    pa_xlsx_row_fn on_row;
    void *ctx;
    long row;                /* current row number */
    struct cell_slot *cells; /* indexed by column */
    size_t ncells, cap;
    struct text buf; /* the row's text */
    /* the cell being read */
    long col;
    char type[16];
    long style;
    bool formula, in_v, in_is;
    int in_t, in_ph;
    struct text value;
};

static int column_of(const char *ref, long *col)
{
    long c = 0;
    int letters = 0;
    for (; isupper((unsigned char)*ref) && letters < 3; ref++, letters++)
        c = c * 26 + (*ref - 'A' + 1);
    if (letters == 0 || c > PA_XLSX_MAX_COLUMNS || !isdigit((unsigned char)*ref))
        return -1;
    for (; isdigit((unsigned char)*ref); ref++)
        ;
    *col = c - 1;
    return *ref == '\0' ? 0 : -1;
}

/* The cell's text as the importer should see it, in out (NUL-terminated). */
static enum pa_xlsx_problem cell_text(struct sheet *sh, char *num, size_t size, const char **out,
                                      size_t *len)
{
    const char *v = sh->value.s ? sh->value.s : "";
    *out = v;
    *len = sh->value.len;
    if (sh->formula)
        return PA_XLSX_FORMULA;
    if (sh->value.over)
        return PA_XLSX_TOO_LONG;
    if (strcmp(sh->type, "s") == 0) {
        char *end;
        unsigned long long i = strtoull(v, &end, 10);
        if (end == v || *end != '\0' || i >= sh->ss->n)
            return PA_XLSX_BAD_STRING;
        if (sh->ss->offset[i] == SIZE_MAX)
            return PA_XLSX_TOO_LONG;
        *out = sh->ss->all.s + sh->ss->offset[i];
        *len = strlen(*out);
    } else if (strcmp(sh->type, "b") == 0) {
        *out = strcmp(v, "1") == 0 ? "true" : strcmp(v, "0") == 0 ? "false" : v;
        *len = strlen(*out);
    } else if (sh->type[0] == '\0' || strcmp(sh->type, "n") == 0) {
        char *end;
        double x = strtod(v, &end);
        if (end == v || *end != '\0' || !isfinite(x))
            return PA_XLSX_OK; /* not a number after all: the importer says what it is */
        bool date = sh->style >= 0 && (size_t)sh->style < sh->st->n && sh->st->date[sh->style];
        if (!date || !serial_date(x, sh->date1904, num, size))
            plain_number(x, num, size);
        *out = num;
        *len = strlen(num);
    } else if (strcmp(sh->type, "d") == 0 && sh->value.len > 10 && v[10] == 'T') {
        *len = 10; /* an ISO 8601 date-time cell: the date */
    }
    if (pa_utf8_chars(*out, *len) > PA_XLSX_CELL_CHARS)
        return PA_XLSX_TOO_LONG;
    return PA_XLSX_OK;
}

static int store_cell(struct sheet *sh, struct pa_error *err)
{
    if ((size_t)sh->col >= sh->cap) {
        size_t cap = sh->cap ? sh->cap : 32;
        while (cap <= (size_t)sh->col)
            cap *= 2;
        struct cell_slot *c = realloc(sh->cells, cap * sizeof(*c));
        if (c == NULL)
            return pa_error_set(err, PA_ENOMEM, "out of memory");
        memset(c + sh->cap, 0, (cap - sh->cap) * sizeof(*c));
        sh->cells = c;
        sh->cap = cap;
    }
    char num[512];
    const char *text;
    size_t len;
    enum pa_xlsx_problem problem = cell_text(sh, num, sizeof(num), &text, &len);
    if (problem != PA_XLSX_OK)
        len = 0;
    struct cell_slot *slot = &sh->cells[sh->col];
    *slot = (struct cell_slot){sh->buf.len, len, problem, true};
    if (!text_add(&sh->buf, text, len) || !text_add(&sh->buf, "", 1))
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    if (sh->buf.over)
        return pa_error_set(err, PA_EINVAL, "row %ld holds more than %zu MiB of text", sh->row,
                            ROW_MAX_BYTES >> 20);
    if ((size_t)sh->col + 1 > sh->ncells)
        sh->ncells = (size_t)sh->col + 1;
    return 0;
}

/* Hands a row to the caller, unless every cell in it is empty. */
static int emit_row(struct sheet *sh, struct pa_error *err)
{
    size_t n = sh->ncells;
    while (n > 0 && (!sh->cells[n - 1].set ||
                     (sh->cells[n - 1].len == 0 && sh->cells[n - 1].problem == PA_XLSX_OK)))
        n--;
    int rc = 0;
    if (n > 0) {
        struct pa_xlsx_cell *cells = calloc(n, sizeof(*cells));
        if (cells == NULL)
            return pa_error_set(err, PA_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            const struct cell_slot *c = &sh->cells[i];
            cells[i] = c->set ? (struct pa_xlsx_cell){sh->buf.s + c->offset, c->len, c->problem}
                              : (struct pa_xlsx_cell){"", 0, PA_XLSX_OK};
        }
        rc = sh->on_row(sh->ctx, sh->row, cells, n);
        free(cells);
    }
    if (sh->cells) /* NULL until a row had a cell: <row></row> */
        memset(sh->cells, 0, sh->cap * sizeof(*sh->cells));
    sh->ncells = 0;
    sh->buf.len = 0;
    return rc;
}

static int start_row(struct sheet *sh, struct xml *x, struct pa_error *err)
{
    char v[32];
    long r = attr(x, "r", v, sizeof(v))[0] ? strtol(v, NULL, 10) : sh->row + 1;
    if (r < 1 || r > PA_XLSX_MAX_ROWS)
        return pa_error_set(err, PA_EINVAL, "%s: row number %ld is outside 1..%d", x->name, r,
                            PA_XLSX_MAX_ROWS);
    sh->row = r;
    sh->col = -1;
    return 0;
}

static int start_cell(struct sheet *sh, struct xml *x, struct pa_error *err)
{
    char v[32];
    if (attr(x, "r", v, sizeof(v))[0] == '\0')
        sh->col++;
    else if (column_of(v, &sh->col) != 0)
        return pa_error_set(err, PA_EINVAL, "%s: '%s' is not a cell reference", x->name, v);
    if (sh->col >= PA_XLSX_MAX_COLUMNS)
        return pa_error_set(err, PA_EINVAL, "%s: row %ld has more than %d columns", x->name,
                            sh->row, PA_XLSX_MAX_COLUMNS);
    attr(x, "t", sh->type, sizeof(sh->type));
    sh->style = attr(x, "s", v, sizeof(v))[0] ? strtol(v, NULL, 10) : 0;
    sh->formula = sh->in_v = sh->in_is = false;
    sh->in_t = sh->in_ph = 0;
    sh->value.len = 0;
    sh->value.over = false;
    if (sh->value.s)
        sh->value.s[0] = '\0';
    return xmlTextReaderIsEmptyElement(x->r) ? store_cell(sh, err) : 0;
}

/* One node inside <c>: <f>, <v>, <is> and their text. */
static int in_cell(struct sheet *sh, struct xml *x, struct pa_error *err)
{
    int type = xmlTextReaderNodeType(x->r);
    const char *name = (const char *)xmlTextReaderConstLocalName(x->r);
    if (type == XML_READER_TYPE_ELEMENT && strcmp(name, "f") == 0)
        sh->formula = true;
    else if (type == XML_READER_TYPE_ELEMENT && strcmp(name, "v") == 0)
        sh->in_v = !xmlTextReaderIsEmptyElement(x->r);
    else if (type == XML_READER_TYPE_END_ELEMENT && strcmp(name, "v") == 0)
        sh->in_v = false;
    else if (type == XML_READER_TYPE_ELEMENT && strcmp(name, "is") == 0)
        sh->in_is = !xmlTextReaderIsEmptyElement(x->r);
    else if (type == XML_READER_TYPE_END_ELEMENT && strcmp(name, "is") == 0)
        sh->in_is = false;
    else if (sh->in_is) {
        if (!collect_text(x, &sh->value, &sh->in_t, &sh->in_ph))
            return pa_error_set(err, PA_ENOMEM, "out of memory");
    } else if (sh->in_v && is_text(x)) {
        const char *v = (const char *)xmlTextReaderConstValue(x->r);
        if (!text_add(&sh->value, v, strlen(v)))
            return pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    return 0;
}

static int sheet_node(struct sheet *sh, struct xml *x, bool *in_row, bool *in_c,
                      struct pa_error *err)
{
    if (*in_c) {
        if (xmlTextReaderNodeType(x->r) == XML_READER_TYPE_END_ELEMENT &&
            strcmp((const char *)xmlTextReaderConstLocalName(x->r), "c") == 0) {
            *in_c = false;
            return store_cell(sh, err);
        }
        return in_cell(sh, x, err);
    }
    if (is_element(x, "row")) {
        int rc = start_row(sh, x, err);
        *in_row = rc == 0 && !xmlTextReaderIsEmptyElement(x->r);
        return rc;
    }
    if (*in_row && is_element(x, "c")) {
        *in_c = !xmlTextReaderIsEmptyElement(x->r);
        return start_cell(sh, x, err);
    }
    if (*in_row && is_end(x, "row")) {
        *in_row = false;
        return emit_row(sh, err);
    }
    return 0;
}

static int read_sheet(struct zip *za, const char *name, struct sheet *sh, struct pa_error *err)
{
    struct xml x;
    bool in_row = false, in_c = false;
    sh->buf.max = ROW_MAX_BYTES;
    sh->value.max = CELL_MAX_BYTES;
    int rc = xml_open(za, name, SHEET_MAX_BYTES, &x, err);
    while (rc == 0 && (rc = xml_next(&x, err)) == 1)
        rc = sheet_node(sh, &x, &in_row, &in_c, err);
    xml_close(&x);
    free(sh->cells);
    free(sh->buf.s);
    free(sh->value.s);
    return rc;
}

/* ---- putting it together ----------------------------------------------------------- */

bool pa_xlsx_is_zip(const void *data, size_t len)
{
    return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

void pa_xlsx_column_name(size_t col, char out[4])
{
    PA_ASSERT(col < PA_XLSX_MAX_COLUMNS);
    char tmp[4];
    int n = 0;
    for (size_t c = col + 1; c > 0; c = (c - 1) / 26)
        tmp[n++] = (char)('A' + (c - 1) % 26);
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

static int choose_sheet(const struct workbook *wb, const char *wanted, const struct sheet_ref **out,
                        struct pa_error *err)
{
    if (wb->nsheets == 0)
        return pa_error_set(err, PA_EINVAL, "not an XLSX workbook: it has no sheet");
    if (wanted == NULL) {
        *out = &wb->sheets[0];
    } else {
        char names[400] = "";
        size_t used = 0;
        for (int i = 0; i < wb->nsheets; i++) {
            if (strcmp(wb->sheets[i].name, wanted) == 0) {
                *out = &wb->sheets[i];
                return (*out)->target[0] ? 0
                                         : pa_error_set(err, PA_EINVAL,
                                                        "sheet '%s' is not a worksheet", wanted);
            }
            int n = snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
                             wb->sheets[i].name);
            used = n > 0 && used + (size_t)n < sizeof(names) ? used + (size_t)n : used;
        }
        return pa_error_set(err, PA_EINVAL, "the workbook has no sheet '%.128s' (its sheets: %s)",
                            wanted, names);
    }
    if ((*out)->target[0] == '\0')
        return pa_error_set(err, PA_EINVAL, "sheet '%s' is not a worksheet", (*out)->name);
    return 0;
}

static int open_zip(const void *data, size_t len, struct zip **za, struct pa_error *err)
{
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
    *za = src ? zip_open_from_source(src, ZIP_RDONLY, &zerr) : NULL;
    zip_error_fini(&zerr);
    if (*za != NULL)
        return 0;
    if (src)
        zip_source_free(src);
    return pa_error_set(err, PA_EINVAL, "not an XLSX file: not a zip archive that can be read");
}

static int read_workbook_file(const void *data, size_t len, const char *sheet_name,
                              char *sheet_used, size_t sheet_used_size, pa_xlsx_row_fn on_row,
                              void *ctx, struct pa_error *err);

int pa_xlsx_read(const void *data, size_t len, const char *sheet_name, char *sheet_used,
                 size_t sheet_used_size, pa_xlsx_row_fn on_row, void *ctx, struct pa_error *err)
{
    PA_ASSERT(data != NULL && on_row != NULL);
    xmlInitParser();
    /* libxml2's handlers are per thread: silenced for this call, then put back */
    xmlGenericErrorFunc generic = xmlGenericError;
    void *generic_ctx = xmlGenericErrorContext;
    xmlStructuredErrorFunc structured = xmlStructuredError;
    void *structured_ctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, quiet_generic);
    xmlSetStructuredErrorFunc(NULL, quiet);
    int rc = read_workbook_file(data, len, sheet_name, sheet_used, sheet_used_size, on_row, ctx,
                                err);
    xmlSetGenericErrorFunc(generic_ctx, generic);
    xmlSetStructuredErrorFunc(structured_ctx, structured);
    return rc;
}

static int read_workbook_file(const void *data, size_t len, const char *sheet_name,
                              char *sheet_used, size_t sheet_used_size, pa_xlsx_row_fn on_row,
                              void *ctx, struct pa_error *err)
{
    struct zip *za;
    int rc = open_zip(data, len, &za, err);
    if (rc != 0)
        return rc;
    struct workbook wb = {0};
    struct styles st = {0};
    struct strings ss = {0};
    const struct sheet_ref *chosen = NULL;
    rc = read_workbook(za, &wb, err);
    if (rc == 0)
        rc = read_rels(za, &wb, err);
    if (rc == 0)
        rc = choose_sheet(&wb, sheet_name, &chosen, err);
    if (rc == 0 && sheet_used)
        snprintf(sheet_used, sheet_used_size, "%s", chosen->name);
    if (rc == 0)
        rc = read_styles(za, wb.styles, &st, err);
    if (rc == 0)
        rc = read_strings(za, wb.strings, &ss, err);
    if (rc == 0) {
        struct sheet sh = {.ss = &ss, .st = &st, .date1904 = wb.date1904, .on_row = on_row,
                           .ctx = ctx};
        rc = read_sheet(za, chosen->target, &sh, err);
    }
    zip_discard(za);
    free(wb.sheets);
    free(st.date);
    free(st.fmts);
    free(ss.all.s);
    free(ss.offset);
    return rc;
}
