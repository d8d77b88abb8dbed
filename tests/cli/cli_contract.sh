#!/usr/bin/env bash
# cli_contract.sh - the command-line contract of DESIGN.md: where the database
# is (--db, $PAIRAID_DB, ./pairaid.db), who acts (--as), init leaves an existing
# database alone, usage errors are exit 2 with one `pairaid: ` line, a missing
# database is a clear one-line failure, and the summary in both languages.
source "$(dirname "$0")/lib.bash"

DEMO=$(demo_db demo)

# one_line_error : the last command wrote exactly one line on stderr, `pairaid: ...`.
one_line_error() {
    expect_stderr_lines 1
    expect_stderr_all_prefixed
}

# ---- which database ------------------------------------------------------------------

case_db_option() {
    mkdir -p dbopt && cd dbopt || return
    expect_exit 0 "$PAIRAID" --db "$TMP/dbopt/a.db" init
    [[ -f a.db ]] || fail "--db a.db did not create a.db"
    expect_exit 0 "$PAIRAID" --db=b.db init
    [[ -f b.db ]] || fail "--db=b.db did not create b.db"
    [[ -e pairaid.db ]] && fail "--db also created ./pairaid.db"
    # a command then uses it
    expect_exit 0 "$PAIRAID" --db a.db demo
    expect_exit 0 "$PAIRAID" --db a.db export pairings
    expect_stdout_match '^WX-LYG,'
}
run_case "--db PATH before the command" case_db_option

case_env_db() {
    mkdir -p envdb && cd envdb || return
    expect_exit 0 env PAIRAID_DB="$TMP/envdb/env.db" "$PAIRAID" init
    [[ -f env.db ]] || fail "PAIRAID_DB=env.db did not create env.db"
    [[ -e pairaid.db ]] && fail "PAIRAID_DB was ignored: ./pairaid.db created"
    expect_exit 0 env PAIRAID_DB="$TMP/envdb/env.db" "$PAIRAID" demo
    expect_exit 0 env PAIRAID_DB="$TMP/envdb/env.db" "$PAIRAID" export pairings
    expect_stdout_match '^WX-LYG,'
    # --db wins over $PAIRAID_DB
    expect_exit 0 env PAIRAID_DB="$TMP/envdb/env.db" "$PAIRAID" --db other.db init
    [[ -f other.db ]] || fail "--db other.db with PAIRAID_DB set did not create other.db"
    expect_exit 0 "$PAIRAID" --db other.db export pairings
    [[ -s $OUT && $(wc -l <"$OUT") == 1 ]] || fail "other.db is not the empty database (init went to PAIRAID_DB?)"
}
run_case "\$PAIRAID_DB" case_env_db

case_default_db() {
    mkdir -p default && cd default || return
    expect_exit 0 env -u PAIRAID_DB "$PAIRAID" init
    [[ -f pairaid.db ]] || fail "no ./pairaid.db created by init without --db or PAIRAID_DB"
    expect_exit 0 env -u PAIRAID_DB "$PAIRAID" demo
    expect_exit 0 env -u PAIRAID_DB "$PAIRAID" export pairings
    expect_stdout_match '^WX-LYG,'
    expect_eq "events in ./pairaid.db" "$(event_count "$DEMO")" "$(event_count pairaid.db)"
}
run_case "default ./pairaid.db in the current directory" case_default_db

# ---- who acts ----------------------------------------------------------------------------

case_as_actor() {
    local db=$TMP/actor.db
    expect_exit 0 "$PAIRAID" --db "$db" --as alice demo
    expect_eq "actors after --as alice demo" alice "$(sqlite3 "$db" 'select distinct actor from events')"
    local spaceport
    spaceport=$(demo_line projects LYG-TECH-SPACEPORT,)
    { head -n 1 "$PA_DEMO_DIR/projects.csv"; echo "${spaceport/,proposed,/,approved,}"; } >advance.csv
    expect_exit 0 "$PAIRAID" --db "$db" --as '王 审计' import projects advance.csv
    expect_eq "actor of the advance" '王 审计' \
        "$(sqlite3 "$db" 'select actor from events order by seq desc limit 1')"
    expect_eq "distinct actors" $'alice\n王 审计' \
        "$(sqlite3 "$db" 'select distinct actor from events order by actor')"
    # without --as: the login name
    { head -n 1 "$PA_DEMO_DIR/projects.csv"; echo "${spaceport/,proposed,/,in_progress,}"; } >advance2.csv
    expect_exit 0 "$PAIRAID" --db "$db" import projects advance2.csv
    expect_eq "actor without --as" "$(id -un)" \
        "$(sqlite3 "$db" 'select actor from events order by seq desc limit 1')"
}
run_case "--as NAME is recorded in the events" case_as_actor

# ---- init ----------------------------------------------------------------------------------

case_init_existing() {
    local db=$TMP/existing.db before dump
    expect_exit 0 "$PAIRAID" --db "$db" demo
    before=$(db_fingerprint "$db")
    dump=$(sqlite3 "$db" .dump | sha256sum)
    expect_exit 0 "$PAIRAID" --db "$db" init
    expect_stderr_empty
    expect_unchanged "$db" "$before"
    expect_eq "sqlite3 .dump checksum" "$dump" "$(sqlite3 "$db" .dump | sha256sum)"
}
run_case "init on an existing database leaves it unchanged" case_init_existing

# ---- usage errors --------------------------------------------------------------------------

