#!/usr/bin/env bash
# hostile_db.sh - files that are not what --db expects (from the outside review,
# issue 9): a negative schema version, another program's database, an empty
# file, an older schema given to a read command, a read-only copy on read-only
# media, and a damaged page.  Each is refused or read without a change to the
# file, and a damaged page is a database error (exit 1), never "tampering"
# (exit 3) or a row "deleted behind pairaid's back".
source "$(dirname "$0")/lib.bash"

fingerprint() { cat "$1"* 2>/dev/null | sha256sum | cut -c1-16; }

case_negative_schema_version() {
    local v f before
    for v in -1 -2 -100000 -2147483648; do
        f=$TMP/neg$v.db
        sqlite3 "$f" "create table t(x); pragma user_version = $v"
        before=$(fingerprint "$f")
        expect_exit 1 "$PAIRAID" --db "$f" summary
        expect_stderr_line "pairaid: '$f' is not a pairaid database (another program's, or damaged)"
        expect_exit 1 "$PAIRAID" --db "$f" init
        expect_exit 1 "$PAIRAID" --db "$f" import orgs "$PA_DEMO_DIR/orgs.csv"
        expect_eq "unchanged ($v)" "$before" "$(fingerprint "$f")"
    done
}
run_case "a negative schema version is refused, never used as an index" case_negative_schema_version

case_another_programs_database() {
    local f=$TMP/other.db before
    sqlite3 "$f" "create table invoices(id integer primary key, total real); insert into invoices values (1, 9.5)"
    before=$(fingerprint "$f")
    expect_exit 1 "$PAIRAID" --db "$f" init
    expect_stderr_match "is not a pairaid database"
    expect_exit 1 "$PAIRAID" --db "$f" demo
    expect_exit 1 "$PAIRAID" --db "$f" log verify
    expect_eq "unchanged" "$before" "$(fingerprint "$f")"
}
run_case "another program's database is left alone" case_another_programs_database

case_postgresql_uri() {
    # A postgresql:// --db (or $PAIRAID_DB) is a PostgreSQL server, never a file name: one that
    # cannot be reached is a runtime error (exit 1) naming PostgreSQL's reason, and its password is
    # never printed, in English or in Chinese.  Nothing is made in the current folder.
    local dir=$TMP/pg-uri uri
    mkdir -p "$dir"
    pushd "$dir" >/dev/null || return # a file named "postgresql:" would appear here
    for uri in postgresql://clerk:s3cret@127.0.0.1:1/pairaid postgres://clerk:s3cret@127.0.0.1:1/books; do
        PAIRAID_CACHE_DIR=$TMP/pg-cache expect_exit 1 "$PAIRAID" --lang en --db "$uri" demo
        expect_stderr_match "^pairaid: PostgreSQL, connecting: connection to server at \"127.0.0.1\", port 1 failed"
        if grep -aq "s3cret" "$ERR"; then fail "the password was printed"; fi
        PAIRAID_DB=$uri PAIRAID_CACHE_DIR=$TMP/pg-cache expect_exit 1 "$PAIRAID" --lang zh summary
        expect_stderr_match "^pairaid: PostgreSQL（连接）："
        if grep -aq "s3cret" "$ERR"; then fail "the password was printed"; fi
    done
    popd >/dev/null || return
    expect_eq "nothing made" "" "$(ls -A "$dir")"
}
run_case "an unreachable postgresql:// database is an error, not a file" case_postgresql_uri

case_empty_file() {
    local f=$TMP/empty.db
    : >"$f"
    for cmd in summary "export projects" balance "log verify" "user list"; do
        # shellcheck disable=SC2086
        expect_exit 1 "$PAIRAID" --db "$f" $cmd
        expect_stderr_line "pairaid: '$f' is not a pairaid database (it is empty): create one with 'pairaid init'"
    done
    expect_exit 1 "$PAIRAID" --db "$f" import orgs "$PA_DEMO_DIR/orgs.csv"
    expect_eq "still empty" 0 "$(stat -c %s "$f")"
    expect_eq "nothing beside it" "" "$(ls "$f"-* 2>/dev/null)"
    expect_exit 0 "$PAIRAID" --db "$f" init # init is what makes one
}
run_case "an empty file does not become a database by being read" case_empty_file

