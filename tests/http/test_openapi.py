"""docs/openapi.yaml against the server it describes (standard library, plus PyYAML).

Three checks, so that the description cannot fall behind the code again:

1. The routes: every (method, path) of src/http/routes.c's table is a path and method of
   the description's `paths:`, and the description names no route the server lacks
   (`{}` in the table matches any `{name}`).  This part reads `paths:` by indentation,
   with no YAML library, so that it runs on any machine.
2. The file: it is well-formed YAML (PyYAML: the running Python's, else Debian's
   python3-yaml, which scripts/setup installs), what the indentation reader found is what PyYAML finds, every `$ref`
   resolves, every operation has a unique operationId, documented responses and its
   path parameters, and every JSON request body refuses unknown fields
   (`additionalProperties: false`, the 422 of docs/api.md).
3. The answers: on a demo server, after an audit run, a response, a measures proposal,
   an upload and a published assessment, every documented GET route is called by
   every role (and anonymously), once as it is and once per value of each of its enum
   query parameters; every answer's status must be one the description lists for it,
   and every JSON answer must match the documented schema — required fields, types,
   nullability, enums, patterns and no undocumented field, at every depth.  The writes
   made to get there are checked the same way.

    PAIRAID=build-test/pairaid PA_SOURCE_DIR=. python3 tests/http/test_openapi.py
"""
import json
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server import SOURCE, Server, main  # noqa: E402

try:
    import yaml
except ImportError:
    # the Python that runs the tests may not be Debian's (a pyenv one): then take the
    # python3-yaml that scripts/setup installs; without it, part 1 still runs and
    # parts 2 and 3 say what is missing
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import yaml
    except ImportError:
        yaml = None

SPEC_PATH = os.path.join(SOURCE, "docs", "openapi.yaml")
ROUTES_PATH = os.path.join(SOURCE, "src", "http", "routes.c")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
NO_YAML = "PyYAML is missing: scripts/setup installs Debian's python3-yaml"

USERS = {
    "admin": "admin",
    "donor": "wuxi.finance",
    "recipient": "donghai.office",
    "auditor": "audit.wxlyg",
    "assessor": "province.assess",
}


# ---- 1. the routes ------------------------------------------------------------------

def route_table():
    """(METHOD, pattern) of every entry of pa_http_routes[], in table order."""
    text = open(ROUTES_PATH, encoding="utf-8").read()
    table = re.search(r"pa_http_routes\[\]\s*=\s*\{(.*?)\n\};", text, re.S)
    assert table, "no pa_http_routes[] table in " + ROUTES_PATH
    routes = re.findall(r'^\s*\{"([A-Z]+)",\s*"([^"]+)",', table.group(1), re.M)
    assert len(routes) > 20, "the route table reads as only %d routes" % len(routes)
    return routes


def spec_paths_by_indentation(text):
    """{path: [methods]} of the `paths:` block, read by indentation: a path is a key
    indented two spaces, an operation a method key indented four under it."""
    paths, current, inside = {}, None, False
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):  # a top-level key starts or ends the block
            inside = line.rstrip() == "paths:"
            continue
        if not inside:
            continue
        m = re.match(r"^  (['\"]?)(/[^'\":]*)\1:\s*$", line)
        if m:
            current = m.group(2)
            assert current not in paths, "path %s is described twice" % current
            paths[current] = []
            continue
        m = re.match(r"^    ([a-z]+):\s*$", line)
        if m and current and m.group(1) in METHODS:
            paths[current].append(m.group(1))
    return paths


def normalise(path):
    return re.sub(r"\{[^}/]*\}", "{}", path)


def test_routes_match_the_description():
    served = {(method, pattern) for method, pattern in route_table()}
    described = spec_paths_by_indentation(open(SPEC_PATH, encoding="utf-8").read())
    documented = {(m.upper(), normalise(p)) for p, methods in described.items() for m in methods}
    missing = sorted(served - documented)
    extra = sorted(documented - served)
    assert not missing and not extra, (
        "docs/openapi.yaml and src/http/routes.c disagree:\n"
        "  served but not described: %s\n  described but not served: %s" % (missing, extra))
    empty = sorted(p for p, methods in described.items() if not methods)
    assert not empty, "paths without an operation: %s" % empty


# ---- 2. the file ----------------------------------------------------------------------

def load_spec():
    assert yaml is not None, NO_YAML
    with open(SPEC_PATH, encoding="utf-8") as f:
        return yaml.safe_load(f)


