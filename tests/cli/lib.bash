# lib.bash - shared helpers for the CLI scenario scripts (tests/cli/*.sh).
#
# Sourced, never run: its name does not end in .sh, so tests/CMakeLists.txt
# does not register it as a test.  The scripts get from ctest:
#   PAIRAID        the binary under test
#   PA_TEST_DATA   tests/data
#   PA_SOURCE_DIR  the repository (for data/demo/*.csv)
#
# A script is a list of cases:
#
#   case_unknown_column() {          # one function per case
#       ...
#       expect_exit 2 "$PAIRAID" --db "$DB" import pairings x.csv
#       expect_row_error x.csv 1 colour 'unknown column'
#   }
#   run_case "unknown column" case_unknown_column
#   ...
#   finish                           # prints "N passed, N failed", sets the exit status
#
# A case passes when every check inside it passes; a failed check prints one
# "FAIL" line naming the case and what differed, and the case goes on, so one
# run shows everything that is wrong.
#
# Each script works in its own scratch directory ($TMP), removed on exit unless
# PA_KEEP_TMP is set (to look at the files after a failure).  Run one by hand:
#   PAIRAID=build-test/pairaid bash tests/cli/bad_input.sh

# Variables set here are for the scripts that source this file:
# shellcheck disable=SC2034

set -u

: "${PAIRAID:?PAIRAID must name the pairaid binary}"
PA_CLI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${PA_SOURCE_DIR:=$(cd "$PA_CLI_DIR/../.." && pwd)}"
: "${PA_TEST_DATA:=$PA_SOURCE_DIR/tests/data}"
PA_DEMO_DIR=$PA_SOURCE_DIR/data/demo
PA_CLI_DATA=$PA_TEST_DATA/cli # committed inputs, if a case needs one
PAIRAID=$(cd "$(dirname "$PAIRAID")" && pwd)/$(basename "$PAIRAID") # absolute: cases cd around

# Nothing from the caller's environment may pick the database for us.
unset PAIRAID_DB

# One scratch directory per script, removed however the script ends.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pairaid-cli.XXXXXX") || exit 1
trap '[[ -n ${PA_KEEP_TMP:-} ]] || rm -rf "$TMP"' EXIT

# The outputs of the last expect_exit.
OUT=$TMP/.stdout
ERR=$TMP/.stderr
STATUS=0
: >"$OUT"
: >"$ERR"

PASSED=0
FAILED=0
CASE=""
CASE_FAILED=0

# ---- cases and checks --------------------------------------------------------

run_case() { # NAME FUNCTION [ARGS...]
    CASE=$1
    CASE_FAILED=0
    shift
    cd "$TMP" || exit 1 # every case starts in the scratch directory
    "$@"
    if ((CASE_FAILED)); then
        FAILED=$((FAILED + 1))
        echo "not ok - $CASE"
    else
        PASSED=$((PASSED + 1))
        echo "ok - $CASE"
    fi
}

fail() { # MESSAGE... : records a failed check in the current case
    CASE_FAILED=1
    echo "FAIL [$CASE]: $*"
}

# Shows the captured stderr (or another file) under a failure, indented.
show() { # FILE [LABEL]
    local label=${2:-stderr}
    echo "    --- $label ($(wc -l <"$1") lines) ---"
    head -n 20 "$1" | cut -c1-300 | sed 's/^/    | /'
}

finish() {
    echo "$PASSED passed, $FAILED failed"
    ((FAILED == 0))
    exit $?
}

