#!/usr/bin/env bash
# bad_input.sh - every kind of bad import file is refused as the contract says:
# exit 2, one `pairaid: FILE:LINE: column NAME: message` line per bad row (or
# `pairaid: FILE:LINE: message` where no column applies), and the database left
# exactly as it was.  Each case imports into the same demo database, whose
# fingerprint is taken once at the start.
source "$(dirname "$0")/lib.bash"

DB=$(demo_db demo)
BASE=$(db_fingerprint "$DB")

# rejected KIND FILE [OPTIONS...] : the import exits 2, says so only in
# `pairaid: ` lines, and leaves the database unchanged.
rejected() {
    local kind=$1 file=$2
    shift 2
    expect_exit 2 "$PAIRAID" --db "$DB" import "$kind" "$file" "$@"
    expect_stderr_all_prefixed
    expect_unchanged "$DB" "$BASE"
}

# ---- the header ----------------------------------------------------------------

# A column the kind does not have is an error, not silently dropped.
case_unknown_column() {
    printf '%s,colour\n%s\n' "$PAIRINGS_HEADER" 'T-P,测试,320200,320700,2022-01-01,,,,red' \
        >unknown_column.csv
    rejected pairings unknown_column.csv
    expect_stderr_lines 1
    expect_row_error unknown_column.csv 1 colour 'unknown column'
}
run_case "unknown column" case_unknown_column

# A required column left out of the header.
case_missing_required_column() {
    printf '%s\n%s\n' 'code,name,donor,start_date' 'T-P,测试,320200,2022-01-01' \
        >missing_column.csv
    rejected pairings missing_column.csv
    expect_stderr_lines 1
    expect_row_error missing_column.csv 1 recipient 'missing|required'
}
run_case "missing required column" case_missing_required_column

# ---- codes, regions, references --------------------------------------------------

# Codes are [A-Za-z0-9][A-Za-z0-9:._-]{0,63}.
case_bad_code_characters() {
    local long
    long=$(printf 'A%.0s' {1..65})
    {
        echo "$ORGS_HEADER"
        echo 'P 1,测试,,320700,other,'
        echo 'P/1,测试,,320700,other,'
        echo "$long,测试,,320700,other,"
        echo '-P1,测试,,320700,other,'
        echo '项目1,测试,,320700,other,'
    } >bad_codes.csv
    rejected orgs bad_codes.csv
    expect_stderr_lines 5
    expect_row_error bad_codes.csv 2 code 'character'
    expect_row_error bad_codes.csv 3 code 'character'
    expect_row_error bad_codes.csv 4 code '64'
    expect_row_error bad_codes.csv 5 code 'start|character'
    expect_row_error bad_codes.csv 6 code 'start|character'
}
run_case "bad code characters" case_bad_code_characters

# A region code that is not in GB/T 2260 (or not six digits).
case_unknown_region() {
    {
        echo "$ORGS_HEADER"
        echo 'T-ORG-1,测试,,999999,other,'
        echo 'T-ORG-2,测试,,32072,other,'
    } >unknown_region.csv
    rejected orgs unknown_region.csv
    expect_stderr_lines 2
    expect_row_error unknown_region.csv 2 region '999999'
    expect_row_error unknown_region.csv 3 region '32072|six'
}
run_case "unknown region code" case_unknown_region

# WX-LYG-HS-GY's recipient is 赣榆区 320707; 东海县 320722 is elsewhere.
case_project_outside_recipient() {
    { echo "$PROJECTS_HEADER"; project_row region=320722; } >outside.csv
    rejected projects outside.csv
    expect_stderr_lines 1
    expect_row_error outside.csv 2 region '320722.*320707|not within'
}
run_case "project outside its pairing's recipient region" case_project_outside_recipient

case_unknown_pairing() {
    { echo "$PROJECTS_HEADER"; project_row pairing=NO-SUCH-PAIRING; } >unknown_pairing.csv
    rejected projects unknown_pairing.csv
    expect_stderr_lines 1
    expect_row_error unknown_pairing.csv 2 pairing 'unknown pairing|NO-SUCH-PAIRING'
}
run_case "unknown pairing" case_unknown_pairing

# The canteen is `accepted` in the demo; every other field copied exactly.
case_status_backwards() {
    local canteen
    canteen=$(demo_line projects LYG-MS-TAOLIN-CANTEEN,)
    [[ $canteen == *,accepted,* ]] || fail "the demo's canteen is no longer 'accepted': $canteen"
    { head -n 1 "$PA_DEMO_DIR/projects.csv"; echo "${canteen/,accepted,/,proposed,}"; } >backwards.csv
    rejected projects backwards.csv
    expect_stderr_lines 1
    expect_row_error backwards.csv 2 status 'back'
}
run_case "status going backwards" case_status_backwards

