#!/usr/bin/env bash
# audit.sh - the joint audit from the command line (DESIGN.md "joint-audit
# contract", docs/audit.md): measures take force only with both sides'
# approval and a bad measures file changes nothing; the payment threshold of
# the measures holds in the ledger; finding ids stay the same across runs and
# a finding no longer found is cleared, never deleted; responses obey the role
# matrix; the audit's facts refuse bad rows; and the log verifies throughout.
# Which rule fires on what, at its thresholds, is tests/audit/property.py's.
source "$(dirname "$0")/lib.bash"

cd "$TMP" || exit 1
BASE=$(demo_db base)
"$PA_SOURCE_DIR/scripts/demo-users" "$PAIRAID" "$BASE" >/dev/null
DONOR=wuxi.finance RECIPIENT=donghai.office AUDITOR=audit.wxlyg ADMIN=admin
DB=$TMP/work.db
fresh() { cp "$BASE" "$DB"; rm -f "$DB-wal" "$DB-shm"; }

# Two planted violations in 东海县 (320722): a car bought from a project's
# account (negative_list) and a payment into an account of individuals
# (personal_account); paid by the local operator, whom no threshold binds.
plant() {
    cat >planted-orgs.csv <<'EOF'
code,name,region,kind,source
AUD-HOUSEHOLDS,洪庄镇受益农户（汇总）,320722,individuals,synthetic
EOF
    cat >planted-accounts.csv <<'EOF'
code,name,kind,region,org
PAY-AUD-CAR,东海县某汽车销售公司,payee,320722,
PAY-AUD-HH,洪庄镇受益农户（汇总）,payee,320722,AUD-HOUSEHOLDS
EOF
    cat >planted-transfers.csv <<'EOF'
id,date,from,to,amount,project,purpose
AUD-CAR-1,2024-05-05,PRJ-LYG-MS-052,PAY-AUD-CAR,1000.00,LYG-MS-052,vehicles
AUD-HH-1,2024-05-06,PRJ-LYG-MS-052,PAY-AUD-HH,5000.01,LYG-MS-052,works
AUD-HH-2,2024-05-07,PRJ-LYG-MS-052,PAY-AUD-HH,5000.00,LYG-MS-052,works
EOF
    "$PAIRAID" --db "$DB" import orgs planted-orgs.csv >/dev/null &&
        "$PAIRAID" --db "$DB" import accounts planted-accounts.csv >/dev/null &&
        "$PAIRAID" --db "$DB" import transfers planted-transfers.csv >/dev/null ||
        fail "cannot plant the violations"
}

finding_of() { # RULE KEY : the id of that finding
    sqlite3 "$DB" "select id from findings where rule = '$1' and key = '$2'"
}

case_measures_need_both_sides() {
    fresh
    printf '[payments]\napproval_threshold = 1000\n\n[idle_funds]\nenabled = false\n' >m.ini
    expect_exit 0 "$PAIRAID" --db "$DB" measures propose --pairing WX-LYG m.ini
    expect_eq "propose prints the version alone" 1 "$(cat "$OUT")"
    expect_exit 0 "$PAIRAID" --db "$DB" measures show --pairing WX-LYG
    expect_stdout_match '没有双方批准的资金管理办法'
    expect_exit 0 "$PAIRAID" --db "$DB" --as $DONOR measures approve --pairing WX-LYG 1
    expect_stdout_match '待另一方批准'
    expect_exit 0 "$PAIRAID" --db "$DB" --as $DONOR measures approve --pairing WX-LYG 1 # twice: no change
    expect_exit 0 "$PAIRAID" --db "$DB" measures show --pairing WX-LYG
    expect_stdout_match '适用默认值'
    for who in $AUDITOR $ADMIN province.assess; do
        expect_exit 2 "$PAIRAID" --db "$DB" --as $who measures approve --pairing WX-LYG 1
        expect_stderr_match 'donor-side and a recipient-side user'
    done
    expect_exit 2 "$PAIRAID" --db "$DB" measures approve --pairing WX-LYG 1 # the local operator is no side
    expect_exit 2 "$PAIRAID" --db "$DB" --as $RECIPIENT measures approve --pairing WX-LYG 2
    expect_stderr_match 'no measures version 2'
    expect_exit 0 "$PAIRAID" --db "$DB" --as $RECIPIENT measures approve --pairing WX-LYG 1
    expect_stdout_match '现已生效'
    expect_exit 0 "$PAIRAID" --db "$DB" measures show --pairing WX-LYG
    expect_stdout_line '; WX-LYG：现行资金管理办法第1版'
    expect_stdout_line 'approval_threshold = 1000'
    expect_exit 0 "$PAIRAID" --db "$DB" audit run --as-of 2024-09-10 --pairing WX-LYG
    expect_stdout_match '资金管理办法第1版'
    expect_eq "idle_funds is switched off" 0 \
        "$(sqlite3 "$DB" "select count(*) from findings where rule = 'idle_funds'")"
    expect_exit 0 "$PAIRAID" --db "$DB" log verify
}
run_case "measures take force only when both sides approved them" case_measures_need_both_sides

