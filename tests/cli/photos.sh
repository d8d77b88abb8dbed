#!/usr/bin/env bash
# photos.sh - a key moment's photo is copied into media/ beside the database under
# its SHA-256, the record names that content, an export re-imports into another
# database in the same folder, and a bad photo is refused with nothing stored.
set -u
P=${PAIRAID:?}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cd "$t"
passed=0 failed=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what"; fi
}

"$P" --db a.db demo >/dev/null
mkdir -p in
printf '\x89PNG\r\n\x1a\nnot really a picture, but bytes to hash' >in/canteen.png
hash=$(sha256sum in/canteen.png | cut -d' ' -f1)
cat >in/m.csv <<CSV
project,date,kind,title,description,photo
LYG-MS-TAOLIN-CANTEEN,2023-09-02,in_use,新食堂第一顿午饭,孩子们在新食堂吃上了热饭,canteen.png
CSV
check "import with a photo" "$P" --db a.db import milestones in/m.csv
check "photo stored under its hash" test -f "media/$hash.png"
check "photo content kept" cmp -s in/canteen.png "media/$hash.png"
"$P" --db a.db export milestones >m-export.csv
check "export names the content" grep -q ",$hash.png," m-export.csv

# the export re-imports into an empty database beside it (the media folder is shared)
"$P" --db b.db demo >/dev/null
check "re-import of the export" "$P" --db b.db import milestones m-export.csv
"$P" --db b.db export milestones >m-export-b.csv
check "byte-identical after re-import" cmp -s m-export.csv m-export-b.csv

# bad photos: missing file, wrong type, a path outside
for photo in missing.png canteen.txt ../etc.png /etc/passwd; do
    printf 'project,date,kind,title,photo\nLYG-MS-TAOLIN-CANTEEN,2023-09-03,other,x,%s\n' "$photo" >in/bad.csv
    touch in/canteen.txt
    before=$(sqlite3 a.db 'select count(*) from events')
    "$P" --db a.db import milestones in/bad.csv 2>err.txt
    rc=$?
    check "bad photo $photo exits 2" test $rc -eq 2
    check "bad photo $photo names line and column" grep -q '^pairaid: in/bad.csv:2: column photo: ' err.txt
    check "bad photo $photo changes nothing" test "$(sqlite3 a.db 'select count(*) from events')" = "$before"
done

echo "$passed passed, $failed failed"
test $failed -eq 0
