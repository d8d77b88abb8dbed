#!/usr/bin/env bash
# pairing_logs.sh - the logs inside the log (docs/scale-out.md, "Pairing logs";
# commits 030f295, 4e81045), checked against an independent model.
#
# Every event belongs to one log: the city-level pairing whose books it writes,
# or the province's '*'.  pairing_logs_check.py works out each event's log from
# its JSON and the projection's tables by that rule, and each log's RFC 9162
# tree, proofs and signed notes, in Python, without pairaid's code; this script
# drives pairaid through the cases and asks the checker to compare:
#   - every log's entries (bytes, seq, order, index 0..n-1) are the model's, the
#     logs partition the whole log and events.log agrees; heads' sizes and roots;
#     inclusion and consistency proofs of every log verify with RFC 9162;
#   - a pairing's two sides sign and co-sign its log; another pairing's writes
#     leave it alone; a witness refuses a fork or a rollback of that log only;
#   - an event moved to another log, a checkpoint's log changed, a key_heads row
#     of a log altered, a rewritten event (the whole tree forged to match) are
#     each named by `log verify` (exit 3);
#   - --log with an unknown or a county-level name, or with verify|export|heads,
#     is exit 2 with the file unchanged (in Chinese too);
#   - a database whose events have no log yet (before migration 012) gets the
#     same logs at its first write; a bundle keeps them.
source "$(dirname "$0")/lib.bash"

CHECK=(python3 "$PA_CLI_DIR/pairing_logs_check.py")
export PAIRAID

cd "$TMP" || exit 1
"$PAIRAID" key generate --name wuxi.example/donor -o donor.key >donor.vkey
"$PAIRAID" key generate --name lyg.example/recipient -o recipient.key >recipient.vkey
"$PAIRAID" key generate --name audit.example/witness -o auditor.key >auditor.vkey
"$PAIRAID" key generate --name js.example/province -o province.key >province.vkey
cat donor.vkey recipient.vkey auditor.vkey province.vkey >trusted

