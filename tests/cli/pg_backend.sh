#!/usr/bin/env bash
# pg_backend.sh - the PostgreSQL backend from the command line (issue 15, src/pg): the same books as
# on SQLite (the demo's summary, balances and budget byte for byte), a second process (its own local
# copy, as on another machine) that sees what the first wrote, writers in two processes that neither
# lose a transfer nor overdraw an account between them, a copy made stale by a restore or a new
# database rebuilt at once, an event changed inside PostgreSQL caught by `log verify` (exit 3), and
# the refusals: a URI that is not one, a database without books, a password never printed.
# One throwaway cluster (scripts/pg-cluster); about half a minute under AddressSanitizer.
source "$(dirname "$0")/lib.bash"

PG_CLUSTER=$PA_SOURCE_DIR/scripts/pg-cluster
PSQL=${PG_BINDIR:-/usr/lib/postgresql/15/bin}/psql
chmod 711 "$TMP" # the cluster's user (not root) reaches its directory through ours
DIR=$TMP/pg
stop_cluster() {
    [[ -f $DIR/pairaid-pg-cluster ]] && "$PG_CLUSTER" stop "$DIR" >/dev/null 2>&1
    [[ -n ${PA_KEEP_TMP:-} ]] || rm -rf "$TMP"
}
trap stop_cluster EXIT
export PAIRAID_TODAY=2026-12-04 # the demo's requests are dated from today: the same on both
URI=$("$PG_CLUSTER" start "$DIR") || { echo "cannot start a PostgreSQL cluster" >&2; exit 1; }
BASE=${URI%/pairaid}
PASSWORD=${URI#postgresql://pairaid:}
PASSWORD=${PASSWORD%%@*}

sql() { "$PSQL" -XAtq "$URI" -c "$1"; }
# as_copy NAME CMD...: pairaid with the local copy NAME, as a process on machine NAME would
as_copy() {
    local name=$1
    shift
    PAIRAID_CACHE_DIR=$TMP/copy-$name "$@"
}
copy_file() { ls "$TMP/copy-$1"/pg-*.db; }

case_same_books_as_sqlite() {
    as_copy a expect_exit 0 "$PAIRAID" --db "$URI" init
    expect_stdout_match "^数据库已就绪: postgresql://pairaid@127\.0\.0\.1:[0-9]+/pairaid \(schema [0-9]+\)$"
    as_copy a expect_exit 0 "$PAIRAID" --db "$URI" demo
    if grep -aq "$PASSWORD" "$OUT" "$ERR"; then fail "the password was printed"; fi
    expect_exit 0 "$PAIRAID" --db "$TMP/demo.db" demo
    local what
    for what in summary balance "budget --group county" "budget --group pairing"; do
        # shellcheck disable=SC2086 # $what is a command and its options
        as_copy a "$PAIRAID" --db "$URI" $what >"$TMP/pg.out" 2>&1
        # shellcheck disable=SC2086
        "$PAIRAID" --db "$TMP/demo.db" $what >"$TMP/sqlite.out" 2>&1
        cmp -s "$TMP/pg.out" "$TMP/sqlite.out" ||
            fail "pairaid $what differs between PostgreSQL and SQLite: $(diff "$TMP/sqlite.out" "$TMP/pg.out" | head -5)"
    done
    expect_eq "events in PostgreSQL = in the SQLite demo" \
        "$(sqlite3 "$TMP/demo.db" 'SELECT count(*) FROM events')" "$(sql 'SELECT count(*) FROM pairaid_events')"
    expect_eq "events in the copy = in PostgreSQL" \
        "$(sql 'SELECT count(*) FROM pairaid_events')" "$(sqlite3 "$(copy_file a)" 'SELECT count(*) FROM events')"
}

case_a_second_process_sees_the_first() {
    as_copy b expect_exit 0 "$PAIRAID" --db "$URI" transfer create --id PG-B-1 --from SRC-WX-CITY \
        --to POOL-WX-LYG --amount 100.00 --memo "made by process b"
    as_copy a expect_exit 0 "$PAIRAID" --db "$URI" statement POOL-WX-LYG
    expect_stdout_match "PG-B-1"
    expect_eq "both copies hold PostgreSQL's log" \
        "$(sql 'SELECT count(*) FROM pairaid_events')" "$(sqlite3 "$(copy_file b)" 'SELECT count(*) FROM events')"
    expect_eq "the same last event in both copies" \
        "$(sqlite3 "$(copy_file a)" 'SELECT hex(entry) FROM events ORDER BY seq DESC LIMIT 1')" \
        "$(sqlite3 "$(copy_file b)" 'SELECT hex(entry) FROM events ORDER BY seq DESC LIMIT 1')"
}

case_photos_reach_every_process() {
    mkdir -p "$TMP/in"
    printf '\x89PNG\r\n\x1a\na picture taken on the building site of process a' >"$TMP/in/site.png"
    local hash
    hash=$(sha256sum "$TMP/in/site.png" | cut -d' ' -f1)
    printf 'project,date,kind,title,photo\nLYG-MS-TAOLIN-CANTEEN,2023-09-02,in_use,新食堂投入使用,site.png\n' \
        >"$TMP/in/m.csv"
    as_copy a expect_exit 0 "$PAIRAID" --db "$URI" import milestones "$TMP/in/m.csv"
    expect_eq "the photo is in PostgreSQL" 1 "$(sql "SELECT count(*) FROM pairaid_media WHERE name = '$hash.png'")"
    as_copy b expect_exit 0 "$PAIRAID" --db "$URI" summary
    cmp -s "$TMP/in/site.png" "$TMP/copy-b/media/$hash.png" || fail "process b has not the photo byte for byte"
}

# writer NAME N: N transfers of 0.01 from the donor's source into the pool, one process
writer() {
    local i
    for ((i = 1; i <= $2; i++)); do
        as_copy "$1" "$PAIRAID" --db "$URI" transfer create --id "PG-$1-$i" --from SRC-WX-CITY \
            --to POOL-WX-LYG --amount 0.01 >/dev/null 2>>"$TMP/writer-$1.err" || echo "$1 $i" >>"$TMP/lost"
    done
}

case_two_writers_lose_nothing() {
    local before
    before=$(sql 'SELECT count(*) FROM pairaid_events')
    writer a 15 &
    writer b 15 &
    wait
    expect_eq "no refused write" "" "$(cat "$TMP/lost" 2>/dev/null; cat "$TMP"/writer-*.err 2>/dev/null)"
    expect_eq "30 more events in PostgreSQL" "$((before + 30))" "$(sql 'SELECT count(*) FROM pairaid_events')"
    expect_eq "seq has no gap" "$(sql 'SELECT max(seq) FROM pairaid_events')" "$(sql 'SELECT count(*) FROM pairaid_events')"
    as_copy a expect_exit 0 "$PAIRAID" --db "$URI" statement POOL-WX-LYG
    expect_eq "every transfer in copy a" 30 "$(grep -Ec 'PG-(a|b)-[0-9]+' "$OUT")"
}

# spender NAME ROUND: tries to spend 60.00 of the pool's 100.00
spender() {
    as_copy "$1" "$PAIRAID" --db "$URI" transfer create --id "PG-SPEND-$2-$1" --from POOL-WX-LYG \
        --to PRJ-LYG-MS-TAOLIN-CANTEEN --project LYG-MS-TAOLIN-CANTEEN --amount 60.00 >/dev/null 2>&1
    echo "$?" >"$TMP/spend-$2-$1"
}

case_no_overdraft_between_processes() {
    local round ok
    # the pool holds 100.30 (100.00 from process b, 30 x 0.01 from the writers): each round two
    # processes race to spend 60.00 of it, and 60.00 more comes in after the round
    for round in 1 2 3 4 5; do
        spender a "$round" &
        spender b "$round" &
        wait
        ok=$(cat "$TMP/spend-$round-a" "$TMP/spend-$round-b" | grep -c '^0$')
        expect_eq "round $round: exactly one of two 60.00 spends of 100.30 accepted" 1 "$ok"
        as_copy a "$PAIRAID" --db "$URI" transfer create --id "PG-FILL-$round" --from SRC-WX-CITY \
            --to POOL-WX-LYG --amount 60.00 >/dev/null
    done
    as_copy b expect_exit 0 "$PAIRAID" --db "$URI" balance --account POOL-WX-LYG --format csv
    expect_stdout_match "^POOL-WX-LYG,[0-9.]+,[0-9.]+,0\.00,0\.00,100\.30$"
}

pg_ctl() { # ACTION: the cluster's server, as its own user
    local as=()
    [[ $(id -u) == 0 ]] && as=(setpriv --reuid=pairaid-pg --regid=pairaid-pg --init-groups --reset-env --)
    (cd / && "${as[@]}" "${PG_BINDIR:-/usr/lib/postgresql/15/bin}/pg_ctl" -D "$DIR/data" -w "$@" -m fast \
        -l "$DIR/server.log") >/dev/null 2>&1
}
post() { # ID: a transfer into the pool through the server; prints the HTTP status
    curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -d "{\"id\":\"$1\",\"date\":\"2026-12-01\",\"from\":\"SRC-WX-CITY\",\"to\":\"POOL-WX-LYG\",\"amount\":\"1.00\"}" \
        "$BASE_URL/api/v1/transfers"
}

case_a_server_outlives_postgresql_restarts() {
    "$PA_SOURCE_DIR/scripts/demo-users" "$PAIRAID" "$URI" >/dev/null 2>&1 || { fail "demo users"; return; }
    # not through as_copy: $! must be the server, not a subshell
    PAIRAID_CACHE_DIR=$TMP/copy-server "$PAIRAID" --db "$URI" serve --listen 127.0.0.1:0 \
        >"$TMP/serve.out" 2>"$TMP/serve.err" &
    local pid=$! i
    for ((i = 0; i < 100; i++)); do
        grep -q "on http://" "$TMP/serve.err" && break
        sleep 0.1
    done
    BASE_URL=$(grep -o 'http://[0-9.:]*' "$TMP/serve.err" | head -1)
    TOKEN=$(curl -s -H 'Content-Type: application/json' -d '{"username":"admin","password":"pairaid-root"}' \
        "$BASE_URL/api/v1/login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
    expect_eq "a write" 201 "$(post PG-SRV-1)"
    local copy_bytes
    copy_bytes=$(curl -s "$BASE_URL/metrics" | sed -n 's/^pairaid_database_bytes //p')
    ((${copy_bytes:-0} > 1000000)) || fail "/metrics: pairaid_database_bytes is '$copy_bytes', not the local copy's size"
    pg_ctl restart
    expect_eq "the first write after PostgreSQL restarted" 201 "$(post PG-SRV-2)"
    pg_ctl stop
    expect_eq "a write while PostgreSQL is down: unavailable, not an internal error" 503 "$(post PG-SRV-3)"
    expect_eq "a read while PostgreSQL is down, from the copy" 200 \
        "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/v1/projects/LYG-MS-TAOLIN-CANTEEN")"
    pg_ctl start
    expect_eq "a write once it is back" 201 "$(post PG-SRV-4)"
    # the database restored to before PG-SRV-4 under the running server (as a point-in-time
    # recovery would): the write that finds out is unavailable, the server makes its copy anew,
    # and from then on neither writes nor reads know PG-SRV-4
    local size
    size=$(sql 'SELECT count(*) FROM pairaid_events')
    sql "DELETE FROM pairaid_events WHERE seq = $size; DELETE FROM pairaid_heads WHERE size = $size"
    expect_eq "the write that finds the log restored" 503 "$(post PG-SRV-5)"
    expect_eq "the next write, on the copy made anew" 201 "$(post PG-SRV-6)"
    expect_eq "a read no longer finds what the restore undid" '{"transfers":[],"total":0}' \
        "$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE_URL/api/v1/transfers?id=PG-SRV-4")"
    kill -TERM "$pid"
    local code=0
    wait "$pid" || code=$?
    [[ $code == 0 ]] || { fail "the server did not stop cleanly (exit $code)"; show "$TMP/serve.err" "server"; }
    expect_eq "the refused write is nowhere" 0 "$(sql "SELECT count(*) FROM pairaid_event_json WHERE event->'data'->>'id' = 'PG-SRV-3'")"
    expect_eq "those the server answered 201 and the restore kept are in PostgreSQL" "PG-SRV-1 PG-SRV-2 PG-SRV-6" \
        "$(sql "SELECT string_agg(event->'data'->>'id', ' ' ORDER BY seq) FROM pairaid_event_json WHERE event->'data'->>'id' LIKE 'PG-SRV-%'")"
}

