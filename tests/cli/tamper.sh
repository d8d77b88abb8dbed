#!/usr/bin/env bash
# tamper.sh - the books are tamper-evident.  For every table in the database,
# changing one value or deleting one row behind pairaid's back makes
# `pairaid log verify` exit 3 and name it; so do an edited event, a deleted
# event, a truncated log, and a checkpoint signed by a key nobody trusts.  The
# witness refuses a rolled-back or forked tree and co-signs an honest extension.
# A pairing's log inside the log (its checkpoints, key_heads and log_heads
# rows) is covered the same way.
source "$(dirname "$0")/lib.bash"

cd "$TMP" || exit 1
"$PAIRAID" key generate --name wuxi.example/donor -o donor.key >donor.vkey
"$PAIRAID" key generate --name lyg.example/recipient -o recipient.key >recipient.vkey
"$PAIRAID" key generate --name stranger.example -o stranger.key >stranger.vkey
cat donor.vkey recipient.vkey >trusted
PRISTINE=$TMP/pristine.db
"$PAIRAID" --db "$PRISTINE" demo >/dev/null
"$PA_SOURCE_DIR/scripts/demo-users" "$PAIRAID" "$PRISTINE" >/dev/null # users are in the log too
# the joint audit's facts, measures, findings and responses are in the log too
printf 'code,project,supplier,category,amount,signed,procurement\nTAMPER-C1,LYG-MS-041,WX-GOV,works,100000.00,2024-01-10,public_tender\n' >facts-contracts.csv
printf 'project,posted,until,place\nLYG-MS-041,2024-01-01,2024-01-15,村务公开栏\n' >facts-notices.csv
printf 'project,name,unit,baseline,target,actual\nLYG-MS-041,受益学生,人,0,500,480\n' >facts-indicators.csv
printf 'project,year,agreed,settled\nLYG-PARK-HUIYU,2023,10,9.5\n' >facts-revenue_shares.csv
for kind in contracts notices indicators revenue_shares; do
    "$PAIRAID" --db "$PRISTINE" import $kind facts-$kind.csv >/dev/null
done
printf '[payments]\napproval_threshold = 80000\n' >measures.ini
"$PAIRAID" --db "$PRISTINE" measures propose --pairing WX-LYG measures.ini >/dev/null
"$PAIRAID" --db "$PRISTINE" --as wuxi.finance measures approve --pairing WX-LYG 1 >/dev/null
"$PAIRAID" --db "$PRISTINE" --as donghai.office measures approve --pairing WX-LYG 1 >/dev/null
"$PAIRAID" --db "$PRISTINE" audit run --as-of 2024-09-10 --pairing WX-LYG >/dev/null
FIRST=$(sqlite3 "$PRISTINE" "select id from findings order by id limit 1")
"$PAIRAID" --db "$PRISTINE" audit respond "$FIRST" --action explain --note 已整改 >/dev/null
# and so is the assessment: schemes, manual scores, published rankings
"$PAIRAID" --db "$PRISTINE" assess scheme >scheme.ini
"$PAIRAID" --db "$PRISTINE" assess scheme add scheme.ini >/dev/null
printf 'pairing,year,indicator,actual,source\nWX-LYG,2024,meetings,3,联席会议纪要\n' >scores.csv
"$PAIRAID" --db "$PRISTINE" import scores scores.csv >/dev/null
"$PAIRAID" --db "$PRISTINE" assess run --year 2024 >/dev/null
# a pairing's own log, signed by its two sides, and its head in the province log
"$PAIRAID" --db "$PRISTINE" log checkpoint --key donor.key --log WX-LYG >/dev/null
"$PAIRAID" --db "$PRISTINE" log cosign --key recipient.key --log WX-LYG >/dev/null
"$PAIRAID" --db "$PRISTINE" log checkpoint --key donor.key >/dev/null
"$PAIRAID" --db "$PRISTINE" --as 东海县项目办 transfer create --id LATE-1 --from PRJ-LYG-MS-052 \
    --to PAY-SYN-HOUSING-DH --amount 10 --date 2024-09-20 >/dev/null 2>&1 || true
