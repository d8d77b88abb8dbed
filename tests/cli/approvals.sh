#!/usr/bin/env bash
# approvals.sh - the approver's comment (审批意见) from the command line:
# `transfer post|void ID --comment TEXT` records it in the event and the
# ledger, `statement` shows it beside the line, `log verify` still passes; a
# comment on new money, too long or not UTF-8 is exit 2 with nothing changed.
source "$(dirname "$0")/lib.bash"

DB=$(demo_db approvals)
cat >"$TMP/accounts.csv" <<CSV
code,name,kind,region,pairing,project
CANTEEN,桃林食堂项目资金,project,320722,,LYG-MS-TAOLIN-CANTEEN
BUILDER,示例建筑公司,payee,320722,,
CSV
cat >"$TMP/funds.csv" <<CSV
id,date,from,to,amount,project,memo
F0,2024-03-01,SRC-WX-CITY,POOL-WX-LYG,50000,,年度帮扶资金
F1,2024-03-01,POOL-WX-LYG,CANTEEN,50000,LYG-MS-TAOLIN-CANTEEN,食堂拨款
CSV
"$PAIRAID" --db "$DB" import accounts "$TMP/accounts.csv" >/dev/null || echo "setup failed"
"$PAIRAID" --db "$DB" import transfers "$TMP/funds.csv" >/dev/null || echo "setup failed"
request() { # ID AMOUNT
    "$PAIRAID" --db "$DB" --as 东海县项目办 transfer create --id "$1" --from CANTEEN \
        --to BUILDER --amount "$2" --date 2024-05-01 --pending --memo 进度款 >/dev/null ||
        echo "setup failed"
}
request REQ1 3000
request REQ2 2000
request REQ3 1000

case_comment_recorded() {
    expect_exit 0 "$PAIRAID" --db "$DB" --as 无锡财务 transfer post REQ1 --date 2024-05-02 \
        --comment "同意，按合同支付第二期进度款"
    expect_exit 0 "$PAIRAID" --db "$DB" --as 无锡财务 transfer void REQ2 --date 2024-05-02 \
        --comment "驳回：缺少监理签字的验收单"
    expect_eq "post event" \
        '"data":{"amount_fen":300000,"comment":"同意，按合同支付第二期进度款","date":"2024-05-02","id":"REQ1:post","pending_id":"REQ1"}' \
        "$(sqlite3 "$DB" "select entry from events where type = 'transfer.post' order by seq desc limit 1" | grep -o '"data":{[^}]*}')"
    expect_eq "void row" "void|驳回：缺少监理签字的验收单" \
        "$(sqlite3 "$DB" "select kind || '|' || comment from transfers where id = 'REQ2:void'")"
    expect_exit 0 "$PAIRAID" --db "$DB" statement CANTEEN --format csv
    expect_stdout_line "date,id,kind,counterparty,project,debit,credit,pending,balance,memo,comment"
    expect_stdout_line "2024-05-02,REQ1:post,post,BUILDER,,3000.00,0.00,-3000.00,47000.00,,同意，按合同支付第二期进度款"
    expect_exit 0 "$PAIRAID" --db "$DB" statement CANTEEN
    expect_stdout_match "审批意见"
    expect_stdout_match "驳回：缺少监理签字的验收单"
    expect_exit 0 "$PAIRAID" --db "$DB" statement CANTEEN --format json
    expect_stdout_match '"comment": "同意，按合同支付第二期进度款"'
    # the same decision again is a retry; with another comment, a different transfer
    expect_exit 0 "$PAIRAID" --db "$DB" --as 无锡财务 transfer post REQ1 --date 2024-05-02 \
        --comment "同意，按合同支付第二期进度款"
    expect_stdout_match "已存在|already exists"
    expect_exit 2 "$PAIRAID" --db "$DB" --as 无锡财务 transfer post REQ1 --date 2024-05-02 \
        --comment "另一个意见"
    expect_stderr_line "pairaid: transfer 'REQ1:post' already exists with a different comment"
    expect_exit 0 "$PAIRAID" --db "$DB" log verify
}
run_case "a post's and a void's comment in the event, the row and the statement" case_comment_recorded

case_bad_comments() {
    local base long
    base=$(db_fingerprint "$DB")
    expect_exit 2 "$PAIRAID" --db "$DB" transfer create --id N1 --from CANTEEN --to BUILDER \
        --amount 1 --comment 意见
    expect_stderr_match "^pairaid: --comment is for transfer post and void"
    long=$(printf '意%.0s' $(seq 1001))
    expect_exit 2 "$PAIRAID" --db "$DB" --as 无锡财务 transfer post REQ3 --date 2024-05-02 \
        --comment "$long"
    expect_stderr_match "^pairaid: transfer 'REQ3:post' refused: a comment is text of at most 1,000 characters"
    expect_exit 2 "$PAIRAID" --db "$DB" --as 无锡财务 transfer void REQ3 --date 2024-05-02 \
        --comment $'bad \xff byte'
    expect_stderr_match "not valid UTF-8"
    expect_stderr_all_prefixed
    expect_unchanged "$DB" "$base"
    # a withdrawal needs no comment, as before
    expect_exit 0 "$PAIRAID" --db "$DB" --as 东海县项目办 transfer void REQ3 --date 2024-05-02
    expect_eq "no comment member" "0" \
        "$(sqlite3 "$DB" "select instr(entry, 'comment') from events order by seq desc limit 1")"
}
run_case "bad comments are exit 2 and change nothing" case_bad_comments

finish