# The books: the demo, its users, and at least one event of every type, among them
# the edges of the rule (a county pairing's account, a pending transfer posted or
# voided, a transfer across two pairings, one between two payees, findings updated).
PRISTINE=$TMP/pristine.db
setup() {
    local db=$PRISTINE
    "$PAIRAID" --db "$db" demo >/dev/null || return 1
    "$PA_SOURCE_DIR/scripts/demo-users" "$PAIRAID" "$db" >/dev/null || return 1
    printf 'code,project,supplier,category,amount,signed,procurement\nLT-C1,LYG-MS-041,WX-GOV,works,100000.00,2024-01-10,public_tender\n' >facts-contracts.csv
    printf 'project,posted,until,place\nLYG-MS-041,2024-01-01,2024-01-15,村务公开栏\n' >facts-notices.csv
    printf 'project,name,unit,baseline,target,actual\nLYG-MS-041,受益学生,人,0,500,480\n' >facts-indicators.csv
    printf 'project,year,agreed,settled\nLYG-PARK-HUIYU,2023,10,9.5\n' >facts-revenue_shares.csv
    local kind
    for kind in contracts notices indicators revenue_shares; do
        "$PAIRAID" --db "$db" import $kind facts-$kind.csv >/dev/null || return 1
    done
    # updates of facts already recorded
    printf 'project,name,unit,baseline,target,actual\nLYG-MS-041,受益学生,人,0,500,490\n' >facts-indicators.csv
    printf 'project,year,agreed,settled\nLYG-PARK-HUIYU,2023,10,9.8\n' >facts-revenue_shares.csv
    for kind in indicators revenue_shares; do
        "$PAIRAID" --db "$db" import $kind facts-$kind.csv >/dev/null || return 1
    done
    "$PAIRAID" --db "$db" project advance LYG-TECH-SPACEPORT approved >/dev/null || return 1
    # an account of a county-level pairing, opened and closed: WX-LYG's log
    printf 'code,name,kind,region,pairing,project\nLT-POOL-GY,测试资金池,pool,320707,WX-LYG-HS-GY,\n' >accounts.csv
    "$PAIRAID" --db "$db" import accounts accounts.csv >/dev/null || return 1
    "$PAIRAID" --db "$db" account close LT-POOL-GY >/dev/null || return 1
    # a request approved, another rejected (the accounts are the pending transfer's)
    "$PAIRAID" --db "$db" --as admin transfer create --id LT-REQ-1 --pending \
        --from PRJ-LYG-PARK-HUIYU --to PAY-SYN-HOUSING-DH --amount 100 --date 2024-09-01 >/dev/null || return 1
    "$PAIRAID" --db "$db" --as admin transfer create --id LT-REQ-2 --pending \
        --from PRJ-LYG-PARK-HUIYU --to PAY-SYN-HOUSING-DH --amount 200 --date 2024-09-01 >/dev/null || return 1
    "$PAIRAID" --db "$db" --as wuxi.finance transfer post LT-REQ-1 --date 2024-09-02 >/dev/null || return 1
    "$PAIRAID" --db "$db" --as wuxi.finance transfer void LT-REQ-2 --date 2024-09-02 >/dev/null || return 1
    # across two pairings (the province's by the rule), and between two payees (no log)
    "$PAIRAID" --db "$db" transfer create --id LT-CROSS --from SRC-WX-CITY --to POOL-SZ-SQ \
        --amount 10 --date 2024-09-01 >/dev/null || return 1
    "$PAIRAID" --db "$db" transfer create --id LT-PAYEES --from PAY-SYN-HOUSING-DH \
        --to PAY-SYN-BUILD-DH --amount 1 --date 2024-09-03 >/dev/null || return 1
    # users are the province's
    printf 'pw-lt-officer-1\n' | "$PAIRAID" --db "$db" user add lt.officer --role recipient --region 320707 >/dev/null || return 1
    "$PAIRAID" --db "$db" user change lt.officer --role recipient --region 320722 >/dev/null || return 1
    "$PAIRAID" --db "$db" user disable lt.officer >/dev/null || return 1
    "$PAIRAID" --db "$db" user enable lt.officer >/dev/null || return 1
    # the joint audit: measures, runs at two dates (findings opened, then updated or
    # cleared), a response
    printf '[payments]\napproval_threshold = 80000\n' >measures.ini
    "$PAIRAID" --db "$db" measures propose --pairing WX-LYG measures.ini >/dev/null || return 1
    "$PAIRAID" --db "$db" --as wuxi.finance measures approve --pairing WX-LYG 1 >/dev/null || return 1
    "$PAIRAID" --db "$db" --as donghai.office measures approve --pairing WX-LYG 1 >/dev/null || return 1
    "$PAIRAID" --db "$db" audit run --as-of 2024-09-10 --pairing WX-LYG >/dev/null || return 1
    "$PAIRAID" --db "$db" audit run --as-of 2024-09-10 --pairing SZ-SQ >/dev/null || return 1
    local first day
    first=$(sqlite3 "$db" "select id from findings where pairing = 'WX-LYG' order by id limit 1")
    "$PAIRAID" --db "$db" audit respond "$first" --action explain --note 已整改 >/dev/null || return 1
    for day in 2023-01-01 2024-03-01; do # the books as they stood earlier: cleared, updated
        "$PAIRAID" --db "$db" audit run --as-of $day --pairing WX-LYG >/dev/null || return 1
    done
    # the assessment
    "$PAIRAID" --db "$db" assess scheme >scheme.ini
    "$PAIRAID" --db "$db" assess scheme add scheme.ini >/dev/null || return 1
    printf 'pairing,year,indicator,actual,source\nWX-LYG,2024,meetings,3,联席会议纪要\n' >scores.csv
    "$PAIRAID" --db "$db" import scores scores.csv >/dev/null || return 1
    printf 'pairing,year,indicator,actual,source\nWX-LYG,2024,meetings,4,联席会议纪要\n' >scores.csv
    "$PAIRAID" --db "$db" import scores scores.csv >/dev/null || return 1
    "$PAIRAID" --db "$db" assess run --year 2024 >/dev/null || return 1
}
if ! setup 2>setup.err; then
    echo "cannot build the books:" >&2
    cat setup.err >&2
    exit 1
fi
DB=$TMP/work.db

# Each case on a copy of the books.  On PostgreSQL (tests/pg/run) a copied file
# would be an SQLite database (tests/pg/pairaid-pg), so there the cases that need
# no edit of the file behind pairaid's back share the PostgreSQL books, in order,
# and those that do (sqlite_only) are left to the SQLite pass, as cli/tamper is.
if on_pg; then
    DB=$PRISTINE
    fresh() { :; }
else
    fresh() { cp "$PRISTINE" "$DB"; rm -f "$DB-wal" "$DB-shm"; }
fi
sqlite_only() { # NAME FUNCTION : run_case, on SQLite only
    if on_pg; then
        echo "ok - $1 # skip: edits the SQLite file behind pairaid's back"
    else
        run_case "$@"
    fi
}

# expect_checker WHAT ARGS... : the Python checker agrees (exit 0), else its FAIL lines
expect_checker() {
    if ! "${CHECK[@]}" "$@" >"$TMP/.check" 2>&1; then
        fail "pairing_logs_check.py $1: $(grep -c '^FAIL' "$TMP/.check") difference(s)"
        show "$TMP/.check" checker
    fi
}

expect_stdout_lines_zero() { # the last command printed nothing
    [[ ! -s $OUT ]] || { fail "stdout should be empty"; show "$OUT" stdout; }
}

case_every_type() {
    local missing
    missing=$(sqlite3 "$PRISTINE" "with t(type) as (values ('pairing.create'), ('org.create'),
        ('user.add'), ('user.change'), ('user.disable'), ('user.enable'), ('score.create'),
        ('score.update'), ('scheme.add'), ('assess.run'), ('project.create'), ('project.advance'),
        ('milestone.create'), ('exchange.create'), ('contract.create'), ('notice.create'),
        ('indicator.create'), ('indicator.update'), ('revenue_share.create'),
        ('revenue_share.update'), ('account.create'), ('account.close'), ('transfer.create'),
        ('transfer.post'), ('transfer.void'), ('measures.propose'), ('measures.approve'),
        ('audit.run'), ('finding.open'), ('finding.respond'), ('finding.update'),
        ('finding.clear'))
        select group_concat(type, ' ') from t where type not in (select type from events)")
    expect_eq "event types the books lack" "" "$missing"
}
run_case "the books hold every kind of event the rule names" case_every_type

