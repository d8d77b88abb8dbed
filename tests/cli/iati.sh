#!/usr/bin/env bash
# iati.sh - `pairaid export iati [--pairing CODE] [-o FILE]`: the published
# projects as IATI 2.03 activities (docs/exchange.md, "IATI 2.03").
#  * the demo's file validates against the IATI 2.03 schema (the copy in
#    data/iati-2.03/, so a clone of the repository is enough);
#  * read back (iati_check.py, xml.etree), it holds one activity per published
#    project and its budget, commitments, disbursements and expenditure are the
#    ledger's figures, for the whole demo and for a city and a county pairing;
#  * the same database on the same day gives the same bytes, on stdout or in -o;
#  * bad input (an unknown pairing, an unwritable -o, nothing published, --pairing
#    on another kind) exits 2 or 1 and leaves no file behind;
#  * & < > " ' in a name come back exactly, and a control character that got into
#    the database behind pairaid's back becomes U+FFFD, not a broken file.
source "$(dirname "$0")/lib.bash"

SCHEMA=$PA_SOURCE_DIR/data/iati-2.03/iati-activities-schema.xsd
CHECK=$PA_CLI_DIR/iati_check.py
export PAIRAID_TODAY=2024-09-10
DEMO=$(demo_db demo)

expect_valid() { # FILE
    if ! xmllint --noout --schema "$SCHEMA" "$1" 2>"$TMP/.xmllint"; then
        fail "$1 does not validate against the IATI 2.03 schema"
        tail -n 5 "$TMP/.xmllint" | sed 's/^/    | /'
    fi
}

expect_ledger_figures() { # DB FILE [PAIRING]
    if ! python3 "$CHECK" "$PAIRAID" "$@" >"$TMP/.check" 2>&1; then
        fail "$2 disagrees with the ledger of $1"
        head -n 20 "$TMP/.check" | sed 's/^/    | /'
    fi
}

case_demo_validates() {
    expect_exit 0 "$PAIRAID" --db "$DEMO" export iati -o demo.xml
    expect_stderr_empty
    expect_valid demo.xml
    expect_eq "activities" "$(sqlite3 "$DEMO" 'select count(*) from projects where public')" \
        "$(grep -c '<iati-activity ' demo.xml)"
    expect_eq "generated-datetime is today's" 1 \
        "$(grep -c 'generated-datetime="2024-09-10T00:00:00+08:00"' demo.xml)"
    [[ -e demo.xml.tmp ]] && fail "the temporary file is left behind"
}
run_case "the demo's file validates against the IATI 2.03 schema" case_demo_validates

case_same_bytes() {
    "$PAIRAID" --db "$DEMO" export iati >stdout.xml || fail "export to stdout"
    "$PAIRAID" --db "$DEMO" export iati -o file.xml || fail "export to a file"
    "$PAIRAID" --db "$DEMO" export projects --format iati -o format.xml || fail "--format iati"
    expect_same_file stdout.xml file.xml
    expect_same_file stdout.xml format.xml
    PAIRAID_TODAY=2024-09-11 "$PAIRAID" --db "$DEMO" export iati -o tomorrow.xml
    expect_eq "another day changes the generated date only" \
        "$(sed 's/2024-09-10T00:00:00/2024-09-11T00:00:00/' stdout.xml | sha256sum)" \
        "$(sha256sum <tomorrow.xml)"
}
run_case "the same database on the same day gives the same bytes" case_same_bytes

case_ledger_figures() {
    "$PAIRAID" --db "$DEMO" export iati -o all.xml || fail "export"
    expect_ledger_figures "$DEMO" all.xml
    local pairing
    for pairing in WX-LYG WX-LYG-YX-DH; do
        expect_exit 0 "$PAIRAID" --db "$DEMO" export iati --pairing "$pairing" -o "$pairing.xml"
        expect_valid "$pairing.xml"
        expect_ledger_figures "$DEMO" "$pairing.xml" "$pairing"
    done
    # the county pairing's activities are the county's part of the city's file
    expect_eq "宜兴—东海 within 无锡—连云港" "" \
        "$(comm -23 <(grep -o '<iati-identifier>[^<]*' WX-LYG-YX-DH.xml | sort) \
                    <(grep -o '<iati-identifier>[^<]*' WX-LYG.xml | sort))"
}
run_case "read back, every activity's figures are the ledger's (all, a city, a county)" \
    case_ledger_figures

