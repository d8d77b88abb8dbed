#!/usr/bin/env bash
# ledger.sh - the fund ledger from the command line: accounts.csv and
# transfers.csv refused as the contract says (exit 2, line and column named,
# balances unchanged), transfers applied in file order against the balances the
# rows before them left, exact idempotency, two-phase approval with separation
# of duties, and the balance/statement/budget outputs.
source "$(dirname "$0")/lib.bash"

DB=$(demo_db ledger)
ACCOUNTS_HEADER='code,name,kind,region,pairing,project'
TRANSFERS_HEADER='id,date,from,to,amount,project,memo'

cat >"$TMP/accounts.csv" <<CSV
$ACCOUNTS_HEADER
SRC,无锡市本级帮扶资金,source,320200,WX-LYG,
POOL,帮扶资金池,pool,320700,WX-LYG,
CANTEEN,桃林食堂项目资金,project,320722,,LYG-MS-TAOLIN-CANTEEN
BUILDER,示例建筑公司,payee,320722,,
CSV
"$PAIRAID" --db "$DB" import accounts "$TMP/accounts.csv" >/dev/null || echo "setup failed"
cat >"$TMP/funds.csv" <<CSV
$TRANSFERS_HEADER
F1,2022-03-01,SRC,POOL,"120,000,000.00",,年度帮扶资金
F2,2022-07-15,POOL,CANTEEN,1400000,LYG-MS-TAOLIN-CANTEEN,食堂拨款
CSV
"$PAIRAID" --db "$DB" import transfers "$TMP/funds.csv" >/dev/null || echo "setup failed"
BASE=$(db_fingerprint "$DB")

rejected() { # KIND FILE
    expect_exit 2 "$PAIRAID" --db "$DB" import "$1" "$2"
    expect_stderr_all_prefixed
    expect_unchanged "$DB" "$BASE"
}

# ---- accounts.csv -------------------------------------------------------------

case_bad_accounts() {
    cat >bad_accounts.csv <<CSV
$ACCOUNTS_HEADER
A1,x,bank,320700,,
A2,x,pool,999999,,
A3,x,pool,320700,NOPE,
A4,x,project,320722,,
A5,x,pool,320700,,LYG-MS-TAOLIN-CANTEEN
A6,x,project,320703,,LYG-MS-TAOLIN-CANTEEN
POOL,另一个名字,pool,320700,WX-LYG,
A 7,x,pool,320700,,
CSV
    rejected accounts bad_accounts.csv
    expect_stderr_lines 8
    expect_row_error bad_accounts.csv 2 kind 'bank'
    expect_row_error bad_accounts.csv 3 region '999999'
    expect_row_error bad_accounts.csv 4 pairing 'NOPE'
    expect_row_error bad_accounts.csv 5 project 'names its project'
    expect_row_error bad_accounts.csv 6 project 'only accounts of kind project'
    expect_row_error bad_accounts.csv 7 region '320722'
    expect_row_error bad_accounts.csv 8 name 'already stored'
    expect_row_error bad_accounts.csv 9 code 'character'
}
run_case "bad accounts.csv rows" case_bad_accounts

# ---- transfers.csv --------------------------------------------------------------

case_bad_amounts() {
    cat >bad_amounts.csv <<CSV
$TRANSFERS_HEADER
B1,2023-01-01,POOL,CANTEEN,1.234,,
B2,2023-01-01,POOL,CANTEEN,-5,,
B3,2023-01-01,POOL,CANTEEN,abc,,
B4,2023-01-01,SRC,POOL,99999999999999999999.00,,
B5,2023-01-01,POOL,CANTEEN,0,,
B6,2023-02-30,POOL,CANTEEN,1,,
CSV
    rejected transfers bad_amounts.csv
    expect_stderr_lines 6
    expect_row_error bad_amounts.csv 2 amount 'decimals'
    expect_row_error bad_amounts.csv 3 amount 'negative'
    expect_row_error bad_amounts.csv 4 amount 'not an amount'
    expect_row_error bad_amounts.csv 5 amount 'too large'
    expect_row_error bad_amounts.csv 6 amount 'greater than zero'
    expect_row_error bad_amounts.csv 7 date 'exist'
}
run_case "bad amounts and dates" case_bad_amounts

