#!/usr/bin/env bash
# users.sh - `pairaid user add|list` and `--as USER`: users are added with the
# password on stdin, bad input is refused with exit 2 and nothing stored, and a
# command run `--as` a user obeys that user's role and region exactly as the
# HTTP API does (an unknown name is the local operator, who may do everything).
source "$(dirname "$0")/lib.bash"

DB=$(demo_db users)
add() { # NAME PASSWORD ARGS... (the password on stdin)
    local name=$1 password=$2
    shift 2
    expect_exit "${WANT:-0}" "$PAIRAID" --db "$DB" user add "$name" "$@" <<<"$password"
}
users() { "$PAIRAID" --db "$DB" user list | cut -f1 | tr '\n' ' '; }

case_adding() {
    add donghai.office 'pass-word-1' --role recipient --region 320722
    expect_stdout_match '^donghai.office: '
    add wuxi.finance 'pass-word-2' --role donor --region 320200
    add audit 'pass-word-3' --role auditor --pairing WX-LYG
    add boss 'pass-word-4' --role admin
    expect_eq "users" "audit boss donghai.office wuxi.finance " "$(users)"
    # the password is nowhere in the database
    expect_eq "password stored" 0 "$(sqlite3 "$DB" "select count(*) from users where password_hash like '%pass-word%'")"
}
run_case "users are added with their role and scope" case_adding

case_bad_users() {
    local before
    before=$(users)
    WANT=2 add x 'long enough' --role donor                          # no region
    expect_stderr_line 'pairaid: region: a donor needs --region'
    WANT=2 add x 'long enough' --role admin --region 320200
    WANT=2 add x 'long enough' --role auditor --pairing NOPE
    WANT=2 add x 'long enough' --role recipient --region 999999
    WANT=2 add x 'long enough' --role mayor
    expect_stderr_match "unknown role 'mayor'"
    WANT=2 add x 'short' --role assessor
    expect_stderr_line 'pairaid: password: a password has 8 to 128 bytes'
    WANT=2 add x '' --role assessor
    WANT=2 add donghai.office 'long enough' --role assessor          # exists
    WANT=2 add x 'long enough'                                        # no role
    expect_eq "users unchanged" "$before" "$(users)"
}
run_case "bad users are refused and nothing is stored" case_bad_users

case_as_user_obeys_the_rules() {
    local base
    base=$(db_fingerprint "$DB")
    # a recipient of 东海县 cannot approve, or touch a project of 赣榆区
    expect_exit 0 "$PAIRAID" --db "$DB" --as donghai.office transfer create --pending --id REQ-1 \
        --from PRJ-LYG-MS-TAOLIN-CANTEEN --to PAY-SYN-HOUSING-DH --amount 1000 --date 2024-09-01
    base=$(db_fingerprint "$DB")
    expect_exit 2 "$PAIRAID" --db "$DB" --as donghai.office transfer post REQ-1 --date 2024-09-02
    expect_stderr_match "may not approve a request against this account"
    expect_exit 2 "$PAIRAID" --db "$DB" --as donghai.office project advance LYG-PARK-HUIYU completed
    expect_stderr_match "outside region 320722"
    # an auditor changes nothing
    expect_exit 2 "$PAIRAID" --db "$DB" --as audit transfer void REQ-1 --date 2024-09-02
    expect_unchanged "$DB" "$base"
    # the donor whose money it is approves, and the event names them
    expect_exit 0 "$PAIRAID" --db "$DB" --as wuxi.finance transfer post REQ-1 --date 2024-09-02
    expect_eq "approver" wuxi.finance "$(sqlite3 "$DB" "select actor from events order by seq desc limit 1")"
    # only an admin adds users
    WANT=2 add y 'long enough' --role assessor --as donghai.office
    expect_exit 0 "$PAIRAID" --db "$DB" --as boss user add y --role assessor <<<'long enough'
}
run_case "--as a user obeys that user's role and region" case_as_user_obeys_the_rules

case_backup() {
    expect_exit 0 "$PAIRAID" --db "$DB" backup "$TMP/copy.db"
    expect_exit 0 "$PAIRAID" --db "$TMP/copy.db" log verify
    expect_eq "users in the copy" "$(users)" "$(DB=$TMP/copy.db users)"
    # never over an existing file
    expect_exit 2 "$PAIRAID" --db "$DB" backup "$TMP/copy.db"
    expect_stderr_match 'exists already'
    expect_exit 1 "$PAIRAID" --db "$DB" backup "$TMP/no/such/dir/copy.db"
}
run_case "backup makes a consistent copy and never overwrites" case_backup

finish
