#!/usr/bin/env bash
# replica.sh - `pairaid replica`: the other side's verified copy of the books.
# A replica made from a served demo or from a bundle holds the same tables as
# the source; each pull applies exactly the new events (counted) and compares
# the digest of the tables; a changed entry, a rewritten history, a bad
# signature and a server whose tables differ from its log each give exit 3
# naming the first difference, and a server killed in the middle of a pull
# exit 1; none of them changes the replica.
source "$(dirname "$0")/lib.bash"

cd "$TMP" || exit 1
"$PAIRAID" key generate --name wuxi.example/donor -o donor.key >donor.vkey
"$PAIRAID" key generate --name lyg.example/recipient -o recipient.key >recipient.vkey
"$PAIRAID" key generate --name stranger.example -o stranger.key >stranger.vkey
cat donor.vkey recipient.vkey >trusted
BASE=$TMP/base.db
"$PAIRAID" --db "$BASE" demo >/dev/null
"$PA_SOURCE_DIR/scripts/demo-users" "$PAIRAID" "$BASE" >/dev/null
"$PAIRAID" --db "$BASE" log checkpoint --key donor.key >/dev/null
"$PAIRAID" --db "$BASE" log cosign --key recipient.key >/dev/null
export PAIRAID_PASSWORD=pairaid-auditor
SERVER_PID=""
PROXY_PID=""

