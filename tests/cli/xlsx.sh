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

# The round trip the hidden code columns exist for: every kind exported as XLSX
# (Chinese headings, enum names, typed cells) and imported into an empty
# database gives the same records, exported again byte for byte as CSV.
case_xlsx_roundtrip() {
    local kind copy=$TMP/xlsx-copy.db
    expect_exit 0 "$PAIRAID" --db "$copy" init
    for kind in "${PA_KINDS[@]}"; do
        "$PAIRAID" --db "$DEMO" export "$kind" >"$kind.a.csv" || fail "export $kind"
        expect_exit 0 "$PAIRAID" --db "$DEMO" export "$kind" --format xlsx -o "$kind.rt.xlsx"
        # photos are looked up beside the file, as for CSV
        [[ -d $TMP/media ]] && cp -r "$TMP/media" . 2>/dev/null
        expect_exit 0 "$PAIRAID" --db "$copy" --lang en import "$kind" "$kind.rt.xlsx"
    done
    for kind in "${PA_KINDS[@]}"; do
        "$PAIRAID" --db "$copy" export "$kind" >"$kind.b.csv" || fail "export $kind from the copy"
        expect_same_file "$kind.a.csv" "$kind.b.csv"
    done
}
run_case "every kind: export as XLSX, import into an empty database, the same export" \
    case_xlsx_roundtrip

# Someone changes a name in Excel (a project's source 虚构 to 原文): the visible
# name wins over the stale hidden code, as docs/exchange.md says.
case_edited_label_wins() {
    local copy=$TMP/edited.db
    expect_exit 0 "$PAIRAID" --db "$copy" init
    for kind in pairings orgs; do
        "$PAIRAID" --db "$DEMO" export "$kind" -o "$kind.csv"
        "$PAIRAID" --db "$copy" import "$kind" "$kind.csv" >/dev/null || fail "import $kind"
    done
    "$PAIRAID" --db "$DEMO" export projects --format xlsx -o p.xlsx
    /usr/bin/python3 - p.xlsx <<'PY' || fail "cannot edit p.xlsx"
import sys
sys.path.append("/usr/lib/python3/dist-packages")
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
heads = [c.value for c in ws[1]]
col = heads.index("来源") + 1
assert ws.cell(row=2, column=col + 1).value == "synthetic", ws.cell(row=2, column=col + 1).value
ws.cell(row=2, column=col).value = "原文"   # the hidden 来源代码 still says synthetic
wb.save(sys.argv[1])
PY
    expect_exit 0 "$PAIRAID" --db "$copy" import projects p.xlsx
    local first
    first=$(sed -n 2p <("$PAIRAID" --db "$DEMO" export projects) | cut -d, -f1)
    expect_eq "source after the edit" "article" \
        "$(sqlite3 "$copy" "select source from projects where code = '$first'")"
}
run_case "an enum's name edited in Excel wins over its stale hidden code" case_edited_label_wins

case_bad_options() {
    local before
    before=$(db_fingerprint "$DEMO")
    expect_exit 2 "$PAIRAID" --db "$DEMO" export projects --format xlsx
    expect_stderr_match 'XLSX needs -o FILE'
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
    expect_stderr_match 'XLSX 须用 -o FILE'
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
        # the example is a row of the demo: importing it there changes nothing, CSV or XLSX
        expect_exit 0 "$PAIRAID" --db "$DEMO" --lang en import "$kind" "$kind.t.csv"
        expect_stdout_match '1 skipped|skipped 1|1 identical'
        expect_exit 0 "$PAIRAID" --db "$DEMO" --lang en import "$kind" "$kind.t.xlsx"
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
    # options that do not go together, as for the reports
    expect_exit 2 "$PAIRAID" template projects --format xlsx --bom -o t.xlsx
    expect_stderr_match 'bom goes with --format csv'
    expect_exit 2 "$PAIRAID" template projects --headers fr
    expect_stderr_match "unknown headers 'fr'"
    [[ -e t.xlsx ]] && fail "a template was written after a refusal"
}
run_case "a CSV template for Chinese Excel: BOM and Chinese headings, imports" case_template_bom_zh

finish
