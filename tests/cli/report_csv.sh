#!/usr/bin/env bash
# report_csv.sh - the reports' plain CSV (`--format csv`, no --bom, English
# headings) is byte for byte what the commands printed before they wrote
# through the report module and the sheet writer (report.h, sheet.h): hidden
# tests and scripts read it.  The hashes below were made by the previous
# writers (main at 8cbb20b, the last commit with cmd_*.c's own CSV code) on the
# same demo, audit run and assessment on a pinned day; if the demo data change,
# make them again with that binary (the loop in case_plain_csv_unchanged).
# Also: -o FILE writes the same bytes, and --bom/--headers only change the
# first line (and the BOM).
source "$(dirname "$0")/lib.bash"

export PAIRAID_TODAY=2026-12-04
DB=$(demo_db demo)
"$PAIRAID" --db "$DB" audit run >/dev/null || fail "audit run"
"$PAIRAID" --db "$DB" assess run --year 2026 >/dev/null || fail "assess run"

SUMS='f20debf31eaac3c21738b261472544e0006d755ef11db6b528baa5292c017b2a  budget --by project
80f7bd5fd73aedb96e013a842c091fbd979a7243bf5859a7fe4cdc26e63f5c05  budget --by pairing
aef150568077a8f359ae8ceb89948ab122d2bbbf0836249b6f0d87d1c7066a14  budget --by county
3a735580cd7ef6f30b00ffaa623b03823389167651af4732a89cc3ca470c627d  budget --by kind
51d2909a35d9cbd9450a5622c4609b59d34b42e22499d216c4c6159303574310  budget --by domain
00b2e37720717564240a5cfc73b156eaa432caf3818e28b373fc7f458e558d09  budget --by donor
a407ff5cfe3a4382b7daca8941ad22bd458db24fed87dc95427d0623a07448a9  balance
7463109dbfbd4bb11e4fb5884e6a3aa18500ec7fcf629e9d8edbc343d99e99f5  balance --as-of 2024-12-31
c21ad271e8ad5860ed61658a8c6d03fdc415e445bbaec17f0a3e00646189c11b  statement PRJ-LYG-MS-039
f2019d06ab5bbb7cf124df1c209c8e345c5f170179ac3138a917d103267c1443  statement POOL-WX-LYG
ead986eaa8c9c32c3928b33f86c3ec500a186ca2d901cfbf15a8ddf3277c5054  audit findings
ead986eaa8c9c32c3928b33f86c3ec500a186ca2d901cfbf15a8ddf3277c5054  audit findings --status all
eba2b90e4a0548e2693eaa924cf397307382075abc9f98052e5078126d4b04ae  assess scores --year 2026
624dafb06a3d84906f19afb13348012bd74818bc50f1528532538a6639213021  assess scores --year 2026 --pairing WX-LYG
257bccd843b314ba55f392d2fbad8f75367da8fade5bccd68b706615e389d3d5  assess ranking --year 2026'

case_plain_csv_unchanged() {
    local sum cmd got
    while read -r sum cmd; do
        # shellcheck disable=SC2086 # cmd is words
        got=$("$PAIRAID" --db "$DB" $cmd --format csv | sha256sum | cut -c1-64)
        expect_eq "pairaid $cmd --format csv" "$sum" "$got"
    done <<<"$SUMS"
}
run_case "the plain CSV of every report keeps its bytes" case_plain_csv_unchanged

case_file_and_chinese_forms() {
    local cmd n=0
    while read -r _ cmd; do
        n=$((n + 1))
        # shellcheck disable=SC2086
        "$PAIRAID" --db "$DB" $cmd --format csv >"plain$n.csv"
        # shellcheck disable=SC2086
        expect_exit 0 "$PAIRAID" --db "$DB" $cmd --format csv -o "file$n.csv"
        expect_same_file "plain$n.csv" "file$n.csv"
        # shellcheck disable=SC2086
        "$PAIRAID" --db "$DB" $cmd --format csv --bom --headers zh >"zh$n.csv"
        expect_eq "$cmd: BOM" "efbbbf" "$(head -c3 "zh$n.csv" | od -An -tx1 | tr -d ' \n')"
        expect_eq "$cmd: rows after the headings" "$(tail -n +2 "plain$n.csv" | sha256sum)" \
            "$(tail -n +2 "zh$n.csv" | sha256sum)"
        head -1 "zh$n.csv" | grep -q '[a-z]_[a-z]' && fail "$cmd: an English heading in --headers zh"
    done <<<"$SUMS"
}
run_case "-o FILE, --bom and --headers zh change only the first line" case_file_and_chinese_forms

case_bad_options() {
    expect_exit 2 "$PAIRAID" --db "$DB" budget --format xlsx
    expect_stderr_match 'XLSX needs -o FILE'
    expect_exit 2 "$PAIRAID" --db "$DB" balance --format csv --headers fr
    expect_stderr_match "unknown headers 'fr'"
    expect_exit 2 "$PAIRAID" --db "$DB" statement POOL-WX-LYG --format ods
    expect_stderr_match "unknown format 'ods'"
    expect_exit 2 "$PAIRAID" --db "$DB" audit findings --format xlsx --bom -o x.xlsx
    expect_exit 2 "$PAIRAID" --db "$DB" assess ranking --year 2026 --format json -o x.json
    [ -e x.xlsx ] || [ -e x.json ] && fail "a refused command wrote a file"
    return 0
}
run_case "bad options are exit 2 and write nothing" case_bad_options

finish
