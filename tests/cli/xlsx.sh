#!/usr/bin/env bash
# xlsx.sh - XLSX exports and the templates to import from, read back with openpyxl
# (xlsx_check.py, under Debian's python3, where python3-openpyxl is): every kind of
# the demo as XLSX holds exactly what its CSV export holds, typed (numbers, dates,
# text that stays text), with Chinese headings by default and English ones with
# --headers en, enums by their names with the codes in a hidden column, the heading
# row frozen.  Templates: every kind, CSV and XLSX, whose example row the demo
# itself holds.  Bad options change nothing and leave no file behind.
source "$(dirname "$0")/lib.bash"

DEMO=$(demo_db demo)
CHECK=(/usr/bin/python3 "$PA_CLI_DIR/xlsx_check.py")

case_every_kind_zh() {
    local kind
    for kind in "${PA_KINDS[@]}" regions; do
        "$PAIRAID" --db "$DEMO" export "$kind" >"$kind.csv" || fail "export $kind"
        expect_exit 0 "$PAIRAID" --db "$DEMO" export "$kind" --format xlsx -o "$kind.xlsx"
        expect_stderr_empty
        "${CHECK[@]}" export "$kind.xlsx" "$kind.csv" zh || fail "$kind.xlsx"
    done
}
run_case "every kind as XLSX: Chinese headings, typed cells equal to the CSV's" case_every_kind_zh

case_headers_en() {
    "$PAIRAID" --db "$DEMO" export projects >projects.csv
    expect_exit 0 "$PAIRAID" --db "$DEMO" export projects --format xlsx --headers en -o p.xlsx
    "${CHECK[@]}" export p.xlsx projects.csv en || fail "p.xlsx"
}
run_case "--headers en: the CSV's column names, code columns named X_code" case_headers_en

case_bad_options() {
    local before
    before=$(db_fingerprint "$DEMO")
    expect_exit 2 "$PAIRAID" --db "$DEMO" export projects --format xlsx
    expect_stderr_match 'XLSX file needs -o FILE'
    expect_exit 2 "$PAIRAID" --db "$DEMO" export projects --format xls -o x.xls
    expect_stderr_match "unknown format 'xls'"
    expect_exit 2 "$PAIRAID" --db "$DEMO" export projects --headers fr -o x.csv
    expect_stderr_match "unknown headers 'fr' \(en or zh\)"
    expect_exit 2 "$PAIRAID" --db "$DEMO" export projects --format xlsx --headers fr -o x.xlsx
    expect_exit 2 "$PAIRAID" --db "$DEMO" export nothing --format xlsx -o x.xlsx
    expect_stderr_match "unknown kind 'nothing'"
    expect_exit 1 "$PAIRAID" --db "$DEMO" export projects --format xlsx -o no/such/dir/x.xlsx
    [[ -e x.xls || -e x.csv || -e x.xlsx || -e x.xlsx.tmp ]] && fail "a file was left: $(ls)"
    expect_unchanged "$DEMO" "$before"
}
run_case "bad options: exit 2 (1 for an unwritable path), no file, nothing changed" case_bad_options

# The same in Chinese, for a programme office's shell.
case_bad_options_zh() {
    expect_exit 2 "$PAIRAID" --db "$DEMO" --lang zh export projects --headers fr
    expect_stderr_match '未知表头语言“fr”'
    expect_exit 2 "$PAIRAID" --lang zh template projects --format xlsx
    expect_stderr_match 'XLSX 文件须用 -o FILE'
}
run_case "the errors in Chinese with --lang zh" case_bad_options_zh

case_templates() {
    local kind
    for kind in "${PA_KINDS[@]}"; do
        "$PAIRAID" --db "$DEMO" export "$kind" >"$kind.csv" || fail "export $kind"
        expect_exit 0 "$PAIRAID" template "$kind" -o "$kind.t.csv"
        # every column the importer reads (the demo uses them all), in the export's order
        expect_eq "$kind: template columns" "$(head -n 1 "$kind.csv")" "$(head -n 1 "$kind.t.csv")"
        expect_eq "$kind: rows" 2 "$(wc -l <"$kind.t.csv")"
        expect_exit 0 "$PAIRAID" template "$kind" --format xlsx -o "$kind.t.xlsx"
        "${CHECK[@]}" template "$kind.t.xlsx" "$kind.t.csv" zh || fail "$kind.t.xlsx"
        # the example is a row of the demo: importing it there changes nothing
        expect_exit 0 "$PAIRAID" --db "$DEMO" --lang en import "$kind" "$kind.t.csv"
        expect_stdout_match '1 skipped|skipped 1|1 identical'
    done
}
run_case "templates: every kind, CSV and XLSX, the example a row of the demo" case_templates

case_template_bom_zh() {
    expect_exit 0 "$PAIRAID" template projects --bom --headers zh -o p.csv
    expect_eq "BOM" "efbbbf" "$(head -c 3 p.csv | od -An -tx1 | tr -d ' \n')"
    expect_eq "first heading" "代码" "$(tail -c +4 p.csv | head -n 1 | cut -d, -f1)"
    expect_exit 0 "$PAIRAID" --db "$DEMO" import projects p.csv
    expect_exit 2 "$PAIRAID" template nothing
    expect_stderr_match "unknown kind 'nothing'"
}
run_case "a CSV template for Chinese Excel: BOM and Chinese headings, imports" case_template_bom_zh

finish