case_restored_log_rebuilds_the_copy() {
    local size
    size=$(sql 'SELECT count(*) FROM pairaid_events')
    # a point-in-time recovery to before the last three events: the copies hold events the log lost
    sql "DELETE FROM pairaid_events WHERE seq > $((size - 3)); DELETE FROM pairaid_heads WHERE size > $((size - 3))"
    as_copy a expect_exit 0 "$PAIRAID" --db "$URI" balance
    expect_eq "copy a rebuilt to the log" "$((size - 3))" "$(sqlite3 "$(copy_file a)" 'SELECT count(*) FROM events')"
    # the same number of events, another history: the copy's last event is not the log's
    as_copy b expect_exit 0 "$PAIRAID" --db "$URI" balance
    sql "DELETE FROM pairaid_events WHERE seq = $((size - 3)); DELETE FROM pairaid_heads WHERE size = $((size - 3))"
    as_copy a expect_exit 0 "$PAIRAID" --db "$URI" transfer create --id PG-OTHER-HISTORY \
        --from SRC-WX-CITY --to POOL-WX-LYG --amount 1.00
    as_copy b expect_exit 0 "$PAIRAID" --db "$URI" statement POOL-WX-LYG
    expect_stdout_match "PG-OTHER-HISTORY"
    expect_eq "copy b holds the new history" "$(sql 'SELECT encode(entry, '"'hex'"') FROM pairaid_events ORDER BY seq DESC LIMIT 1')" \
        "$(sqlite3 "$(copy_file b)" 'SELECT lower(hex(entry)) FROM events ORDER BY seq DESC LIMIT 1')"
}

