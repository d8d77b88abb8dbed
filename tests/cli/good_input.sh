#!/usr/bin/env bash
# good_input.sh - files a user may really have are accepted: BOM, CRLF, quoted
# line breaks, columns in any order, optional columns left out, Chinese enum
# names, GB18030 from Chinese Excel; re-importing is harmless, and a project's
# status may move forward.
source "$(dirname "$0")/lib.bash"

DB=$(demo_db demo)

# imported KIND FILE [OPTIONS...] : the import succeeds with nothing on stderr.
imported() {
    local kind=$1 file=$2
    shift 2
    expect_exit 0 "$PAIRAID" --db "$DB" --lang en import "$kind" "$file" "$@"
    expect_stderr_empty
}

# expect_export_row KIND 'exact CSV line' : the CSV export has this line.
expect_export_row() {
    "$PAIRAID" --db "$DB" export "$1" >"$TMP/export.csv" 2>&1
    if ! grep -aFxq -- "$2" "$TMP/export.csv"; then
        fail "export $1 has no line: $2"
        grep -aF -- "${2%%,*}," "$TMP/export.csv" | head -n 3 | sed 's/^/    | got: /'
    fi
}

# ---- encodings and line ends ----------------------------------------------------

case_utf8_bom() {
    { printf '\xef\xbb\xbf'; echo "$PROJECTS_HEADER"; project_row code=G-BOM name=带BOM的项目 public=true; } >bom.csv
    imported projects bom.csv
    expect_stdout_line 'bom.csv: 1 created, 0 advanced, 0 identical, skipped'
    expect_export_row projects 'G-BOM,带BOM的项目,WX-LYG-HS-GY,320707,education,livelihood,proposed,100.00,2024-01-01,,,true,,,false,'
}
run_case "UTF-8 with BOM" case_utf8_bom

# CRLF everywhere; the last column (filled or empty) must not keep a '\r'.
case_crlf() {
    {
        echo "$PROJECTS_HEADER"
        project_row code=G-CRLF-1 public=true source=synthetic
        project_row code=G-CRLF-2 public=false end_date=2024-12-31 beneficiaries=12
    } | sed 's/$/\r/' >crlf.csv
    imported projects crlf.csv
    expect_stdout_line 'crlf.csv: 2 created, 0 advanced, 0 identical, skipped'
    expect_export_row projects 'G-CRLF-1,测试项目,WX-LYG-HS-GY,320707,education,livelihood,proposed,100.00,2024-01-01,,,true,synthetic,,false,'
    expect_export_row projects 'G-CRLF-2,测试项目,WX-LYG-HS-GY,320707,education,livelihood,proposed,100.00,2024-01-01,2024-12-31,12,false,,,false,'
}
run_case "CRLF line endings" case_crlf

# A description with line breaks, a comma and doubled quotes, then another record.
case_quoted_newlines() {
    {
        echo "$MILESTONES_HEADER"
        printf '%s\n' 'LYG-MS-001,2024-01-05,visit,多行说明,"第一行' '第二行, 带逗号 ""引号""' '",,synthetic'
        printf '%s\n' 'LYG-MS-001,2024-01-06,other,下一条,单行,,'
    } >multiline.csv
    imported milestones multiline.csv
    expect_stdout_line 'multiline.csv: 2 created, 0 advanced, 0 identical, skipped'
    expect_exit 0 "$PAIRAID" --db "$DB" export milestones --format json
    expect_stdout_match '"title":"多行说明","description":"第一行\\n第二行, 带逗号 \\"引号\\"\\n"'
    expect_stdout_match '"title":"下一条","description":"单行"'
}
run_case "quoted newlines in a description" case_quoted_newlines

# ---- the header ---------------------------------------------------------------------