# A payment request approved in part is expenditure of what was approved; the
# request itself (money reserved, not paid) is no transaction.
case_approved_request() {
    local db=$TMP/approved.db
    cp "$DEMO" "$db"
    expect_exit 0 "$PAIRAID" --db "$db" --as 东海县项目办 transfer create --id T-REQ \
        --from PRJ-LYG-MS-045 --to PAY-SYN-BUILD-DH --amount 1000.00 \
        --date 2024-09-01 --pending --project LYG-MS-045
    expect_exit 0 "$PAIRAID" --db "$db" --as 无锡财务 transfer post T-REQ --id T-POST \
        --amount 600.00 --date 2024-09-02
    expect_exit 0 "$PAIRAID" --db "$db" export iati -o approved.xml
    expect_valid approved.xml
    expect_ledger_figures "$db" approved.xml
    expect_eq "the post is an expenditure" 1 "$(grep -c '<transaction ref="T-POST">' approved.xml)"
    expect_eq "the request is not" 0 "$(grep -c '<transaction ref="T-REQ">' approved.xml)"
}
run_case "an approved request is expenditure of the amount approved" case_approved_request

case_bad_input() {
    expect_exit 2 "$PAIRAID" --db "$DEMO" export iati --pairing NO-SUCH -o bad.xml
    expect_stderr_line "pairaid: pairing: unknown pairing 'NO-SUCH'"
    [[ -e bad.xml || -e bad.xml.tmp ]] && fail "a file is left behind for an unknown pairing"
    expect_exit 1 "$PAIRAID" --db "$DEMO" export iati -o "$TMP/no-such-dir/x.xml"
    expect_stderr_line "pairaid: cannot write '$TMP/no-such-dir/x.xml'"
    expect_exit 2 "$PAIRAID" --db "$DEMO" export projects --pairing WX-LYG
    expect_stderr_match 'export iati'
    local empty=$TMP/empty.db
    "$PAIRAID" --db "$empty" init >/dev/null || fail "init"
    expect_exit 2 "$PAIRAID" --db "$empty" export iati -o empty.xml
    expect_stderr_line "pairaid: no published project to export"
    [[ -e empty.xml || -e empty.xml.tmp ]] && fail "a file is left behind for an empty database"
    expect_exit 2 "$PAIRAID" --db "$empty" --lang zh export iati
    expect_stderr_line "pairaid: 没有可导出的已公示项目"
}
run_case "bad input: exit 2 or 1, a clear message, no file" case_bad_input

case_escaping() {
    local db=$TMP/escape.db name='A&B <C> "D" '"'E'"
    cp "$DEMO" "$db"
    {
        echo "$PROJECTS_HEADER"
        project_row code=T-ESC "name=\"${name//\"/\"\"}\"" public=true
    } >esc.csv
    expect_exit 0 "$PAIRAID" --db "$db" import projects esc.csv
    expect_exit 0 "$PAIRAID" --db "$db" export iati --pairing WX-LYG-HS-GY -o esc.xml
    expect_valid esc.xml
    expect_eq "escaped in the file" 1 \
        "$(grep -c '<narrative>A&amp;B &lt;C&gt; "D" '"'E'"'</narrative>' esc.xml)"
    expect_eq "read back" "$name" "$(python3 -c '
import sys, xml.etree.ElementTree as ET
for a in ET.parse(sys.argv[1]).getroot():
    if a.findtext("iati-identifier").endswith("-T-ESC"):
        print(a.findtext("title/narrative"))' esc.xml)"
    # the importer refuses control characters; one written behind its back is replaced
    sqlite3 "$db" "update projects set name = 'X' || char(1) || 'Y' || char(65535) || 'Z' where code = 'T-ESC'"
    expect_exit 0 "$PAIRAID" --db "$db" export iati --pairing WX-LYG-HS-GY -o ctl.xml
    expect_valid ctl.xml
    expect_eq "U+FFFD for what XML 1.0 forbids" 1 "$(grep -c '<narrative>X�Y�Z</narrative>' ctl.xml)"
}
run_case "& < > \" ' come back exactly; a control character becomes U+FFFD" case_escaping

finish