case_new_database_same_uri() {
    "$PSQL" -XAtq "$BASE/postgres" -c "CREATE DATABASE second" >/dev/null
    as_copy a expect_exit 0 "$PAIRAID" --db "$BASE/second" demo
    local copy
    copy=$(ls -t "$TMP/copy-a"/pg-*.db | head -1)
    "$PSQL" -XAtq "$BASE/postgres" -c "DROP DATABASE second" -c "CREATE DATABASE second" >/dev/null
    as_copy a expect_exit 0 "$PAIRAID" --db "$BASE/second" init
    expect_eq "the old books' copy is not taken for the new database's" 0 \
        "$(sqlite3 "$copy" 'SELECT count(*) FROM events')"
}

case_changed_event_is_caught() {
    as_copy a expect_exit 0 "$PAIRAID" --db "$URI" log verify
    # a payment out of a donor's source (which may run negative, so the change still applies)
    # made 9 times larger inside PostgreSQL, behind pairaid's back: still canonical bytes
    local seq
    seq=$(sql "SELECT seq FROM pairaid_event_json WHERE event->>'type' = 'transfer.create'
               AND event->'data'->>'from' LIKE 'SRC-%' ORDER BY seq LIMIT 1 OFFSET 20")
    [[ -n $seq ]] || { fail "no transfer out of a source in the demo"; return; }
    sql "UPDATE pairaid_events SET entry = convert_to(regexp_replace(convert_from(entry, 'UTF8'),
         '\"amount_fen\":([0-9])', '\"amount_fen\":9\\1'), 'UTF8') WHERE seq = $seq"
    expect_eq "the event changed" 1 "$(sql "SELECT count(*) FROM pairaid_event_json WHERE seq = $seq
                                          AND (event->'data'->>'amount_fen') LIKE '9%'")"
    as_copy a expect_exit 3 "$PAIRAID" --db "$URI" log verify
    expect_stderr_match "^pairaid: PostgreSQL's log: the first [0-9]+ events are not those committed \(table pairaid_heads\)"
    # a copy made before the change still holds the old bytes; a new one gets the new, and
    # `log verify` is what tells them apart: the heads recorded at each commit
    as_copy fresh expect_exit 3 "$PAIRAID" --db "$URI" log verify
}