case_columns_reordered() {
    {
        echo 'source,public,beneficiaries,end_date,start_date,budget,status,kind,domain,region,pairing,name,code'
        echo 'synthetic,true,300,2024-06-30,2024-01-01,250.50,approved,livelihood,health,320707,WX-LYG-HS-GY,倒序的项目,G-ORDER'
    } >reordered.csv
    imported projects reordered.csv
    expect_export_row projects 'G-ORDER,倒序的项目,WX-LYG-HS-GY,320707,health,livelihood,approved,250.50,2024-01-01,2024-06-30,300,true,synthetic,,false,'
}
run_case "columns in a different order" case_columns_reordered

# Optional columns may be absent from the header altogether.
case_optional_columns_left_out() {
    {
        echo 'code,name,pairing,region,domain,kind,status,budget,start_date'
        echo 'G-OPT,省略可选列,WX-LYG-HS-GY,320707,education,livelihood,proposed,100.00,2024-01-01'
    } >optional_projects.csv
    imported projects optional_projects.csv
    expect_export_row projects 'G-OPT,省略可选列,WX-LYG-HS-GY,320707,education,livelihood,proposed,100.00,2024-01-01,,,false,,,false,'

    printf '%s\n' 'code,name,region,kind' 'G-ORG,可选列单位,320707,other' >optional_orgs.csv
    imported orgs optional_orgs.csv
    expect_export_row orgs 'G-ORG,可选列单位,,320707,other,,'

    printf '%s\n' 'project,date,kind,title' 'G-OPT,2024-02-01,start,开工' >optional_milestones.csv
    imported milestones optional_milestones.csv
    expect_export_row milestones 'G-OPT,2024-02-01,start,开工,,,'

    printf '%s\n' 'code,pairing,role,from_region,to_region,start_date,people' \
        'G-EX,WX-LYG-HS-GY,teacher,320206,320707,2024-02-01,3' >optional_exchanges.csv
    imported exchanges optional_exchanges.csv
    expect_export_row exchanges 'G-EX,WX-LYG-HS-GY,teacher,320206,320707,2024-02-01,,3,,'
}
run_case "optional columns left out of the header" case_optional_columns_left_out

# ---- values ----------------------------------------------------------------------------

# 产业 科技 教育 卫健 人社 文旅康养 交通 其他 (and 小而美, 实施) are stored as English codes.
case_chinese_domains() {
    local zh=(产业 科技 教育 卫健 人社 文旅康养 交通 其他)
    local en=(industry technology education health employment culture_tourism transport other)
    {
        echo "$PROJECTS_HEADER"
        for i in "${!zh[@]}"; do
            project_row code="G-ZH-$i" domain="${zh[$i]}" kind=小而美 status=实施 public=true
        done
    } >chinese_domains.csv
    imported projects chinese_domains.csv
    for i in "${!en[@]}"; do
        expect_export_row projects "G-ZH-$i,测试项目,WX-LYG-HS-GY,320707,${en[$i]},livelihood,in_progress,100.00,2024-01-01,,,true,,,false,"
    done
}
run_case "Chinese domain names accepted, exported as English codes" case_chinese_domains

# Thousands separators in amounts; the longest code and name allowed.
case_separators_and_limits() {
    local code name
    code=G$(printf 'x%.0s' {1..63})
    name=$(printf '名%.0s' {1..200})
    {
        echo "$PROJECTS_HEADER"
        project_row code=G-SEP budget='"1,400,000.00"' public=true
        project_row code="$code" name="$name" budget=0.5 public=true
    } >limits.csv
    imported projects limits.csv
    expect_export_row projects 'G-SEP,测试项目,WX-LYG-HS-GY,320707,education,livelihood,proposed,1400000.00,2024-01-01,,,true,,,false,'
    expect_export_row projects "$code,$name,WX-LYG-HS-GY,320707,education,livelihood,proposed,0.50,2024-01-01,,,true,,,false,"
}
run_case "thousands separators, 64-character code, 200-character name" case_separators_and_limits