case_bad_measures_change_nothing() {
    fresh
    local before
    before=$(event_count "$DB")
    printf '[payments]\napproval_threshold = 1000\n[idle_funds]\nwarning_days = 180\nmystery = 1\n' >bad1.ini
    expect_exit 2 "$PAIRAID" --db "$DB" measures propose --pairing WX-LYG bad1.ini
    expect_row_error bad1.ini 5 mystery "unknown key 'mystery' in \[idle_funds\]"
    printf '; comment\n[idle_fund]\nenabled = true\n' >bad2.ini
    expect_exit 2 "$PAIRAID" --db "$DB" measures propose --pairing WX-LYG bad2.ini
    expect_row_error bad2.ini 2 idle_fund 'unknown section \[idle_fund\]'
    printf '[budget_overrun]\nwarning_percent = 90\nwarning_percent = 80\n' >bad3.ini
    expect_exit 2 "$PAIRAID" --db "$DB" measures propose --pairing WX-LYG bad3.ini
    expect_row_error bad3.ini 3 warning_percent 'given twice'
    printf '[budget_overrun]\nwarning_percent = 190\n' >bad4.ini
    expect_exit 2 "$PAIRAID" --db "$DB" measures propose --pairing WX-LYG bad4.ini
    expect_row_error bad4.ini 2 warning_percent 'percentage from 0 to 100'
    printf '[negative_list]\npurposes = debt, yachts\n' >bad5.ini
    expect_exit 2 "$PAIRAID" --db "$DB" measures propose --pairing WX-LYG bad5.ini
    expect_row_error bad5.ini 2 purposes 'payment purposes'
    printf '[slow_onward_transfer]\nenabled = perhaps\n' >bad6.ini
    expect_exit 2 "$PAIRAID" --db "$DB" measures propose --pairing WX-LYG bad6.ini
    expect_row_error bad6.ini 2 enabled 'not true or false'
    printf 'enabled = true\n' >bad7.ini
    expect_exit 2 "$PAIRAID" --db "$DB" measures propose --pairing WX-LYG bad7.ini
    expect_row_error bad7.ini 1 enabled 'before any \[section\]'
    printf '[payments]\nthis line has no equals sign\n' >bad8.ini
    expect_exit 2 "$PAIRAID" --db "$DB" measures propose --pairing WX-LYG bad8.ini
    expect_row_error bad8.ini 2 - 'key = value'
    { printf '[payments]\n; '; printf 'x%.0s' {1..200}; printf '\napproval_threshold = 5\n'; } >bad9.ini
    expect_exit 2 "$PAIRAID" --db "$DB" measures propose --pairing WX-LYG bad9.ini
    expect_row_error bad9.ini 2 - 'at most 197 bytes'
    expect_exit 2 "$PAIRAID" --db "$DB" measures propose --pairing WX-LYG missing.ini
    expect_eq "events after bad measures" "$before" "$(event_count "$DB")"
    expect_eq "measures stored" 0 "$(sqlite3 "$DB" 'select count(*) from measures')"
}
run_case "a bad measures file names its line and key, exits 2 and changes nothing" \
    case_bad_measures_change_nothing

