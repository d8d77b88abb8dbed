#!/usr/bin/env bash
# i18n.sh - error lines in Chinese (issue 12): --lang zh, or PAIRAID_LANG=zh,
# prints every error in Chinese with the same shape (`pairaid: FILE:LINE: column
# NAME: message`, `pairaid: message`) and the same exit status; without them the
# lines stay English, as scripts expect.
source "$(dirname "$0")/lib.bash"

DB=$(demo_db i18n)
BAD=$TMP/p.csv
{
    echo "$PROJECTS_HEADER"
    project_row code=I18N-1 domain=sports budget=abc start_date=2024-02-30
} >"$BAD"

case_rows_in_chinese() {
    local before
    before=$(db_fingerprint "$DB")
    expect_exit 2 "$PAIRAID" --db "$DB" --lang zh import projects "$BAD"
    expect_row_error "$BAD" 2 domain '^“sports”不是可选值之一：产业（industry）、科技（technology）'
    expect_row_error "$BAD" 2 budget '^“abc”不是以元为单位的金额$'
    expect_row_error "$BAD" 2 start_date '^“2024-02-30”不是实际存在的日期$'
    PAIRAID_LANG=zh expect_exit 2 "$PAIRAID" --db "$DB" import projects "$BAD"
    expect_row_error "$BAD" 2 budget '^“abc”不是以元为单位的金额$'
    expect_unchanged "$DB" "$before"
}

case_rows_stay_english() {
    expect_exit 2 "$PAIRAID" --db "$DB" import projects "$BAD"
    expect_row_error "$BAD" 2 budget "^'abc' is not an amount in yuan$"
    expect_row_error "$BAD" 2 domain "^'sports' is not one of industry, technology"
}

case_library_errors() {
    expect_exit 2 "$PAIRAID" --db "$DB" --lang zh balance --as-of 2024-02-30
    expect_stderr_line 'pairaid: as-of: “2024-02-30”不是实际存在的日期'
    expect_exit 2 "$PAIRAID" --db "$DB" --lang zh transfer post NOPE-123
    expect_stderr_match '^pairaid: 拨付“NOPE-123(:post)?”被拒绝：'
    expect_exit 2 "$PAIRAID" --db "$TMP/none.db" --lang zh balance
    if on_pg; then # an empty PostgreSQL database, named by its URI
        expect_stderr_match '^pairaid: PostgreSQL 数据库“postgresql://[^”]+”中没有 pairaid 账簿（请用此 --db 运行 pairaid init 或 pairaid demo）$'
    else
        expect_stderr_line "pairaid: “$TMP/none.db”处没有数据库（请运行 pairaid init 或 pairaid demo）"
    fi
    expect_exit 2 "$PAIRAID" --db "$DB" --lang en balance --as-of 2024-02-30
    expect_stderr_line "pairaid: as-of: '2024-02-30' is not a date that exists"
}

case_usage() {
    expect_exit 2 "$PAIRAID" --lang zh --bogus
    expect_stderr_line 'pairaid: 未知选项“--bogus”（见 pairaid help）'
    expect_exit 2 "$PAIRAID" --lang zh nonsense
    expect_stderr_line 'pairaid: 未知命令“nonsense”（见 pairaid help）'
    expect_exit 2 "$PAIRAID" --lang fr summary
    expect_stderr_line "pairaid: --lang takes zh or en (see 'pairaid help')"
}

case_ini_lines() {
    printf '[idle_funds]\nenabled = maybe\n' >"$TMP/m.ini"
    expect_exit 2 "$PAIRAID" --db "$DB" --lang zh measures propose "$TMP/m.ini"
    expect_stderr_match "^pairaid: $TMP/m.ini:2: column enabled: [^ ].*"
    if grep -aq 'line 2' "$ERR"; then
        fail "the line is named twice"
        show "$ERR"
    fi
}

run_case "row errors in Chinese" case_rows_in_chinese
run_case "row errors stay English by default" case_rows_stay_english
run_case "library errors in Chinese" case_library_errors
run_case "usage errors in Chinese" case_usage
run_case "INI file errors keep their shape" case_ini_lines
finish
