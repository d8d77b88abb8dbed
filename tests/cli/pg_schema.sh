#!/usr/bin/env bash
# pg_schema.sh - tools/pg_schema.py, the PostgreSQL text of the SQLite migrations (issue 15: "from
# one source"): every migration, translated, applies to a throwaway cluster in a transaction of its
# own, and the result has exactly the tables and columns of the SQLite database `pairaid init`
# makes: the same names, the same NOT NULL, the same primary keys in the same order, INTEGER as
# bigint, TEXT as text, BLOB as bytea.  SQL it has no rule for is refused, not copied.
source "$(dirname "$0")/lib.bash"

PG_CLUSTER=$PA_SOURCE_DIR/scripts/pg-cluster
PG_SCHEMA=$PA_SOURCE_DIR/tools/pg_schema.py
chmod 711 "$TMP" # the server runs as pairaid-pg when we are root: it must reach DIR
DIR=$TMP/pg
PSQL=${PG_BINDIR:-/usr/lib/postgresql/15/bin}/psql
stop_cluster() {
    [[ -f $DIR/pairaid-pg-cluster ]] && "$PG_CLUSTER" stop "$DIR" >/dev/null 2>&1
    [[ -n ${PA_KEEP_TMP:-} ]] || rm -rf "$TMP"
}
trap stop_cluster EXIT

URI=""
case_every_migration_applies() {
    expect_exit 0 "$PG_CLUSTER" start "$DIR"
    URI=$(head -n 1 "$OUT")
    local n count
    count=$(find "$PA_SOURCE_DIR/src/store/migrations" -name '[0-9][0-9][0-9]_*.sql' | wc -l)
    for ((n = 1; n <= count; n++)); do
        python3 "$PG_SCHEMA" "$n" >"$TMP/m$n.sql" || fail "migration $n: the translation failed"
        expect_exit 0 "$PSQL" -q -X -v ON_ERROR_STOP=1 --single-transaction -f "$TMP/m$n.sql" "$URI"
    done
}
run_case "every migration, translated, applies to PostgreSQL" case_every_migration_applies

# table|column|type|not null|position in the primary key (0: none), sorted bytewise
sqlite_columns() {
    sqlite3 "$1" "SELECT m.name, p.name, CASE p.type WHEN 'INTEGER' THEN 'bigint'
                    WHEN 'TEXT' THEN 'text' WHEN 'BLOB' THEN 'bytea' ELSE p.type END,
                  p.\"notnull\" OR p.pk > 0, p.pk
                  FROM sqlite_schema m JOIN pragma_table_info(m.name) p
                  WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2"
}
pg_columns() {
    # users_to_log: made by migration 006 for pairaid to empty and drop at its first write-open
    "$PSQL" -X -At -F '|' "$URI" -c "
        SELECT c.table_name, c.column_name, c.data_type, (c.is_nullable = 'NO')::int,
               coalesce((SELECT k.ordinal_position FROM information_schema.table_constraints t
                         JOIN information_schema.key_column_usage k
                           ON k.constraint_name = t.constraint_name AND k.table_name = t.table_name
                         WHERE t.table_name = c.table_name AND t.constraint_type = 'PRIMARY KEY'
                           AND k.column_name = c.column_name), 0)
        FROM information_schema.columns c
        WHERE c.table_schema = 'public' AND c.table_name <> 'users_to_log' ORDER BY 1, 2"
}

case_same_tables_and_columns() {
    [[ -n $URI ]] || { fail "no cluster"; return; }
    expect_exit 0 "$PAIRAID" --db "$TMP/books.db" init
    sqlite_columns "$TMP/books.db" >"$TMP/sqlite.txt"
    pg_columns >"$TMP/pg.txt"
    expect_eq "tables" "$(cut -d'|' -f1 "$TMP/sqlite.txt" | sort -u | wc -l)" \
        "$(cut -d'|' -f1 "$TMP/pg.txt" | sort -u | wc -l)"
    expect_same_file "$TMP/sqlite.txt" "$TMP/pg.txt"
    [[ $(wc -l <"$TMP/pg.txt") -gt 100 ]] || fail "too few columns compared: $(wc -l <"$TMP/pg.txt")"
}
run_case "PostgreSQL gets the tables and columns SQLite has" case_same_tables_and_columns

case_unknown_sqlite_is_refused() {
    expect_exit 1 python3 -c "
import sys; sys.path.insert(0, '$PA_SOURCE_DIR/tools'); import pg_schema
pg_schema.translate('CREATE TABLE t (x INTEGER) STRICT; INSERT OR IGNORE INTO t VALUES (1);', 'x.sql')"
    expect_stderr_match "no PostgreSQL rule for 'INSERT OR'"
    expect_exit 2 python3 "$PG_SCHEMA" 999
    expect_stderr_match "there are migrations 1 to"
    expect_exit 2 python3 "$PG_SCHEMA" one
}
run_case "SQLite it has no rule for is refused" case_unknown_sqlite_is_refused

finish