"$PAIRAID" --db "$PRISTINE" log checkpoint --key donor.key >/dev/null
"$PAIRAID" --db "$PRISTINE" log cosign --key recipient.key >/dev/null
DB=$TMP/work.db

fresh() { cp "$PRISTINE" "$DB"; rm -f "$DB-wal" "$DB-shm"; }

verify_names() { # WHAT REGEX : verify exits 3 with one line matching REGEX
    expect_exit 3 "$PAIRAID" --db "$DB" log verify --trust trusted
    expect_stderr_lines 1
    expect_stderr_match "$2"
}

case_pristine_verifies() {
    fresh
    expect_exit 0 "$PAIRAID" --db "$DB" log verify --trust trusted
    expect_stdout_match '^verified: '
}
run_case "the untouched books verify" case_pristine_verifies

# Every table but credentials and sessions: password hashes and sessions are
# the only state kept outside the log (DESIGN.md), so the log cannot vouch for
# them.  The users table is the log's, and is checked like the others.
TABLES=$(sqlite3 "$PRISTINE" "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not in ('credentials', 'sessions') order by name")

# One value changed: the last column of the first row (or its first column when
# the last is the primary key), to something it never was (a flag flips, so that
# no CHECK refuses the edit).
case_change_one_value() {
    local table=$1 col key
    fresh
    col=$(sqlite3 "$DB" "select name from pragma_table_info('$table') where pk = 0 order by cid desc limit 1")
    key=$(sqlite3 "$DB" "select group_concat(name, ',') from pragma_table_info('$table') where pk > 0")
    if [[ $table == events ]]; then
        # an edited amount inside an event's bytes
        sqlite3 "$DB" "update events set entry = cast(replace(cast(entry as text), '140000000', '140000001') as blob) where seq = (select min(seq) from events where cast(entry as text) like '%140000000%')"
    elif [[ $table == tlog_tiles ]]; then
        sqlite3 "$DB" "update tlog_tiles set hashes = zeroblob(length(hashes)) where level = 1 and tile = 0"
    elif [[ $table == checkpoints ]]; then
        sqlite3 "$DB" "update checkpoints set root = randomblob(32) where id = 1"
    else
        sqlite3 "$DB" "update $table set $col = case typeof($col) when 'integer' then (case when $col in (0, 1) then 1 - $col else $col + 1 end) when 'blob' then randomblob(32) else coalesce($col, '') || 'x' end where ($key) = (select $key from $table order by $key limit 1)"
    fi
    verify_names "$table" "$table|event [0-9]+|checkpoint [0-9]+"
}

case_delete_one_row() {
    local table=$1 key
    fresh
    key=$(sqlite3 "$DB" "select group_concat(name, ',') from pragma_table_info('$table') where pk > 0")
    if [[ $table == regions ]]; then # one no row refers to
        sqlite3 "$DB" "delete from regions where code = '650000' or parent = '650000' or parent in (select code from regions where parent = '650000')"
    else
        sqlite3 "$DB" "PRAGMA foreign_keys = OFF; delete from $table where ($key) in (select $key from $table order by $key desc limit 1)"
    fi
    verify_names "$table" "$table|event [0-9]+|checkpoint"
}

for table in $TABLES; do
    run_case "one value changed in $table" case_change_one_value "$table"
    run_case "one row deleted from $table" case_delete_one_row "$table"
done

case_deleted_event_in_the_middle() {
    fresh
    sqlite3 "$DB" "delete from events where seq = 100"
    verify_names events "event 100 is missing"
}
run_case "an event deleted from the middle" case_deleted_event_in_the_middle

