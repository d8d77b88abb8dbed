"""The yearly assessment over HTTP (docs/api.md, "The assessment"): every role against
every assessment endpoint, bad input that must be a 4xx and change nothing (a bad scheme
above all), the arithmetic of a published ranking against a reference model written
here, the ranking and scores JSON against the command line's CSV for the same database,
a preview that records nothing and reads exactly as its publication, and the public
reads' cache following the log.

The pairings it ranks are partly the demo's (however many city pairings the demo
holds) and partly three added here, scored with manual scores imported here under a
scheme added here, so the checks hold whatever the demo's own figures become.

    PAIRAID=build-dev/pairaid PA_SOURCE_DIR=. python3 tests/http/test_assess.py
"""
import csv
import io
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server  # noqa: E402
from server import Server, is_error, main  # noqa: E402

S = None
TOKENS = {}
YEAR = 2024

USERS = {
    "admin": "admin",
    "donor": "wuxi.finance",
    "recipient": "donghai.office",
    "auditor": "audit.wxlyg",
    "assessor": "province.assess",
}
ROLES = ["anonymous"] + list(USERS)
MANAGERS = ("admin", "assessor")  # who manage schemes, run and preview

# three more city pairings, so there is a ranking with tiers and limits to check
PAIRINGS = ("code,name,donor,recipient,start_date,source\n"
            "TA-NJ-HA,测试：南京市—淮安市,320100,320800,2022-01-01,synthetic\n"
            "TA-SZ-SQ,测试：苏州市—宿迁市,320500,321300,2022-01-01,synthetic\n"
            "TA-CZ-YC,测试：常州市—盐城市,320400,320900,2022-01-01,synthetic\n")
OURS = ("TA-NJ-HA", "TA-SZ-SQ", "TA-CZ-YC")

# Two manual indicators: what each pairing scores is exactly what it is given.
SCHEME = """[scheme]
name = 测试方案（两项人工指标）
cap = 1.2
bonus_max = 5
penalty_per_error = 0

[tier.1]
name = 第一等次
min_total = 90
max_share = 50

[tier.2]
name = 第二等次
min_total = 60

[tier.3]
name = 第三等次
min_total = 0

[work]
area = organisation
name = 工作推进
weight = 60
metric = manual
target = 10

[survey]
area = innovation
name = 满意度调查
weight = 40
metric = manual
target = 4
cap = 1.5
"""
# (work, survey, bonus) per pairing of ours; every other city pairing gets (1, 0, 0)
GIVEN = {"TA-SZ-SQ": ("10.00", "6.00", "0.00"),   # 60 + 40 x 1.5 = 120
         "TA-NJ-HA": ("9.00", "4.00", "3.00"),    # 54 + 40 + 3 = 97
         "TA-CZ-YC": ("9.50", "3.00", "4.50")}    # 57 + 30 + 4.5 = 91.5


def token(role):
    if role == "anonymous":
        return None
    if role not in TOKENS:
        TOKENS[role] = S.login(USERS[role])
    return TOKENS[role]


def call(method, path, body=None, role="admin", raw=None, headers=None):
    return S.call(method, path, body, token=token(role), raw=raw, headers=headers)


def must(method, path, body=None, role="assessor"):
    status, parsed = call(method, path, body, role)
    assert status in (200, 201), (method, path, role, status, parsed)
    return parsed



def two_decimals(v):
    return isinstance(v, str) and v.lstrip("-").count(".") == 1 and \
        len(v.split(".")[1]) == 2 and v.replace(".", "").lstrip("-").isdigit()


def hundredths(v):
    sign = -1 if v.startswith("-") else 1
    whole, frac = v.lstrip("-").split(".")
    return sign * (int(whole) * 100 + int(frac))


def import_csv(kind, text, role):
    return call("POST", "/api/v1/import/" + kind, role=role, raw=text.encode(),
                headers={"Content-Type": "text/csv"})


def city_pairings():
    _, body = call("GET", "/api/v1/pairings", role="anonymous")
    return sorted(p["code"] for p in body["pairings"] if not p.get("parent"))