# ---- amounts, dates, text ----------------------------------------------------------

# Yuan with at most two decimals, >= 0, fitting int64 fen (max 92233720368547758.07).
case_bad_budgets() {
    {
        echo "$PROJECTS_HEADER"
        project_row code=T-B1 budget=100.001
        project_row code=T-B2 budget=-100.00
        project_row code=T-B3 budget=abc
        project_row code=T-B4 budget=99999999999999999999.00
        project_row code=T-B5 budget=92233720368547758.08
    } >budgets.csv
    rejected projects budgets.csv
    expect_stderr_lines 5
    expect_row_error budgets.csv 2 budget 'decimal'
    expect_row_error budgets.csv 3 budget 'negative'
    expect_row_error budgets.csv 4 budget 'abc|amount|number'
    expect_row_error budgets.csv 5 budget 'large|range|int64'
    expect_row_error budgets.csv 6 budget 'large|range|int64'
}
run_case "budget: three decimals, negative, non-numeric, beyond int64" case_bad_budgets

# The optional total investment (总投资) is money like the budget: the same row errors.
case_bad_investments() {
    local header="$PROJECTS_HEADER,investment"
    {
        echo "$header"
        echo "$(project_row code=T-I1),560000000.001"
        echo "$(project_row code=T-I2),-1.00"
        echo "$(project_row code=T-I3),5.6亿"
        echo "$(project_row code=T-I4),1000000000000.01"
    } >investments.csv
    rejected projects investments.csv
    expect_stderr_lines 4
    expect_row_error investments.csv 2 investment 'decimal'
    expect_row_error investments.csv 3 investment 'negative'
    expect_row_error investments.csv 4 investment 'amount|number'
    expect_row_error investments.csv 5 investment 'plausible'
}
run_case "investment: three decimals, negative, non-numeric, implausible" case_bad_investments

case_end_before_start() {
    { echo "$PROJECTS_HEADER"; project_row start_date=2024-01-01 end_date=2023-12-31; } \
        >end_before_start.csv
    rejected projects end_before_start.csv
    expect_stderr_lines 1
    expect_row_error end_before_start.csv 2 end_date 'before'
}
run_case "end date before start" case_end_before_start

case_impossible_date() {
    { echo "$PROJECTS_HEADER"; project_row start_date=2023-02-30; } >impossible_date.csv
    rejected projects impossible_date.csv
    expect_stderr_lines 1
    expect_row_error impossible_date.csv 2 start_date '2023-02-30|exist'
}
run_case "impossible date 2023-02-30" case_impossible_date

case_invalid_utf8() {
    { echo "$PROJECTS_HEADER"; project_row name=$'测\xff试'; } >invalid_utf8.csv
    rejected projects invalid_utf8.csv
    expect_stderr_lines 1
    expect_row_error invalid_utf8.csv 2 name 'UTF-8'
}
run_case "invalid UTF-8 in a name" case_invalid_utf8

case_nul_byte() {
    { echo "$PROJECTS_HEADER"; printf 'T-NUL,测\0试,WX-LYG-HS-GY,320707,education,livelihood,proposed,100.00,2024-01-01,,,,\n'; } \
        >nul_byte.csv
    rejected projects nul_byte.csv
    expect_stderr_lines 1
    expect_row_error nul_byte.csv 2 name 'NUL'
}
run_case "NUL byte inside a field" case_nul_byte

# A name is at most 200 characters; a 10 MB one must be refused, and quickly.
case_ten_megabyte_field() {
    {
        printf '%s\nT-BIG,' "$ORGS_HEADER"
        head -c 10485760 /dev/zero | tr '\0' x
        printf ',,320700,other,\n'
    } >ten_mb.csv
    local start=$SECONDS
    expect_exit 2 timeout -k 5 30 "$PAIRAID" --db "$DB" import orgs ten_mb.csv
    ((STATUS == 124 || STATUS == 137)) && fail "import of a 10 MB field took more than 30 s (killed)"
    expect_stderr_all_prefixed
    expect_stderr_lines 1
    expect_row_error ten_mb.csv 2 name '200|long'
    expect_unchanged "$DB" "$BASE"
    echo "    (10 MB field: $((SECONDS - start)) s)"
}
run_case "10 MB field" case_ten_megabyte_field

# GB 32100-2015: the 18th character is a check character.
case_wrong_credit_check() {
    local code last other
    code=$(cut -d, -f3 "$PA_DEMO_DIR/orgs.csv" | grep -m1 -E '^[0-9A-Z]{18}$')
    last=${code: -1}
    other=$([[ $last == 0 ]] && echo 1 || echo 0)
    { echo "$ORGS_HEADER"; echo "T-ORG-CC,测试公司,${code:0:17}$other,320700,enterprise,"; } \
        >credit_check.csv
    rejected orgs credit_check.csv
    expect_stderr_lines 1
    expect_row_error credit_check.csv 2 credit_code 'check'
}
run_case "wrong credit-code check character" case_wrong_credit_check

