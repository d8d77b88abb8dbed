#!/usr/bin/env bash
# csv_zh.sh - CSV for Chinese Excel: `export --bom --headers zh` writes a UTF-8
# BOM and the columns' Chinese labels, and `import` reads that file back: every
# kind of the demo, exported that way and imported into an empty database,
# exports again exactly as the demo does.  The default (`--headers en`, no BOM)
# keeps the old bytes.  A heading that names no column, or a column named twice
# (once in English, once in Chinese), is refused like any bad header.
source "$(dirname "$0")/lib.bash"

DEMO=$(demo_db demo)

case_default_bytes_unchanged() {
    local kind
    for kind in "${PA_KINDS[@]}" regions; do
        "$PAIRAID" --db "$DEMO" export "$kind" >"$kind.plain.csv" || fail "export $kind"
        expect_exit 0 "$PAIRAID" --db "$DEMO" export "$kind" --headers en -o "$kind.en.csv"
        expect_same_file "$kind.plain.csv" "$kind.en.csv"
        # JSON has no header line: the options change nothing
        "$PAIRAID" --db "$DEMO" export "$kind" --format json >"$kind.plain.json"
        "$PAIRAID" --db "$DEMO" export "$kind" --format json --bom --headers zh >"$kind.zh.json"
        expect_same_file "$kind.plain.json" "$kind.zh.json"
    done
}
run_case "--headers en is the default and writes today's bytes" case_default_bytes_unchanged

# The zh file is the en file with a BOM and another first line.
case_zh_file_shape() {
    local kind
    for kind in "${PA_KINDS[@]}" regions; do
        "$PAIRAID" --db "$DEMO" export "$kind" >"$kind.en.csv"
        expect_exit 0 "$PAIRAID" --db "$DEMO" export "$kind" --bom --headers zh -o "$kind.zh.csv"
        expect_eq "$kind: first bytes" "efbbbf" "$(head -c 3 "$kind.zh.csv" | od -An -tx1 | tr -d ' \n')"
        expect_same_file <(tail -n +2 "$kind.en.csv") <(tail -n +2 "$kind.zh.csv")
        if LC_ALL=C grep -aq '[a-z]' <(head -n 1 "$kind.zh.csv"); then
            fail "$kind: a heading without a Chinese label: $(head -n 1 "$kind.zh.csv")"
        fi
        # one column, one label: else the importer could not tell them apart
        expect_eq "$kind: headings named twice" "" \
            "$(tail -c +4 "$kind.zh.csv" | head -n 1 | tr , '\n' | sort | uniq -d)"
    done
}
run_case "--bom --headers zh: BOM, Chinese headings, the same rows" case_zh_file_shape

case_zh_roundtrip() {
    local kind copy=$TMP/zh-copy.db
    expect_exit 0 "$PAIRAID" --db "$copy" init
    for kind in "${PA_KINDS[@]}"; do
        "$PAIRAID" --db "$DEMO" export "$kind" >"$kind.a.csv" || fail "export $kind"
        expect_exit 0 "$PAIRAID" --db "$DEMO" export "$kind" --bom --headers zh -o "$kind.zh.csv"
        expect_exit 0 "$PAIRAID" --db "$copy" --lang en import "$kind" "$kind.zh.csv"
        expect_stderr_empty
    done
    for kind in "${PA_KINDS[@]}"; do
        "$PAIRAID" --db "$copy" export "$kind" >"$kind.b.csv" || fail "export $kind from the copy"
        expect_same_file "$kind.a.csv" "$kind.b.csv"
    done
}
run_case "every kind: export --bom --headers zh, import into an empty database, same export" \
    case_zh_roundtrip

# English and Chinese headings may be mixed (a user relabels a few columns).
case_mixed_headings() {
    local db
    db=$(demo_db mixed)
    printf '%s\n%s\n' 'code,名称,帮扶方,受援方,start_date,结束日期' 'T-ZH,中文表头,320200,320700,2022-01-01,' \
        >mixed.csv
    expect_exit 0 "$PAIRAID" --db "$db" --lang en import pairings mixed.csv
    expect_stdout_match 'mixed.csv: 1 created'
    expect_exit 0 "$PAIRAID" --db "$db" export pairings
    expect_stdout_line 'T-ZH,中文表头,320200,320700,2022-01-01,,,'
}
run_case "English and Chinese headings mixed in one file" case_mixed_headings

# ---- bad headers: exit 2, the column named, nothing changed --------------------------

BASE=$(db_fingerprint "$DEMO")

rejected() { # FILE
    expect_exit 2 "$PAIRAID" --db "$DEMO" --lang en import projects "$1"
    expect_stderr_all_prefixed
    expect_stderr_lines 1
    expect_unchanged "$DEMO" "$BASE"
}

case_unknown_chinese_heading() {
    "$PAIRAID" --db "$DEMO" export projects --bom --headers zh | sed '1s/来源/数据来源/' >unknown_zh.csv
    rejected unknown_zh.csv
    expect_row_error unknown_zh.csv 1 数据来源 'unknown column'
}
run_case "an unknown Chinese heading" case_unknown_chinese_heading

case_column_named_twice() {
    {
        echo "$PROJECTS_HEADER,预算"
        echo "$(project_row code=T-TWICE budget=100),200"
    } >twice.csv
    rejected twice.csv
    expect_row_error twice.csv 1 预算 'twice'
}
run_case "one column under its English and its Chinese name" case_column_named_twice

finish
