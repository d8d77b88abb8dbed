#!/usr/bin/env bash
# audit_input.sh - bad input to the key and log commands: each is refused with
# exit 2 and one `pairaid: ` line, and changes nothing (no file overwritten, no
# checkpoint stored).
source "$(dirname "$0")/lib.bash"

cd "$TMP" || exit 1
DB=$(demo_db audit)
"$PAIRAID" key generate --name wuxi.example/donor -o donor.key >donor.vkey
BASE=$(sqlite3 "$DB" "select count(*) from checkpoints")

refused() { # REGEX COMMAND... : exit 2, one line, nothing stored
    local regex=$1
    shift
    expect_exit 2 "$@"
    expect_stderr_lines 1
    expect_stderr_match "^pairaid: .*($regex)"
    expect_eq "checkpoints" "$BASE" "$(sqlite3 "$DB" "select count(*) from checkpoints")"
}

case_keys() {
    cp donor.key kept.key
    refused "File exists" "$PAIRAID" key generate --name other -o kept.key
    expect_same_file donor.key kept.key
    refused "no spaces" "$PAIRAID" key generate --name "has space" -o new.key
    expect_eq "no key file" "absent" "$([[ -e new.key ]] && echo present || echo absent)"
    refused "usage" "$PAIRAID" key generate --name x
    refused "PRIVATE\+KEY" "$PAIRAID" --db "$DB" log checkpoint --key donor.vkey
    refused "cannot read" "$PAIRAID" --db "$DB" log checkpoint --key no-such.key
    refused "usage" "$PAIRAID" --db "$DB" log checkpoint
    refused "no checkpoint yet" "$PAIRAID" --db "$DB" log cosign --key donor.key
}
run_case "keys and signing" case_keys

case_proofs() {
    local n
    n=$(sqlite3 "$DB" "select count(*) from events")
    refused "not below the tree size" "$PAIRAID" --db "$DB" log prove "$n"
    refused "whole number" "$PAIRAID" --db "$DB" log prove abc
    refused "whole number" "$PAIRAID" --db "$DB" log prove -- -1
    refused "larger than the log" "$PAIRAID" --db "$DB" log prove 0 --size $((n + 1))
    refused "1 <= OLD <= NEW" "$PAIRAID" --db "$DB" log consistency 0 5
    refused "1 <= OLD <= NEW" "$PAIRAID" --db "$DB" log consistency 6 5
    refused "larger than the log" "$PAIRAID" --db "$DB" log consistency 5 $((n + 1))
    refused "whole number" "$PAIRAID" --db "$DB" log entries --from -1
    refused "usage" "$PAIRAID" --db "$DB" log nonsense
}
run_case "proofs and entries" case_proofs

case_trust_files() {
    refused "cannot read" "$PAIRAID" --db "$DB" log verify --trust no-such-file
    printf 'not a key\n' >bad.trust
    refused "bad.trust:1: not a verifier key" "$PAIRAID" --db "$DB" log verify --trust bad.trust
    refused "cannot open" "$PAIRAID" log verify --bundle no-such-dir
}
run_case "trust files and bundles" case_trust_files

finish
