/*
 * bare_xlsx_export.c - the baseline of the XLSX export benchmark (bench/xlsx): a
 * plain program that writes the transfers of a pairaid database to an XLSX file
 * the way a hand-written exporter would, with nothing but SQLite and
 * libxlsxwriter.
 *
 *   bare_xlsx_export DB OUT.xlsx
 *
 * It writes the cells `pairaid export transfers --format xlsx -o OUT.xlsx`
 * writes (Chinese headings, the default): the heading row, frozen; one row per
 * transfer in log order (ORDER BY seq, as pairaid's export); ids, accounts,
 * projects, contracts and pending ids as strings with the text format "@"; the
 * memo and the approval comment as text; the amount as a number of yuan with
 * #,##0.00; dates as Excel serial dates with yyyy-mm-dd; each enum (kind,
 * purpose, stage) as its Chinese label with the code in a hidden column beside
 * it.  The seven columns the books may not use (kind ... comment) are written
 * only when some transfer uses one, the test pairaid's export makes.  The
 * workbook is in libxlsxwriter's constant_memory mode, with the same cell
 * formats as pairaid's (src/sheet/sheet_xlsx.c).
 *
 * What it does not do, because a hand-written exporter for one table would
 * not: no read scope (it reads every transfer; the benchmark exports as an
 * administrator, who sees them all), no per-cell width measuring (fixed column
 * widths, set to what pairaid measures on the benchmark's data), no generic
 * record or typed-cell layer.  The database is opened read-only.  Exit status
 * 0, or 1 with a message on stderr.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>
#include <xlsxwriter.h>

#define EXCEL_EPOCH_1970 25569 /* Excel's serial number of 1970-01-01 */
#define NCOLS            14    /* the transfers columns, in pairaid's order */
#define NPLAIN           7     /* id ... memo: always written */

enum col_type { TEXT, DATE, MONEY, ENUM };

struct enum_label {
    const char *code, *zh;
};

static const struct enum_label kinds[] = {
    {"posted", "已过账"}, {"pending", "待审批"}, {"post", "批准"}, {"void", "撤销"}, {NULL, NULL}};
static const struct enum_label purposes[] = {{"works", "工程"},
                                             {"goods", "货物"},
                                             {"services", "服务"},
                                             {"subsidy", "补助"},
                                             {"training", "培训"},
                                             {"allocation", "资金拨付"},
                                             {"personnel", "人员经费"},
                                             {"allowances", "津补贴"},
                                             {"office_building", "办公楼"},
                                             {"vehicles", "车辆"},
                                             {"debt", "偿债"},
                                             {"deposit", "保证金"},
                                             {"running_costs", "日常公用经费"},
                                             {"other", "其他"},
                                             {NULL, NULL}};
static const struct enum_label stages[] = {
    {"advance", "预付款"}, {"progress", "进度款"}, {"final", "尾款"}, {NULL, NULL}};

/* Fixed widths (characters): those pairaid fits to the benchmark's transfers, so
 * that the two files differ in nothing a reader sees. */
static const struct column {
    const char *heading;
    enum col_type type;
    const struct enum_label *labels;
    double width, code_width;
} columns[NCOLS] = {
    {"编号", TEXT, NULL, 11, 0},
    {"日期", DATE, NULL, 12, 0},
    {"付款账户", TEXT, NULL, 10, 0},
    {"收款账户", TEXT, NULL, 10, 0},
    {"金额", MONEY, NULL, 18, 0},
    {"项目", TEXT, NULL, 8, 0},
    {"摘要", TEXT, NULL, 31, 0},
    {"类型", ENUM, kinds, 8, 10},
    {"待审批拨付编号", TEXT, NULL, 16, 0},
    {"有效期至", DATE, NULL, 10, 0},
    {"用途", ENUM, purposes, 10, 12},
    {"支付阶段", ENUM, stages, 10, 14},
    {"合同", TEXT, NULL, 8, 0},
    {"审批意见", TEXT, NULL, 10, 0},
};

static const char has_extras_sql[] =
    "SELECT EXISTS (SELECT 1 FROM transfers WHERE kind <> 'posted' OR purpose IS NOT NULL OR "
    "stage IS NOT NULL OR contract IS NOT NULL)";
static const char select_sql[] =
    "SELECT id, date, from_account, to_account, amount, project, memo, kind, pending_id, "
    "expires, purpose, stage, contract, comment FROM transfers ORDER BY seq";

struct formats {
    lxw_format *heading, *text, *money, *date;
};