case_bad_references() {
    cat >bad_refs.csv <<CSV
$TRANSFERS_HEADER
R1,2023-01-01,NOPE,CANTEEN,1,,
R2,2023-01-01,POOL,NOPE,1,,
R3,2023-01-01,POOL,POOL,1,,
R4,2023-01-01,POOL,CANTEEN,1,NOPE,
CSV
    rejected transfers bad_refs.csv
    expect_stderr_lines 4
    expect_row_error bad_refs.csv 2 from 'unknown account'
    expect_row_error bad_refs.csv 3 to 'unknown account'
    expect_row_error bad_refs.csv 4 to 'different accounts'
    expect_row_error bad_refs.csv 5 project 'unknown project'
}
run_case "unknown accounts, same account, unknown project" case_bad_references

# The third row would overspend because of the two before it in the same file.
case_overspend_after_earlier_rows() {
    cat >overspend.csv <<CSV
$TRANSFERS_HEADER
O1,2023-01-10,CANTEEN,BUILDER,600000,LYG-MS-TAOLIN-CANTEEN,一期
O2,2023-03-10,CANTEEN,BUILDER,700000,LYG-MS-TAOLIN-CANTEEN,二期
O3,2023-06-10,CANTEEN,BUILDER,100000.01,LYG-MS-TAOLIN-CANTEEN,三期
CSV
    rejected transfers overspend.csv
    expect_stderr_lines 1
    expect_row_error overspend.csv 4 amount "has 100,000.00 available, the transfer needs 100,000.01"
}
run_case "overspend at row N after earlier rows" case_overspend_after_earlier_rows

case_id_reused_with_other_content() {
    cat >reused.csv <<CSV
$TRANSFERS_HEADER
U1,2023-01-10,CANTEEN,BUILDER,1000,,
U1,2023-01-10,CANTEEN,BUILDER,1000,,
U1,2023-01-10,CANTEEN,BUILDER,1001,,
F1,2022-03-01,SRC,POOL,120000000.00,,另一个摘要
CSV
    rejected transfers reused.csv
    expect_stderr_lines 2
    expect_row_error reused.csv 4 amount "already recorded with a different amount"
    expect_row_error reused.csv 5 memo "already recorded with a different memo"
}
run_case "an id reused with other content (in the file and stored)" case_id_reused_with_other_content

case_idempotent_retry() {
    expect_exit 0 "$PAIRAID" --db "$DB" import transfers "$TMP/funds.csv"
    expect_stdout_match '0 条新增.* 2 条相同已跳过'
    expect_unchanged "$DB" "$BASE"
}
run_case "the same file again changes nothing" case_idempotent_retry

case_missing_column() {
    printf 'id,date,from,to\nM1,2023-01-01,POOL,CANTEEN\n' >missing.csv
    rejected transfers missing.csv
    expect_row_error missing.csv 1 amount 'missing required column'
}
run_case "missing amount column" case_missing_column

# ---- two-phase approvals -----------------------------------------------------------

case_separation_of_duties() {
    local db
    db=$TMP/duties.db
    cp "$DB" "$db"
    expect_exit 0 "$PAIRAID" --db "$db" --as 东海县项目办 transfer create --id REQ1 \
        --from CANTEEN --to BUILDER --amount 300000 --date 2023-05-01 --pending --expires 2023-12-31
    expect_exit 2 "$PAIRAID" --db "$db" --as 东海县项目办 transfer post REQ1 --date 2023-05-02
    expect_stderr_match "cannot approve"
    expect_exit 0 "$PAIRAID" --db "$db" --as 无锡财务 transfer post REQ1 --amount 250000 --date 2023-05-03
    expect_exit 0 "$PAIRAID" --db "$db" --as 无锡财务 transfer post REQ1 --amount 250000 --date 2023-05-03
    expect_stdout_match "already exists|已存在"
    expect_exit 2 "$PAIRAID" --db "$db" --as 无锡财务 transfer void REQ1 --date 2023-05-04
    expect_stderr_match "already posted"
    expect_exit 0 "$PAIRAID" --db "$db" balance --account CANTEEN --format csv
    expect_stdout_line "CANTEEN,250000.00,1400000.00,0.00,0.00,1150000.00"
    expect_exit 0 "$PAIRAID" --db "$db" balance --account CANTEEN --as-of 2023-05-01 --format csv
    expect_stdout_line "CANTEEN,0.00,1400000.00,300000.00,0.00,1400000.00"
    expect_eq "actors" "$(sqlite3 "$db" "select actor from events where type like 'transfer.%' order by seq desc limit 2" | tr '\n' ' ')" "无锡财务 东海县项目办 "
}
run_case "separation of duties, partial post, idempotent approval" case_separation_of_duties