# The total investment (总投资) is an optional column beside the budget (帮扶资金安排):
# a file without it still imports, one with it round-trips through export, and
# the budget report keeps it out of the budget and the execution rate.
case_investment_round_trip() {
    {
        echo "$PROJECTS_HEADER,investment"
        echo "$(project_row code=G-INV-1 domain=industry kind=park budget=150000000.00),\"560,000,000.00\""
        echo "$(project_row code=G-INV-2 domain=industry kind=chain budget=0.00),"
    } >investment.csv
    imported projects investment.csv
    expect_export_row projects 'G-INV-1,测试项目,WX-LYG-HS-GY,320707,industry,park,proposed,150000000.00,2024-01-01,,,false,,,false,560000000.00'
    expect_export_row projects 'G-INV-2,测试项目,WX-LYG-HS-GY,320707,industry,chain,proposed,0.00,2024-01-01,,,false,,,false,'
    "$PAIRAID" --db "$DB" export projects -o exported.csv
    expect_exit 0 "$PAIRAID" --db "$DB" --lang en import projects exported.csv
    expect_stderr_empty
    expect_stdout_match '^exported.csv: 0 created, 0 advanced, [0-9]+ identical'
    expect_exit 0 "$PAIRAID" --db "$DB" budget --format csv
    expect_stdout_line 'G-INV-1,测试项目,1,150000000.00,0.00,0.00,0.00,0.0%,0.00,560000000.00'
}
run_case "investment: optional column, round trip, kept out of the budget" case_investment_round_trip

# What Chinese Excel saves: GB18030 (here with 𠮷, a four-byte GB18030 character).
case_gb18030() {
    {
        echo "$PROJECTS_HEADER"
        project_row code=G-GB name=赣榆区𠮷祥村便民服务中心 domain=其他 public=是
    } >gb_utf8.csv
    iconv -f UTF-8 -t GB18030 gb_utf8.csv >gb18030.csv || fail "iconv cannot make GB18030"
    cmp -s gb_utf8.csv gb18030.csv && fail "the GB18030 file is the same bytes as the UTF-8 one"
    # read as UTF-8 (when told so) it is garbage, and refused
    expect_exit 2 "$PAIRAID" --db "$DB" import projects gb18030.csv --encoding utf-8
    imported projects gb18030.csv --encoding gb18030
    expect_stdout_line 'gb18030.csv: 1 created, 0 advanced, 0 identical, skipped'
    expect_export_row projects 'G-GB,赣榆区𠮷祥村便民服务中心,WX-LYG-HS-GY,320707,other,livelihood,proposed,100.00,2024-01-01,,,true,,,false,'
}
run_case "--encoding gb18030" case_gb18030

# With no --encoding, a file that is not UTF-8 but is GB18030 is read as GB18030, and said so.
case_gb18030_detected() {
    {
        echo "$PROJECTS_HEADER"
        project_row code=G-GB2 name=赣榆区𠮷祥村文化广场 domain=其他 public=是
    } >gb2_utf8.csv
    iconv -f UTF-8 -t GB18030 gb2_utf8.csv >gb2.csv || fail "iconv cannot make GB18030"
    imported projects gb2.csv
    expect_stdout_line 'gb2.csv: the file is not UTF-8; it was read as GB18030'
    expect_stdout_line 'gb2.csv: 1 created, 0 advanced, 0 identical, skipped'
}
run_case "GB18030 detected without --encoding" case_gb18030_detected

# ---- importing again ---------------------------------------------------------------------