def state():
    """What a refused request must leave alone: the log and the assessment's tables."""
    return (S.snapshot(), S.sql("SELECT count(*) FROM schemes"),
            S.sql("SELECT count(*) FROM assess_runs"),
            S.sql("SELECT * FROM scores ORDER BY 1, 2, 3"))


def cli_csv(*args):
    code, out, err = server.run("--db", S.db, "assess", *args, "--year", str(YEAR),
                                "--format", "csv")
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


# ---- before anything is published ---------------------------------------------------------


def test_nothing_published_yet():
    for role in ROLES:
        # the latest ranking is an empty one; a year or a pairing asked for is not found
        status, body = call("GET", "/api/v1/assessment", role=role)
        assert status == 200 and body["ranking"] == [] and body["years"] == [], (role, body)
        assert body["year"] is None and body["seq"] is None, body
        for path in ("/api/v1/assessment?year=%d" % YEAR, "/api/v1/assessment/WX-LYG"):
            status, body = call("GET", path, role=role)
            assert is_error(status, body, 404, "not_found"), (role, path, status, body)


def test_setup_pairings_and_scores():
    status, body = import_csv("pairings", PAIRINGS, "admin")
    assert status == 200 and body["created"] == 3, (status, body)
    rows = ["pairing,year,indicator,actual,source"]
    for code in city_pairings():
        work, survey, bonus = GIVEN.get(code, ("1.00", "0.00", "0.00"))
        # a bonus of 0 too: the demo's own pairings come with 2024 scores (survey, bonus)
        # of their own, which these replace
        rows += ["%s,%d,work,%s,工作台账" % (code, YEAR, work),
                 "%s,%d,survey,%s,满意度调查报告" % (code, YEAR, survey),
                 "%s,%d,bonus,%s,省委表彰" % (code, YEAR, bonus)]
    text = "\n".join(rows) + "\n"
    had = S.sql("SELECT count(*) FROM scores WHERE year = %d AND indicator IN "
                "('work', 'survey', 'bonus')" % YEAR)[0][0]
    # manual scores are the assessors' (and an admin's): the import endpoint says so
    for role in ("anonymous", "donor", "recipient", "auditor"):
        before = state()
        status, body = import_csv("scores", text, role)
        assert status == (401 if role == "anonymous" else 403), (role, status, body)
        assert state() == before, role
    status, body = import_csv("scores", text, "assessor")
    assert status == 200 and body["created"] == len(rows) - 1 - had, (status, body)
    assert body["updated"] + body["unchanged"] == had, (status, body)


# ---- schemes -------------------------------------------------------------------------------

BAD_SCHEMES = [
    # (text, line, key): a fault of one key names its line, one of the whole file
    # (the weights' sum, the tiers' order) the header of the section concerned
    (SCHEME.replace("weight = 40", "weight = 30"), 27, "weight"),          # weights add up to 90
    (SCHEME.replace("metric = manual\ntarget = 4", "metric = nope\ntarget = 4"), 31, "metric"),
    (SCHEME.replace("cap = 1.5", "cap = 0.5"), 33, "cap"),
    (SCHEME.replace("min_total = 60", "min_total = 95"), 12, "min_total"),
    (SCHEME.replace("bonus_max = 5", "bonus_max = five"), 4, "bonus_max"),
    (SCHEME.replace("[survey]\n", "[survey]\ncolour = red\n"), 28, "colour"),
    (SCHEME.replace("min_total = 0", "min_total = 10"), 16, "min_total"),   # the last is not 0
    ("[scheme]\nname = 空\n", 1, "weight"),                                # no indicator
]


def test_schemes_read_per_role():
    for role in ROLES:
        status, body = call("GET", "/api/v1/assessment/schemes", role=role)
        if role == "anonymous":
            assert is_error(status, body, 401, "unauthenticated"), (status, body)
            continue
        assert status == 200, (role, status, body)
        assert set(body) == {"in_use", "name", "text", "default_text", "versions", "runs",
                             "metrics"}, body
        assert body["in_use"] == 0 and body["text"] == body["default_text"], body
        assert "[tier.1]" in body["default_text"] and body["versions"] == []
        assert {"name": "spent_share", "zh": "资金支出率", "unit": "%"} in body["metrics"]