case_truncated_log() {
    fresh
    local n
    n=$(sqlite3 "$DB" "select count(*) from events")
    # the last five events go, and every tree node that covered them
    local m=$((n - 5))
    sqlite3 "$DB" "delete from events where seq > $m;
        delete from tlog_tiles where ($m >> level) - tile * 256 <= 0;
        update tlog_tiles set hashes = substr(hashes, 1, 32 * (($m >> level) - tile * 256))
            where 32 * (($m >> level) - tile * 256) < length(hashes)"
    verify_names events "truncated"
}
run_case "a truncated log against its checkpoint" case_truncated_log

case_untrusted_signature() {
    fresh
    "$PAIRAID" --db "$DB" log cosign --key stranger.key >/dev/null
    verify_names checkpoints "not a trusted key"
}
run_case "a checkpoint signed by an untrusted key" case_untrusted_signature

# The witness's memory (key_heads) says it signed a bigger tree than the log
# now shows: co-signing the smaller one would be agreeing to a rollback.
case_witness_refuses_rollback() {
    fresh
    "$PAIRAID" --db "$DB" log checkpoint --key donor.key >/dev/null
    sqlite3 "$DB" "update key_heads set size = size + 10 where key_name = 'lyg.example/recipient'"
    expect_exit 3 "$PAIRAID" --db "$DB" log cosign --key recipient.key
    expect_stderr_match "refused: .* \\(a rollback\\)"
}
run_case "the witness refuses a rolled-back tree" case_witness_refuses_rollback

# The witness signed a tree whose root this log cannot be extended from.
case_witness_refuses_fork() {
    fresh
    "$PAIRAID" --db "$DB" log checkpoint --key donor.key >/dev/null
    sqlite3 "$DB" "update key_heads set size = size - 3, root = randomblob(32) where key_name = 'lyg.example/recipient'"
    expect_exit 3 "$PAIRAID" --db "$DB" log cosign --key recipient.key
    expect_stderr_match "refused: .* \\(a fork\\)"
}
run_case "the witness refuses a forked tree" case_witness_refuses_fork

case_witness_signs_extension() {
    fresh
    "$PAIRAID" --db "$DB" --as 东海县项目办 transfer create --id LATE-2 --from PRJ-LYG-MS-041 \
        --to PAY-SYN-HOUSING-DH --amount 10 --date 2024-09-21 >/dev/null 2>&1
    expect_exit 0 "$PAIRAID" --db "$DB" log checkpoint --key donor.key
    expect_exit 0 "$PAIRAID" --db "$DB" log cosign --key recipient.key
    expect_stdout_match "recipient"
    expect_exit 0 "$PAIRAID" --db "$DB" log verify --trust trusted
}
run_case "the witness co-signs an honest extension" case_witness_signs_extension

# ---- bundles for auditors who receive files ------------------------------------

case_bundle() {
    fresh
    rm -rf bundle
    expect_exit 0 "$PAIRAID" --db "$DB" log export bundle
    expect_exit 0 "$PAIRAID" log verify --bundle bundle --trust trusted
    expect_stdout_match 'by trusted keys'
    expect_exit 0 "$PAIRAID" log verify --bundle bundle
    expect_stdout_match "bundle's own keys"
    cp -r bundle edited
    sed -i '7s/^./Z/' edited/entries
    expect_exit 3 "$PAIRAID" log verify --bundle edited --trust trusted
    expect_stderr_match '^pairaid: entries:7: '
    rm -rf edited && cp -r bundle edited
    sed -i '$d' edited/entries
    expect_exit 3 "$PAIRAID" log verify --bundle edited --trust trusted
    expect_stderr_match 'truncated'
    expect_exit 3 "$PAIRAID" log verify --bundle bundle --trust stranger.vkey
    expect_stderr_match 'not a trusted key'
    expect_exit 2 "$PAIRAID" log verify --bundle no-such-dir
}
run_case "an exported bundle verifies offline, and edits to it do not" case_bundle

finish