# The logs inside the log (docs/audit-log.md) are the same on both backends: the same
# events give every pairing's log the same root, and a pairing's checkpoint, signed by one
# process, is what another reads.  A database made before them (schema 1) is upgraded.
case_pairing_logs() {
    "$PSQL" -XAtq "$BASE/postgres" -c "CREATE DATABASE logs" >/dev/null
    local db=$BASE/logs heads
    as_copy a expect_exit 0 "$PAIRAID" --db "$db" demo
    "$PAIRAID" key generate --name wuxi.example/donor -o "$TMP/donor.key" >/dev/null
    as_copy a expect_exit 0 "$PAIRAID" --db "$db" log checkpoint --key "$TMP/donor.key"
    # schema 1: what the first PostgreSQL books had, before the logs inside the log
    "$PSQL" -XAtq "$db" -c "ALTER TABLE checkpoints DROP COLUMN log" \
        -c "ALTER TABLE key_heads DROP CONSTRAINT key_heads_pkey" \
        -c "ALTER TABLE key_heads DROP COLUMN log" -c "ALTER TABLE key_heads ADD PRIMARY KEY (key_name)" \
        -c "UPDATE pairaid_meta SET value = '1' WHERE key = 'schema'" >/dev/null
    as_copy b expect_exit 0 "$PAIRAID" --db "$db" log verify
    expect_eq "a schema 1 database is upgraded" 2 \
        "$("$PSQL" -XAtq "$db" -c "SELECT value FROM pairaid_meta WHERE key = 'schema'")"
    as_copy b expect_exit 0 "$PAIRAID" --db "$db" log checkpoint --key "$TMP/donor.key" --log WX-LYG
    expect_stdout_match "^pairaid/log/WX-LYG$"
    # the same events give the same logs on SQLite: exported, restored into a file
    as_copy a expect_exit 0 "$PAIRAID" --db "$db" log export "$TMP/logs-bundle"
    expect_exit 0 "$PAIRAID" log verify --bundle "$TMP/logs-bundle" --restore "$TMP/logs.db"
    heads=$(as_copy a "$PAIRAID" --db "$db" log heads | cut -d, -f1,3-5)
    expect_eq "every log has the root it has on SQLite" \
        "$("$PAIRAID" --db "$TMP/logs.db" log heads | cut -d, -f1,3-5)" "$heads"
    expect_eq "the province's log holds the pairing's head" \
        "$(as_copy c "$PAIRAID" --db "$db" log entries --log '*' --from 203 | grep -c '"type":"log.head"')" 1
    as_copy a expect_exit 0 "$PAIRAID" --db "$db" log heads
    expect_stdout_match '^\{"log":"WX-LYG",.*"checkpoint":"pairaid/log/WX-LYG\\n'
    as_copy c expect_exit 0 "$PAIRAID" --db "$db" log verify
    "$PSQL" -XAtq "$BASE/postgres" -c "DROP DATABASE logs" >/dev/null
}