/* Days since 1970-01-01 of a YYYY-MM-DD date (H. Hinnant's days_from_civil). */
static long days_of(const char *s)
{
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static const char *label_of(const struct enum_label *labels, const char *code)
{
    for (const struct enum_label *l = labels; l->code; l++)
        if (strcmp(l->code, code) == 0)
            return l->zh;
    return code;
}

static void add_formats(lxw_workbook *book, struct formats *f)
{
    f->heading = workbook_add_format(book);
    format_set_bold(f->heading);
    format_set_bg_color(f->heading, 0xDDEBF7);
    format_set_border(f->heading, LXW_BORDER_THIN);
    format_set_align(f->heading, LXW_ALIGN_CENTER);
    format_set_text_wrap(f->heading);
    f->text = workbook_add_format(book);
    format_set_num_format(f->text, "@");
    f->money = workbook_add_format(book);
    format_set_num_format(f->money, "#,##0.00");
    f->date = workbook_add_format(book);
    format_set_num_format(f->date, "yyyy-mm-dd");
}

/* The heading row and the column widths; returns the workbook columns used. */
static lxw_col_t write_headings(lxw_worksheet *ws, const struct formats *f, int ncols)
{
    lxw_col_t at = 0;
    lxw_row_col_options hidden = {.hidden = 1};
    for (int i = 0; i < ncols; i++) {
        worksheet_set_column(ws, at, at, columns[i].width, NULL);
        worksheet_write_string(ws, 0, at++, columns[i].heading, f->heading);
        if (columns[i].type == ENUM) {
            char code_heading[64];
            snprintf(code_heading, sizeof(code_heading), "%s代码", columns[i].heading);
            worksheet_set_column_opt(ws, at, at, columns[i].code_width, NULL, &hidden);
            worksheet_write_string(ws, 0, at++, code_heading, f->heading);
        }
    }
    worksheet_freeze_panes(ws, 1, 0);
    return at;
}

static lxw_error write_row(lxw_worksheet *ws, sqlite3_stmt *stmt, lxw_row_t row,
                           const struct formats *f, int ncols)
{
    lxw_col_t at = 0;
    lxw_error e = LXW_NO_ERROR;
    for (int i = 0; i < ncols && e == LXW_NO_ERROR; i++) {
        lxw_col_t col = at++;
        if (columns[i].type == ENUM)
            at++;
        if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
            continue;
        const char *s = (const char *)sqlite3_column_text(stmt, i);
        switch (columns[i].type) {
        case TEXT:
            e = worksheet_write_string(ws, row, col, s, f->text);
            break;
        case DATE:
            e = worksheet_write_number(ws, row, col, (double)(days_of(s) + EXCEL_EPOCH_1970),
                                       f->date);
            break;
        case MONEY:
            e = worksheet_write_number(ws, row, col, (double)sqlite3_column_int64(stmt, i) / 100.0,
                                       f->money);
            break;
        case ENUM:
            e = worksheet_write_string(ws, row, col, label_of(columns[i].labels, s), NULL);
            if (e == LXW_NO_ERROR)
                e = worksheet_write_string(ws, row, col + 1, s, f->text);
            break;
        }
    }
    return e;
}

static int fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "bare_xlsx_export: %s: %s\n", what, db ? sqlite3_errmsg(db) : "failed");
    return 1;
}

static int export(sqlite3 *db, const char *path)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, has_extras_sql, -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_ROW)
        return fail(db, "extras");
    int ncols = sqlite3_column_int(stmt, 0) ? NCOLS : NPLAIN;
    sqlite3_finalize(stmt);
    if (sqlite3_prepare_v2(db, select_sql, -1, &stmt, NULL) != SQLITE_OK)
        return fail(db, "select");

    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    lxw_workbook *book = workbook_new_opt(path, &options);
    if (book == NULL)
        return fail(NULL, path);
    lxw_worksheet *ws = workbook_add_worksheet(book, "数据");
    struct formats f;
    add_formats(book, &f);
    write_headings(ws, &f, ncols);
    lxw_row_t row = 1;
    int step = SQLITE_DONE;
    lxw_error e = LXW_NO_ERROR;
    while (e == LXW_NO_ERROR && (step = sqlite3_step(stmt)) == SQLITE_ROW)
        e = write_row(ws, stmt, row++, &f, ncols);
    sqlite3_finalize(stmt);
    lxw_error closed = workbook_close(book);
    if (e != LXW_NO_ERROR || closed != LXW_NO_ERROR) {
        fprintf(stderr, "bare_xlsx_export: %s: %s\n", path,
                lxw_strerror(e != LXW_NO_ERROR ? e : closed));
        return 1;
    }
    return step == SQLITE_DONE ? 0 : fail(db, "step");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bare_xlsx_export DB OUT.xlsx\n");
        return 2;
    }
    sqlite3 *db;
    int rc = sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
                 ? export(db, argv[2])
                 : fail(db, argv[1]);
    sqlite3_close(db);
    return rc;
}