# fuzz_ini found it: a last line of only blanks, without a newline, never ended
# the scan for section headers.
case_blank_last_line() {
    fresh
    printf '[payments]\napproval_threshold = 1000\n\t' >blank.ini
    expect_exit 0 timeout 20 "$PAIRAID" --db "$DB" measures propose --pairing WX-LYG blank.ini
    expect_eq "version" 1 "$(cat "$OUT")"
}
run_case "a measures file whose last line is blank and unterminated is read" case_blank_last_line

case_payment_threshold_is_the_ledgers() {
    fresh
    printf '[payments]\napproval_threshold = 1000\n' >m.ini
    "$PAIRAID" --db "$DB" measures propose --pairing WX-LYG m.ini >/dev/null
    "$PAIRAID" --db "$DB" --as $DONOR measures approve --pairing WX-LYG 1 >/dev/null
    "$PAIRAID" --db "$DB" --as $RECIPIENT measures approve --pairing WX-LYG 1 >/dev/null
    local pay=(transfer create --from PRJ-LYG-MS-052 --to PAY-SYN-HOUSING-DH --date 2024-09-20)
    expect_exit 2 "$PAIRAID" --db "$DB" --as $RECIPIENT "${pay[@]}" --id BIG-1 --amount 1000.01
    expect_stderr_match 'NEEDS_APPROVAL|donor to approve'
    expect_exit 0 "$PAIRAID" --db "$DB" --as $RECIPIENT "${pay[@]}" --id SMALL-1 --amount 1000.00
    expect_exit 0 "$PAIRAID" --db "$DB" --as $RECIPIENT "${pay[@]}" --id BIG-2 --amount 1000.01 \
        --pending
    expect_exit 0 "$PAIRAID" --db "$DB" --as $DONOR transfer post BIG-2 --id BIG-2-OK \
        --date 2024-09-21
    expect_exit 0 "$PAIRAID" --db "$DB" log verify
}
run_case "a recipient's payment above the measures' threshold needs the donor" \
    case_payment_threshold_is_the_ledgers

case_ids_stay_and_cleared_findings_stay() {
    fresh
    plant
    expect_exit 0 "$PAIRAID" --db "$DB" audit run --as-of 2024-09-10 --pairing WX-LYG
    local car hh
    car=$(finding_of negative_list AUD-CAR-1)
    hh=$(finding_of personal_account AUD-HH-1)
    [[ -n $car && -n $hh ]] || fail "the planted violations were not found: '$car' '$hh'"
    expect_eq "5000.00 is not over the limit" "" "$(finding_of personal_account AUD-HH-2)"
    expect_exit 0 "$PAIRAID" --db "$DB" audit findings --status all --format csv
    expect_eq "CSV columns" 'id,rule,severity,subject,amount,evidence,message,status,opened,updated' \
        "$(head -n 1 "$OUT")"
    expect_stdout_match "^$car,negative_list,error,LYG-MS-052,1000.00,AUD-CAR-1 PRJ-LYG-MS-052 PAY-AUD-CAR,\"[^\"]*车辆[^\"]*\",open,2024-09-10,2024-09-10$"
    cp "$OUT" first.csv
    expect_exit 0 "$PAIRAID" --db "$DB" audit run --as-of 2024-09-10 --pairing WX-LYG
    expect_stdout_match '新增0条、更新0条、已不再发现（销号）0条'
    expect_exit 0 "$PAIRAID" --db "$DB" audit findings --status all --format csv
    expect_same_file first.csv "$OUT"
    # before the car was bought, nothing of it is found: cleared, never deleted
    expect_exit 0 "$PAIRAID" --db "$DB" audit run --as-of 2024-05-04 --pairing WX-LYG
    expect_eq "cleared" cleared "$(sqlite3 "$DB" "select status from findings where id = '$car'")"
    expect_exit 0 "$PAIRAID" --db "$DB" audit findings --format csv
    expect_stdout_no_match "^$car,"
    expect_exit 0 "$PAIRAID" --db "$DB" audit run --as-of 2024-09-10 --pairing WX-LYG
    expect_eq "found again: the same id, open" "$car open" \
        "$(sqlite3 "$DB" "select id, status from findings where rule = 'negative_list' and key = 'AUD-CAR-1'" | tr '|' ' ')"
    expect_exit 0 "$PAIRAID" --db "$DB" audit show "$car"
    expect_stdout_match 'cleared'
    expect_exit 2 "$PAIRAID" --db "$DB" audit run --as-of 2024-02-30 --pairing WX-LYG
    expect_exit 0 "$PAIRAID" --db "$DB" log verify
    # the projection rebuilt from the log is the same
    sqlite3 "$DB" "select * from findings order by id" >before.txt
    expect_exit 0 "$PAIRAID" --db "$DB" rebuild
    sqlite3 "$DB" "select * from findings order by id" >after.txt
    expect_same_file before.txt after.txt
}
run_case "a finding keeps its id; one no longer found is cleared, and found again reopens" \
    case_ids_stay_and_cleared_findings_stay