case_model() {
    fresh
    expect_checker model "$DB"
    expect_exit 0 "$PAIRAID" --db "$DB" log verify
}
run_case "every event is in the model's log; entries, sizes and roots of every log" case_model

case_edges() { # the rule's edges, spelled out (the model checks them all again)
    fresh
    local got
    got=$(sqlite3 "$DB" "select group_concat(json_extract(entry, '$.data.id') || '=' || log, ' ')
        from (select cast(entry as text) entry, log from events
              where json_extract(cast(entry as text), '$.data.id') in
                    ('LT-REQ-1', 'LT-REQ-2', 'LT-REQ-1:post', 'LT-REQ-2:void', 'LT-CROSS', 'LT-PAYEES')
              order by seq)")
    expect_eq "transfers' logs" \
        "LT-REQ-1=WX-LYG LT-REQ-2=WX-LYG LT-REQ-1:post=WX-LYG LT-REQ-2:void=WX-LYG LT-CROSS=* LT-PAYEES=*" "$got"
    got=$(sqlite3 "$DB" "select group_concat(type || '=' || log, ' ') from events
        where cast(entry as text) like '%\"LT-POOL-GY\"%' order by seq")
    expect_eq "a county pairing's account" "account.create=WX-LYG account.close=WX-LYG" "$got"
    got=$(sqlite3 "$DB" "select group_concat(distinct log) from events where type like 'user.%'
        or type like 'score.%' or type in ('scheme.add', 'assess.run', 'org.create', 'pairing.create')")
    expect_eq "the province's events" "*" "$got"
}
run_case "the rule's edges: pending transfers, two pairings, payees, a county's account" case_edges

case_proofs() {
    fresh
    expect_checker proofs "$DB"
}
run_case "every log's inclusion and consistency proofs verify (RFC 9162)" case_proofs

case_whole_log_unchanged() { # without --log: the whole log, as before
    fresh
    expect_exit 0 "$PAIRAID" --db "$DB" log entries --from 0 --count 3
    local want
    want=$(sqlite3 "$DB" "select group_concat(seq - 1, ',') from (select seq from events order by seq limit 3)")
    expect_eq "indexes of the whole log" "$want" "$(python3 -c 'import json,sys; print(",".join(str(json.loads(l)["index"]) for l in sys.stdin))' <"$OUT")"
    expect_stdout_no_match '"seq"'
    expect_exit 0 "$PAIRAID" --db "$DB" log checkpoint --key donor.key
    expect_stdout_line "pairaid/CZ-YC,NJ-HA,SZ-SQ,WX-LYG" # the codes of the pairings it holds
    expect_eq "its size" "$(event_count "$DB")" "$(sed -n 2p "$OUT")"
}
run_case "without --log everything is the whole log's, as before" case_whole_log_unchanged

# ---- signing one pairing's log ---------------------------------------------------------

head_of() { # DB LOG : "SIZE ROOT" of LOG in log heads
    "$PAIRAID" --db "$1" log heads | python3 -c '
import json, sys
for line in sys.stdin:
    h = json.loads(line)
    if h["log"] == sys.argv[1]:
        print(h["size"], h["root"])' "$2"
}

size_of() { local h; h=$(head_of "$@"); echo "${h%% *}"; }

# sign LOG KEY VERB NOTE SIGNERS [SIZE] : log VERB --log LOG --key KEY exits 0 and prints
# a note of LOG at SIZE (default: its size now) signed by SIGNERS, in order, all verifying
sign() {
    expect_exit 0 "$PAIRAID" --db "$DB" log "$3" --log "$1" --key "$2"
    cp "$OUT" "$4"
    expect_checker note "$DB" "$1" "$4" --keys trusted --signers "$5" ${6:+--size "$6"}
}

case_two_sides_sign() {
    fresh
    local before size sz
    sign WX-LYG donor.key checkpoint cp1.note wuxi.example/donor
    sign WX-LYG recipient.key cosign cp1b.note wuxi.example/donor,lyg.example/recipient
    expect_same_file <(head -n 3 cp1.note) <(head -n 3 cp1b.note)
    before=$(head_of "$DB" WX-LYG)
    size=${before%% *}
    sz=$(size_of "$DB" SZ-SQ)
    # another pairing's books grow: this one's tree does not move
    local i
    for i in 1 2 3; do
        expect_exit 0 "$PAIRAID" --db "$DB" transfer create --id LT-SZ-$i --from SRC-SZ-CITY \
            --to POOL-SZ-SQ --amount $i --date 2024-09-05
    done
    expect_eq "WX-LYG's head after SZ-SQ's transfers" "$before" "$(head_of "$DB" WX-LYG)"
    expect_eq "SZ-SQ's size" "$((sz + 3))" "$(size_of "$DB" SZ-SQ)"
    # so a witness co-signs WX-LYG's latest as it was
    sign WX-LYG auditor.key cosign cp1c.note \
        wuxi.example/donor,lyg.example/recipient,audit.example/witness "$size"
    # WX-LYG's books grow: a new checkpoint, and the recipient's witness check
    # (consistency from what it signed of WX-LYG) passes
    expect_exit 0 "$PAIRAID" --db "$DB" transfer create --id LT-WX-1 --from SRC-WX-CITY \
        --to POOL-WX-LYG --amount 5 --date 2024-09-06
    expect_eq "WX-LYG's size" "$((size + 1))" "$(size_of "$DB" WX-LYG)"
    sign WX-LYG donor.key checkpoint cp2.note wuxi.example/donor
    sign WX-LYG recipient.key cosign cp2b.note wuxi.example/donor,lyg.example/recipient
    sign '*' province.key checkpoint province.note js.example/province
    local heads
    heads=$(sqlite3 "$DB" "select group_concat(log || ':' || key_name || ':' || size, ' ') from
        (select * from key_heads where log <> '' order by log, key_name)")
    expect_eq "key_heads, per log" "*:js.example/province:$(size_of "$DB" '*') WX-LYG:audit.example/witness:$size WX-LYG:lyg.example/recipient:$((size + 1)) WX-LYG:wuxi.example/donor:$((size + 1))" "$heads"
    expect_checker model "$DB" --keys trusted
    expect_exit 0 "$PAIRAID" --db "$DB" log verify --trust trusted
    expect_stdout_match '^verified: '
    # the witness's last tree and the new one: RFC 9162 consistency, checked here
    expect_checker proofs "$DB"
}
run_case "a pairing's two sides sign its log; another pairing's writes leave it alone" case_two_sides_sign

# What the witness remembers of one log is that log's: a fork or a rollback of
# WX-LYG is refused there, and SZ-SQ's checkpoints are co-signed as before.
witness_books() {
    fresh
    "$PAIRAID" --db "$DB" log checkpoint --log WX-LYG --key donor.key >/dev/null
    "$PAIRAID" --db "$DB" log cosign --log WX-LYG --key recipient.key >/dev/null
    "$PAIRAID" --db "$DB" log checkpoint --log SZ-SQ --key donor.key >/dev/null
    "$PAIRAID" --db "$DB" log cosign --log SZ-SQ --key recipient.key >/dev/null
    "$PAIRAID" --db "$DB" transfer create --id LT-WX-2 --from SRC-WX-CITY --to POOL-WX-LYG \
        --amount 5 --date 2024-09-06 >/dev/null
    "$PAIRAID" --db "$DB" transfer create --id LT-SZ-9 --from SRC-SZ-CITY --to POOL-SZ-SQ \
        --amount 5 --date 2024-09-06 >/dev/null
    "$PAIRAID" --db "$DB" log checkpoint --log WX-LYG --key donor.key >/dev/null
    "$PAIRAID" --db "$DB" log checkpoint --log SZ-SQ --key donor.key >/dev/null
}

expect_refused() { # LOG WHY : the recipient's cosign of LOG is refused, nothing signed
    local n
    n=$(sqlite3 "$DB" "select count(*) || ':' || sum(length(note)) from checkpoints")
    expect_exit 3 "$PAIRAID" --db "$DB" log cosign --log "$1" --key recipient.key
    expect_stderr_match "^pairaid: refused: .*'lyg.example/recipient'.* \\($2\\)\$"
    expect_eq "checkpoints after a refused cosign" "$n" \
        "$(sqlite3 "$DB" "select count(*) || ':' || sum(length(note)) from checkpoints")"
}

case_witness_fork_per_log() {
    witness_books
    sqlite3 "$DB" "update key_heads set size = size - 3, root = randomblob(32)
        where log = 'WX-LYG' and key_name = 'lyg.example/recipient'"
    expect_refused WX-LYG "a fork"
    sign SZ-SQ recipient.key cosign sz.note wuxi.example/donor,lyg.example/recipient
}
sqlite_only "the witness refuses a fork of one log and co-signs another's" case_witness_fork_per_log

case_witness_rollback_per_log() {
    witness_books
    sqlite3 "$DB" "update key_heads set size = size + 10
        where log = 'WX-LYG' and key_name = 'lyg.example/recipient'"
    expect_refused WX-LYG "a rollback"
    sign SZ-SQ recipient.key cosign sz.note wuxi.example/donor,lyg.example/recipient
}
sqlite_only "the witness refuses a rollback of one log and co-signs another's" case_witness_rollback_per_log

# The whole log untouched, one log's history rewritten behind pairaid's back by
# moving events between logs, and its stored tree (log_tiles) rebuilt to match:
# the witness of that log sees it.
case_witness_moved_events() {
    witness_books
    local sz
    sz=$(sqlite3 "$DB" "select min(seq) from events where log = 'SZ-SQ'")
    sqlite3 "$DB" "update events set log = 'WX-LYG' where seq = $sz"  # WX-LYG grows, rewritten
    "${CHECK[@]}" rebuild-tiles "$DB"                                  # and its tree with it
    "$PAIRAID" --db "$DB" log checkpoint --log WX-LYG --key donor.key >/dev/null
    expect_refused WX-LYG "a fork"
    fresh
    witness_books
    sqlite3 "$DB" "update events set log = '*' where seq in
        (select seq from events where log = 'WX-LYG' order by seq limit 2)" # WX-LYG shrinks
    "${CHECK[@]}" rebuild-tiles "$DB"
    "$PAIRAID" --db "$DB" log checkpoint --log WX-LYG --key donor.key >/dev/null
    expect_refused WX-LYG "a rollback"
}
sqlite_only "the witness refuses a log whose events were moved behind pairaid's back" case_witness_moved_events

# ---- tampering ---------------------------------------------------------------------------

signed_books() { # both sides signed WX-LYG's log; the province signed its own
    fresh
    "$PAIRAID" --db "$DB" log checkpoint --log WX-LYG --key donor.key >/dev/null
    "$PAIRAID" --db "$DB" log cosign --log WX-LYG --key recipient.key >/dev/null
    "$PAIRAID" --db "$DB" log checkpoint --log '*' --key province.key >/dev/null
    expect_exit 0 "$PAIRAID" --db "$DB" log verify --trust trusted
}

verify_names() { # REGEX : log verify exits 3 with one line matching REGEX
    expect_exit 3 "$PAIRAID" --db "$DB" log verify --trust trusted
    expect_stderr_lines 1
    expect_stderr_match "$1"
}

first_wx_transfer() {
    sqlite3 "$DB" "select min(seq) from events where log = 'WX-LYG' and type = 'transfer.create'"
}

case_moved_event() {
    fresh # the log's stored tree no longer matches its events
    local x
    x=$(first_wx_transfer)
    sqlite3 "$DB" "update events set log = 'SZ-SQ' where seq = $x"
    verify_names "^pairaid: table log_tiles \\(log '(SZ-SQ|WX-LYG)'\\): node \\(level 0, index [0-9]+\\) "
    fresh # the trees forged to match, no checkpoint of either log: the replay of log_of names it
    sqlite3 "$DB" "update events set log = 'SZ-SQ' where seq = $x"
    "${CHECK[@]}" rebuild-tiles "$DB"
    verify_names "^pairaid: event $x: table events, column log: it says 'SZ-SQ', but the event belongs to the log 'WX-LYG'\$"
    signed_books # WX-LYG signed: its checkpoint no longer holds
    x=$(first_wx_transfer)
    sqlite3 "$DB" "update events set log = 'SZ-SQ' where seq = $x"
    "${CHECK[@]}" rebuild-tiles "$DB"
    verify_names "^pairaid: checkpoint [0-9]+ has [0-9]+ entries but the log 'WX-LYG' holds only [0-9]+: events were taken out of it\$"
    signed_books # the newest WX-LYG event, after its checkpoint, into the province's
    expect_exit 0 "$PAIRAID" --db "$DB" transfer create --id LT-WX-3 --from SRC-WX-CITY \
        --to POOL-WX-LYG --amount 5 --date 2024-09-06
    x=$(event_count "$DB")
    sqlite3 "$DB" "update events set log = '*' where seq = $x"
    "${CHECK[@]}" rebuild-tiles "$DB"
    verify_names "^pairaid: event $x: table events, column log: it says '\\*', but the event belongs to the log 'WX-LYG'\$"
}
sqlite_only "an event moved to another log is named" case_moved_event

case_checkpoint_log_changed() {
    local to
    for to in "'SZ-SQ'" "NULL" "'*'"; do
        signed_books
        sqlite3 "$DB" "update checkpoints set log = $to where log = 'WX-LYG'"
        to=${to//\'/}
        verify_names "^pairaid: table checkpoints, checkpoint [0-9]+, column log: '${to/\*/\\*}' is not the log of its origin line 'pairaid/log/WX-LYG'\$"
    done
    signed_books # a whole-log checkpoint said to be a pairing's
    "$PAIRAID" --db "$DB" log checkpoint --key donor.key >/dev/null
    sqlite3 "$DB" "update checkpoints set log = 'WX-LYG' where log is null"
    verify_names "^pairaid: table checkpoints, checkpoint [0-9]+, column log: 'WX-LYG' is not the log of its origin line 'pairaid/CZ-YC,NJ-HA,SZ-SQ,WX-LYG'\$"
}
sqlite_only "a checkpoint's log column changed is named" case_checkpoint_log_changed

case_key_heads_altered() {
    signed_books
    sqlite3 "$DB" "update key_heads set size = size - 1 where log = 'WX-LYG' and key_name = 'lyg.example/recipient'"
    verify_names "^pairaid: table key_heads, key 'lyg.example/recipient': "
    signed_books
    sqlite3 "$DB" "update key_heads set root = randomblob(32) where log = 'WX-LYG' and key_name = 'wuxi.example/donor'"
    verify_names "^pairaid: table key_heads, key 'wuxi.example/donor': "
    signed_books # the row moved to another log: WX-LYG's signer has none
    sqlite3 "$DB" "update key_heads set log = 'SZ-SQ' where log = 'WX-LYG' and key_name = 'lyg.example/recipient'"
    verify_names "lyg.example/recipient"
    signed_books # a row for a log the key never signed
    sqlite3 "$DB" "insert into key_heads select 'CZ-YC', key_name, verifier, size, root
        from key_heads where log = 'WX-LYG' and key_name = 'lyg.example/recipient'"
    verify_names "lyg.example/recipient"
    signed_books
    sqlite3 "$DB" "delete from key_heads where log = '*'"
    verify_names "js.example/province"
}
sqlite_only "a key_heads row of a log altered is named" case_key_heads_altered

case_rewritten_event() {
    signed_books
    local x
    x=$(first_wx_transfer)
    sqlite3 "$DB" "update events set entry = cast(replace(cast(entry as text), '\"memo\":\"', '\"memo\":\"改') as blob) where seq = $x"
    verify_names "^pairaid: event $x no longer matches its leaf hash"
    # the same, with the whole log's tree and WX-LYG's forged to match (the whole log
    # has no checkpoint here): only WX-LYG's checkpoint, signed by both sides, still knows
    signed_books
    sqlite3 "$DB" "update events set entry = cast(replace(cast(entry as text), '\"memo\":\"', '\"memo\":\"改') as blob) where seq = $x"
    "${CHECK[@]}" rebuild-tiles "$DB"
    local cp
    cp=$(sqlite3 "$DB" "select id from checkpoints where log = 'WX-LYG'")
    verify_names "^pairaid: checkpoint $cp \\(size [0-9]+\\) no longer matches the tree of the events\$"
    # and no one signs the rewritten log again: the province log holds its head at that size
    local n
    n=$(sqlite3 "$DB" "select count(*) from checkpoints")
    expect_exit 3 "$PAIRAID" --db "$DB" log checkpoint --log WX-LYG --key donor.key
    expect_stderr_match "^pairaid: refused: the province log records the log 'WX-LYG' at size [0-9]+ with another root \\(a fork\\)\$"
    expect_eq "checkpoints after the refusal" "$n" "$(sqlite3 "$DB" "select count(*) from checkpoints")"
}
sqlite_only "a rewritten event of a pairing's log is named" case_rewritten_event

# A city-level pairing with no books yet has a log all the same: empty, its root
# SHA-256 of nothing; it is signed at size 0 and co-signed as it grows.
case_new_pairing_empty_log() {
    fresh
    printf '%s\nTZ-XZ,泰州市—徐州市结对帮扶,321200,320300,2024-01-01,2025-12-31,,\n' "$PAIRINGS_HEADER" >tz.csv
    expect_exit 0 "$PAIRAID" --db "$DB" import pairings tz.csv
    expect_eq "the new log's head" "0 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" "$(head_of "$DB" TZ-XZ)"
    expect_exit 0 "$PAIRAID" --db "$DB" log entries --log TZ-XZ
    expect_stdout_lines_zero
    expect_exit 2 "$PAIRAID" --db "$DB" log prove --log TZ-XZ 0
    expect_exit 2 "$PAIRAID" --db "$DB" log cosign --log TZ-XZ --key recipient.key # nothing to co-sign
    sign TZ-XZ donor.key checkpoint tz0.note wuxi.example/donor 0
    sign TZ-XZ recipient.key cosign tz0b.note wuxi.example/donor,lyg.example/recipient 0
    printf 'code,name,kind,region,pairing,project\nTZ-POOL,泰徐资金池,pool,320300,TZ-XZ,\n' >tz-accounts.csv
    expect_exit 0 "$PAIRAID" --db "$DB" import accounts tz-accounts.csv
    expect_eq "the new log's size" 1 "$(size_of "$DB" TZ-XZ)"
    sign TZ-XZ donor.key checkpoint tz1.note wuxi.example/donor 1
    sign TZ-XZ recipient.key cosign tz1b.note wuxi.example/donor,lyg.example/recipient 1
    expect_checker model "$DB" --keys trusted
    expect_exit 0 "$PAIRAID" --db "$DB" log verify --trust trusted
}
run_case "a new pairing's log: empty, signed at size 0, co-signed as it grows" case_new_pairing_empty_log

# ---- bad input ------------------------------------------------------------------------------

# file_state DB : the database file's bytes and its write-ahead log's (a refused
# command leaves both as they were; an empty -wal, as a read leaves it, is none),
# and every log's head and latest checkpoint
file_state() {
    if ! on_pg; then
        sha256sum "$1"
        if [[ -s $1-wal ]]; then sha256sum "$1-wal"; fi
    fi
    "$PAIRAID" --db "$1" log heads # on PostgreSQL: what it holds, checkpoints included
}

# refused REGEX_EN REGEX_ZH ARGS... : `log ARGS` exits 2 with one message line, in
# English and with --lang zh in Chinese, and the database file is unchanged
refused() {
    local en=$1 zh=$2 before
    shift 2
    before=$(file_state "$DB")
    expect_exit 2 "$PAIRAID" --db "$DB" log "$@"
    expect_stderr_lines 1
    expect_stderr_match "$en"
    expect_stdout_lines_zero
    expect_exit 2 "$PAIRAID" --db "$DB" --lang zh log "$@"
    expect_stderr_lines 1
    expect_stderr_match "$zh"
    expect_eq "the database after 'log $*'" "$before" "$(file_state "$DB")"
}

case_bad_log_names() {
    fresh
    "$PAIRAID" --db "$DB" log checkpoint --log WX-LYG --key donor.key >/dev/null
    local nope="^pairaid: log: no log 'NOPE': a log is a city-level pairing's code, or '\\*' for the province's\$"
    local nope_zh='^pairaid: log: 没有日志“NOPE”：日志名是市级结对的代码，省级日志为“\*”$'
    local county="^pairaid: log: pairing 'WX-LYG-HS-GY' is not city-level: its events are in the log of 'WX-LYG'\$"
    local county_zh='^pairaid: log: 结对“WX-LYG-HS-GY”不是市级结对：其事件记在“WX-LYG”的日志中$'
    local args
    for args in "entries" "prove 0" "consistency 1 2" "checkpoint --key donor.key" \
        "cosign --key recipient.key"; do
        # shellcheck disable=SC2086 # the words of args are the command's
        refused "$nope" "$nope_zh" $args --log NOPE
        # shellcheck disable=SC2086
        refused "$county" "$county_zh" $args --log WX-LYG-HS-GY
    done
    # codes are compared exactly; a project's code is no log; nor is an empty name
    refused "no log 'wx-lyg'" '没有日志“wx-lyg”' entries --log wx-lyg
    refused "no log 'LYG-MS-041'" '没有日志“LYG-MS-041”' checkpoint --log LYG-MS-041 --key donor.key
    refused "no log ''" '没有日志“”' entries --log ''
    local verb
    for verb in verify heads "export $TMP/bundle-x"; do
        # shellcheck disable=SC2086
        refused '^pairaid: option --log NAME goes with log checkpoint, cosign, entries, prove and consistency' \
            '^pairaid: 选项 --log NAME 只能用于 log checkpoint、cosign、entries、prove 和 consistency' \
            $verb --log WX-LYG
    done
    [[ ! -e $TMP/bundle-x ]] || fail "log export --log wrote a bundle"
    # words the command does not take are refused, not ignored
    refused '^pairaid: usage: pairaid log heads ' '^pairaid: 用法：pairaid log heads' heads WX-LYG
    refused '^pairaid: usage: pairaid log entries ' '^pairaid: 用法：pairaid log entries' \
        entries WX-LYG --count 1
    # numbers are the log's, not the whole log's: an index or size the whole log
    # has but WX-LYG does not
    local n
    n=$(size_of "$DB" WX-LYG)
    refused "^pairaid: index: index $n is not below the tree size $n\$" "索引 $n 不小于树的规模 $n" \
        prove --log WX-LYG "$n"
    refused "^pairaid: size: size $((n + 1)) is larger than the log \\($n entries\\)\$" "$((n + 1))" \
        prove --log WX-LYG 0 --size $((n + 1))
    refused "^pairaid: to: to $((n + 1)) is larger than the log \\($n entries\\)\$" "$((n + 1))" \
        consistency --log WX-LYG 1 $((n + 1))
}
run_case "--log with an unknown, a county-level or no name, or with verify|heads|export: exit 2, nothing changed" case_bad_log_names

# ---- databases from before the logs -----------------------------------------------------------

case_logs_assigned_at_first_write() {
    fresh
    local want
    want=$(sqlite3 "$DB" "select group_concat(seq || '=' || log, ' ') from (select seq, log from events order by seq)")
    sqlite3 "$DB" "update events set log = null"
    expect_exit 0 "$PAIRAID" --db "$DB" log checkpoint --log '*' --key province.key
    expect_eq "every event's log, assigned again" "$want" \
        "$(sqlite3 "$DB" "select group_concat(seq || '=' || log, ' ') from (select seq, log from events order by seq)")"
    expect_checker model "$DB" --keys trusted
    expect_exit 0 "$PAIRAID" --db "$DB" log verify --trust trusted
}
sqlite_only "events without a log get theirs at the first write" case_logs_assigned_at_first_write

# A database as pairaid left it before migration 012: no events.log, checkpoints of
# the whole log only, key_heads without a log.  The first write upgrades it.
case_schema_11() {
    fresh
    "$PAIRAID" --db "$DB" log checkpoint --key donor.key >/dev/null
    "$PAIRAID" --db "$DB" log cosign --key recipient.key >/dev/null
    local want kh
    want=$(sqlite3 "$DB" "select group_concat(seq || '=' || log, ' ') from (select seq, log from events order by seq)")
    kh=$(sqlite3 "$DB" "select group_concat(key_name || ':' || size || ':' || hex(root), ' ') from key_heads")
    sqlite3 "$DB" "DROP INDEX events_by_log; ALTER TABLE events DROP COLUMN log;
        ALTER TABLE checkpoints DROP COLUMN log;
        CREATE TABLE key_heads_11 (key_name TEXT PRIMARY KEY, verifier TEXT NOT NULL,
            size INTEGER NOT NULL, root BLOB NOT NULL) STRICT, WITHOUT ROWID;
        INSERT INTO key_heads_11 SELECT key_name, verifier, size, root FROM key_heads WHERE log = '';
        DROP TABLE key_heads; ALTER TABLE key_heads_11 RENAME TO key_heads;
        DROP TABLE log_tiles; DROP TABLE log_heads;
        PRAGMA user_version = 11;"
    expect_exit 1 "$PAIRAID" --db "$DB" log heads # reading never upgrades
    expect_stderr_match 'schema version 11 of 12'
    local n
    n=$(event_count "$DB")
    expect_exit 0 "$PAIRAID" --db "$DB" log checkpoint --log WX-LYG --key donor.key
    expect_eq "every event's log after the upgrade" "$want" \
        "$(sqlite3 "$DB" "select group_concat(seq || '=' || log, ' ') from (select seq, log from events where seq <= $n order by seq)")"
    expect_eq "what the pairing's checkpoint added" "log.head=*" \
        "$(sqlite3 "$DB" "select group_concat(type || '=' || log, ' ') from events where seq > $n")"
    expect_eq "the whole log's key_heads" "$kh" "$(sqlite3 "$DB" "select group_concat(key_name || ':' || size || ':' || hex(root), ' ') from key_heads where log = ''")"
    expect_eq "the old checkpoint is the whole log's" "" "$(sqlite3 "$DB" "select log from checkpoints where id = 1")"
    expect_checker model "$DB" --keys trusted
    expect_exit 0 "$PAIRAID" --db "$DB" log verify --trust trusted
    # the witness of the whole log still remembers what it signed
    expect_exit 0 "$PAIRAID" --db "$DB" log checkpoint --key donor.key
    expect_exit 0 "$PAIRAID" --db "$DB" log cosign --key recipient.key
}
sqlite_only "a database of schema 11 gets every log at its first write" case_schema_11

# ---- bundles ---------------------------------------------------------------------------------

case_bundle() {
    signed_books
    "$PAIRAID" --db "$DB" log checkpoint --key donor.key >/dev/null # and one of the whole log
    rm -rf bundle restored.db
    expect_exit 0 "$PAIRAID" --db "$DB" log export bundle
    local f origins=""
    for f in bundle/checkpoint-*.txt; do
        origins+="$(head -n 1 "$f")"$'\n'
    done
    origins=$(sort -u <<<"${origins%$'\n'}" | paste -sd ' ')
    expect_eq "the origins of the bundle's checkpoints" \
        "$(sqlite3 "$DB" "select distinct origin from checkpoints" | sort | paste -sd ' ')" "$origins"
    [[ " $origins " == *" pairaid/log/* "* && " $origins " == *" pairaid/log/WX-LYG "* ]] ||
        fail "the bundle lacks the checkpoints of WX-LYG's log or the province's: $origins"
    expect_eq "the bundle's checkpoints" "$(sqlite3 "$DB" "select count(*) from checkpoints")" \
        "$(find bundle -name 'checkpoint-*.txt' | wc -l)"
    expect_exit 0 "$PAIRAID" log verify --bundle bundle --trust trusted
    expect_exit 0 "$PAIRAID" log verify --bundle bundle --trust trusted --restore restored.db
    expect_eq "log heads of the restored books" "$("$PAIRAID" --db "$DB" log heads)" \
        "$("$PAIRAID" --db restored.db log heads)"
    local q="select group_concat(seq || '=' || log, ' ') from (select seq, log from events order by seq)"
    expect_eq "every event's log, restored" "$(sqlite3 "$DB" "$q")" "$(sqlite3 restored.db "$q")"
    q="select group_concat(log || ':' || key_name || ':' || size || ':' || hex(root), ' ') from (select * from key_heads order by log, key_name)"
    expect_eq "key_heads, restored" "$(sqlite3 "$DB" "$q")" "$(sqlite3 restored.db "$q")"
    expect_checker model restored.db --keys trusted
    expect_exit 0 "$PAIRAID" --db restored.db log verify --trust trusted
    # a pairing's checkpoint in the bundle, its root changed: refused, nothing restored
    rm -rf edited && cp -r bundle edited
    sed -i '3s/^./A/; 3s/^AA/BA/' edited/checkpoint-0001.txt
    expect_exit 3 "$PAIRAID" log verify --bundle edited --trust trusted --restore edited.db
    [[ ! -e edited.db ]] || fail "a refused bundle left edited.db behind"
}
run_case "a bundle keeps every log and its checkpoints; --restore gives the same heads" case_bundle

finish