case_unknown_command() {
    expect_exit 2 "$PAIRAID" --db "$DEMO" frobnicate
    one_line_error
    expect_stderr_match '^pairaid: .*frobnicate'
    expect_exit 2 "$PAIRAID" --db "$DEMO"
    one_line_error
}
run_case "unknown command (and no command): exit 2, one line" case_unknown_command

# An unknown option, before or after the command; an option missing its value.
case_unknown_option() {
    local args
    local -a cases=(
        "--bogus summary"
        "summary --bogus"
        "import --bogus orgs x.csv"
        "export projects --bogus"
        "export projects -z"
        "init --bogus"
        "--lang fr summary"
        "summary --db"
    )
    for args in "${cases[@]}"; do
        # shellcheck disable=SC2086 # word splitting wanted
        expect_exit 2 "$PAIRAID" --db "$DEMO" $args
        one_line_error
    done
}
run_case "unknown option: exit 2, one line starting 'pairaid: '" case_unknown_option

# Commands on a database that does not exist: one clear line, no file created.
MISSING_DB_CODES=()
case_missing_database() {
    mkdir -p missing && cd missing || return
    printf '%s\n' "$ORGS_HEADER" 'M-1,测试,,320700,other,' >orgs.csv
    local args
    local -a cases=("summary" "export projects" "import orgs orgs.csv" "rebuild")
    for args in "${cases[@]}"; do
        # shellcheck disable=SC2086
        "$PAIRAID" --db nope.db $args >"$OUT" 2>"$ERR"
        STATUS=$?
        MISSING_DB_CODES+=("$args=$STATUS")
        [[ $STATUS == 0 ]] && fail "'$args' on a missing database exited 0"
        one_line_error
        if on_pg; then # the database is named by its URI (tests/pg/pairaid-pg made it)
            expect_stderr_match "^pairaid: the PostgreSQL database 'postgresql://[^']+' holds no pairaid books"
        else
            expect_stderr_match "^pairaid: .*nope\.db"
        fi
        [[ -e nope.db ]] && { fail "'$args' created nope.db"; rm -f nope.db*; }
    done
    echo "    (exit codes on a missing database: ${MISSING_DB_CODES[*]})"
    local codes
    codes=$(printf '%s\n' "${MISSING_DB_CODES[@]#*=}" | sort -u | tr '\n' ' ')
    [[ $(wc -w <<<"$codes") == 1 ]] ||
        fail "commands on a missing database disagree on the exit code: ${MISSING_DB_CODES[*]}"
}
run_case "commands on a missing database fail with one clear line" case_missing_database

# ---- summary -------------------------------------------------------------------------------

# The numbers the demo files say.
CITY_PAIRINGS=$(awk -F, 'NR > 1 && $7 == ""' "$PA_DEMO_DIR/pairings.csv" | wc -l)
COUNTY_PAIRINGS=$(awk -F, 'NR > 1 && $7 != ""' "$PA_DEMO_DIR/pairings.csv" | wc -l)
PROJECTS=$(($(wc -l <"$PA_DEMO_DIR/projects.csv") - 1))
ORGS=$(($(wc -l <"$PA_DEMO_DIR/orgs.csv") - 1))
LIVELIHOOD=$(grep -c ',livelihood,' "$PA_DEMO_DIR/projects.csv")

case_summary_zh() {
    expect_exit 0 "$PAIRAID" --db "$DEMO" summary
    expect_stderr_empty
    expect_stdout_line '结对帮扶概览'
    expect_stdout_line "  结对关系: $CITY_PAIRINGS (县区结对 $COUNTY_PAIRINGS)"
    # the assistance money, and the investment apart (issue 12: they were one figure)
    expect_stdout_match "^  项目: $PROJECTS, 帮扶资金安排 [0-9,.]+万元 \\([0-9.]+亿元\\)$"
    expect_stdout_match "^  园区及产业项目总投资 [0-9,.]+亿元$"
    expect_stdout_match "^  待审批 [0-9]+ 笔 \\([0-9,.]+万元\\), 另有已过期 [0-9]+ 笔 \\([0-9,.]+万元\\)$"
    expect_stdout_match "^  单位: $ORGS "
    expect_stdout_line '按类别'
    expect_stdout_match "^  小而美 +$LIVELIHOOD 个"
    expect_stdout_line '按状态'
    expect_stdout_line '按领域'
    expect_stdout_line '最新定格时刻'
    expect_stdout_line '  2024-08-23  无锡连云港惠榆智能信息产业园开工  (LYG-PARK-HUIYU)'
}
run_case "summary on the demo (Chinese)" case_summary_zh

case_summary_en() {
    expect_exit 0 "$PAIRAID" --db "$DEMO" --lang en summary
    expect_stderr_empty
    expect_stdout_line 'Paired assistance at a glance'
    expect_stdout_line "  pairings: $CITY_PAIRINGS (county-level $COUNTY_PAIRINGS)"
    expect_stdout_match "^  projects: $PROJECTS, assistance money "
    expect_stdout_match "^  organisations: $ORGS "
    expect_stdout_line 'By kind'
    expect_stdout_line 'By status'
    expect_stdout_line 'By domain'
    expect_stdout_line 'Latest key moments'
    expect_stdout_match "^  livelihood +$LIVELIHOOD "
    expect_stdout_no_match '结对帮扶概览|按类别|按状态|按领域|最新定格时刻|结对关系'
    # --lang after the command works too
    expect_exit 0 "$PAIRAID" --db "$DEMO" summary --lang en
    expect_stdout_line 'Paired assistance at a glance'
}
run_case "summary --lang en (English headings)" case_summary_en

finish