def test_bad_schemes_change_nothing():
    _, listed = call("GET", "/api/v1/assessment/schemes", role="assessor")
    for text, line, key in BAD_SCHEMES:
        for path, body in (("/api/v1/assessment/schemes", {"text": text}),
                           ("/api/v1/assessment/run", {"year": YEAR, "scheme": text}),
                           ("/api/v1/assessment/preview", {"year": YEAR, "scheme": text})):
            before = state()
            status, out = call("POST", path, body, role="assessor")
            assert is_error(status, out, 422, "invalid"), (path, key, status, out)
            # the one error shape: the line leads the message, the key is the field
            assert set(out["error"]) == {"code", "message", "field"}, out
            msg = out["error"]["message"]
            assert msg.startswith("line %d: " % line) and key in msg, (path, line, key, out)
            assert out["error"]["field"] == key, (path, out)
            assert state() == before, (path, key)
    _, after = call("GET", "/api/v1/assessment/schemes", role="assessor")
    assert after == listed
    # a bad scheme from someone who may not add one is refused for who they are
    before = state()
    status, out = call("POST", "/api/v1/assessment/schemes", {"text": BAD_SCHEMES[0][0]},
                       role="donor")
    assert is_error(status, out, 403, "forbidden"), out
    assert state() == before


def test_scheme_add_per_role():
    for role in ROLES:
        before = state()
        status, body = call("POST", "/api/v1/assessment/schemes", {"text": SCHEME}, role=role)
        if role in MANAGERS:
            assert status == 201 and set(body) == {"version", "name"}, (role, status, body)
            assert body["name"] == "测试方案（两项人工指标）", body
        else:
            assert status == (401 if role == "anonymous" else 403), (role, status, body)
            assert is_error(status, body, status) and state() == before, role
    _, listed = call("GET", "/api/v1/assessment/schemes", role="recipient")
    versions = [v["version"] for v in listed["versions"]]
    assert versions == sorted(versions, reverse=True) and len(versions) == 2, listed
    assert listed["in_use"] == versions[0] and listed["text"] == SCHEME, listed
    assert listed["versions"][0]["actor"] in USERS.values(), listed
    assert listed["name"] == "测试方案（两项人工指标）"


def test_scheme_bad_bodies():
    for body, field in (({}, "text"), ({"text": 5}, "text"), ({"text": SCHEME, "version": 2},
                                                                "version")):
        before = state()
        status, out = call("POST", "/api/v1/assessment/schemes", body, role="assessor")
        assert is_error(status, out, 422) and out["error"]["field"] == field, (body, out)
        assert state() == before, body
    for raw in (b"{", b"[]", b"\"x\"", b"\xff\xfe", b""):
        before = state()
        status, out = call("POST", "/api/v1/assessment/schemes", role="assessor", raw=raw,
                           headers={"Content-Type": "application/json"})
        assert is_error(status, out, 400, "malformed"), (raw, status, out)
        assert state() == before


# ---- preview and run --------------------------------------------------------------------


def test_preview_per_role_records_nothing():
    for role in ROLES:
        before = state()
        status, body = call("POST", "/api/v1/assessment/preview", {"year": YEAR}, role=role)
        if role in MANAGERS:
            assert status == 200, (role, status, body)
            assert set(body) == {"year", "scheme", "scheme_name", "ranking", "scores"}, body
            assert body["scheme_name"] == "测试方案（两项人工指标）", body
            assert sorted(r["pairing"] for r in body["ranking"]) == city_pairings()
        else:
            assert status == (401 if role == "anonymous" else 403), (role, status, body)
            assert is_error(status, body, status), body
        assert state() == before, role
    # still nothing published
    status, body = call("GET", "/api/v1/assessment", role="anonymous")
    assert status == 200 and body["ranking"] == [], body


