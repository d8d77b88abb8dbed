#!/usr/bin/env bash
# assess.sh - the yearly assessment from the command line (DESIGN.md
# "assessment contract", docs/assessment.md): a bad scheme names its file and
# line and changes nothing; scores are weight x min(actual / target, cap) and
# totals add up; tiers keep their share limits and their "no open error"
# rule; ties go by the tie-break; the published result is an event that
# replay rebuilds; and only assessors manage schemes and scores.
source "$(dirname "$0")/lib.bash"

cd "$TMP" || exit 1
BASE=$(demo_db base)
"$PA_SOURCE_DIR/scripts/demo-users" "$PAIRAID" "$BASE" >/dev/null
DB=$TMP/work.db
fresh() { cp "$BASE" "$DB"; rm -f "$DB-wal" "$DB-shm"; }

# The demo holds the province's four city pairings (WX-LYG, NJ-HA, SZ-SQ,
# CZ-YC), each with its books.  Two more, with no books at all, for exact ties.
add_pairings() {
    cat >pairings.csv <<'EOF'
code,name,donor,recipient,start_date,source
T1-TEST,测试结对甲（无账目）,320600,320300,2022-01-01,synthetic
T2-TEST,测试结对乙（无账目）,321100,321200,2022-01-01,synthetic
EOF
    "$PAIRAID" --db "$DB" import pairings pairings.csv >/dev/null || fail "cannot add pairings"
}
open_errors() { # PAIRING
    sqlite3 "$DB" "select count(*) from findings where pairing = '$1' and severity = 'error' and status = 'open'"
}

# Two manual indicators: what each pairing scores is exactly what we give it.
cat >two.ini <<'EOF'
[scheme]
name = 测试方案
cap = 1.2
bonus_max = 5
penalty_per_error = 2

[tier.1]
name = 第一等次
min_total = 90
max_share = 50
no_open_errors = true

[tier.2]
min_total = 60

[tier.3]
min_total = 0

[work]
area = organisation
weight = 60
metric = manual
target = 10

[survey]
area = innovation
weight = 40
metric = manual
target = 4
cap = 1.5
EOF

scores() { # PAIRING WORK SURVEY [BONUS] : the bonus replaces the demo's (0 if not given)
    printf 'pairing,year,indicator,actual,source\n%s,2024,work,%s,台账\n%s,2024,survey,%s,问卷\n' \
        "$1" "$2" "$1" "$3" >"scores-$1.csv"
    printf '%s,2024,bonus,%s,省委表彰\n' "$1" "${4:-0}" >>"scores-$1.csv"
    "$PAIRAID" --db "$DB" --as province.assess import scores "scores-$1.csv" >/dev/null ||
        fail "cannot import the scores of $1"
}

case_arithmetic_and_tiers() {
    fresh
    scores WX-LYG 10 5 3    # 60 + 40 x min(5/4, 1.5) = 110, + 3 bonus = 113
    scores NJ-HA 12 4       # 60 x min(1.2, 1.2) = 72 + 40 = 112
    scores SZ-SQ 9.5 3      # 57 + 30 = 87: under tier 1's 90
    scores CZ-YC 12 4 9     # 72 + 40 + min(9, 5) = 117: but tier 1 holds 50 % of 4 = 2
    expect_exit 0 "$PAIRAID" --db "$DB" --as province.assess assess run --year 2024 --scheme two.ini
    expect_exit 0 "$PAIRAID" --db "$DB" assess ranking --year 2024 --format csv
    # the last column is the tie-break, each pair's share of 2024's money spent (the books')
    expect_eq "ranking" "pairing,name,base,bonus,penalty,total,tier,rank,spent_share
CZ-YC,常州市—盐城市结对帮扶,112.00,5.00,0.00,117.00,1,1,S
WX-LYG,无锡市—连云港市结对帮扶,110.00,3.00,0.00,113.00,1,2,S
NJ-HA,南京市—淮安市结对帮扶,112.00,0.00,0.00,112.00,2,1,S
SZ-SQ,苏州市—宿迁市结对帮扶,87.00,0.00,0.00,87.00,2,2,S" "$(sed -E 's/^([A-Z].*,)[0-9]+\.[0-9]{2}$/\1S/' "$OUT")"
    expect_exit 0 "$PAIRAID" --db "$DB" assess scores --year 2024 --pairing WX-LYG --format csv
    expect_stdout_line 'WX-LYG,organisation,work,60.00,manual,10.00,10.00,60.00,manual=台账'
    expect_stdout_line 'WX-LYG,innovation,survey,40.00,manual,5.00,4.00,50.00,manual=问卷'
    expect_exit 0 "$PAIRAID" --db "$DB" log verify
}
run_case "scores, bonus, caps, tiers with their share limit" case_arithmetic_and_tiers