def resolve(spec, node):
    """Follows `$ref`s (local ones: '#/components/...') to the node they name."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), "only local references: " + ref
        target = spec
        for part in ref[2:].split("/"):
            assert isinstance(target, dict) and part in target, "unresolved $ref " + ref
            target = target[part]
        node, seen = target, seen + 1
        assert seen < 20, "a $ref loop at " + ref
    return node


def all_refs(node, where="#"):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield where, v
            else:
                yield from all_refs(v, where + "/" + str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from all_refs(v, "%s/%d" % (where, i))


def operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item, item[method]


def refuses_unknown_fields(spec, schema):
    schema = resolve(spec, schema)
    if schema.get("type") == "array":
        return refuses_unknown_fields(spec, schema["items"])
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return all(refuses_unknown_fields(spec, s) for s in schema[key])
    return schema.get("additionalProperties") is False


def test_the_description_is_well_formed():
    spec = load_spec()
    assert str(spec.get("openapi", "")).startswith("3."), "not an OpenAPI 3 document"
    text = open(SPEC_PATH, encoding="utf-8").read()
    by_indentation = spec_paths_by_indentation(text)
    by_yaml = {p: [m for m in METHODS if m in item] for p, item in spec["paths"].items()}
    assert {p: sorted(m) for p, m in by_indentation.items()} == \
        {p: sorted(m) for p, m in by_yaml.items()}, "the indentation reader misreads paths:"
    problems = []
    for where, ref in all_refs(spec):
        try:
            resolve(spec, {"$ref": ref})
        except AssertionError as e:
            problems.append("%s: %s" % (where, e))
    tags = {t["name"] for t in spec.get("tags", [])}
    seen_ids = {}
    for path, method, item, op in operations(spec):
        name = "%s %s" % (method.upper(), path)
        op_id = op.get("operationId")
        if not op_id or op_id in seen_ids:
            problems.append("%s: operationId %r missing or also %s's" % (name, op_id,
                                                                         seen_ids.get(op_id)))
        seen_ids[op_id] = name
        if not op.get("responses") or not op.get("summary"):
            problems.append(name + ": no summary or no responses")
        problems += ["%s: unknown tag %r" % (name, t) for t in op.get("tags", []) if t not in tags]
        params = [resolve(spec, p) for p in item.get("parameters", []) + op.get("parameters", [])]
        declared = {p["name"] for p in params if p["in"] == "path"}
        for wanted in re.findall(r"\{([^}]+)\}", path):
            if wanted not in declared:
                problems.append("%s: path parameter %r is not declared" % (name, wanted))
        body = resolve(spec, op.get("requestBody", {})).get("content", {})
        if "application/json" in body and not refuses_unknown_fields(
                spec, body["application/json"]["schema"]):
            problems.append(name + ": its JSON body schema lacks additionalProperties: false")
        for status, response in op.get("responses", {}).items():
            response = resolve(spec, response)
            if not re.fullmatch(r"[1-5][0-9][0-9]", str(status)) or "description" not in response:
                problems.append("%s: response %r is not a status with a description" %
                                (name, status))
    assert not problems, "\n".join(problems)


# ---- 3. the answers ---------------------------------------------------------------------

class Checker:
    """Checks JSON values against the OpenAPI 3.0 schemas of the description: the
    subset it uses ($ref, allOf/oneOf/anyOf, type, nullable, enum, pattern, format date,
    lengths, bounds, items, required, properties, additionalProperties)."""

    def __init__(self, spec):
        self.spec = spec

    def check(self, value, schema, where="$"):
        """A list of problems, empty when value matches schema."""
        schema = resolve(self.spec, schema)
        if value is None:
            if self.nullable(schema):
                return []
            return ["%s: null is not allowed" % where]
        problems = []
        for part in schema.get("allOf", []):
            problems += self.check_part(value, part, where)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                tries = [self.check(value, s, where) for s in schema[key]]
                if all(tries):
                    problems.append("%s: matches none of %s: %s" % (where, key, tries))
        problems += self.check_own(value, schema, where)
        if isinstance(value, dict) and self.describes_object(schema):
            problems += self.check_object(value, schema, where)
        return problems

    def check_part(self, value, part, where):
        """An allOf member: its own keywords only, the object's members are checked
        once for the union of all the members (check_object)."""
        part = resolve(self.spec, part)
        problems = self.check_own(value, part, where)
        for sub in part.get("allOf", []):
            problems += self.check_part(value, sub, where)
        return problems

    def nullable(self, schema):
        schema = resolve(self.spec, schema)
        return schema.get("nullable") is True or None in schema.get("enum", [])

    def check_own(self, value, schema, where):
        kind = schema.get("type")
        types = {"string": str, "boolean": bool, "array": list, "object": dict}
        if kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                return ["%s: %r is not an integer" % (where, value)]
        elif kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return ["%s: %r is not a number" % (where, value)]
        elif kind in types and not isinstance(value, types[kind]):
            return ["%s: %r is not of type %s" % (where, value, kind)]
        problems = []
        if "enum" in schema and value not in schema["enum"]:
            problems.append("%s: %r is not one of %s" % (where, value, schema["enum"]))
        if isinstance(value, str):
            if "pattern" in schema and not re.search(schema["pattern"], value):
                problems.append("%s: %r does not match %s" % (where, value, schema["pattern"]))
            if schema.get("format") == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                problems.append("%s: %r is not a date" % (where, value))
            if len(value) > schema.get("maxLength", len(value)) or \
                    len(value) < schema.get("minLength", 0):
                problems.append("%s: %r has a length out of bounds" % (where, value))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if value < schema.get("minimum", value) or value > schema.get("maximum", value):
                problems.append("%s: %r is out of bounds" % (where, value))
        if isinstance(value, list):
            if len(value) > schema.get("maxItems", len(value)) or \
                    len(value) < schema.get("minItems", 0):
                problems.append("%s: %d items is out of bounds" % (where, len(value)))
            if "items" in schema:
                for i, item in enumerate(value):
                    problems += self.check(item, schema["items"], "%s[%d]" % (where, i))
        return problems

    def describes_object(self, schema):
        return bool(self.members(schema)[0]) or schema.get("type") == "object"

    def members(self, schema):
        """(properties, required, open) of an object schema and its allOf members."""
        schema = resolve(self.spec, schema)
        props = dict(schema.get("properties", {}))
        required = set(schema.get("required", []))
        extra = schema.get("additionalProperties", False) not in (False, None) or \
            any(k in schema for k in ("oneOf", "anyOf"))
        for part in schema.get("allOf", []):
            p, r, e = self.members(part)
            for name, sub in p.items():
                if name not in props:
                    props[name] = sub
                elif props[name] != sub:  # described twice: the value must match both
                    props[name] = {"allOf": [props[name], sub],
                                   "nullable": self.nullable(props[name]) and self.nullable(sub)}
            required |= r
            extra = extra or e
        return props, required, extra

    def check_object(self, value, schema, where):
        props, required, open_ended = self.members(schema)
        problems = ["%s: the required field %r is missing" % (where, name)
                    for name in sorted(required) if name not in value]
        for name, member in value.items():
            if name in props:
                problems += self.check(member, props[name], "%s.%s" % (where, name))
            elif not open_ended:
                problems.append("%s: the field %r is not documented" % (where, name))
        return problems


class Api:
    """The demo server, the description, and what every call answered."""

    def __init__(self, server, spec):
        self.s = server
        self.spec = spec
        self.checker = Checker(spec)
        self.tokens = {role: server.login(name) for role, name in USERS.items()}
        self.calls = 0
        self.problems = []
        self.seen = {}

    def problem(self, kind, example):
        if kind not in self.seen:
            self.problems.append(kind + "   (e.g. " + example + ")")
        self.seen[kind] = self.seen.get(kind, 0) + 1

    def operation(self, method, path):
        """The description's (path template, operation) for a concrete path."""
        bare = urllib.parse.urlsplit(path).path
        literal = None
        for template, item in self.spec["paths"].items():
            pattern = "^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template)) + "$"
            if re.match(pattern, bare) and method in item:
                # a literal path wins over a template, as in the route table
                if literal is None or "{" not in template:
                    literal = (template, item[method])
        assert literal, "no documented operation for %s %s" % (method.upper(), bare)
        return literal

    def call(self, method, path, body=None, role=None, raw=None, headers=None, expect=None):
        """Calls the server as `role` (None: anonymously) and checks the answer against the
        description; returns (status, parsed JSON or None)."""
        token = self.tokens[role] if role else None
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        status, hdrs, payload = self.s.request(method.upper(), path, body, h, raw)
        self.calls += 1
        template, op = self.operation(method.lower(), path)
        name = "%s %s as %s" % (method.upper(), path, role or "anonymous")
        if expect is not None and status != expect:
            self.problems.append("%s: %d, not %d: %s" % (name, status, expect, payload[:300]))
        response = op["responses"].get(str(status))
        if response is None:
            self.problems.append("%s: status %d is not documented for %s %s (%s)" % (
                name, status, method.upper(), template, sorted(op["responses"])))
            return status, None
        content = resolve(self.spec, response).get("content", {})
        kind = hdrs.get("content-type", "").split(";")[0].strip()
        parsed = None
        if kind == "application/json":
            parsed = json.loads(payload)
            if "application/json" not in content:
                self.problems.append("%s: JSON, but %d is documented as %s" % (
                    name, status, sorted(content)))
            else:
                found = self.checker.check(parsed, content["application/json"]["schema"])
                for p in found:  # one line per kind of problem, not per array item
                    self.problem("%s %s (%d) %s" % (method.upper(), template, status,
                                                    re.sub(r"\[\d+\]", "[]", p)), name)
        elif content and not any(kind == k.split(";")[0].strip() for k in content):
            self.problems.append("%s: %s, but %d is documented as %s" % (
                name, kind, status, sorted(content)))
        return status, parsed

    def documented_gets(self):
        for template, item in self.spec["paths"].items():
            if "get" in item:
                params = [resolve(self.spec, p)
                          for p in item.get("parameters", []) + item["get"].get("parameters", [])]
                yield template, item["get"], params