def test_run_bad_input():
    bad = [({}, "year"), ({"year": "2024"}, "year"), ({"year": 2024.0}, "year"),
           ({"year": 1900}, "year"), ({"year": 3000}, "year"), ({"year": None}, "year"),
           ({"year": YEAR, "scheme": 5}, "scheme"), ({"year": YEAR, "schema": "x"}, "schema")]
    for path in ("/api/v1/assessment/run", "/api/v1/assessment/preview"):
        for body, field in bad:
            before = state()
            status, out = call("POST", path, body, role="assessor")
            assert is_error(status, out, 422, "invalid") and out["error"]["field"] == field, \
                (path, body, status, out)
            assert state() == before, (path, body)
        for raw in (b"{", b"[1]", b"\xff", b""):
            status, out = call("POST", path, role="assessor", raw=raw,
                               headers={"Content-Type": "application/json"})
            assert is_error(status, out, 400, "malformed"), (path, raw, status, out)
    for path in ("/api/v1/assessment/run", "/api/v1/assessment/preview",
                 "/api/v1/assessment/schemes"):
        status, out = call("PATCH", path, {}, role="assessor")
        assert is_error(status, out, 405, "method_not_allowed"), (path, status, out)


def test_run_per_role():
    _, preview = call("POST", "/api/v1/assessment/preview", {"year": YEAR}, role="assessor")
    seqs = []
    for role in ROLES:
        before = state()
        status, body = call("POST", "/api/v1/assessment/run", {"year": YEAR}, role=role)
        if role in MANAGERS:
            assert status == 201, (role, status, body)
            assert set(body) == {"year", "seq", "scheme", "scheme_name", "pairings"}, body
            assert body["year"] == YEAR and body["pairings"] == len(city_pairings()), body
            seqs.append(body["seq"])
        else:
            assert status == (401 if role == "anonymous" else 403), (role, status, body)
            assert is_error(status, body, status) and state() == before, role
    # every run is an event beside the others; the reads show the latest
    assert len(seqs) == 2 and seqs[0] < seqs[1]
    _, published = call("GET", "/api/v1/assessment?year=%d" % YEAR, role="anonymous")
    assert published["seq"] == seqs[1] and published["years"] == [YEAR], published
    # the preview read exactly as its publication
    strip = [{k: v for k, v in r.items() if k != "areas"} for r in published["ranking"]]
    assert strip == preview["ranking"], (strip, preview["ranking"])
    _, listed = call("GET", "/api/v1/assessment/schemes", role="assessor")
    assert [r["seq"] for r in listed["runs"]][:2] == seqs[::-1], listed["runs"]


# ---- what was published ----------------------------------------------------------------------


def reference_tiers(rows):
    """Tiers and ranks as docs/assessment.md defines them, for SCHEME (no error rule)."""
    order = sorted(rows, key=lambda r: (-hundredths(r["total"]), -hundredths(r["spent_share"]),
                                        r["pairing"]))
    n = len(order)
    tiers = [(9000, 5000), (6000, 0), (0, 0)]  # (min_total, max_share) in hundredths
    taken = [0, 0, 0]
    placed = {}
    for r in order:
        t = 0
        while t < len(tiers) - 1:
            limit = tiers[t][1] * n // 10000 if tiers[t][1] else n
            if hundredths(r["total"]) >= tiers[t][0] and taken[t] < max(limit, 1):
                break
            t += 1
        taken[t] += 1
        placed[r["pairing"]] = (t + 1, taken[t])
    return placed