# The demo's own files again: everything identical, skipped; no event appended.
# `pairaid demo` dates its open requests relative to today, so the files are the
# books exactly as loaded on the books' last day, 2024-09-10.
case_reimport_demo_files() {
    local before kind rows DB
    DB=$(PAIRAID_TODAY=2024-09-10 demo_db demo-books-end)
    before=$(db_fingerprint "$DB")
    # the pictures milestones.csv names, drawn at build time beside the binary
    cp "$(dirname "$PAIRAID")"/demo-photos/*.png .
    for kind in "${PA_KINDS[@]}"; do
        cp "$PA_DEMO_DIR/$kind.csv" "demo_$kind.csv"
        rows=$(($(wc -l <"demo_$kind.csv") - 1))
        imported "$kind" "demo_$kind.csv"
        expect_stdout_line "demo_$kind.csv: 0 created, 0 advanced, $rows identical, skipped"
    done
    expect_unchanged "$DB" "$before"
}
run_case "re-importing identical demo files skips everything" case_reimport_demo_files

# This script's own files again (BOM, CRLF, quoted newlines, reordered columns,
# Chinese names, GB18030): all skipped, no event appended.
case_reimport_own_files() {
    local before
    before=$(db_fingerprint "$DB")
    imported projects bom.csv
    expect_stdout_line 'bom.csv: 0 created, 0 advanced, 1 identical, skipped'
    imported projects crlf.csv
    expect_stdout_line 'crlf.csv: 0 created, 0 advanced, 2 identical, skipped'
    imported milestones multiline.csv
    expect_stdout_line 'multiline.csv: 0 created, 0 advanced, 2 identical, skipped'
    imported projects reordered.csv
    expect_stdout_line 'reordered.csv: 0 created, 0 advanced, 1 identical, skipped'
    imported projects chinese_domains.csv
    expect_stdout_line 'chinese_domains.csv: 0 created, 0 advanced, 8 identical, skipped'
    imported projects gb18030.csv --encoding gb18030
    expect_stdout_line 'gb18030.csv: 0 created, 0 advanced, 1 identical, skipped'
    expect_unchanged "$DB" "$before"
}
run_case "re-importing this script's files skips everything" case_reimport_own_files

# An empty optional column and one left out of the header mean the same: a file
# imported once imports again as identical.
case_reimport_optional_left_out() {
    local before f
    before=$(db_fingerprint "$DB")
    for f in optional_projects optional_orgs optional_milestones optional_exchanges; do
        imported "${f#optional_}" "$f.csv"
        expect_stdout_line "$f.csv: 0 created, 0 advanced, 1 identical, skipped"
    done
    expect_unchanged "$DB" "$before"
}
run_case "re-importing a file with optional columns left out skips it" case_reimport_optional_left_out

# ---- status moving forward ---------------------------------------------------------------

# The spaceport is `proposed` in the demo: approved (one step), then 竣工 =
# completed (two steps at once); each is one project.advance event.
case_status_forward() {
    local line before
    line=$(demo_line projects LYG-TECH-SPACEPORT,)
    [[ $line == *,proposed,* ]] || fail "the demo's spaceport is no longer 'proposed': $line"

    before=$(event_count "$DB")
    { head -n 1 "$PA_DEMO_DIR/projects.csv"; echo "${line/,proposed,/,approved,}"; } >forward1.csv
    imported projects forward1.csv
    expect_stdout_line 'forward1.csv: 0 created, 1 advanced, 0 identical, skipped'
    expect_eq "events after one advance" $((before + 1)) "$(event_count "$DB")"
    expect_eq "last event" project.advance "$(sqlite3 "$DB" 'select type from events order by seq desc limit 1')"
    expect_export_row projects "${line/,proposed,/,approved,}"

    { head -n 1 "$PA_DEMO_DIR/projects.csv"; echo "${line/,proposed,/,竣工,}"; } >forward2.csv
    imported projects forward2.csv
    expect_stdout_line 'forward2.csv: 0 created, 1 advanced, 0 identical, skipped'
    expect_eq "events after two advances" $((before + 2)) "$(event_count "$DB")"
    expect_export_row projects "${line/,proposed,/,completed,}"

    # the same file again: identical now
    imported projects forward2.csv
    expect_stdout_line 'forward2.csv: 0 created, 0 advanced, 1 identical, skipped'
    expect_eq "events after re-import" $((before + 2)) "$(event_count "$DB")"
}
run_case "a project's status moving forward on re-import" case_status_forward

finish
