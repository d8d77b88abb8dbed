#!/usr/bin/env python3
"""messages.py - walks every error message in src/ and checks the catalogue.

Every printf format passed to the error functions (pa_error_set, pa_error_setf,
pa_error_setx, pa_http_error, the import's add_error, pa_cli_usage) and every
context phrase passed to pa_db_fail must have a Chinese twin in
src/core/messages.c with the same conversions in the same order, so that a new
untranslated message fails the tests.  The catalogue must be sorted (the library
looks it up with bsearch) and hold no entry that nothing uses.

    python3 tests/core/messages.py            # check (the ctest)
    python3 tests/core/messages.py --missing  # print what needs translating
"""
import os
import re
import sys

SRC = os.path.join(os.environ.get("PA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")), "src")
CATALOGUE = os.path.join(SRC, "core", "messages.c")

# function name -> index of the format argument (0-based)
FORMAT_ARG = {
    "pa_error_set": 2, "pa_error_setf": 3, "pa_error_setx": 5, "pa_http_error": 4,
    "add_error": 3, "pa_cli_usage": 0, "pa_db_fail": 2, "pa_msg_format": 3,
    "pa_msg_format2": 3, "PA_MSG": 0, "pa_cli_error": 0,
}
# X-macro lists whose last argument is a description shown to people
DESCRIBED = ("PA_ERRNO_MAP", "PA_TRANSFER_RESULTS")
# functions that take a phrase shown inside another message (the zh format
# shows it with %#s): function name -> index of the phrase argument
PHRASE_ARG = {
    "pa_scope_require": 3, "pa_scope_admin_only": 1, "pa_ledger__authorize_spend": 2,
    "pa_ledger__authorize_approval": 2, "require_within": 4, "authorize_assessor": 1,
    "bad_value": 3, "number": 2, "option_number": 2, "parse_key": 4, "collect": 4,
    "pa_pg__fail": 2, "pa_pg__command": 3, "pg_value": 5, "copy_rows": 6, "copy_end": 3,
}
FORMAT_ARG.update(PHRASE_ARG)
# where a wrapper forwards a caller's format (not a message of its own)
FORWARDERS = {"fmt", "what"}
MACROS = {"PRId64": "ld", "PRIu64": "lu", "PRIx64": "lx", "PRId32": "d", "PRIu32": "u"}


def literal_text(arg, defines=None):
    """The text of a format argument made of string literals, PRI macros and
    the file's own #defines of literals, or None when it is something else."""
    out, i, arg = [], 0, arg.strip()
    if not arg:
        return None
    while i < len(arg):
        c = arg[i]
        if c.isspace():
            i += 1
        elif c == '"':
            j = i + 1
            while arg[j] != '"':
                j += 2 if arg[j] == "\\" else 1
            out.append(decode(arg[i + 1:j]))
            i = j + 1
        else:
            m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", arg[i:])
            if m and defines and m.group(0) in defines:
                out.append(defines[m.group(0)])
            elif m and m.group(0) in MACROS:
                out.append(MACROS[m.group(0)])
            else:
                return None
            i += len(m.group(0))
    return "".join(out)