# The proxy stays up for the whole script; servers come and go behind it.
mkdir -p proxy
python3 "$PA_CLI_DIR/replica_proxy.py" "$TMP/proxy" &
PROXY_PID=$!
for _ in $(seq 100); do [[ -f proxy/port ]] && break; sleep 0.1; done
URL=http://127.0.0.1:$(cat proxy/port)
# shellcheck disable=SC2317 # called by the EXIT trap
stop_all() {
    [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null
    [[ -n $PROXY_PID ]] && kill "$PROXY_PID" 2>/dev/null
    [[ -n ${PA_KEEP_TMP:-} ]] || rm -rf "$TMP"
}
trap stop_all EXIT

serve() { # DB : (re)starts the server behind the proxy on DB
    stop_server
    "$PAIRAID" --db "$1" serve --listen 127.0.0.1:0 >/dev/null 2>serve.err &
    SERVER_PID=$!
    disown "$SERVER_PID" # killed on purpose below: no job report
    local port=""
    for _ in $(seq 200); do
        port=$(grep -oE '127\.0\.0\.1:[0-9]+' serve.err | head -n 1 | cut -d: -f2)
        [[ -n $port ]] && break
        sleep 0.05
    done
    echo "http://127.0.0.1:$port" >proxy/backend
}
stop_server() {
    if [[ -n $SERVER_PID ]]; then
        kill "$SERVER_PID" 2>/dev/null
        while kill -0 "$SERVER_PID" 2>/dev/null; do sleep 0.05; done
        SERVER_PID=""
    fi
}

transfer() { # DB ID : one new transfer of 10 yuan (one event)
    "$PAIRAID" --db "$1" transfer create --id "$2" --from PRJ-LYG-MS-052 --to PAY-SYN-HOUSING-DH \
        --amount 10 --date 2024-09-20 >/dev/null
}
snapshot() { sqlite3 "$1" .dump | sha256sum; }
events() { sqlite3 "$1" 'select count(*) from events'; }

# A replica at the base's size, and a source one step ahead of it: what the
# tamper cases start from.
SOURCE=$TMP/source.db
REPLICA=$TMP/replica.db
fresh_source() { # a copy of the base, the server on it
    stop_server
    rm -f "$SOURCE" "$SOURCE-wal" "$SOURCE-shm"
    cp "$BASE" "$SOURCE"
    serve "$SOURCE"
}
start_pair() {
    fresh_source
    rm -f "$REPLICA" "$REPLICA-wal" "$REPLICA-shm"
    "$PAIRAID" --db "$REPLICA" replica init "$URL" --key trusted --user audit.wxlyg >/dev/null ||
        fail "replica init failed"
    for id in T-1 T-2 T-3; do transfer "$SOURCE" "$id"; done
    "$PAIRAID" --db "$SOURCE" log checkpoint --key donor.key >/dev/null
}

case_init_from_server() {
    fresh_source
    rm -f "$REPLICA"*
    local n
    n=$(events "$SOURCE")
    expect_exit 0 "$PAIRAID" --lang en --db "$REPLICA" replica init "$URL" --key trusted \
        --user audit.wxlyg
    expect_stdout_line "applied $n new events (size 0 -> $n), checkpoint signed by wuxi.example/donor, lyg.example/recipient"
    expect_stdout_line "tables match the source's digest at size $n"
    expect_exit 0 "$PAIRAID" --db "$REPLICA" log verify
    expect_same_file <("$PAIRAID" --db "$SOURCE" balance --format csv) \
        <("$PAIRAID" --db "$REPLICA" balance --format csv)
    expect_same_file <("$PAIRAID" --db "$SOURCE" export projects) \
        <("$PAIRAID" --db "$REPLICA" export projects)
    # the first pull built the transfers' account indexes once, at its end: they are there
    local indexes="from sqlite_schema where type = 'index' and tbl_name = 'transfers' and sql is not null"
    [ "$(sqlite3 "$REPLICA" "select count(*) $indexes")" = 2 ] || fail "the replica has no account indexes"
    expect_same_file <(sqlite3 "$SOURCE" "select sql $indexes order by name") \
        <(sqlite3 "$REPLICA" "select sql $indexes order by name")
}
run_case "init from a served demo copies and verifies the books" case_init_from_server

# The count is the library's: events applied to the tables by this pull.
case_pull_applies_only_new() {
    local n
    n=$(events "$SOURCE")
    for id in M-1 M-2 M-3; do transfer "$SOURCE" "$id"; done
    "$PAIRAID" --db "$SOURCE" log checkpoint --key donor.key >/dev/null
    expect_exit 0 "$PAIRAID" --lang en --db "$REPLICA" replica pull
    expect_stdout_line "applied 3 new events (size $n -> $((n + 3))), checkpoint signed by wuxi.example/donor"
    expect_stdout_line "tables match the source's digest at size $((n + 3))"
    expect_eq "events in the replica" $((n + 3)) "$(events "$REPLICA")"
    expect_same_file <("$PAIRAID" --db "$SOURCE" balance --format csv) \
        <("$PAIRAID" --db "$REPLICA" balance --format csv)
}
run_case "a pull applies only the new events" case_pull_applies_only_new

case_pull_nothing_new() {
    local n before
    n=$(events "$REPLICA")
    before=$(snapshot "$REPLICA")
    expect_exit 0 "$PAIRAID" --lang en --db "$REPLICA" replica pull
    expect_stdout_line "nothing new: verified at size $n (signed by wuxi.example/donor)"
    expect_stdout_line "tables match the source's digest at size $n"
    expect_eq "events" "$n" "$(events "$REPLICA")"
}
run_case "a pull with nothing new applies nothing" case_pull_nothing_new

# Events after the latest checkpoint are not signed: the replica applies them
# only to compare the tables at the server's size, then undoes them.
case_unsigned_tail() {
    local n
    n=$(events "$REPLICA")
    transfer "$SOURCE" U-1
    transfer "$SOURCE" U-2
    expect_exit 0 "$PAIRAID" --lang en --db "$REPLICA" replica pull
    expect_stdout_line "nothing new: verified at size $n (signed by wuxi.example/donor)"
    expect_stdout_line "tables match the source's digest at size $((n + 2))"
    expect_eq "events kept" "$n" "$(events "$REPLICA")"
    expect_exit 0 "$PAIRAID" --db "$REPLICA" log verify
}
run_case "entries after the checkpoint are compared, not kept" case_unsigned_tail

case_trust_on_first_use() {
    local r=$TMP/tofu.db
    expect_exit 0 "$PAIRAID" --lang en --db "$r" replica init "$URL" --user audit.wxlyg
    expect_stdout_match '^trusting on first use the keys the source names'
    expect_stdout_line "  $(cat donor.vkey)"
    expect_stdout_line "  $(cat recipient.vkey)"
}
run_case "without --key the source's keys are printed and trusted" case_trust_on_first_use

case_bundle() {
    local b=$TMP/bundle r=$TMP/from-bundle.db n
    cp "$BASE" bundle-source.db
    "$PAIRAID" --db bundle-source.db log export "$b" >/dev/null
    n=$(events bundle-source.db)
    expect_exit 0 "$PAIRAID" --lang en --db "$r" replica init "$b" --key trusted
    expect_stdout_line "applied $n new events (size 0 -> $n), checkpoint signed by wuxi.example/donor, lyg.example/recipient"
    expect_stdout_line "tables match the source's digest at size $n"
    transfer bundle-source.db B-1
    transfer bundle-source.db B-2
    "$PAIRAID" --db bundle-source.db log checkpoint --key donor.key >/dev/null
    transfer bundle-source.db B-3 # after the checkpoint: compared, not kept
    "$PAIRAID" --db bundle-source.db log export "$b" >/dev/null
    expect_exit 0 "$PAIRAID" --lang en --db "$r" replica pull
    expect_stdout_line "applied 2 new events (size $n -> $((n + 2))), checkpoint signed by wuxi.example/donor"
    expect_stdout_line "tables match the source's digest at size $((n + 3))"
    # an edited entry after the replica's size: the bundle no longer rebuilds the signed root
    transfer bundle-source.db B-4
    "$PAIRAID" --db bundle-source.db log checkpoint --key donor.key >/dev/null
    "$PAIRAID" --db bundle-source.db log export "$b" >/dev/null
    local last before
    last=$(tail -n 1 "$b/entries" | base64 -d | sed 's/"amount_fen":1000/"amount_fen":9000/' | base64 -w0)
    sed -i '$d' "$b/entries"
    echo "$last" >>"$b/entries"
    before=$(snapshot "$r")
    expect_exit 3 "$PAIRAID" --lang en --db "$r" replica pull
    expect_stderr_match 'do not rebuild the signed root of size'
    expect_eq "replica unchanged" "$before" "$(snapshot "$r")"
}
run_case "init and pull from bundles" case_bundle

# ---- tampering: exit 3, the first difference named, the replica unchanged -----

expect_pull_fails() { # STATUS REGEX
    local before
    before=$(snapshot "$REPLICA")
    expect_exit "$1" "$PAIRAID" --lang en --db "$REPLICA" replica pull
    expect_stderr_lines 1
    expect_stderr_match "$2"
    expect_eq "replica unchanged" "$before" "$(snapshot "$REPLICA")"
}

case_changed_entry() {
    start_pair
    local n index
    n=$(events "$BASE")
    index=$((n + 1)) # the second new transfer (seq n + 2)
    sqlite3 "$SOURCE" "update events set entry = cast(replace(cast(entry as text), '\"amount_fen\":1000', '\"amount_fen\":9000') as blob) where seq = $((n + 2))"
    expect_pull_fails 3 "^pairaid: leaf hash mismatch at index $index: entry $index \\(event $((n + 2))\\) is not the one the signed tree of size $((n + 3)) holds$"
}
run_case "a changed entry is named by its index" case_changed_entry

case_rewritten_history() {
    start_pair
    local n
    n=$(events "$BASE")
    expect_exit 0 "$PAIRAID" --db "$REPLICA" replica pull # the replica verifies n + 3
    cp "$BASE" fork.db # the same first n events, then another history
    for id in F-1 F-2 F-3 F-4; do transfer fork.db "$id"; done
    "$PAIRAID" --db fork.db log checkpoint --key donor.key >/dev/null
    serve fork.db
    expect_pull_fails 3 "^pairaid: rewritten history: the consistency proof from size $((n + 3)) to size $((n + 4)) does not verify"
    # an older book: the server's latest checkpoint is behind what the replica verified
    cp "$BASE" older.db
    serve older.db
    expect_pull_fails 3 "^pairaid: rewritten history: the source's checkpoint has $n entries, fewer than the $((n + 3)) this replica verified \\(a rollback\\)$"
}
run_case "a rewritten or rolled-back history is refused" case_rewritten_history

case_bad_signature() {
    start_pair
    # one character of the donor's signature changed in the latest checkpoint
    sqlite3 "$SOURCE" "update checkpoints set note = substr(note, 1, length(note) - 6) || (case when substr(note, length(note) - 5, 1) = 'A' then 'B' else 'A' end) || substr(note, length(note) - 4) where id = (select max(id) from checkpoints)"
    expect_pull_fails 3 "^pairaid: bad signature: the checkpoint of size [0-9]+ carries a signature by 'wuxi.example/donor' that does not verify"
    # signed only by a key the replica does not trust
    "$PAIRAID" --db "$SOURCE" log checkpoint --key stranger.key >/dev/null
    expect_pull_fails 3 "^pairaid: bad signature: the checkpoint of size [0-9]+ is not signed by any trusted key$"
}
run_case "a bad or untrusted signature is refused" case_bad_signature

case_tables_differ() {
    start_pair
    local n
    n=$(events "$SOURCE")
    sqlite3 "$SOURCE" "update projects set budget = budget + 100 where code = 'LYG-MS-052'"
    expect_pull_fails 3 "^pairaid: digest mismatch at size $n: table projects differs from its log on the source"
}
run_case "a server whose tables differ from its log is named" case_tables_differ

case_server_killed() {
    start_pair
    echo "$SERVER_PID" >proxy/kill-on-entries
    expect_pull_fails 1 "^pairaid: cannot read /api/v1/log/entries"
    SERVER_PID=""
    # nothing listening at all
    expect_pull_fails 1 "^pairaid: cannot read /api/v1/log/checkpoint|^pairaid: cannot read /api/v1/login"
}
run_case "a server killed in the middle of a pull is exit 1" case_server_killed

# ---- bad usage: exit 2, nothing made --------------------------------------------

case_usage() {
    expect_exit 2 "$PAIRAID" --db u1.db replica init ftp://127.0.0.1/x --key trusted
    expect_stderr_match "is not an http:// or https:// URL"
    [[ -e u1.db ]] && fail "a database was left behind"
    expect_exit 2 "$PAIRAID" --db "$BASE" replica init "$URL" --key trusted
    expect_stderr_match "exists: a replica starts as a new database"
    expect_exit 2 "$PAIRAID" --db "$BASE" replica pull
    expect_stderr_match "is not a replica"
    expect_exit 2 "$PAIRAID" --db u2.db replica pull
    expect_exit 2 "$PAIRAID" --db u3.db replica init
    expect_exit 2 "$PAIRAID" --db u3.db replica init "$URL" --key no-such-file
    fresh_source
    PAIRAID_PASSWORD=wrong expect_exit 2 "$PAIRAID" --db u4.db replica init "$URL" --key trusted \
        --user audit.wxlyg
    expect_stderr_match "refused the sign-in"
    [[ -e u4.db ]] && fail "a database was left behind"
    expect_exit 2 "$PAIRAID" --db u5.db replica init "$URL" --key trusted
    expect_stderr_match "for signed-in users: give --user NAME"
    [[ -e u5.db ]] && fail "a database was left behind"
}
run_case "bad usage is exit 2 and makes nothing" case_usage

finish