# Values for the path and query parameters of the documented GETs; filled in by the
# test from the demo's own data, so every GET can answer 200.
def sample_values(api):
    st, projects = api.call("get", "/api/v1/projects?limit=1", expect=200)
    st, accounts = api.call("get", "/api/v1/accounts", role="admin", expect=200)
    st, findings = api.call("get", "/api/v1/audit/findings?status=all", role="admin", expect=200)
    return {
        # a {code} is an account's under /accounts/, a project's elsewhere
        "code": {"/api/v1/accounts/": accounts["accounts"][0]["code"],
                 "/api/v1/projects/": projects["projects"][0]["code"]},
        "id": findings["findings"][0]["id"],
        "pairing": "WX-LYG",
        "kind": "projects",
        "index": "0",
        "from": "1",
    }


# Optional query parameters a read needs for every role: the demo has several city
# pairings, so the measures of "the" pairing are only an auditor's without one.
QUERY = {"/api/v1/measures": {"pairing": "WX-LYG"}}


def concrete(template, params, samples, extra=None):
    """The template with its path parameters filled in, and its required query
    parameters (QUERY's, and `extra`) as the query string."""
    path = template
    for name in re.findall(r"\{([^}]+)\}", template):
        value = samples[name]
        if isinstance(value, dict):
            value = next(v for prefix, v in value.items() if template.startswith(prefix))
        path = path.replace("{%s}" % name, urllib.parse.quote(value, safe=""))
    query = {p["name"]: samples[p["name"]] for p in params
             if p["in"] == "query" and p.get("required")}
    query.update(QUERY.get(template, {}))
    query.update(extra or {})
    return path + ("?" + urllib.parse.urlencode(query) if query else "")


