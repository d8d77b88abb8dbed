#!/usr/bin/env bash
# pg_drill.sh - the backup-and-restore drills of docs/operations.md ("Running on PostgreSQL"),
# on a throwaway cluster (scripts/pg-cluster) holding the demo with signed checkpoints
# (scripts/demo-users, scripts/demo-sign), WAL archived to a folder:
#   - pg_dump -Fc, pg_restore into a new database: `log verify --trust` passes there, and its
#     checkpoints (the table, and `log export`'s files) and photos are the original's byte for byte;
#   - pg_basebackup to a new data directory started on another port (a physical copy): the same;
#     it is a streaming standby (-R): a write on the primary reaches it and pairaid reads it there,
#     a write through it is refused (exit 1), and once promoted (failover) it takes writes;
#   - least privilege: pairaid runs as a role that may read and append to the log but neither
#     UPDATE nor DELETE it (the grants of docs/operations.md), the tables made by their owner;
#     `log verify` runs as a role that may only read;
#   - `pairaid backup FILE` on PostgreSQL writes a SQLite file that verifies with the same root;
#   - point-in-time recovery (restore_command from the archive, recovery_target_time) to a moment
#     before some transfers, restored in place of the primary: the local copy of the "machine"
#     that saw those transfers is found stale and rebuilt at its next open, once with the log
#     shorter than the copy and once after new writes made it longer again (the last event read
#     back byte for byte), and never shows the lost transfers;
#   - across backends: `log export` from PostgreSQL verifies as a bundle and restores into a
#     SQLite file with the same root, and a SQLite demo's bundle restores into an empty
#     PostgreSQL database with the same root, where `log verify` passes.
# About 70 s on this machine (more when it is busy): one initdb, two more servers started from
# its files.

source "$(dirname "$0")/lib.bash"

PG_CLUSTER=$PA_SOURCE_DIR/scripts/pg-cluster
BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
PG_USER=pairaid-pg
chmod 711 "$TMP" # run as root, the cluster's user must reach $TMP/pg
PG=$TMP/pg
export PAIRAID_CACHE_DIR=$TMP/cache-drill # this "machine"'s local copies

as_pg() { # CMD... as the cluster's owner, as scripts/pg-cluster runs it
    if [[ $(id -u) == 0 ]]; then
        (cd / && setpriv --reuid="$PG_USER" --regid="$PG_USER" --init-groups --reset-env -- "$@")
    else
        "$@"
    fi
}
stop_all() {
    local d
    for d in "$PG"/copy "$PG"/pitr; do # the servers started here, before their cluster goes
        [[ -f $d/postmaster.pid ]] && as_pg "$BINDIR/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1
    done
    [[ -f $PG/pairaid-pg-cluster ]] && "$PG_CLUSTER" stop "$PG" >/dev/null 2>&1
    [[ -n ${PA_KEEP_TMP:-} ]] || rm -rf "$TMP"
}
trap stop_all EXIT