case_ties_and_open_errors() {
    fresh
    add_pairings
    local p
    for p in WX-LYG NJ-HA SZ-SQ CZ-YC T1-TEST T2-TEST; do scores $p 10 4; done
    # an open error finding keeps WX-LYG out of tier 1 and costs 2 points (its own
    # planted problems are warnings; the other pairs' books hold errors of their own)
    printf 'id,date,from,to,amount,project,purpose\nTIE-CAR,2024-05-05,PRJ-LYG-MS-052,PAY-SYN-HOUSING-DH,10.00,LYG-MS-052,vehicles\n' >car.csv
    "$PAIRAID" --db "$DB" import transfers car.csv >/dev/null
    "$PAIRAID" --db "$DB" audit run --as-of 2024-09-10 >/dev/null
    expect_eq "WX-LYG's open errors: the car" 1 "$(open_errors WX-LYG)"
    expect_exit 0 "$PAIRAID" --db "$DB" assess run --year 2024 --scheme two.ini
    expect_exit 0 "$PAIRAID" --db "$DB" assess ranking --year 2024 --format csv
    # equal totals, equal tie-break (no money): the codes decide, for the same bytes every time
    expect_stdout_line "T1-TEST,测试结对甲（无账目）,100.00,0.00,0.00,100.00,1,1,0.00"
    expect_stdout_line "T2-TEST,测试结对乙（无账目）,100.00,0.00,0.00,100.00,1,2,0.00"
    # tier 1 holds 50 % of 6 = 3, but only pairs without an open error
    expect_stdout_match "^WX-LYG,[^,]*,100.00,0.00,2.00,98.00,2,1,"
    local e nj sz
    for p in NJ-HA SZ-SQ CZ-YC; do
        e=$(open_errors $p)
        ((e > 0)) || fail "$p has no open error of its own"
        expect_stdout_match "^$p,[^,]*,100.00,0.00,$((e * 2)).00,$((100 - e * 2)).00,2,"
    done
    # NJ-HA and SZ-SQ: equal totals (two errors each); the larger spent share ranks first
    expect_eq "NJ-HA and SZ-SQ tie" "$(grep '^NJ-HA,' "$OUT" | cut -d, -f6)" \
        "$(grep '^SZ-SQ,' "$OUT" | cut -d, -f6)"
    nj=$(grep '^NJ-HA,' "$OUT" | cut -d, -f8,9)
    sz=$(grep '^SZ-SQ,' "$OUT" | cut -d, -f8,9)
    if awk -v a="${nj#*,}" -v b="${sz#*,}" 'BEGIN { exit !(a + 0 > b + 0) }'; then
        expect_eq "the larger spent share first" "2 3" "${nj%,*} ${sz%,*}"
    else
        expect_eq "the larger spent share first" "3 2" "${nj%,*} ${sz%,*}"
    fi
    cp "$OUT" first.csv
    expect_exit 0 "$PAIRAID" --db "$DB" assess run --year 2024 --scheme two.ini
    expect_exit 0 "$PAIRAID" --db "$DB" assess ranking --year 2024 --format csv
    expect_same_file first.csv "$OUT"
    expect_eq "two runs, two events" 2 \
        "$(sqlite3 "$DB" "select count(*) from events where type = 'assess.run'")"
}
run_case "exact ties go by the tie-break, then the code; open errors cost points and tier 1" \
    case_ties_and_open_errors