case_responses_obey_roles() {
    fresh
    plant
    expect_exit 2 "$PAIRAID" --db "$DB" --as $RECIPIENT audit run --as-of 2024-09-10 --pairing WX-LYG
    expect_stderr_match 'run by its auditors'
    expect_exit 2 "$PAIRAID" --db "$DB" --as $DONOR audit run --as-of 2024-09-10 --pairing WX-LYG
    expect_exit 0 "$PAIRAID" --db "$DB" --as $AUDITOR audit run --as-of 2024-09-10 --pairing WX-LYG
    local id
    id=$(finding_of negative_list AUD-CAR-1)
    local respond=(audit respond "$id" --note 已退回购车款)
    expect_exit 2 "$PAIRAID" --db "$DB" --as $DONOR "${respond[@]}" --action acknowledge
    expect_exit 2 "$PAIRAID" --db "$DB" --as $AUDITOR "${respond[@]}" --action explain
    expect_exit 2 "$PAIRAID" --db "$DB" --as $RECIPIENT "${respond[@]}" --action resolve
    expect_stderr_match 'only the auditors'
    expect_exit 2 "$PAIRAID" --db "$DB" --as $RECIPIENT "${respond[@]}" --action approve
    expect_exit 2 "$PAIRAID" --db "$DB" --as $RECIPIENT audit respond "$id" --action explain --note ''
    expect_exit 2 "$PAIRAID" --db "$DB" --as $RECIPIENT audit respond F-9999 --action explain --note x
    expect_stderr_match "no finding 'F-9999'"
    expect_exit 0 "$PAIRAID" --db "$DB" --as $RECIPIENT "${respond[@]}" --action acknowledge
    printf 'receipt' >receipt.png
    printf 'receipt' >receipt.txt
    expect_exit 2 "$PAIRAID" --db "$DB" --as $RECIPIENT "${respond[@]}" --action explain \
        --attach receipt.txt
    expect_exit 0 "$PAIRAID" --db "$DB" --as $RECIPIENT "${respond[@]}" --action explain \
        --attach receipt.png
    expect_eq "the attachment is kept like a photo" "$(sha256sum <receipt.png | cut -c1-64).png" \
        "$(sqlite3 "$DB" "select attachment from finding_history where action = 'explain'")"
    expect_exit 2 "$PAIRAID" --db "$DB" --as $RECIPIENT "${respond[@]}" --action acknowledge
    expect_stderr_match 'is explained: it cannot take'
    expect_exit 0 "$PAIRAID" --db "$DB" --as $AUDITOR "${respond[@]}" --action reopen
    expect_exit 0 "$PAIRAID" --db "$DB" --as $AUDITOR "${respond[@]}" --action resolve
    expect_exit 0 "$PAIRAID" --db "$DB" audit show "$id"
    expect_stdout_match 'resolve +已销号 +audit.wxlyg: 已退回购车款'
    expect_eq "history" "opened acknowledge explain reopen resolve" \
        "$(sqlite3 "$DB" "select group_concat(action, ' ') from (select action from finding_history where finding = '$id' order by seq)")"
    # resolved findings leave the open list but stay in all
    expect_exit 0 "$PAIRAID" --db "$DB" audit findings --format csv
    expect_stdout_no_match "^$id,"
    expect_exit 0 "$PAIRAID" --db "$DB" audit findings --status resolved --format csv
    expect_stdout_match "^$id,"
    expect_exit 2 "$PAIRAID" --db "$DB" audit findings --status shut
    expect_exit 2 "$PAIRAID" --db "$DB" audit findings --rule idle_fund
    expect_exit 0 "$PAIRAID" --db "$DB" log verify
}
run_case "responses obey the role matrix and are history" case_responses_obey_roles