case_expiry() {
    local db
    db=$TMP/expiry.db
    cp "$DB" "$db"
    expect_exit 0 "$PAIRAID" --db "$db" --as a transfer create --id E1 --from CANTEEN --to BUILDER \
        --amount 100 --date 2024-05-10 --pending --expires 2024-06-30
    expect_exit 2 "$PAIRAID" --db "$db" --as b transfer post E1 --date 2024-07-01
    expect_stderr_match "expired"
    expect_exit 0 "$PAIRAID" --db "$db" --as b transfer void E1 --date 2024-07-01
    expect_exit 0 "$PAIRAID" --db "$db" account close BUILDER
    expect_exit 2 "$PAIRAID" --db "$db" transfer create --id E2 --from CANTEEN --to BUILDER --amount 1
    expect_stderr_match "closed"
}
run_case "an expired request can only be voided; a closed account refuses" case_expiry

# ---- outputs ---------------------------------------------------------------------

case_balance_csv() {
    expect_exit 0 "$PAIRAID" --db "$DB" balance --format csv
    expect_stdout_line "account,debits_posted,credits_posted,debits_pending,credits_pending,balance"
    expect_stdout_line "BUILDER,0.00,0.00,0.00,0.00,0.00"
    expect_stdout_line "CANTEEN,0.00,1400000.00,0.00,0.00,1400000.00"
    expect_stdout_line "POOL,1400000.00,120000000.00,0.00,0.00,118600000.00"
    expect_stdout_line "SRC,120000000.00,0.00,0.00,0.00,-120000000.00"
    expect_exit 0 "$PAIRAID" --db "$DB" balance --format json
    expect_stdout_match '"balance": "118600000.00"'
    expect_exit 0 "$PAIRAID" --db "$DB" balance
    expect_stdout_match '万元'
    expect_exit 2 "$PAIRAID" --db "$DB" balance --account NOPE
    expect_exit 2 "$PAIRAID" --db "$DB" balance --as-of 2023-02-30
    expect_exit 2 "$PAIRAID" --db "$DB" balance --at 0
}
run_case "balance as csv, json and a table" case_balance_csv

case_budget_and_statement() {
    expect_exit 0 "$PAIRAID" --db "$DB" budget --format csv
    # the demo's own canteen account got 1,400,000.00, paid its builder 1,248,000.00
    # and gave the 152,000.00 it saved back to its donor, which is neither
    # allocated nor paid; this script's CANTEEN account got another 1,400,000.00
    # for the same project
    expect_stdout_line 'LYG-MS-TAOLIN-CANTEEN,东海县桃林镇第二中心小学新建学生食堂,1,1400000.00,2648000.00,0.00,1248000.00,89.1%,0.00,0.00'
    expect_exit 0 "$PAIRAID" --db "$DB" budget --by county
    expect_stdout_match '东海县'
    expect_exit 2 "$PAIRAID" --db "$DB" budget --by nonsense
    expect_exit 0 "$PAIRAID" --db "$DB" statement POOL --format csv
    expect_stdout_line "2022-07-15,F2,posted,CANTEEN,LYG-MS-TAOLIN-CANTEEN,1400000.00,0.00,0.00,118600000.00,食堂拨款,"
    expect_exit 2 "$PAIRAID" --db "$DB" statement NOPE
}
run_case "budget execution and statements" case_budget_and_statement

finish