# The article's result follows from the demo's books: with the default scheme and
# the findings open at the end of 2024, 无锡—连云港 is first tier, first place.  The
# whole ranking is data/demo/README.md's (scripts/make-demo replays the arithmetic).
case_demo_ranks_wx_lyg_first() {
    fresh
    expect_exit 0 "$PAIRAID" --db "$DB" audit run --as-of 2024-12-31
    expect_exit 0 "$PAIRAID" --db "$DB" --as province.assess assess run --year 2024
    expect_exit 0 "$PAIRAID" --db "$DB" assess ranking --year 2024 --format csv
    expect_eq "the demo's 2024 ranking" "pairing,name,base,bonus,penalty,total,tier,rank,spent_share
WX-LYG,无锡市—连云港市结对帮扶,97.83,2.00,0.00,99.83,1,1,31.03
SZ-SQ,苏州市—宿迁市结对帮扶,86.46,1.00,4.00,83.46,2,1,65.14
NJ-HA,南京市—淮安市结对帮扶,79.68,0.00,4.00,75.68,2,2,67.27
CZ-YC,常州市—盐城市结对帮扶,57.65,0.00,6.00,51.65,3,1,67.76" "$(cat "$OUT")"
    local p
    for p in WX-LYG SZ-SQ NJ-HA CZ-YC; do
        grep -q "^| .* | \`$p\` .*$(grep "^$p," "$OUT" | cut -d, -f6)\*\*" \
            "$PA_SOURCE_DIR/data/demo/README.md" || fail "README's ranking differs for $p"
    done
    expect_eq "WX-LYG: no open error" 0 "$(open_errors WX-LYG)"
}
run_case "the demo's 2024 ranking puts 无锡—连云港 first tier, first place" \
    case_demo_ranks_wx_lyg_first

bad_scheme() { # NAME LINE COLUMN REGEX < FILE
    cat >"$1.ini"
    expect_exit 2 "$PAIRAID" --db "$DB" --as province.assess assess run --year 2024 --scheme "$1.ini"
    expect_row_error "$1.ini" "$2" "$3" "$4"
    expect_exit 2 "$PAIRAID" --db "$DB" --as province.assess assess scheme add "$1.ini"
    expect_row_error "$1.ini" "$2" "$3" "$4"
}

case_bad_schemes() {
    fresh
    local before
    before=$(event_count "$DB")
    sed 's/^weight = 40$/weight = 30/' two.ini | bad_scheme weights 25 weight 'add up to 90.00, not 100'
    sed 's/^metric = manual$/metric = happiness/' two.ini | bad_scheme metric 22 metric "unknown metric 'happiness'"
    sed '/^target = 10$/d' two.ini | bad_scheme target 19 target '\[work\] has no target'
    sed 's/^min_total = 60$/min_total = 95/' two.ini | bad_scheme tiers 13 min_total "tier 2's min_total must be below tier 1's"
    sed 's/^min_total = 0$/min_total = 10/' two.ini | bad_scheme last 16 min_total 'last tier'
    sed 's/^\[tier.2\]$/[tier.4]/' two.ini | bad_scheme gap 13 tier '\[tier.2\] is missing'
    sed 's/^\[tier.3\]$/[tier.x]/' two.ini | bad_scheme tiername 16 tier.x 'not a tier'
    sed 's/^cap = 1.5$/cap = 0.5/' two.ini | bad_scheme cap 30 cap 'cap of at least 1'
    sed 's/^target = 4$/target = four/' two.ini | bad_scheme number 29 target "'four' is not"
    sed 's/^area = innovation$/area = innovation\ncolour = red/' two.ini | bad_scheme key 27 colour "unknown key 'colour'"
    sed 's/^target = 4$/target = 4\ntarget = 5/' two.ini | bad_scheme twice 30 target 'given twice'
    printf 'weight = 100\n' | bad_scheme before 1 weight 'before any \[section\]'
    sed 's/^max_share = 50$/max_share = 150/' two.ini | bad_scheme share 10 max_share 'from 0 to 100'
    sed 's/^\[survey\]$/[bonus]/' two.ini | bad_scheme bonus 25 bonus 'not an indicator'
    expect_eq "events after bad schemes" "$before" "$(event_count "$DB")"
}
run_case "a bad scheme names its file, line and key; exit 2; nothing recorded" case_bad_schemes

