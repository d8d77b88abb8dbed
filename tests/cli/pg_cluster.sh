#!/usr/bin/env bash
# pg_cluster.sh - scripts/pg-cluster, the throwaway PostgreSQL cluster of the tests and benchmarks
# (issue 15): `start DIR` prints a postgresql:// URI that answers SELECT 1, on 127.0.0.1 only, with
# fsync on, C collation, run by a user who is not root; a wrong password is refused; it refuses a directory
# already in use; `stop DIR` refuses a directory it did not make, and otherwise leaves neither the
# server nor DIR behind.  Without PostgreSQL's programs it fails and says to run scripts/setup.
# A few seconds: one initdb.

# This test runs no pairaid; lib.bash asks for the binary all the same.
PAIRAID=${PAIRAID:-$(command -v true)}
source "$(dirname "$0")/lib.bash"

PG_CLUSTER=$PA_SOURCE_DIR/scripts/pg-cluster
# Run as root, the server runs as the user pairaid-pg, who must reach DIR through our scratch
# directory (mktemp makes it 0700): search only, not listing.
chmod 711 "$TMP"
DIR=$TMP/pg
PSQL=${PG_BINDIR:-/usr/lib/postgresql/15/bin}/psql
stop_cluster() {
    [[ -f $DIR/pairaid-pg-cluster ]] && "$PG_CLUSTER" stop "$DIR" >/dev/null 2>&1
    [[ -n ${PA_KEEP_TMP:-} ]] || rm -rf "$TMP"
}
trap stop_cluster EXIT

case_installed() {
    local bindir=${PSQL%/psql} p missing=()
    for p in initdb pg_ctl postgres psql pgbench; do
        [[ -x $bindir/$p ]] || missing+=("$bindir/$p")
    done
    ((${#missing[@]} == 0)) ||
        fail "PostgreSQL is not installed (no ${missing[*]}): run scripts/setup (Debian postgresql-15)"
}

URI=""
PORT=""
PID=""
case_start() {
    expect_exit 0 "$PG_CLUSTER" start "$DIR"
    URI=$(head -n 1 "$OUT")
    [[ $URI =~ ^postgresql://pairaid:[0-9a-f]{36}@127\.0\.0\.1:([0-9]+)/pairaid$ ]] ||
        { fail "not a loopback URI: '$URI'"; return; }
    PORT=${BASH_REMATCH[1]}
    PID=$(head -n 1 "$DIR/data/postmaster.pid")
    expect_eq "SELECT 1 over the URI" 1 "$("$PSQL" "$URI" -XAtc 'SELECT 1' 2>&1)"
    expect_eq "SELECT 1 over the socket in DIR" 1 \
        "$("$PSQL" -X -h "$DIR" -p "$PORT" -U pairaid -d pairaid -Atc 'SELECT 1' 2>&1)"
}

case_settings() {
    [[ -n $PID ]] || { fail "no cluster"; return; }
    expect_eq "fsync" on "$("$PSQL" "$URI" -XAtc 'SHOW fsync')"
    expect_eq "synchronous_commit" on "$("$PSQL" "$URI" -XAtc 'SHOW synchronous_commit')"
    expect_eq "listen_addresses" 127.0.0.1 "$("$PSQL" "$URI" -XAtc 'SHOW listen_addresses')"
    expect_eq "collation (bytewise, as SQLite)" C "$("$PSQL" "$URI" -XAtc 'SHOW lc_collate')"
    local addrs
    addrs=$(ss -Hltnp | grep "pid=$PID," | awk '{ print $4 }' | sort -u | tr '\n' ' ')
    expect_eq "the postmaster's listening sockets" "127.0.0.1:$PORT " "$addrs"
    local user
    user=$(ps -o user= -p "$PID")
    [[ -n $user && $user != root ]] || fail "the server runs as '$user'"
    expect_eq "the socket's mode" srwx------ "$(stat -c %A "$DIR/.s.PGSQL.$PORT")"
    expect_eq "the password file's mode" 600 "$(stat -c %a "$DIR/password")"
}

case_wrong_password() {
    [[ -n $PORT ]] || { fail "no cluster"; return; }
    expect_exit 2 "$PSQL" "postgresql://pairaid:wrong@127.0.0.1:$PORT/pairaid" -XAtc 'SELECT 1'
    expect_stderr_match 'password authentication failed for user "pairaid"'
}

case_start_twice() {
    expect_exit 2 "$PG_CLUSTER" start "$DIR"
    expect_stderr_line "pg-cluster: '$DIR' exists and is not an empty directory"
    expect_eq "the cluster still answers" 1 "$("$PSQL" "$URI" -XAtc 'SELECT 1' 2>&1)"
}

case_stop_foreign() {
    mkdir -p "$TMP/other" && echo keep >"$TMP/other/file"
    expect_exit 2 "$PG_CLUSTER" stop "$TMP/other"
    expect_stderr_line "pg-cluster: '$TMP/other' is not a cluster made by pg-cluster"
    expect_eq "the directory it did not make" keep "$(cat "$TMP/other/file")"
}

case_stop() {
    expect_exit 0 "$PG_CLUSTER" stop "$DIR"
    [[ ! -e $DIR ]] || fail "'$DIR' is still there"
    [[ -z $PID ]] || ! kill -0 "$PID" 2>/dev/null || fail "the server (pid $PID) still runs"
    [[ -z $PORT ]] || ! ss -Hltn "sport = :$PORT" | grep -q . || fail "port $PORT still listens"
}

case_wrong_use() {
    expect_exit 2 "$PG_CLUSTER" begin "$DIR"
    expect_stderr_line "usage: scripts/pg-cluster start DIR | stop DIR"
}

run_case "PostgreSQL's programs are installed" case_installed
((FAILED == 0)) || finish
run_case "start: a loopback URI that answers SELECT 1" case_start
run_case "fsync on, 127.0.0.1 only, C collation, not root, private socket" case_settings
run_case "a wrong password is refused" case_wrong_password
run_case "start refuses a directory in use" case_start_twice
run_case "stop refuses a directory it did not make" case_stop_foreign
run_case "stop: neither the server nor DIR is left" case_stop
run_case "wrong use: exit 2" case_wrong_use
finish