def test_ranking_arithmetic_and_tiers():
    _, body = call("GET", "/api/v1/assessment?year=%d" % YEAR, role="anonymous")
    rows = body["ranking"]
    assert sorted(r["pairing"] for r in rows) == city_pairings()
    expected_total = {"TA-SZ-SQ": 12000, "TA-NJ-HA": 9700, "TA-CZ-YC": 9150}
    for r in rows:
        for key in ("base", "bonus", "penalty", "total", "spent_share"):
            assert two_decimals(r[key]), (key, r)
        assert hundredths(r["total"]) == hundredths(r["base"]) + hundredths(r["bonus"]) - \
            hundredths(r["penalty"]), r
        assert r["pairing"] not in expected_total or \
            hundredths(r["total"]) == expected_total[r["pairing"]], r
        areas = {a["area"]: a for a in r["areas"]}
        assert set(areas) == {"organisation", "innovation"}, r["areas"]
        assert sum(hundredths(a["score"]) for a in r["areas"]) == hundredths(r["base"]), r
        assert areas["organisation"]["weight"] == "60.00", r
    placed = reference_tiers(rows)
    for r in rows:
        assert (r["tier"], r["rank"]) == placed[r["pairing"]], (r, placed[r["pairing"]])
        assert r["tier_name"] == ["第一等次", "第二等次", "第三等次"][r["tier"] - 1], r
    order = [(r["tier"], r["rank"]) for r in rows]
    assert order == sorted(order), order


def test_ranking_json_equals_cli_csv():
    _, body = call("GET", "/api/v1/assessment?year=%d" % YEAR, role="anonymous")
    csv_rows = cli_csv("ranking")
    assert len(csv_rows) == len(body["ranking"])
    for row, j in zip(csv_rows, body["ranking"]):
        for col, value in row.items():
            assert str(j[col]) == value, (col, j, row)
    # and each pairing's scores, column for column
    scores_csv = cli_csv("scores")
    for code in city_pairings():
        status, one = call("GET", "/api/v1/assessment/%s?year=%d" % (code, YEAR), role="anonymous")
        assert status == 200, (code, one)
        mine = [r for r in scores_csv if r["pairing"] == code]
        assert len(mine) == len(one["scores"]) == 2, (code, one)
        for row, j in zip(mine, one["scores"]):
            for col, value in row.items():
                assert str(j[col]) == value, (col, j, row)


def test_pairing_scores_with_inputs_and_gains():
    for role in ROLES:
        status, body = call("GET", "/api/v1/assessment/TA-NJ-HA?year=%d" % YEAR, role=role)
        assert status == 200, (role, status, body)
    for key in ("year", "seq", "scheme", "scheme_name", "published", "pairing", "name", "base",
                "bonus", "penalty", "total", "tier", "tier_name", "rank", "spent_share", "areas",
                "scores"):
        assert key in body, key
    assert body["pairing"] == "TA-NJ-HA" and body["total"] == "97.00" and body["bonus"] == "3.00"
    work, survey = body["scores"]
    assert work["indicator"] == "work" and work["actual"] == "9.00" and work["score"] == "54.00"
    assert work["inputs"] == "manual=工作台账" and work["gain"] == "6.00", work
    assert survey["score"] == "40.00" and survey["gain"] == "0.00", survey  # at its target
    _, sz = call("GET", "/api/v1/assessment/TA-SZ-SQ", role="anonymous")  # the latest year
    assert [s["gain"] for s in sz["scores"]] == ["0.00", "0.00"], sz["scores"]
    assert sz["scores"][1]["score"] == "60.00", sz  # capped at 1.5 x weight
    for path in ("/api/v1/assessment/NOPE", "/api/v1/assessment/WX-LYG-YX-DH",
                 "/api/v1/assessment/%E4%B8%AD", "/api/v1/assessment/" + "x" * 300):
        status, out = call("GET", path, role="anonymous")
        assert is_error(status, out, 404, "not_found"), (path, status, out)
    for q in ("year=abc", "year=1800", "year=20245", "year=-1", "year="):
        status, out = call("GET", "/api/v1/assessment?" + q, role="anonymous")
        assert is_error(status, out, 400, "malformed") and out["error"]["field"] == "year", \
            (q, status, out)
    status, out = call("GET", "/api/v1/assessment?year=2023", role="anonymous")
    assert is_error(status, out, 404, "not_found"), out
    status, hdrs, payload = S.request("HEAD", "/api/v1/assessment")
    assert status == 200 and payload == b"" and hdrs["content-type"] == "application/json"