psql_at() { "$BINDIR/psql" "$1" -XAtq -v ON_ERROR_STOP=1 -c "$2"; }
uri_for() { echo "${URI%/*}/$1"; }                       # the same cluster, database $1
uri_port() { local u=${URI%/*}; echo "${u%:*}:$2/$1"; }  # database $1 on port $2
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# The log's size and root, as pairaid computes them (log prove 0 names the root).
root_of() { "$PAIRAID" --db "$1" log prove 0 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["size"], d["root"])'; }
checkpoints_of() { psql_at "$1" "COPY (SELECT id, origin, size, encode(root, 'hex'), note FROM checkpoints ORDER BY id) TO STDOUT"; }
media_of() { psql_at "$1" "SELECT count(*), md5(string_agg(name || md5(bytes), ',' ORDER BY name)) FROM pairaid_media"; }
events_of() { psql_at "$1" "SELECT count(*) FROM pairaid_events"; }
copy_events() { sqlite3 "$(ls "$1"/pg-*.db)" 'SELECT count(*) FROM events'; }
start_copy() { # DATADIR PORT: a cluster's files started as a server of their own
    as_pg tee -a "$1/pairaid.conf" >/dev/null <<EOF
port = $2
archive_mode = off
EOF
    as_pg "$BINDIR/pg_ctl" -D "$1" -l "$1.log" -w -t 120 start >/dev/null ||
        { tail -n 20 "$1.log"; return 1; }
}

URI=""
case_setup() {
    URI=$("$PG_CLUSTER" start "$PG") || { fail "pg-cluster start"; return; }
    # WAL archived to a folder, for point-in-time recovery: a restart makes it count
    as_pg mkdir "$PG/archive"
    as_pg tee -a "$PG/data/pairaid.conf" >/dev/null <<EOF
archive_mode = on
archive_command = 'test ! -f $PG/archive/%f && cp %p $PG/archive/%f'
EOF
    as_pg "$BINDIR/pg_ctl" -D "$PG/data" -l "$PG/server.log" -w -t 60 restart >/dev/null ||
        fail "restart with archiving"
    expect_exit 0 "$PAIRAID" --db "$URI" --as demo demo
    "$PA_SOURCE_DIR/scripts/demo-users" "$PAIRAID" "$URI" >/dev/null || fail "demo-users"
    "$PA_SOURCE_DIR/scripts/demo-sign" "$PAIRAID" "$URI" "$TMP/keys" >"$TMP/trusted" || fail "demo-sign"
    expect_eq "a checkpoint signed by both sides" 2 \
        "$(psql_at "$URI" "SELECT note FROM checkpoints ORDER BY id DESC LIMIT 1" | grep -c '^— ')"
    expect_exit 0 "$PAIRAID" --db "$URI" log verify --trust "$TMP/trusted"
    expect_exit 0 "$PAIRAID" --db "$URI" log export "$TMP/bundle-orig"
    (($(psql_at "$URI" "SELECT count(*) FROM pairaid_media") > 0)) || fail "no photo in PostgreSQL"
}

# Same log, same root, same checkpoints and keys as the original, and verified against the keys.
same_books() { # WHAT URI
    expect_exit 0 "$PAIRAID" --db "$2" log verify --trust "$TMP/trusted"
    expect_stdout_match "^verified: $(events_of "$URI") events"
    expect_eq "$1: log size and root" "$(root_of "$URI")" "$(root_of "$2")"
    expect_eq "$1: the checkpoints table" "$(checkpoints_of "$URI")" "$(checkpoints_of "$2")"
    expect_eq "$1: the photos" "$(media_of "$URI")" "$(media_of "$2")"
    rm -rf "$TMP/bundle-check"
    expect_exit 0 "$PAIRAID" --db "$2" log export "$TMP/bundle-check"
    diff -r "$TMP/bundle-orig" "$TMP/bundle-check" >/dev/null ||
        fail "$1: log export differs from the original's: $(diff -rq "$TMP/bundle-orig" "$TMP/bundle-check" | head -3)"
}

case_dump_restore() {
    [[ -n $URI ]] || { fail "no cluster"; return; }
    "$BINDIR/pg_dump" -Fc -f "$TMP/books.dump" "$URI" || fail "pg_dump"
    psql_at "$URI" "CREATE DATABASE restored" || fail "CREATE DATABASE"
    "$BINDIR/pg_restore" --no-owner -d "$(uri_for restored)" "$TMP/books.dump" || fail "pg_restore"
    same_books "pg_restore" "$(uri_for restored)"
}

PORT2=""
case_basebackup() {
    [[ -n $URI ]] || { fail "no cluster"; return; }
    local port=${URI##*:}
    port=${port%%/*}
    # -R: the copy is a streaming-replication standby of the primary
    as_pg "$BINDIR/pg_basebackup" -h "$PG" -p "$port" -U pairaid -D "$PG/base" -X stream -c fast -N -R ||
        { fail "pg_basebackup"; return; }
    as_pg cp -a "$PG/base" "$PG/copy"
    PORT2=$(free_port)
    start_copy "$PG/copy" "$PORT2" || { fail "the copy does not start"; return; }
    same_books "pg_basebackup" "$(uri_port pairaid "$PORT2")"
}

case_standby() {
    [[ -n $PORT2 ]] || { fail "no standby"; return; }
    local standby i
    standby=$(uri_port pairaid "$PORT2")
    expect_eq "the copy is a standby" t "$(psql_at "$standby" "SELECT pg_is_in_recovery()")"
    # a write on the primary reaches the standby, where pairaid reads it (a copy of its own)
    printf 'id,date,from,to,amount,project,memo\nDRILL-STANDBY-1,2026-12-01,SRC-WX-CITY,POOL-WX-LYG,1.00,,replicated\n' >"$TMP/standby.csv"
    expect_exit 0 "$PAIRAID" --db "$URI" import transfers "$TMP/standby.csv"
    for ((i = 0; i < 100; i++)); do
        [[ $(events_of "$standby") == "$(events_of "$URI")" ]] && break
        sleep 0.1
    done
    expect_eq "the standby's log and root" "$(root_of "$URI")" "$(root_of "$standby")"
    expect_exit 0 "$PAIRAID" --db "$standby" log verify --trust "$TMP/trusted"
    # a standby is read-only: a write through it is refused and changes nothing
    printf 'id,date,from,to,amount,project,memo\nDRILL-STANDBY-2,2026-12-01,SRC-WX-CITY,POOL-WX-LYG,1.00,,on the standby\n' >"$TMP/standby2.csv"
    expect_exit 1 "$PAIRAID" --db "$standby" import transfers "$TMP/standby2.csv"
    expect_stderr_match "PostgreSQL, writing the log: ERROR: +cannot execute COPY during recovery"
    # failover: promoted, it takes writes; its log is the primary's and goes on from there
    as_pg "$BINDIR/pg_ctl" -D "$PG/copy" -w promote >/dev/null || fail "pg_ctl promote"
    expect_exit 0 "$PAIRAID" --db "$standby" import transfers "$TMP/standby2.csv"
    expect_eq "the promoted standby's log" $(($(events_of "$URI") + 1)) "$(events_of "$standby")"
    expect_exit 0 "$PAIRAID" --db "$standby" log verify --trust "$TMP/trusted"
}

case_least_privilege() {
    [[ -n $URI ]] || { fail "no cluster"; return; }
    # an owner role that makes pairaid's tables, and the role pairaid runs as, which may add to
    # the log but neither change nor delete it
    psql_at "$URI" "CREATE ROLE pa_owner LOGIN PASSWORD 'owner-pw'; CREATE ROLE pa_app LOGIN PASSWORD 'app-pw'" &&
        psql_at "$URI" "CREATE DATABASE books OWNER pa_owner" || { fail "roles"; return; }
    local base=${URI#*@} owner app
    owner="postgresql://pa_owner:owner-pw@${base%/*}/books"
    app="postgresql://pa_app:app-pw@${base%/*}/books"
    expect_exit 0 "$PAIRAID" --db "$owner" init
    psql_at "$owner" "GRANT SELECT ON pairaid_meta, pairaid_event_json TO pa_app;
                      GRANT SELECT, INSERT ON pairaid_events, pairaid_heads, pairaid_media TO pa_app;
                      GRANT USAGE ON SEQUENCE pairaid_media_id_seq TO pa_app;
                      GRANT SELECT, INSERT, UPDATE ON pairaid_side TO pa_app;
                      GRANT SELECT, INSERT, DELETE ON checkpoints, key_heads, credentials, sessions TO pa_app" ||
        fail "grants"
    expect_exit 0 "$PAIRAID" --db "$app" --as demo demo
    "$PA_SOURCE_DIR/scripts/demo-users" "$PAIRAID" "$app" >/dev/null || fail "demo-users as pa_app"
    "$PA_SOURCE_DIR/scripts/demo-sign" "$PAIRAID" "$app" "$TMP/keys" >/dev/null || fail "demo-sign as pa_app"
    expect_exit 0 "$PAIRAID" --db "$app" log verify --trust "$TMP/trusted"
    expect_exit 1 "$BINDIR/psql" "$app" -XAtq -v ON_ERROR_STOP=1 -c "UPDATE pairaid_events SET entry = entry WHERE seq = 1"
    expect_stderr_match "permission denied for table pairaid_events"
    expect_exit 1 "$BINDIR/psql" "$app" -XAtq -v ON_ERROR_STOP=1 -c "DELETE FROM pairaid_events WHERE seq = 1"
    expect_stderr_match "permission denied for table pairaid_events"
    expect_exit 1 "$BINDIR/psql" "$app" -XAtq -v ON_ERROR_STOP=1 -c "DELETE FROM pairaid_heads"
    expect_stderr_match "permission denied for table pairaid_heads"
    # an auditor's role that only reads the log and what signs it: log verify copies them afresh
    # and never reads the password hashes or the sessions
    psql_at "$URI" "CREATE ROLE pa_read LOGIN PASSWORD 'read-pw'" &&
        psql_at "$owner" "GRANT SELECT ON pairaid_meta, pairaid_events, pairaid_heads, pairaid_side,
                          checkpoints, key_heads, pairaid_media TO pa_read" ||
        fail "the reading role"
    expect_exit 0 "$PAIRAID" --db "postgresql://pa_read:read-pw@${base%/*}/books" log verify --trust "$TMP/trusted"
}

LATER=$TMP/later.csv
case_pitr() {
    [[ -d $PG/base ]] || { fail "no base backup"; return; }
    local before target port=${URI##*:}
    port=${port%%/*}
    before=$(events_of "$URI")
    sleep 1.1 # recovery_target_time is to the microsecond; leave no doubt about the order
    target=$(psql_at "$URI" "SELECT now()")
    sleep 1.1
    # the transfers made after the target, through a "machine" that then keeps them in its copy
    printf 'id,date,from,to,amount,project,memo\n' >"$LATER"
    for i in 1 2 3; do echo "DRILL-LATE-$i,2026-12-01,SRC-WX-CITY,POOL-WX-LYG,1.00,,after the target" >>"$LATER"; done
    PAIRAID_CACHE_DIR=$TMP/cache-seen expect_exit 0 "$PAIRAID" --db "$URI" import transfers "$LATER"
    local seen
    seen=$(copy_events "$TMP/cache-seen")
    expect_eq "the seen copy holds the later transfers" $((before + 3)) "$seen"
    local i segment
    segment=$(psql_at "$URI" "SELECT pg_walfile_name(pg_switch_wal())")
    for ((i = 0; i < 100; i++)); do # until the segment holding the transfers is archived
        [[ -f $PG/archive/$segment ]] && break
        sleep 0.1
    done
    [[ -f $PG/archive/$segment ]] || fail "WAL segment $segment was not archived"

    # the primary is lost; its base backup and the archive are restored in its place
    as_pg "$BINDIR/pg_ctl" -D "$PG/data" -m fast -w stop >/dev/null
    as_pg cp -a "$PG/base" "$PG/pitr"
    as_pg rm -f "$PG/pitr/standby.signal" # the base backup was made for a standby (-R)
    as_pg tee -a "$PG/pitr/pairaid.conf" >/dev/null <<EOF
restore_command = 'cp $PG/archive/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
EOF
    as_pg touch "$PG/pitr/recovery.signal"
    start_copy "$PG/pitr" "$port" || { fail "point-in-time recovery does not start"; return; }
    for ((i = 0; i < 100; i++)); do
        [[ $(psql_at "$URI" "SELECT pg_is_in_recovery()" 2>/dev/null) == f ]] && break
        sleep 0.1
    done
    expect_eq "the log as it stood at the target" "$before" "$(events_of "$URI")"

    # the machine that saw the later transfers: its copy is longer than the log
    PAIRAID_CACHE_DIR=$TMP/cache-seen expect_exit 0 "$PAIRAID" --db "$URI" balance --account POOL-WX-LYG
    expect_eq "the stale copy, rebuilt" "$before" "$(copy_events "$TMP/cache-seen")"
    expect_eq "no lost transfer in the rebuilt copy" 0 \
        "$(sqlite3 "$(ls "$TMP"/cache-seen/pg-*.db)" "SELECT count(*) FROM transfers WHERE id LIKE 'DRILL-LATE-%'")"
    expect_exit 0 "$PAIRAID" --db "$URI" log verify --trust "$TMP/trusted"
}

case_pitr_longer() {
    [[ -f $LATER ]] || { fail "no point-in-time recovery"; return; }
    # a stale copy whose log is not shorter: another history of the same length and more.  The
    # seen copy is made stale again by restoring the dump into its database's place.
    local before
    before=$(events_of "$URI")
    PAIRAID_CACHE_DIR=$TMP/cache-seen expect_exit 0 "$PAIRAID" --db "$URI" import transfers "$LATER"
    expect_eq "the seen copy" $((before + 3)) "$(copy_events "$TMP/cache-seen")"
    # the log goes back to the dump (same origin: the books' own identity is in the dump), and
    # other transfers, one more than the lost ones, are written by another machine
    psql_at "$URI" "TRUNCATE pairaid_events, pairaid_heads" &&
        "$BINDIR/pg_restore" --data-only -t pairaid_events -t pairaid_heads -d "$URI" "$TMP/books.dump" ||
        { fail "putting the dump's log back"; return; }
    local other=$TMP/other.csv
    printf 'id,date,from,to,amount,project,memo\n' >"$other"
    for i in 1 2 3 4; do echo "DRILL-OTHER-$i,2026-12-01,SRC-WX-CITY,POOL-WX-LYG,2.00,,another history" >>"$other"; done
    PAIRAID_CACHE_DIR=$TMP/cache-other expect_exit 0 "$PAIRAID" --db "$URI" import transfers "$other"
    PAIRAID_CACHE_DIR=$TMP/cache-seen expect_exit 0 "$PAIRAID" --db "$URI" balance --account POOL-WX-LYG
    local copy
    copy=$(ls "$TMP"/cache-seen/pg-*.db)
    expect_eq "the rebuilt copy: the other history's transfers" "0 4" \
        "$(sqlite3 "$copy" "SELECT count(*) FILTER (WHERE id LIKE 'DRILL-LATE-%'), count(*) FILTER (WHERE id LIKE 'DRILL-OTHER-%') FROM transfers" | tr '|' ' ')"
    expect_eq "the rebuilt copy's root is the log's" "$(root_of "$URI")" "$(root_of "$copy")"
}

case_cross_backend() {
    [[ -n $URI ]] || { fail "no cluster"; return; }
    # PostgreSQL -> bundle -> SQLite
    expect_exit 0 "$PAIRAID" log verify --bundle "$TMP/bundle-orig" --trust "$TMP/trusted"
    expect_exit 0 "$PAIRAID" log verify --bundle "$TMP/bundle-orig" --restore "$TMP/from-pg.db"
    expect_eq "SQLite restored from PostgreSQL's bundle: size and root" \
        "$(root_of "$(uri_for restored)")" "$(root_of "$TMP/from-pg.db")"
    expect_exit 0 "$PAIRAID" --db "$TMP/from-pg.db" log verify --trust "$TMP/trusted"
    # `pairaid backup` on PostgreSQL: the local copy, brought up to date, as a SQLite file
    expect_exit 0 "$PAIRAID" --db "$(uri_for restored)" backup "$TMP/snapshot.db"
    expect_exit 0 "$PAIRAID" --db "$TMP/snapshot.db" log verify --trust "$TMP/trusted"
    expect_eq "pairaid backup of PostgreSQL: size and root" \
        "$(root_of "$(uri_for restored)")" "$(root_of "$TMP/snapshot.db")"
    # SQLite -> bundle -> an empty PostgreSQL database
    expect_exit 0 "$PAIRAID" --db "$TMP/lite.db" --as demo demo
    "$PA_SOURCE_DIR/scripts/demo-sign" "$PAIRAID" "$TMP/lite.db" "$TMP/keys" >/dev/null || fail "demo-sign"
    expect_exit 0 "$PAIRAID" --db "$TMP/lite.db" log export "$TMP/bundle-lite"
    psql_at "$URI" "CREATE DATABASE fromlite" || fail "CREATE DATABASE"
    expect_exit 0 "$PAIRAID" log verify --bundle "$TMP/bundle-lite" --restore "$(uri_for fromlite)"
    expect_eq "PostgreSQL restored from SQLite's bundle: size and root" \
        "$(root_of "$TMP/lite.db")" "$(root_of "$(uri_for fromlite)")"
    expect_exit 0 "$PAIRAID" --db "$(uri_for fromlite)" log verify --trust "$TMP/trusted"
    # a non-empty database is refused
    expect_exit 2 "$PAIRAID" log verify --bundle "$TMP/bundle-lite" --restore "$(uri_for fromlite)"
    expect_stderr_match "holds [0-9]+ events; the books are restored into an empty one"
}

run_case "a cluster with the demo, signed, WAL archived" case_setup
((FAILED == 0)) || finish
run_case "pg_dump -Fc, pg_restore into a new database" case_dump_restore
run_case "pg_basebackup, started on another port" case_basebackup
run_case "a streaming standby: reads, refuses writes, promoted takes them" case_standby
run_case "least privilege: pairaid's role cannot change the log" case_least_privilege
run_case "across backends: PostgreSQL to SQLite and back" case_cross_backend
run_case "point-in-time recovery: the copy that saw later writes is rebuilt" case_pitr
run_case "the log restored and written again: a longer stale copy is rebuilt" case_pitr_longer
finish