# ---- the file itself ---------------------------------------------------------------

case_empty_file() {
    : >empty.csv
    rejected projects empty.csv
    expect_stderr_lines 1
    expect_file_error empty.csv 1 'empty|header'
}
run_case "empty file (0 bytes)" case_empty_file

case_bom_only() {
    printf '\xef\xbb\xbf' >bom_only.csv
    rejected projects bom_only.csv
    expect_stderr_lines 1
    expect_file_error bom_only.csv 1 'empty|header'
}
run_case "file with only a BOM" case_bom_only

# Two rows of one file with the same code, different content.
case_duplicate_code_different_rows() {
    {
        echo "$PROJECTS_HEADER"
        project_row code=T-DUP name=第一个
        project_row code=T-DUP name=第二个
    } >dup_different.csv
    rejected projects dup_different.csv
    expect_stderr_lines 1
    expect_row_error dup_different.csv 3 code 'line 2([^0-9]|$)'
}
run_case "duplicate code in one file: two different rows" case_duplicate_code_different_rows

# Two identical rows are a mistake too (and name the first one's line).
case_duplicate_code_identical_rows() {
    {
        echo "$PROJECTS_HEADER"
        project_row code=T-OTHER
        project_row code=T-DUP
        project_row code=T-DUP
    } >dup_identical.csv
    rejected projects dup_identical.csv
    expect_stderr_lines 1
    expect_row_error dup_identical.csv 4 code 'line 3([^0-9]|$)'
}
run_case "duplicate code in one file: two identical rows" case_duplicate_code_identical_rows

# A stored record under the same key with different content: imports never overwrite.
# already_stored KIND HEADER DEMO-LINE-PREFIX FROM TO COLUMN
already_stored() {
    local kind=$1 header=$2 prefix=$3 from=$4 to=$5 column=$6 line
    line=$(demo_line "$kind" "$prefix")
    [[ $line == *"$from"* ]] || fail "the demo's $prefix row no longer holds '$from'"
    { echo "$header"; echo "${line/"$from"/"$to"}"; } >"stored_$kind.csv"
    rejected "$kind" "stored_$kind.csv"
    expect_stderr_lines 1
    expect_row_error "stored_$kind.csv" 2 "$column" 'already stored'
}
run_case "already stored, different content: pairings" already_stored \
    pairings "$PAIRINGS_HEADER" WX-LYG-HS-GY, ,惠山区—赣榆区结对帮扶, ,惠山—赣榆, name
run_case "already stored, different content: orgs" already_stored \
    orgs "$(head -n 1 "$PA_DEMO_DIR/orgs.csv")" LYG-GOV, ,连云港市人民政府, ,连云港市政府, name
run_case "already stored, different content: projects" already_stored \
    projects "$(head -n 1 "$PA_DEMO_DIR/projects.csv")" LYG-MS-001, ,1483600.00, ,1483601.00, budget
run_case "already stored, different content: exchanges" already_stored \
    exchanges "$EXCHANGES_HEADER" EX-FRONT-TEAM-LEADER, ,2022-01-01,,1, ,2022-01-01,,2, people
run_case "already stored, different content: milestones" already_stored \
    milestones "$MILESTONES_HEADER" LYG-PARK-HUIYU,2024-08-23, ,start, ,signing, kind

case_wrong_field_count() {
    {
        echo "$PROJECTS_HEADER"
        project_row code=T-F1 | sed 's/,$//'
        project_row code=T-F2 | sed 's/$/,extra/'
    } >field_count.csv
    rejected projects field_count.csv
    expect_stderr_lines 2
    expect_file_error field_count.csv 2 '12.*13|fields'
    expect_file_error field_count.csv 3 '14.*13|fields'
}
run_case "row with the wrong number of fields" case_wrong_field_count

# A quote inside an unquoted field, text after a closing quote, a quote never closed.
case_malformed_quoting() {
    { echo "$ORGS_HEADER"; echo 'T-Q1,a"b,,320700,other,'; } >quote_inside.csv
    rejected orgs quote_inside.csv
    expect_stderr_lines 1
    expect_file_error quote_inside.csv 2 'malformed|quote'

    { echo "$ORGS_HEADER"; echo 'T-Q2,"ab"c,,320700,other,'; } >quote_after.csv
    rejected orgs quote_after.csv
    expect_stderr_lines 1
    expect_file_error quote_after.csv 2 'malformed|quote'

    {
        echo "$ORGS_HEADER"
        echo 'T-Q3,好,,320700,other,'
        echo 'T-Q4,"never closed,,320700,other,'
        echo 'T-Q5,好,,320700,other,'
    } >quote_unclosed.csv
    rejected orgs quote_unclosed.csv
    expect_stderr_lines 1
    expect_file_error quote_unclosed.csv 3 'malformed|quote|closed'
}
run_case "malformed quoting" case_malformed_quoting

