#!/usr/bin/env python3
"""tools/pg_schema.py - the PostgreSQL text of pairaid's migrations, made from the SQLite ones.

The migrations in src/store/migrations/ stay the one source of the schema (issue 15: "migrations for
both backends, from one source where possible").  This prints migration N (or every migration, in
order) as PostgreSQL runs it, by the rules of docs/scale-out.md's checklist:

  - `STRICT` and `WITHOUT ROWID` are SQLite's own table options: dropped (PostgreSQL is typed, and
    a heap plus the primary key's index is what it has);
  - `INTEGER` is 64-bit in SQLite and 32-bit in PostgreSQL: every one becomes `BIGINT` (fen,
    counts, seqs and times all need it); `BLOB` becomes `BYTEA`;
  - `user` is a reserved word in PostgreSQL (sessions.user): quoted;
  - comments are dropped first, so none of this touches their words.

    tools/pg_schema.py [N]        N = 1, 2, ...: that migration; without N, all of them

Anything this does not know how to translate is an error (exit 2), never passed through silently:
tests/cli/pg_schema.sh applies the output to a throwaway cluster and compares every table and
column with the SQLite schema pairaid makes.
"""
import pathlib
import re
import sys

MIGRATIONS = pathlib.Path(__file__).resolve().parent.parent / "src" / "store" / "migrations"

# SQLite words the translation has no rule for yet: refused rather than copied.
UNKNOWN = re.compile(r"\b(AUTOINCREMENT|GLOB|typeof|strftime|printf|iif|json_\w+|REAL|"
                     r"INSERT\s+OR|REPLACE\s+INTO|PRAGMA|sqlite_\w+|COLLATE)\b", re.IGNORECASE)


def translate(sql, name):
    sql = re.sub(r"--[^\n]*", "", sql)
    bad = UNKNOWN.search(sql)
    if bad:
        raise ValueError("%s: no PostgreSQL rule for '%s'" % (name, bad.group(0)))
    sql = re.sub(r"\)\s*STRICT\s*,\s*WITHOUT\s+ROWID\s*;", ");", sql)
    sql = re.sub(r"\)\s*(STRICT|WITHOUT\s+ROWID)\s*;", ");", sql)
    sql = re.sub(r"\bINTEGER\b", "BIGINT", sql)
    sql = re.sub(r"\bBLOB\b", "BYTEA", sql)
    sql = re.sub(r"\buser\b", '"user"', sql)
    lines = [line.rstrip() for line in sql.splitlines()]
    return "\n".join(line for line in lines if line) + "\n"


def main(argv):
    files = sorted(MIGRATIONS.glob("[0-9][0-9][0-9]_*.sql"))
    if len(argv) > 2 or (len(argv) == 2 and not argv[1].isdigit()):
        print("usage: tools/pg_schema.py [N]", file=sys.stderr)
        return 2
    if len(argv) == 2:
        n = int(argv[1])
        if not 1 <= n <= len(files):
            print("pg_schema: there are migrations 1 to %d" % len(files), file=sys.stderr)
            return 2
        files = [files[n - 1]]
    try:
        for f in files:
            sys.stdout.write("-- %s\n%s" % (f.name, translate(f.read_text(encoding="utf-8"), f.name)))
    except ValueError as e:
        print("pg_schema: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