case_refusals() {
    as_copy a expect_exit 2 "$PAIRAID" --db "postgresql://pairaid:$PASSWORD@127.0.0.1:1/pairaid?bogus=1" balance
    expect_stderr_match "^pairaid: the --db URI is not a valid PostgreSQL connection URI"
    if grep -aq "$PASSWORD" "$ERR"; then fail "the password was printed"; fi
    "$PSQL" -XAtq "$BASE/postgres" -c "CREATE DATABASE empty" >/dev/null
    as_copy a expect_exit 2 "$PAIRAID" --db "$BASE/empty" balance
    expect_stderr_match "holds no pairaid books"
    as_copy a expect_exit 2 "$PAIRAID" --lang zh --db "$BASE/empty" summary
    expect_stderr_match "没有 pairaid 账簿"
    expect_eq "a read makes no tables" "" "$("$PSQL" -XAtq "$BASE/empty" -c '\dt')"
    # a replica is a SQLite file: on PostgreSQL that is a standby's job, and nothing is made
    as_copy a expect_exit 2 "$PAIRAID" --db "$BASE/empty" replica init "$TMP/no-bundle"
    expect_stderr_match "a replica is a SQLite file"
    expect_eq "a refused replica makes no tables" "" "$("$PSQL" -XAtq "$BASE/empty" -c '\dt')"
    as_copy a expect_exit 1 "$PAIRAID" --db "postgresql://pairaid:wrong-$PASSWORD@127.0.0.1:${URI##*:}" balance
    expect_stderr_match "password authentication failed"
    if grep -aq "$PASSWORD" "$ERR"; then fail "the password was printed"; fi
}

run_case "the same books as on SQLite" case_same_books_as_sqlite
run_case "a second process sees what the first wrote" case_a_second_process_sees_the_first
run_case "photos reach every process" case_photos_reach_every_process
run_case "two writing processes lose nothing" case_two_writers_lose_nothing
run_case "no overdraft between two processes" case_no_overdraft_between_processes
run_case "a server outlives PostgreSQL's restarts" case_a_server_outlives_postgresql_restarts
run_case "a restored log rebuilds the copy" case_restored_log_rebuilds_the_copy
run_case "a new database at the same URI is not the old copy's" case_new_database_same_uri
run_case "an event changed inside PostgreSQL is caught" case_changed_event_is_caught
run_case "the logs inside the log, and a schema 1 database upgraded" case_pairing_logs
run_case "refusals" case_refusals
finish