def test_public_reads_follow_the_log():
    """Anonymous reads are cached until the log grows: a new score and run must show."""
    first = call("GET", "/api/v1/assessment", role="anonymous")[1]
    assert call("GET", "/api/v1/assessment", role="anonymous")[1] == first
    status, body = import_csv("scores", "pairing,year,indicator,actual,source\n"
                              "TA-CZ-YC,%d,survey,4.00,复核后的满意度调查报告\n" % YEAR,
                              "assessor")
    assert status == 200 and body["updated"] == 1, body
    # a score alone publishes nothing
    assert call("GET", "/api/v1/assessment", role="anonymous")[1]["seq"] == first["seq"]
    must("POST", "/api/v1/assessment/run", {"year": YEAR})
    after = call("GET", "/api/v1/assessment", role="anonymous")[1]
    row = [r for r in after["ranking"] if r["pairing"] == "TA-CZ-YC"][0]
    assert after["seq"] > first["seq"] and row["total"] == "101.50", row
    _, one = call("GET", "/api/v1/assessment/TA-CZ-YC", role="anonymous")
    assert one["scores"][1]["inputs"] == "manual=复核后的满意度调查报告", one


def test_default_scheme_on_the_demo():
    """A scheme run once from a text, then the built-in default on whatever the demo
    holds: every city pairing ranked, the books' metrics with their inputs."""
    _, listed = call("GET", "/api/v1/assessment/schemes", role="assessor")
    out = must("POST", "/api/v1/assessment/run", {"year": YEAR, "scheme": listed["default_text"]})
    assert out["scheme"] == 0 and out["pairings"] == len(city_pairings()), out
    _, body = call("GET", "/api/v1/assessment", role="anonymous")
    assert body["scheme"] == 0 and len(body["ranking"]) == len(city_pairings()), body
    _, wx = call("GET", "/api/v1/assessment/WX-LYG", role="anonymous")
    spent = [s for s in wx["scores"] if s["metric"] == "spent_share"][0]
    assert spent["inputs"].startswith("arranged=") and "spent_by_%d-12-31=" % YEAR in \
        spent["inputs"], spent
    for s in wx["scores"]:
        assert hundredths(s["gain"]) == (max(0, hundredths(s["weight"]) - hundredths(s["score"]))
                                         if hundredths(s["actual"]) < hundredths(s["target"])
                                         else 0), s
    assert {a["area"] for a in wx["areas"]} == {s["area"] for s in wx["scores"]}


def test_cookie_writes_need_csrf():
    status, hdrs, body = S.request("POST", "/api/v1/login",
                                   {"username": "province.assess",
                                    "password": server.PASSWORDS["province.assess"]})
    cookie = hdrs["set-cookie"].split(";")[0]
    csrf = json.loads(body)["csrf"]
    for path, payload, ok in (("/api/v1/assessment/run", {"year": YEAR}, 201),
                              ("/api/v1/assessment/schemes", {"text": SCHEME}, 201),
                              ("/api/v1/assessment/preview", {"year": YEAR}, 200)):
        before = state()
        status, _, out = S.request("POST", path, payload, {"Cookie": cookie})
        assert status == 403, (path, status, out)
        assert state() == before
        status, _, out = S.request("POST", path, payload, {"Cookie": cookie, "X-CSRF-Token": csrf})
        assert status == ok, (path, status, out)


def test_log_verifies():
    rc, out, err = server.run("--db", S.db, "log", "verify")
    assert rc == 0, (out, err)


TESTS = [
    test_nothing_published_yet,
    test_setup_pairings_and_scores,
    test_schemes_read_per_role,
    test_bad_schemes_change_nothing,
    test_scheme_add_per_role,
    test_scheme_bad_bodies,
    test_preview_per_role_records_nothing,
    test_run_bad_input,
    test_run_per_role,
    test_ranking_arithmetic_and_tiers,
    test_ranking_json_equals_cli_csv,
    test_pairing_scores_with_inputs_and_gains,
    test_public_reads_follow_the_log,
    test_default_scheme_on_the_demo,
    test_cookie_writes_need_csrf,
    test_log_verifies,
]


def run():
    global S
    code = 0
    with Server() as S:
        try:
            main(TESTS)
        except SystemExit as e:
            code = e.code or 0
    sys.exit(code)


if __name__ == "__main__":
    run()