def decode(body):
    return bytes(body, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def alternatives(arg, defines):
    """The formats an argument may be: one literal, or the two of `c ? "a" : "b"`."""
    text = literal_text(arg, defines)
    if text is not None:
        return [text]
    m = re.match(r'\s*[^"?]*\?((?:\s*"(?:[^"\\]|\\.)*")+)\s*:((?:\s*"(?:[^"\\]|\\.)*")+)\s*$', arg, re.S)
    return [literal_text(m.group(1)), literal_text(m.group(2))] if m else None


def split_args(text, start):
    """Arguments of the call whose '(' is at text[start]; returns (args, end)."""
    depth, i, args, cur = 0, start, [], []
    while i < len(text):
        c = text[i]
        if c in "\"'":
            j = i + 1
            while text[j] != c:
                j += 2 if text[j] == "\\" else 1
            cur.append(text[i:j + 1])
            i = j + 1
            continue
        if text.startswith("/*", i):
            i = text.index("*/", i) + 2
            continue
        if c == "(":
            depth += 1
            if depth == 1:
                i += 1
                continue
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append("".join(cur))
                return args, i
        elif c == "," and depth == 1:
            args.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    raise ValueError("unbalanced call")


def extract():
    """{format: [where, ...]} for every literal format in src/, and the
    non-literal ones that are not a wrapper forwarding its own parameter."""
    found, dynamic = {}, []
    call = re.compile(r"\b(" + "|".join(FORMAT_ARG) + r")\s*\(")
    include = os.path.join(os.path.dirname(SRC), "include", "pairaid")
    for name in sorted(os.listdir(include)):
        text = open(os.path.join(include, name), encoding="utf-8").read()
        for macro in DESCRIBED:
            m = re.search(r"#define " + macro + r"\(X\)((?:[^\n]*\\\n)*[^\n]*\n)", text)
            body = (m.group(1) if m else "").replace("\\\n", " ")
            for x in re.finditer(r'X\(((?:[^()"]|"(?:[^"\\]|\\.)*")*)\)', body):
                texts = re.findall(r'"(?:[^"\\]|\\.)*"', x.group(1))
                if texts:  # the last of an entry's literals is its description
                    found.setdefault(literal_text(" ".join(texts[-1:])), []).append("include/pairaid/" + name)
    for root, _, files in os.walk(SRC):
        for name in sorted(files):
            if not name.endswith((".c", ".h")) or name == "messages.c":
                continue
            path = os.path.join(root, name)
            text = open(path, encoding="utf-8").read()
            defines = {}
            for d in re.finditer(r'#define\s+([A-Z_]+)\s+((?:\\\n|[^\n])*)', text):
                value = literal_text(d.group(2).replace("\\\n", " "))
                if value is not None:
                    defines[d.group(1)] = value
            for m in call.finditer(text):
                before = text[max(0, m.start() - 40):m.start()]
                if re.search(r"(int|void|char)\s*\*?\s*$", before):
                    continue  # a declaration or definition
                args, _ = split_args(text, m.end() - 1)
                k = FORMAT_ARG[m.group(1)]
                if len(args) <= k:
                    continue
                where = "%s:%d" % (os.path.relpath(path, os.path.dirname(SRC)), text.count("\n", 0, m.start()) + 1)
                fmts = alternatives(args[k], defines)
                if fmts is None:
                    if args[k].strip() not in FORWARDERS and m.group(1) not in PHRASE_ARG and m.group(1) != "pa_db_fail":
                        dynamic.append((where, args[k].strip()))
                    continue
                for fmt in fmts:
                    found.setdefault(fmt, []).append(where)
    return found, dynamic


def catalogue(table="MESSAGES"):
    text = open(CATALOGUE, encoding="utf-8").read()
    body = text[text.index("PA_%s_BEGIN" % table):text.index("PA_%s_END" % table)]
    entries = []
    for m in re.finditer(r'\{((?:\s*(?:"(?:[^"\\]|\\.)*"|PRI[diux]\d+))+)\s*,((?:\s*(?:"(?:[^"\\]|\\.)*"|PRI[diux]\d+))+)\s*\}', body):
        entries.append((literal_text(m.group(1)), literal_text(m.group(2))))
    return entries


SPEC = re.compile(r"%(?:\d+\$)?([-+ #0']*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|z|j|t|L)?([diouxXcspfeEgG%])")


def conversions(fmt):
    """The conversions of a format, as far as the arguments they take: '#'
    left out (in Chinese, %#s asks for the Chinese label of a field name or
    code) and a string's precision too (Chinese may cut a string elsewhere, or
    leave it out with %.0s)."""
    return [(flags.replace("#", ""), w, p if conv != "s" or p == "*" else "", length or "", conv)
            for flags, w, p, length, conv in SPEC.findall(fmt) if conv != "%"]


def literal_args(name, k):
    """{literal: where} of the k-th argument of every call of name in src/."""
    out = {}
    call = re.compile(r"\b" + name + r"\s*\(")
    for root, _, files in os.walk(SRC):
        for f in sorted(files):
            if not f.endswith(".c"):
                continue
            path = os.path.join(root, f)
            text = open(path, encoding="utf-8").read()
            for m in call.finditer(text):
                if re.search(r"(int|void)\s*$", text[max(0, m.start() - 20):m.start()]):
                    continue
                args, _ = split_args(text, m.end() - 1)
                value = literal_text(args[k]) if len(args) > k else None
                if value:
                    out.setdefault(value, "%s:%d" % (os.path.relpath(path, os.path.dirname(SRC)),
                                                     text.count("\n", 0, m.start()) + 1))
    return out


def check_fields_and_codes():
    """Every record field, every field an error names and every HTTP error
    code has its Chinese."""
    problems = []
    fields = dict(catalogue("FIELDS"))
    codes = open(CATALOGUE, encoding="utf-8").read()
    codes = codes[codes.index("PA_CODES_BEGIN"):codes.index("PA_CODES_END")]
    codes = dict((m.group(1), m.group(3)) for m in re.finditer(r'\{"([a-z_]+)", "([^"]*)", "([^"]*)"\}', codes))
    named = {}
    for root, _, files in os.walk(SRC):
        for f in sorted(files):
            text = open(os.path.join(root, f), encoding="utf-8").read() if f.endswith(".c") else ""
            for m in re.finditer(r'\{"([a-z_]+)", PA_COL_', text):
                named.setdefault(m.group(1), os.path.join(os.path.basename(root), f))
    named.update(literal_args("pa_error_setf", 2))
    named.update(literal_args("pa_http_error", 3))
    for name, where in sorted(named.items()):
        if name not in fields or not fields[name] or fields[name] == name:
            problems.append("%s: field %r has no Chinese label" % (where, name))
    used = literal_args("pa_http_error", 2)
    reply = open(os.path.join(SRC, "http", "reply.c"), encoding="utf-8").read()
    for m in re.finditer(r'code = (?:[^;]*\? )?"([a-z_]+)"(?: : "([a-z_]+)")?', reply):
        for c in m.groups():
            if c:
                used.setdefault(c, "src/http/reply.c")
    dispatch = open(os.path.join(SRC, "http", "dispatch.c"), encoding="utf-8").read()
    for m in re.finditer(r"refuse\(r, [^;]*", dispatch):
        for c in re.findall(r'"([a-z_]+)"', m.group(0)):
            used.setdefault(c, "src/http/dispatch.c")
    for code, where in sorted(used.items()):
        if not codes.get(code):
            problems.append("%s: HTTP error code %r has no Chinese" % (where, code))
    ordered = [k for k, _ in sorted(fields.items(), key=lambda e: e[0].encode())]
    if [k for k, _ in catalogue("FIELDS")] != ordered:
        problems.append("catalogue: the field labels are not in byte order")
    return problems


def main():
    found, dynamic = extract()
    entries = catalogue()
    keys = [en for en, _ in entries]
    problems = []
    for where, arg in dynamic:
        problems.append("%s: the message is not a literal format (%s): the catalogue cannot hold it" % (where, arg))
    if "--missing" in sys.argv:
        for fmt in sorted(set(found) - set(keys), key=lambda s: s.encode()):
            print(repr(fmt), found[fmt][0])
        return 0
    for fmt, where in sorted(found.items()):
        if fmt not in keys:
            problems.append("%s: no Chinese for %r" % (where[0], fmt))
    for en, zh in entries:
        if conversions(en) != [c for c in conversions(zh)]:
            problems.append("catalogue: %r and %r differ in their conversions" % (en, zh))
        if en not in found and not en.startswith("@"):
            problems.append("catalogue: %r is not used anywhere in src/" % en)
        if zh == en and " " in en.strip():
            problems.append("catalogue: %r is not translated" % en)
    ordered = sorted(keys, key=lambda s: s.encode())
    if keys != ordered:
        first = next(i for i, (a, b) in enumerate(zip(keys, ordered)) if a != b)
        problems.append("catalogue: not in byte order at %r (bsearch needs it)" % keys[first])
    if len(set(keys)) != len(keys):
        problems.append("catalogue: an English key appears twice")
    problems += check_fields_and_codes()
    for p in problems:
        print(p)
    print("%d formats in src/, %d catalogue entries, %d problems" % (len(found), len(entries), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