def enum_values(api, param):
    schema = resolve(api.spec, param.get("schema", {}))
    return [v for v in schema.get("enum", []) if v is not None]


def fill_the_books(api):
    """The writes that give every read something to show, each checked as a call."""
    api.call("post", "/api/v1/audit/run", {"as_of": "2024-09-10"}, role="auditor", expect=200)
    api.call("post", "/api/v1/audit/run", raw=b"", role="admin", expect=200)
    # a finding of 东海县 for its recipient to explain (any finding, by an admin, if the
    # demo's books ever hold none there)
    st, found = api.call("get", "/api/v1/audit/findings?region=320722", role="recipient",
                         expect=200)
    explainer = "recipient" if found["findings"] else "admin"
    if not found["findings"]:
        st, found = api.call("get", "/api/v1/audit/findings", role="admin", expect=200)
    finding = found["findings"][0]["id"]
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1b1a40000000049454e44ae426082")
    st, stored = api.call("post", "/api/v1/media", raw=png, role=explainer,
                          headers={"Content-Type": "image/png"}, expect=201)
    api.call("post", "/api/v1/audit/findings/%s/responses" % finding,
             {"action": "explain", "note": "已整改，凭证见附件", "attachment": stored["name"]},
             role=explainer, expect=201)
    api.call("post", "/api/v1/audit/findings/%s/responses" % finding,
             {"action": "resolve", "note": "核实销号"},
             role="auditor" if explainer == "recipient" else "admin", expect=201)
    # the measures: one version in force (both sides), one only proposed (a diff),
    # the second proposed by the auditor (their role, as docs/api.md says)
    api.call("post", "/api/v1/measures", {"text": "[advance_too_large]\nmax_percent = 40\n"},
             role="donor", expect=201)
    api.call("post", "/api/v1/measures/1/approve", raw=b"", role="donor", expect=200)
    api.call("post", "/api/v1/measures/1/approve", {}, role="recipient", expect=200)
    api.call("post", "/api/v1/measures", {"text": "[idle_funds]\nerror_days = 300\n"},
             role="auditor", expect=201)
    api.call("get", "/api/v1/measures", role="auditor", expect=200)
    api.call("get", "/api/v1/measures?pairing=WX-LYG-YX-DH", role="recipient", expect=200)
    # the assessment: the empty ranking first, then a published one and a preview
    api.call("get", "/api/v1/assessment", expect=200)
    api.call("post", "/api/v1/assessment/preview", {"year": 2024}, role="assessor", expect=200)
    api.call("post", "/api/v1/assessment/run", {"year": 2024}, role="assessor", expect=201)
    return stored["name"]