# ---- the command line ----------------------------------------------------------------

case_unknown_kind() {
    cp "$PA_DEMO_DIR/orgs.csv" some.csv
    rejected regions some.csv
    expect_stderr_lines 1
    expect_stderr_match '^pairaid: .*regions.*(built in|cannot be imported)'
    rejected nonsense some.csv
    expect_stderr_lines 1
    expect_stderr_match "^pairaid: .*unknown kind.*nonsense"
}
run_case "unknown KIND (regions, nonsense)" case_unknown_kind

# A missing input file is bad input: exit 2 (the contract), one line naming it.
case_missing_file() {
    rejected orgs no_such_file.csv
    expect_stderr_lines 1
    expect_stderr_match '^pairaid: .*no_such_file\.csv'
}
run_case "missing input file" case_missing_file

# ---- many errors in one run ------------------------------------------------------------

# 150 bad rows: the first 100 are printed, then `pairaid: FILE: and 50 more`.
case_more_than_100_bad_rows() {
    {
        echo "$ORGS_HEADER"
        for i in $(seq 1 150); do echo "T-MANY-$i,测试,,999999,other,"; done
    } >many.csv
    rejected orgs many.csv
    expect_stderr_lines 101
    local want got
    want=$(for l in $(seq 2 101); do echo "pairaid: many.csv:$l: column region"; done
        echo "pairaid: many.csv: and 50 more")
    got=$(sed -E 's/^(pairaid: many\.csv:[0-9]+: column [a-z_]+): .*/\1/' "$ERR")
    if [[ $got != "$want" ]]; then
        fail "expected 100 row lines (lines 2..101) then 'pairaid: many.csv: and 50 more'"
        diff <(echo "$want") <(echo "$got") | head -n 10 | sed 's/^/    | /'
    fi
}
run_case "more than 100 bad rows" case_more_than_100_bad_rows

# Bad rows of several kinds, after quoted fields that hold line breaks: all are
# reported in one run, each at the physical line where its record starts.
MULTI_WANT='6: column project
7: column date
9: column kind
10: column date
10: column kind
12: column title'
write_multi_error_file() { # FILE
    {
        echo "$MILESTONES_HEADER"
        printf '%s\n' 'LYG-MS-001,2024-01-01,other,好的一行,"第一行' '第二行' '' '第四行",,' # lines 2-5, good
        printf '%s\n' 'NO-SUCH-PROJECT,2024-01-01,other,未知项目,,,'                         # 6
        printf '%s\n' 'LYG-MS-001,2024-13-01,other,坏日期,"a' 'b",,'                          # 7-8
        printf '%s\n' 'LYG-MS-001,2024-01-02,bogus,坏类别,,,'                                 # 9
        printf '%s\n' 'LYG-MS-001,2024-02-30,bogus,两处错误,,,'                               # 10
        printf '%s\n' 'LYG-MS-001,2024-01-03,other,好的,"x, ""y""",,'                         # 11, good
        printf '%s\n' 'LYG-MS-001,2024-01-04,other,,,,'                                       # 12
    } >"$1"
}
check_multi_errors() { # FILE
    rejected milestones "$1"
    expect_stderr_lines 6
    local want got
    want=$(sed "s/^/pairaid: $1:/" <<<"$MULTI_WANT")
    got=$(sed -E 's/^(pairaid: [^:]+:[0-9]+: column [a-z_]+): .*/\1/' "$ERR")
    if [[ $got != "$want" ]]; then
        fail "errors and their lines differ from what was expected"
        diff <(echo "$want") <(echo "$got") | sed 's/^/    | /'
    fi
    expect_row_error "$1" 6 project 'NO-SUCH-PROJECT|unknown'
    expect_row_error "$1" 7 date '2024-13-01|exist|date'
    expect_row_error "$1" 9 kind 'bogus'
    expect_row_error "$1" 12 title 'required'
}

case_all_errors_reported() {
    write_multi_error_file multi.csv
    check_multi_errors multi.csv
}
run_case "errors in several rows all reported, lines after quoted newlines" case_all_errors_reported

case_crlf_same_lines() {
    write_multi_error_file multi_lf.csv
    sed 's/$/\r/' multi_lf.csv >multi_crlf.csv
    check_multi_errors multi_crlf.csv
}
run_case "CRLF line endings give the same line numbers" case_crlf_same_lines

finish
