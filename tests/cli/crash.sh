#!/usr/bin/env bash
# crash.sh - `kill -9` of `pairaid import transfers` at random moments, 20 times:
# after each kill the file is either wholly in the books or not at all, the
# books balance, and the tables still equal a replay of the log.
source "$(dirname "$0")/lib.bash"

ROWS=${PA_CRASH_ROWS:-40000}
KILLS=${PA_CRASH_KILLS:-20}
DB=$TMP/crash.db

make_books() {
    rm -f "$DB" "$DB-wal" "$DB-shm"
    "$PAIRAID" --db "$DB" demo >/dev/null
    printf 'code,name,kind,region,pairing,project\nSRC,来源,source,320200,WX-LYG,\nPOOL,资金池,pool,320700,WX-LYG,\nA,甲,payee,320722,,\nB,乙,payee,320722,,\n' >"$TMP/accounts.csv"
    "$PAIRAID" --db "$DB" import accounts "$TMP/accounts.csv" >/dev/null
}

# A large file: the pool is funded, then money goes round between A and B.
{
    echo 'id,date,from,to,amount,project,memo'
    echo 'C0,2024-01-01,SRC,POOL,1000000000.00,,'
    echo 'C1,2024-01-01,POOL,A,100000000.00,,'
    for ((i = 2; i < ROWS; i++)); do
        if ((i % 2)); then echo "C$i,2024-01-02,B,A,1.$((i % 100)),,"; else echo "C$i,2024-01-02,A,B,2.$((i % 100)),,"; fi
    done
} >"$TMP/big.csv"

# The state of the books: what was imported, and the balances.
books() {
    sqlite3 "$DB" "select count(*) from transfers where id glob 'C[0-9]*'; select code || ' ' || debits_posted || ' ' || credits_posted || ' ' || debits_pending || ' ' || credits_pending from accounts order by code"
}

make_books
EMPTY=$(books)
start=$(date +%s%N)
"$PAIRAID" --db "$DB" import transfers "$TMP/big.csv" >/dev/null
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
FULL=$(books)
[[ $(head -1 <<<"$FULL") == "$ROWS" ]] || { echo "the file does not import: $(head -1 <<<"$FULL") rows"; exit 1; }

case_kill() {
    make_books
    "$PAIRAID" --db "$DB" import transfers "$TMP/big.csv" >/dev/null 2>&1 &
    local pid=$! wait_ms=$((RANDOM % (elapsed_ms + 200)))
    sleep "$(printf '0.%03d' $((wait_ms % 1000)))"
    sleep $((wait_ms / 1000))
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    local now
    now=$(books)
    if [[ $now != "$EMPTY" && $now != "$FULL" ]]; then
        fail "after a kill at ${wait_ms} ms the books hold part of the file: $(head -1 <<<"$now") transfers"
    fi
    echo "# killed at ${wait_ms} ms: $(head -1 <<<"$now") of $ROWS transfers in the books"
    # the log and the tables agree: a rebuild changes nothing
    expect_exit 0 "$PAIRAID" --db "$DB" rebuild
    expect_eq "books after rebuild" "$now" "$(books)"
    # and the import can simply be run again
    expect_exit 0 "$PAIRAID" --db "$DB" import transfers "$TMP/big.csv"
    expect_eq "books after the retry" "$FULL" "$(books)"
}

echo "# a full import of $ROWS rows takes ${elapsed_ms} ms"
for ((k = 1; k <= KILLS; k++)); do
    run_case "kill -9 during import ($k of $KILLS)" case_kill
done
finish
