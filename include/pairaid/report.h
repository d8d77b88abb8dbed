/*
 * report.h - the reports people take away: 预算执行情况表, 资金账户余额表,
 * 账户明细账, 审计发现问题清单, 考核得分表 and 考核排名, each described once
 * (its columns, its title block) and filled from the library's own queries,
 * then written by the sheet writer (sheet.h) as CSV or XLSX.
 *
 * What a report shows is what the acting principal reads (registry.h, "who
 * may read what"): the same rows as the JSON answer of the same endpoint.
 * The CSV of a report with English headings, no BOM, is the contract CSV of
 * DESIGN.md byte for byte: columns that only help people (an account's name
 * and kind beside its code, an indicator's name) are written to XLSX alone.
 * docs/exchange.md ("Reports") has every report's layout.
 */
#ifndef PAIRAID_REPORT_H
#define PAIRAID_REPORT_H

#include <stdio.h>

#include "pairaid/assess.h"
#include "pairaid/sheet.h"

enum pa_report_kind {
    PA_REPORT_BUDGET,    /* 预算执行情况表, grouped by pa_budget_group */
    PA_REPORT_BALANCES,  /* 资金账户余额表 */
    PA_REPORT_STATEMENT, /* 账户明细账 of one account */
    PA_REPORT_FINDINGS,  /* 审计发现问题清单 */
    PA_REPORT_SCORES,    /* 考核得分表 of a year (one pairing or all) */
    PA_REPORT_RANKING,   /* 考核排名 of a year */
};

/* What a report covers; only the members of its kind are read. */
struct pa_report_query {
    enum pa_report_kind kind;
    enum pa_budget_group group;        /* BUDGET */
    const struct pa_strmap *only;      /* BUDGET: only the rows whose key it holds; NULL: all */
    const char *account;               /* BALANCES: one account (NULL: all); STATEMENT: required */
    struct pa_as_of as_of;             /* BALANCES: at the end of a date, or a log position */
    struct pa_finding_filter findings; /* FINDINGS */
    int year;                          /* SCORES, RANKING */
    const char *pairing;               /* SCORES: one pairing; NULL: every one */
};

/* "budget", "balances", "statement", "findings", "scores", "ranking": the
 * start of a downloaded file's ASCII name. */
const char *pa_report_slug(enum pa_report_kind kind);

/* The report's file name, "budget-2026-12-04.xlsx" (ascii) or, in lang,
 * "预算执行情况表-2026-12-04.xlsx": its name and the 截止日期 of its title.
 * The name is a fixed phrase, never data, so it is safe in a header. */
void pa_report_filename(const struct pa_report_query *q, enum pa_sheet_format format, bool ascii,
                        enum pa_lang lang, char *buf, size_t size);

/* Writes the report with opts: to the file at path (atomically, as
 * pa_sheet_write_atomic does) or, with path NULL, to out (CSV only).  A bad
 * query (an unknown account, a year never published) is the error of the
 * query behind it, and nothing is written. */
int pa_report_write(struct pa_db *db, const struct pa_report_query *q,
                    const struct pa_sheet_options *opts, const char *path, FILE *out,
                    struct pa_error *err);

#endif