case_older_schema_is_only_read_after_an_upgrade() {
    local f=$TMP/old.db m before
    for m in "$PA_SOURCE_DIR"/src/store/migrations/00[1-5]_*.sql; do sqlite3 "$f" <"$m"; done
    sqlite3 "$f" "pragma user_version = 5"
    before=$(fingerprint "$f")
    expect_exit 1 "$PAIRAID" --db "$f" summary
    expect_stderr_match "has schema version 5 of [0-9]+: a command that writes .* upgrades it; reading never does"
    expect_exit 1 "$PAIRAID" --db "$f" log verify
    expect_eq "unchanged" "$before" "$(fingerprint "$f")"
    expect_exit 0 "$PAIRAID" --db "$f" backup "$TMP/old-copy.db" # a backup copies any version
    expect_eq "unchanged by the backup" "$before" "$(fingerprint "$f")"
}
run_case "an older schema is never migrated by a read command" case_older_schema_is_only_read_after_an_upgrade

# Root ignores permissions: the reader is an unprivileged user.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

case_read_only_media() {
    # not $TMP/media: that is live.db's own media folder, where the demo keeps its pictures
    local media=$TMP/read-only src=$TMP/live.db
    chmod 0755 "$TMP" # the unprivileged reader must reach the media folder
    expect_exit 0 "$PAIRAID" --db "$src" demo
    mkdir -p "$media"
    expect_exit 0 "$PAIRAID" --db "$src" backup "$media/backup.db"
    # a plain copy of the live file (WAL mode, no -shm beside it) too
    sqlite3 "$src" "pragma wal_checkpoint(truncate)" >/dev/null
    cp "$src" "$media/copy.db"
    chmod 0555 "$media"
    chmod 0444 "$media"/*.db
    for f in backup.db copy.db; do
        expect_exit 0 as_nobody "$PAIRAID" --db "$media/$f" log verify
        expect_stdout_match '^verified: '
        expect_exit 0 as_nobody "$PAIRAID" --db "$media/$f" summary
    done
    expect_eq "nothing written beside them" "backup.db copy.db" "$(ls "$media" | tr '\n' ' ' | sed 's/ $//')"
    # changes still in a -wal would be missed: refused, with the reason
    chmod 0755 "$media"
    cp "$src" "$media/late.db"
    printf 'not empty' >"$media/late.db-wal"
    chmod 0555 "$media"
    expect_exit 1 as_nobody "$PAIRAID" --db "$media/late.db" log verify
    expect_stderr_match "its -wal file holds changes and its folder is read-only"
    chmod 0755 "$media"
}
run_case "a read-only copy on read-only media is verified" case_read_only_media

# A page in the middle of a table, overwritten with noise.
# With "newest", the table's last leaf in key order: the newest rows.
damage() { # DB TABLE [newest]
    local page order="pageno"
    [[ ${3:-} == newest ]] && order="path desc"
    page=$(sqlite3 "$1" "select pageno from dbstat where name = '$2' and pagetype = 'leaf' order by $order limit 1")
    dd if=/dev/urandom of="$1" bs=4096 seek=$((page - 1)) count=1 conv=notrunc status=none
}

case_damaged_page_is_a_database_error() {
    local f table
    for table in transfers accounts tlog_tiles; do
        f=$TMP/damaged-$table.db
        expect_exit 0 "$PAIRAID" --db "$TMP/live.db" backup "$f"
        damage "$f" "$table"
        expect_exit 1 "$PAIRAID" --db "$f" log verify
        expect_stderr_match "malformed|not a database|corrupt"
        if grep -Eq "behind pairaid's back|verification failed|fork" "$ERR"; then
            fail "a damaged page of $table was reported as tampering: $(cat "$ERR")"
        fi
    done
    # the witness step reads the tree too: a damaged page is not a fork
    expect_exit 0 "$PAIRAID" key generate --name signer.example -o "$TMP/s.key"
    expect_exit 0 "$PAIRAID" key generate --name witness.example -o "$TMP/w.key"
    f=$TMP/damaged-cosign.db
    expect_exit 0 "$PAIRAID" --db "$TMP/live.db" backup "$f"
    expect_exit 0 "$PAIRAID" --db "$f" log checkpoint --key "$TMP/s.key"
    expect_exit 0 "$PAIRAID" --db "$f" log cosign --key "$TMP/w.key"
    expect_exit 0 "$PAIRAID" --db "$f" transfer create --id LATE-9 \
        --from PRJ-LYG-MS-052 --to PAY-SYN-HOUSING-DH --amount 10 --date 2024-09-20
    expect_exit 0 "$PAIRAID" --db "$f" log checkpoint --key "$TMP/s.key"
    sqlite3 "$f" "pragma journal_mode = delete" >/dev/null
    # (the page of the newest tiles, which the extension's proof reads whatever the log's size)
    damage "$f" tlog_tiles newest
    expect_exit 1 "$PAIRAID" --db "$f" log cosign --key "$TMP/w.key"
    if grep -q "fork" "$ERR"; then fail "a damaged page was called a fork: $(cat "$ERR")"; fi
}
run_case "a damaged page is a database error, not tampering" case_damaged_page_is_a_database_error

finish