# expect_exit N CMD... : runs CMD, keeps its stdout in $OUT and stderr in $ERR,
# and checks that it exits with N.
expect_exit() {
    local want=$1
    shift
    "$@" >"$OUT" 2>"$ERR"
    STATUS=$?
    if [[ $STATUS != "$want" ]]; then
        fail "expected exit $want, got $STATUS from: $(printf '%q ' "${@/#"$PAIRAID"/pairaid}")"
        show "$ERR"
    fi
}

# expect_stderr_line 'exact line' : some line of the last stderr is exactly this.
expect_stderr_line() {
    if ! grep -aFxq -- "$1" "$ERR"; then
        fail "no stderr line exactly: $1"
        show "$ERR"
    fi
}

# expect_stderr_match REGEX : some line of the last stderr matches (grep -E).
expect_stderr_match() {
    if ! grep -aEq -- "$1" "$ERR"; then
        fail "no stderr line matching /$1/"
        show "$ERR"
    fi
}

expect_stdout_line() {
    if ! grep -aFxq -- "$1" "$OUT"; then
        fail "no stdout line exactly: $1"
        show "$OUT" stdout
    fi
}

expect_stdout_match() {
    if ! grep -aEq -- "$1" "$OUT"; then
        fail "no stdout line matching /$1/"
        show "$OUT" stdout
    fi
}

expect_stdout_no_match() {
    if grep -aEq -- "$1" "$OUT"; then
        fail "stdout should have no line matching /$1/"
        show "$OUT" stdout
    fi
}

# expect_stderr_lines N : the last stderr has exactly N lines.
expect_stderr_lines() {
    local n
    n=$(wc -l <"$ERR")
    if [[ $n != "$1" ]]; then
        fail "expected $1 line(s) on stderr, got $n"
        show "$ERR"
    fi
}

expect_stderr_empty() { expect_stderr_lines 0; }

# Every stderr line is `pairaid: ...` (one message per line, no stack traces,
# no getopt or sanitizer noise).
expect_stderr_all_prefixed() {
    local bad
    bad=$(grep -avc '^pairaid: ' "$ERR")
    if [[ $bad != 0 ]]; then
        fail "$bad stderr line(s) do not start with 'pairaid: '"
        show "$ERR"
    fi
}

# expect_row_error FILE LINE COLUMN REGEX : stderr has the line
#   pairaid: FILE:LINE: column COLUMN: MESSAGE
# with FILE, LINE and COLUMN exactly as given and MESSAGE matching REGEX.
expect_row_error() {
    local file=$1 line=$2 column=$3 re=$4
    local prefix="pairaid: $file:$line: column $column: " l
    while IFS= read -r l; do
        if [[ $l == "$prefix"* && ${l#"$prefix"} =~ $re ]]; then
            return 0
        fi
    done <"$ERR"
    fail "no stderr line '${prefix}<message matching /$re/>'"
    show "$ERR"
}

# expect_file_error FILE LINE REGEX : stderr has `pairaid: FILE:LINE: MESSAGE`,
# an error of a whole row or of the file (no column applies).
expect_file_error() {
    local file=$1 line=$2 re=$3
    local prefix="pairaid: $file:$line: " l
    while IFS= read -r l; do
        if [[ $l == "$prefix"* && ${l#"$prefix"} =~ $re ]]; then
            return 0
        fi
    done <"$ERR"
    fail "no stderr line '${prefix}<message matching /$re/>'"
    show "$ERR"
}

expect_eq() { # WHAT EXPECTED GOT
    if [[ $2 != "$3" ]]; then
        fail "$1: expected '$2', got '$3'"
    fi
}

expect_same_file() { # A B : byte-identical
    if ! cmp -s -- "$1" "$2"; then
        fail "$(basename "$1") and $(basename "$2") differ: $(cmp -- "$1" "$2" 2>&1 | head -n 1)"
        diff -- "$1" "$2" | head -n 10 | cut -c1-200 | sed 's/^/    | /'
    fi
}

# ---- databases ---------------------------------------------------------------

# The suite's PostgreSQL pass (tests/pg/run) runs a script with PA_BACKEND=pg and its
# database files mapped to PostgreSQL databases: the few checks about SQLite files, or that
# expect the file's name where PostgreSQL names the database, ask on_pg.
on_pg() { [[ ${PA_BACKEND:-sqlite} == pg ]]; }

PA_KINDS=(pairings orgs projects milestones exchanges contracts notices indicators revenue_shares
          accounts transfers scores)

# db_fingerprint DB : one line per export (its SHA-256 as CSV) and the number
# of events.  Two equal fingerprints mean nothing visible changed.
db_fingerprint() {
    local db=$1 kind sum rc
    for kind in "${PA_KINDS[@]}"; do
        sum=$("$PAIRAID" --db "$db" export "$kind" 2>/dev/null | sha256sum)
        rc=${PIPESTATUS[0]}
        echo "$kind ${sum%% *} exit=$rc"
    done
    echo "balances $("$PAIRAID" --db "$db" balance --format csv 2>/dev/null | sha256sum)"
    echo "events $(sqlite3 "$db" 'select count(*) from events' 2>&1)"
}

# expect_unchanged DB FINGERPRINT : the database still has this fingerprint.
expect_unchanged() {
    local now
    now=$(db_fingerprint "$1")
    if [[ $now != "$2" ]]; then
        fail "the database changed"
        diff <(echo "$2") <(echo "$now") | sed 's/^/    | /'
    fi
}

event_count() { sqlite3 "$1" 'select count(*) from events'; }

# A fresh database with the demo loaded; prints its path.
demo_db() { # NAME
    local db=$TMP/$1.db
    if ! "$PAIRAID" --db "$db" demo >/dev/null 2>"$TMP/.demo.err"; then
        echo "cannot load the demo into $db:" >&2
        cat "$TMP/.demo.err" >&2
        exit 1
    fi
    echo "$db"
}

# ---- CSV rows ------------------------------------------------------------------

PAIRINGS_HEADER='code,name,donor,recipient,start_date,end_date,parent,source'
ORGS_HEADER='code,name,credit_code,region,kind,source'
PROJECTS_HEADER='code,name,pairing,region,domain,kind,status,budget,start_date,end_date,beneficiaries,public,source'
MILESTONES_HEADER='project,date,kind,title,description,photo,source'
EXCHANGES_HEADER='code,pairing,role,from_region,to_region,start_date,end_date,people,description,source'

# project_row [COLUMN=VALUE...] : a valid new project of the demo's 惠山区—赣榆区
# pairing, in PROJECTS_HEADER order, with the given columns replaced (a value
# is written as given: quote it yourself if it needs quotes).
project_row() {
    local -A f=([code]=T-NEW [name]=测试项目 [pairing]=WX-LYG-HS-GY [region]=320707
        [domain]=education [kind]=livelihood [status]=proposed [budget]=100.00
        [start_date]=2024-01-01 [end_date]="" [beneficiaries]="" [public]="" [source]="")
    local kv col row="" cols
    for kv in "$@"; do
        f[${kv%%=*}]=${kv#*=}
    done
    IFS=, read -ra cols <<<"$PROJECTS_HEADER"
    for col in "${cols[@]}"; do
        row+=${f[$col]},
    done
    printf '%s\n' "${row%,}"
}

# demo_line KIND PATTERN : the first line of data/demo/KIND.csv starting with PATTERN.
demo_line() {
    grep -m1 -- "^$2" "$PA_DEMO_DIR/$1.csv"
}