case_facts_refuse_bad_rows() {
    fresh
    local before
    before=$(event_count "$DB")
    printf 'code,project,supplier,category,amount,signed,procurement\nC-1,LYG-MS-041,NOBODY,works,10.00,2024-01-01,inquiry\n' >c.csv
    expect_exit 2 "$PAIRAID" --db "$DB" import contracts c.csv
    expect_row_error c.csv 2 supplier "unknown organisation 'NOBODY'"
    printf 'code,project,supplier,category,amount,signed,procurement\nC-1,LYG-MS-041,WX-GOV,works,10.00,2024-01-01,bribe\n' >c.csv
    expect_exit 2 "$PAIRAID" --db "$DB" import contracts c.csv
    expect_row_error c.csv 2 procurement 'bribe'
    printf 'project,posted,until,place\nLYG-MS-041,2024-01-10,2024-01-01,村务公开栏\n' >n.csv
    expect_exit 2 "$PAIRAID" --db "$DB" import notices n.csv
    expect_row_error n.csv 2 until 'before it was posted'
    printf 'project,year,agreed,settled\nLYG-MS-041,2023,10,9\n' >r.csv
    expect_exit 2 "$PAIRAID" --db "$DB" import revenue_shares r.csv
    expect_row_error r.csv 2 project 'not a co-built park'
    printf 'project,year,agreed,settled\nLYG-PARK-HUIYU,2023,101,9\n' >r.csv
    expect_exit 2 "$PAIRAID" --db "$DB" import revenue_shares r.csv
    expect_row_error r.csv 2 agreed 'at most 100'
    printf 'id,date,from,to,amount,purpose\nP-1,2024-03-05,PRJ-LYG-MS-052,PAY-SYN-HOUSING-DH,1.00,yachts\n' >t.csv
    expect_exit 2 "$PAIRAID" --db "$DB" import transfers t.csv
    expect_row_error t.csv 2 purpose 'yachts'
    printf 'id,date,from,to,amount,contract\nP-1,2024-03-05,PRJ-LYG-MS-052,PAY-SYN-HOUSING-DH,1.00,NO-SUCH\n' >t.csv
    expect_exit 2 "$PAIRAID" --db "$DB" import transfers t.csv
    expect_row_error t.csv 2 contract 'unknown contract'
    expect_exit 2 "$PAIRAID" --db "$DB" transfer create --id P-2 --from PRJ-LYG-MS-052 \
        --to PAY-SYN-HOUSING-DH --amount 1 --date 2024-01-05 --purpose 游艇
    expect_stderr_match 'unknown purpose'
    expect_eq "events after bad rows" "$before" "$(event_count "$DB")"
    expect_exit 0 "$PAIRAID" --db "$DB" transfer create --id P-2 --from PRJ-LYG-MS-052 \
        --to PAY-SYN-HOUSING-DH --amount 1 --date 2024-01-05 --purpose 车辆 --stage 尾款
    expect_eq "Chinese names are the codes" "vehicles final" \
        "$(sqlite3 "$DB" "select purpose || ' ' || stage from transfers where id = 'P-2'")"
    # an indicator's actual value comes later: an update, in the log
    printf 'project,name,unit,baseline,target\nLYG-MS-041,受益老人,人,0,700\n' >i.csv
    expect_exit 0 "$PAIRAID" --db "$DB" import indicators i.csv
    printf 'project,name,unit,baseline,target,actual\nLYG-MS-041,受益老人,人,0,700,690\n' >i.csv
    expect_exit 0 "$PAIRAID" --db "$DB" import indicators i.csv
    printf 'project,name,unit,baseline,target,actual\nLYG-MS-041,受益老人,人,0,800,690\n' >i.csv
    expect_exit 2 "$PAIRAID" --db "$DB" import indicators i.csv
    expect_row_error i.csv 2 target 'imports never overwrite'
    expect_eq "indicator" "70000|69000" \
        "$(sqlite3 "$DB" "select target, actual from indicators where project = 'LYG-MS-041' and name = '受益老人'")"
    expect_exit 0 "$PAIRAID" --db "$DB" log verify
}
run_case "the audit's facts refuse bad rows; an indicator's actual value is an update" \
    case_facts_refuse_bad_rows

finish