case_roles_and_versions() {
    fresh
    expect_exit 0 "$PAIRAID" --db "$DB" assess scheme
    cp "$OUT" default.ini
    expect_stdout_match '^\[funds_transferred\]$'
    for who in wuxi.finance donghai.office audit.wxlyg; do
        expect_exit 2 "$PAIRAID" --db "$DB" --as $who assess run --year 2024
        expect_exit 2 "$PAIRAID" --db "$DB" --as $who assess scheme add two.ini
        printf 'pairing,year,indicator,actual,source\nWX-LYG,2024,work,10,台账\n' >s.csv
        expect_exit 2 "$PAIRAID" --db "$DB" --as $who import scores s.csv
    done
    printf 'pairing,year,indicator,actual,source\nWX-LYG-YX-DH,2024,work,10,台账\n' >county.csv
    expect_exit 2 "$PAIRAID" --db "$DB" import scores county.csv
    expect_row_error county.csv 2 pairing 'county pairing'
    expect_exit 0 "$PAIRAID" --db "$DB" --as province.assess assess scheme add two.ini
    expect_eq "version" 1 "$(cat "$OUT")"
    expect_exit 0 "$PAIRAID" --db "$DB" assess scheme
    expect_same_file two.ini "$OUT"
    expect_exit 0 "$PAIRAID" --db "$DB" --as province.assess assess run --year 2024
    expect_exit 0 "$PAIRAID" --db "$DB" assess scores --year 2024 --format csv
    local cities
    cities=$(sqlite3 "$DB" "select count(*) from pairings where parent is null")
    expect_eq "rows: 2 indicators of each city pairing" $((1 + 2 * cities)) "$(wc -l <"$OUT")"
    expect_exit 2 "$PAIRAID" --db "$DB" assess ranking --year 2023
    expect_stderr_match 'no assessment of 2023'
    # the published result is the log's: rebuilt from it, byte for byte
    "$PAIRAID" --db "$DB" assess ranking --year 2024 --format json >before.json
    expect_exit 0 "$PAIRAID" --db "$DB" rebuild
    "$PAIRAID" --db "$DB" assess ranking --year 2024 --format json >after.json
    expect_same_file before.json after.json
    expect_exit 0 "$PAIRAID" --db "$DB" log verify
}
run_case "only assessors manage schemes, scores and runs; a result is rebuilt from the log" \
    case_roles_and_versions

case_reproduced_from_a_bundle() {
    fresh
    "$PAIRAID" --db "$DB" audit run --as-of 2024-09-10 >/dev/null
    expect_exit 0 "$PAIRAID" --db "$DB" --as province.assess assess run --year 2024
    "$PAIRAID" --db "$DB" assess ranking --year 2024 --format csv >published.csv
    "$PAIRAID" --db "$DB" assess scores --year 2024 --format csv >published-scores.csv
    "$PAIRAID" key generate --name province.example -o p.key >p.vkey
    "$PAIRAID" --db "$DB" log checkpoint --key p.key >/dev/null
    expect_exit 0 "$PAIRAID" --db "$DB" log export bundle
    # an auditor with the files alone: a database of their own, verified against the key
    expect_exit 0 "$PAIRAID" log verify --bundle bundle --trust p.vkey --restore offline.db
    expect_exit 0 "$PAIRAID" --db offline.db assess ranking --year 2024 --format csv
    expect_same_file published.csv "$OUT"
    # and recomputed there from the same books and scheme: the same bytes
    expect_exit 0 "$PAIRAID" --db offline.db assess run --year 2024
    expect_exit 0 "$PAIRAID" --db offline.db assess scores --year 2024 --format csv
    expect_same_file published-scores.csv "$OUT"
    expect_exit 2 "$PAIRAID" log verify --bundle bundle --restore offline.db
    expect_stderr_match 'never overwritten'
    # a bundle that does not verify leaves no database behind
    sed -i 's/^[A-Za-z0-9+\/]/X/' bundle/keys
    expect_exit 3 "$PAIRAID" log verify --bundle bundle --trust p.vkey --restore bad.db
    [[ ! -e bad.db ]] || fail "a bundle that failed left bad.db"
}
run_case "a published ranking is reproduced from a log bundle, byte for byte" \
    case_reproduced_from_a_bundle

finish
