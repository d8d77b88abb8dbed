/*
 * template.c - a file to start an import from: every column the importer
 * reads for a kind, and one example row taken from the built-in demo (a row
 * the demo itself imports, so the example is always valid).  In XLSX the
 * headings are Chinese by default, the example's values are typed as in an
 * export, and enum columns offer their names in a drop-down.
 */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "io_int.h"

extern const struct pa_blob pa_demo_data[];

#define FIELDS_MAX  32
#define CHOICES_MAX 64 /* more labels than Excel's 255-character list holds anyway */

/* The demo file's heading line and its first record that names no photo (the
 * reader has no such file), as fields: record 0 the headings, 1 the example. */
struct example {
    const struct pa_kind *kind;
    char *fields[2][FIELDS_MAX];
    int nfields[2];
    int record; /* 0 while reading the headings, then 1 */
    bool found, failed;
};

static void clear_record(struct example *e, int r)
{
    for (int i = 0; i < e->nfields[r]; i++)
        free(e->fields[r][i]);
    e->nfields[r] = 0;
}

static void on_field(void *s, size_t len, void *ctx)
{
    struct example *e = ctx;
    if (e->found)
        return;
    if (e->nfields[e->record] == FIELDS_MAX) {
        e->failed = true;
        return;
    }
    char *copy = strndup(s ? s : "", len);
    e->failed |= copy == NULL;
    e->fields[e->record][e->nfields[e->record]++] = copy;
}

static const char *example_value(const struct example *e, const char *name);

static bool names_a_photo(const struct example *e)
{
    for (int i = 0; i < e->kind->ncolumns; i++)
        if (e->kind->columns[i].type == PA_COL_PHOTO &&
            example_value(e, e->kind->columns[i].name)[0] != '\0')
            return true;
    return false;
}

static void on_record(int c, void *ctx)
{
    (void)c;
    struct example *e = ctx;
    if (e->found)
        return;
    if (e->record == 0)
        e->record = 1;
    else if (names_a_photo(e))
        clear_record(e, 1);
    else
        e->found = true;
}

static void example_free(struct example *e)
{
    clear_record(e, 0);
    clear_record(e, 1);
}

static int read_example(const char *kind, struct example *e, struct pa_error *err)
{
    char name[64];
    snprintf(name, sizeof(name), "%s.csv", kind);
    const struct pa_blob *b = pa_demo_data;
    while (b->name && strcmp(b->name, name) != 0)
        b++;
    if (b->name == NULL)
        return 0; /* no example: the headings alone */
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    csv_parse(&p, b->data, b->len, on_field, on_record, e);
    csv_free(&p);
    if (e->failed || !e->found)
        return pa_error_set(err, PA_EINTERNAL, "the demo's %s is unreadable", name);
    return 0;
}

/* The example's text for column name, or "" when the demo leaves it out. */
static const char *example_value(const struct example *e, const char *name)
{
    for (int i = 0; i < e->nfields[0] && i < e->nfields[1]; i++)
        if (strcmp(e->fields[0][i], name) == 0)
            return pa_csv_text_unescape(e->fields[1][i]);
    return "";
}

/* The labels of an enum (or a flag) column, for the drop-down. */
static void column_choices(const struct pa_column *col, enum pa_lang lang, const char **labels,
                           int size)
{
    int n = 0;
    if (col->type == PA_COL_BOOL) {
        labels[n++] = lang == PA_LANG_ZH ? "是" : "true";
        labels[n++] = lang == PA_LANG_ZH ? "否" : "false";
    }
    for (const struct pa_enum_value *v = col->values; col->type == PA_COL_ENUM && v && v->name &&
                                                       n < size - 1;
         v++)
        labels[n++] = lang == PA_LANG_ZH && v->zh ? v->zh : v->name;
    labels[n] = NULL;
}

struct template {
    const struct pa_kind *kind;
    struct example example;
    enum pa_lang lang;
    const char *choices[PA_MAX_COLUMNS][CHOICES_MAX];
};