def check_refusals(api):
    """A few refusals of the new endpoints, each a documented status in the Error shape."""
    api.call("post", "/api/v1/measures", {"text": "[idle_funds]\nenabled = maybe\n"},
             role="donor", expect=422)
    api.call("post", "/api/v1/measures", {"text": "x", "foo": 1}, role="donor", expect=422)
    api.call("post", "/api/v1/measures/abc/approve", {}, role="donor", expect=404)
    api.call("post", "/api/v1/measures/1/approve", {}, role="auditor", expect=403)
    api.call("get", "/api/v1/measures", role="admin", expect=400)
    api.call("get", "/api/v1/measures?pairing=NOPE", role="admin", expect=404)
    api.call("post", "/api/v1/media", raw=b"hello", role="admin",
             headers={"Content-Type": "image/png"}, expect=422)
    api.call("post", "/api/v1/media", raw=b"hello", role="admin",
             headers={"Content-Type": "text/plain"}, expect=415)
    api.call("post", "/api/v1/audit/run", {"as_of": "2024-13-01"}, role="admin", expect=422)
    api.call("post", "/api/v1/audit/run", {}, role="donor", expect=403)
    api.call("get", "/api/v1/audit/findings?status=nope", role="admin", expect=400)
    api.call("get", "/api/v1/audit/findings/F-999999", role="admin", expect=404)
    api.call("post", "/api/v1/audit/findings/F-0001/responses", {"action": "nope", "note": "x"},
             role="admin", expect=422)
    api.call("post", "/api/v1/assessment/run", {"year": "2024"}, role="assessor", expect=422)
    api.call("post", "/api/v1/assessment/preview", {"year": 2024}, role="donor", expect=403)
    api.call("post", "/api/v1/assessment/schemes", {"text": "[scheme]\nfoo = 1\n"},
             role="assessor", expect=422)
    api.call("get", "/api/v1/assessment?year=abc", expect=400)
    api.call("get", "/api/v1/assessment?year=1999", expect=404)
    api.call("get", "/api/v1/assessment/NOPE", expect=404)
    api.call("get", "/api/v1/transfers?limit=1", expect=401)


def test_answers_match_the_description():
    spec = load_spec()
    with Server() as s:
        api = Api(s, spec)
        media = fill_the_books(api)
        samples = sample_values(api)
        samples["file"] = media
        check_refusals(api)
        for template, op, params in api.documented_gets():
            public = op.get("security") == []
            for role in [None] + list(USERS):
                expect = 200 if public or role else 401
                api.call("get", concrete(template, params, samples), role=role, expect=expect)
                if role not in (None, "admin"):
                    continue
                for p in params:
                    if p["in"] != "query":
                        continue
                    for value in enum_values(api, p):
                        api.call("get", concrete(template, params, samples, {p["name"]: value}),
                                 role=role)
            # HEAD is the GET without its body (docs/api.md)
            status, _, payload = s.request("HEAD", concrete(template, params, samples),
                                           headers={"Authorization": "Bearer " +
                                                    api.tokens["admin"]})
            if status != 200 or payload:
                api.problems.append("HEAD %s: %d with %d bytes" % (template, status,
                                                                   len(payload)))
        print("     %d calls checked against docs/openapi.yaml" % api.calls, flush=True)
        assert not api.problems, "%d problems:\n%s" % (len(api.problems),
                                                       "\n".join(api.problems[:60]))


if __name__ == "__main__":
    main([test_routes_match_the_description, test_the_description_is_well_formed,
          test_answers_match_the_description])