static int fill_example(struct pa_sheet *sheet, void *ctx, struct pa_error *err)
{
    struct template *t = ctx;
    struct pa_cell cells[PA_MAX_COLUMNS];
    char labels[PA_MAX_COLUMNS][512];
    for (int i = 0; i < t->kind->ncolumns; i++) {
        const struct pa_column *col = &t->kind->columns[i];
        column_choices(col, t->lang, t->choices[i], CHOICES_MAX);
        if (t->choices[i][0])
            pa_sheet_choices(sheet, i, t->choices[i]);
        const char *text = example_value(&t->example, col->name);
        struct pa_value v;
        if (pa_value_parse(col, text, strlen(text), &v, NULL) != 0)
            v = (struct pa_value){.null = true};
        cells[i] = pa_export_cell(col, &v, t->lang, labels[i], sizeof(labels[i]));
    }
    return t->example.found ? pa_sheet_row(sheet, cells, err) : 0;
}

static int template_open(const char *kind_name, struct template *t,
                         struct pa_sheet_column *columns, struct pa_error *err)
{
    t->kind = pa_kind_find(kind_name);
    if (t->kind == NULL)
        return pa_error_set(err, PA_EINVAL, "unknown kind '%.40s' (%s)", kind_name,
                            pa_kind_names());
    for (int i = 0; i < t->kind->ncolumns; i++)
        columns[i] = (struct pa_sheet_column){.field = t->kind->columns[i].name,
                                              .type = pa_export_cell_type(&t->kind->columns[i])};
    t->example.kind = t->kind;
    return read_example(kind_name, &t->example, err);
}

int pa_template_file(const char *kind, const struct pa_sheet_options *opts, const char *path,
                     struct pa_error *err)
{
    struct template t = {.lang = opts->headers};
    struct pa_sheet_column columns[PA_MAX_COLUMNS];
    int rc = template_open(kind, &t, columns, err);
    if (rc == 0)
        rc = pa_sheet_write_atomic(path, opts, NULL, columns, t.kind->ncolumns, fill_example, &t,
                                   err);
    example_free(&t.example);
    return rc;
}

int pa_template_write(const char *kind, const struct pa_sheet_options *opts, FILE *out,
                      struct pa_error *err)
{
    struct template t = {.lang = opts->headers};
    struct pa_sheet_column columns[PA_MAX_COLUMNS];
    struct pa_sheet *sheet = NULL;
    int rc = template_open(kind, &t, columns, err);
    if (rc == 0)
        rc = pa_sheet_open_stream(out, opts, NULL, columns, t.kind->ncolumns, &sheet, err);
    if (rc == 0)
        rc = fill_example(sheet, &t, err);
    if (sheet)
        rc = rc == 0 ? pa_sheet_close(sheet, err) : (pa_sheet_abandon(sheet), rc);
    example_free(&t.example);
    return rc;
}

/* What each kind is called on the import screen (web/i18n.js, imp.kind.*). */
static const char *kind_zh(const char *kind)
{
    static const char *const names[][2] = {
        {"pairings", "结对关系"},    {"orgs", "单位"},         {"projects", "项目"},
        {"milestones", "定格时刻"},  {"exchanges", "人才交流"}, {"contracts", "合同"},
        {"notices", "公示"},         {"indicators", "绩效指标"}, {"revenue_shares", "利益共享"},
        {"accounts", "资金账户"},    {"transfers", "资金往来"}, {"scores", "考核人工评分"},
    };
    for (size_t i = 0; i < PA_ARRAY_LEN(names); i++)
        if (strcmp(names[i][0], kind) == 0)
            return names[i][1];
    return kind;
}

void pa_template_filename(const char *kind, const struct pa_sheet_options *opts, enum pa_lang lang,
                          char *buf, size_t size)
{
    const char *ext = pa_sheet_extension(opts->format);
    if (lang == PA_LANG_ZH)
        snprintf(buf, size, "%s导入模板.%s", kind_zh(kind), ext);
    else
        snprintf(buf, size, "%s-template.%s", kind, ext);
}
