"""Who may write what over HTTP: the role x scope table of docs/api.md, for every
write endpoint, as a data table; separation of duties; what auditors and
anonymous readers may read.

A refused request is exactly 401 (anonymous) or 403 (signed in), with the error
shape, and leaves server.snapshot() as it was.

    PAIRAID=build-dev/pairaid PA_SOURCE_DIR=. python3 tests/http/test_authz.py
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server  # noqa: E402
from server import Server, main  # noqa: E402

S = None
TOKENS = {}

# The columns of the table: a role and the user who plays it (server.py's users).
ROLES = ["admin", "donor_in", "donor_out", "recip_in", "recip_out", "auditor", "assessor"]
USERS = {
    "admin": "admin",
    "donor_in": "wuxi.finance",        # 无锡市 320200: all of Wuxi's money
    "donor_out": "jiangyin.finance",   # 江阴市 320281: in Wuxi, but only Jiangyin's money
    "recip_in": "donghai.office",      # 东海县 320722
    "recip_out": "ganyu.office",       # 赣榆区 320707, another county of 连云港
    "auditor": "audit.wxlyg",          # pairing WX-LYG
    "assessor": "province.assess",
}

# ---- helpers ---------------------------------------------------------------------


def token(user):
    if user not in TOKENS:
        TOKENS[user] = S.login(user)
    return TOKENS[user]


def call(method, path, body=None, user=None, raw=None):
    """(status, headers, parsed body); raw is a CSV text body."""
    h = {"Authorization": "Bearer " + token(user)} if user else {}
    if raw is not None:
        h["Content-Type"] = "text/csv"
    status, hdrs, payload = S.request(method, path, body, h,
                                      raw.encode() if raw is not None else None)
    try:
        parsed = json.loads(payload) if payload else None
    except ValueError:
        parsed = None
    return status, hdrs, parsed


def must(method, path, body=None, user="admin", raw=None):
    status, _, parsed = call(method, path, body, user, raw)
    assert status in (200, 201), (method, path, body, user, status, parsed)
    return parsed


def error_shape(status, hdrs, body, code):
    return (hdrs.get("content-type", "").startswith("application/json") and
            isinstance(body, dict) and set(body) == {"error"} and
            set(body["error"]) >= {"code", "message", "field"} and body["error"]["code"] == code)


_n = [0]


def uid(prefix="AZ"):
    _n[0] += 1
    return "%s-%04d" % (prefix, _n[0])


def transfer(tid, frm, to, amount="1.00", kind="posted", **extra):
    t = {"id": tid, "date": "2024-09-10", "from": frm, "to": to, "amount": amount, "kind": kind}
    t.update(extra)
    return t


def project(code, region="320722", pairing="WX-LYG-YX-DH"):
    return {"code": code, "name": "权限测试 " + code, "pairing": pairing, "region": region,
            "domain": "education", "kind": "livelihood", "budget": "1000.00",
            "start_date": "2024-09-01"}


def request_payment():
    """donghai.office asks to pay 1.00 from the canteen's project account: a pending
    transfer whose money is 宜兴市's (pairing WX-LYG-YX-DH), so 无锡市 may approve it."""
    tid = uid("AZ-REQ")
    must("POST", "/api/v1/transfers",
         transfer(tid, "PRJ-LYG-MS-TAOLIN-CANTEEN", "PAY-SYN-BUILD-DH", kind="pending",
                  project="LYG-MS-TAOLIN-CANTEEN"), "donghai.office")
    return tid


def request_allocation():
    """donghai.office asks for 1.00 from the city pool into the account of a project
    still owed money: the pool's money is 无锡市's (pairing WX-LYG), not 江阴市's."""
    tid = uid("AZ-REQ")
    must("POST", "/api/v1/transfers",
         transfer(tid, "POOL-WX-LYG", unfunded_project_account(), kind="pending"),
         "donghai.office")
    return tid


def unfunded_project_account(budget="1000.00"):
    """A fresh project of 东海县 with an account and nothing allocated yet (admin)."""
    code = uid("AZ-P")
    must("POST", "/api/v1/projects", dict(project(code), budget=budget))
    must("POST", "/api/v1/accounts", {"code": "PRJ-" + code, "name": "权限测试项目资金",
                                      "kind": "project", "region": "320722",
                                      "pairing": "WX-LYG-YX-DH", "project": code})
    return "PRJ-" + code


def csv(header, row):
    return header + "\n" + row + "\n"


# ---- the actions: each builds one fresh request (setting up what it needs as admin) --


def a_create_project(region, pairing):
    return lambda: ("POST", "/api/v1/projects", project(uid("AZ-P"), region, pairing), None)


def a_patch_project():
    code = uid("AZ-P")
    must("POST", "/api/v1/projects", project(code))
    return "PATCH", "/api/v1/projects/" + code, {"beneficiaries": 10, "public": True}, None


def a_add_milestone():
    return ("POST", "/api/v1/projects/LYG-MS-TAOLIN-CANTEEN/milestones",
            {"date": "2024-09-10", "kind": "visit", "title": "权限测试 " + uid()}, None)


def a_create_account(kind, region, pairing=None):
    def make():
        body = {"code": uid("AZ-ACC"), "name": "权限测试账户", "kind": kind, "region": region}
        if pairing:
            body["pairing"] = pairing
        return "POST", "/api/v1/accounts", body, None
    return make


def a_create_project_account():
    code = uid("AZ-P")
    must("POST", "/api/v1/projects", project(code))
    return "POST", "/api/v1/accounts", {"code": "PRJ-" + code, "name": "权限测试项目资金",
                                        "kind": "project", "region": "320722",
                                        "pairing": "WX-LYG-YX-DH", "project": code}, None


def a_transfer(frm, to, kind="posted", project=None):
    def make():
        extra = {"project": project} if project else {}
        return "POST", "/api/v1/transfers", transfer(uid("AZ-T"), frm, to, kind=kind,
                                                     **extra), None
    return make


def a_request_allocation():
    """A pending transfer from the city pool into a project account still owed money."""
    def make():
        account = unfunded_project_account()
        return "POST", "/api/v1/transfers", transfer(uid("AZ-T"), "POOL-WX-LYG", account,
                                                     kind="pending"), None
    return make


def a_resolve(verb, request):
    def make():
        return ("POST", "/api/v1/transfers/%s/%s" % (request(), verb),
                {"date": "2024-09-11"}, None)
    return make


PROJECTS_CSV = "code,name,pairing,region,domain,kind,status,budget,start_date"
PAIRINGS_CSV = "code,name,donor,recipient,start_date,end_date,parent,source"
ORGS_CSV = "code,name,credit_code,region,kind,source"
EXCHANGES_CSV = "code,pairing,role,from_region,to_region,start_date,end_date,people,description"
ACCOUNTS_CSV = "code,name,kind,region,pairing,project"
TRANSFERS_CSV = "id,date,from,to,amount,project,memo,kind,pending_id,expires"


def a_import(kind, header, row):
    """row: a CSV row with {} where a fresh code goes."""
    return lambda: ("POST", "/api/v1/import/" + kind, None, csv(header, row.format(uid("AZ-I"))))


# ---- the table (docs/api.md "Roles and scope"; Y = allowed, - = refused with 403,
#      N = not found (404): the user may not even read the unpublished project it
#      names; anonymous is refused with 401 everywhere) ---------------------------------

MATRIX = [
    # action                                          adm din dout rin rout aud ass
    ("create project in 东海县",                        "Y   -   -    Y   -    -   -",
     a_create_project("320722", "WX-LYG-YX-DH")),
    ("create project in 赣榆区",                        "Y   -   -    -   Y    -   -",
     a_create_project("320707", "WX-LYG-HS-GY")),
    ("patch project in 东海县",                         "Y   -   N    Y   N    -   -",
     a_patch_project),
    ("add milestone to a project in 东海县",            "Y   -   -    Y   -    -   -",
     a_add_milestone),
    ("create source account of 宜兴市",                 "Y   Y   -    -   -    -   -",
     a_create_account("source", "320282", "WX-LYG-YX-DH")),
    ("create source account of 江阴市",                 "Y   Y   Y    -   -    -   -",
     a_create_account("source", "320281", "WX-LYG-JY-GYN")),
    ("create pool of pairing 宜兴—东海",                "Y   Y   -    -   -    -   -",
     a_create_account("pool", "320722", "WX-LYG-YX-DH")),
    ("create project account in 东海县",                "Y   -   -    Y   -    -   -",
     a_create_project_account),
    ("create payee in 东海县",                          "Y   -   -    Y   -    -   -",
     a_create_account("payee", "320722")),
    ("create payee in 无锡市",                          "Y   -   -    -   -    -   -",
     a_create_account("payee", "320200")),
    ("posted: source 宜兴市 -> pool",                   "Y   Y   -    -   -    -   -",
     a_transfer("SRC-WX-YIXING", "POOL-WX-LYG")),
    ("posted: source 江阴市 -> pool",                   "Y   Y   Y    -   -    -   -",
     a_transfer("SRC-WX-JIANGYIN", "POOL-WX-LYG")),
    ("posted: pool -> project account 东海县",          "Y   Y   -    -   -    -   -",
     a_transfer("POOL-WX-LYG", "PRJ-LYG-MS-TAOLIN-CANTEEN", project="LYG-MS-TAOLIN-CANTEEN")),
    ("posted: project account 东海县 -> payee",         "Y   -   -    Y   -    -   -",
     a_transfer("PRJ-LYG-MS-TAOLIN-CANTEEN", "PAY-SYN-BUILD-DH")),
    ("posted: payee -> project account",                "Y   -   -    -   -    -   -",
     a_transfer("PAY-SYN-BUILD-DH", "PRJ-LYG-MS-TAOLIN-CANTEEN")),
    ("pending: project account 东海县 -> payee",        "Y   -   -    Y   -    -   -",
     a_transfer("PRJ-LYG-MS-TAOLIN-CANTEEN", "PAY-SYN-BUILD-DH", "pending")),
    ("pending: pool -> project account 东海县",         "Y   Y   -    Y   -    -   -",
     a_request_allocation()),
    # a request only reserves what its requester may ask for (the review's findings)
    ("pending: payee of 灌南县 -> project 东海县",      "Y   -   -    -   -    -   -",
     a_transfer("PAY-SYN-BUILD-GN", "PRJ-LYG-MS-TAOLIN-CANTEEN", "pending")),
    ("pending: source of 锡山区 -> project 东海县",     "Y   Y   -    -   -    -   -",
     a_transfer("SRC-WX-XISHAN", "PRJ-LYG-MS-TAOLIN-CANTEEN", "pending")),
    ("pending: project 东海县 -> project 东海县",       "Y   -   -    Y   -    -   -",
     a_transfer("PRJ-LYG-MS-TAOLIN-CANTEEN", "PRJ-LYG-MS-041", "pending")),
    ("pending: source 宜兴市 -> pool",                  "Y   Y   -    -   -    -   -",
     a_transfer("SRC-WX-YIXING", "POOL-WX-LYG", "pending")),
    ("post a payment request of 东海县",                "Y   Y   -    -   -    -   -",
     a_resolve("post", request_payment)),
    ("post a request against the city pool",            "Y   Y   -    -   -    -   -",
     a_resolve("post", request_allocation)),
    ("void a payment request of 东海县 (withdrawn by its requester)",
                                                        "Y   Y   -    Y   -    -   -",
     a_resolve("void", request_payment)),
    ("void a request against the city pool (withdrawn by its requester)",
                                                        "Y   Y   -    Y   -    -   -",
     a_resolve("void", request_allocation)),
    ("import projects in 东海县",                       "Y   -   -    Y   -    -   -",
     a_import("projects", PROJECTS_CSV,
              "{},导入权限测试,WX-LYG-YX-DH,320722,health,livelihood,proposed,1.00,2024-09-01")),
    ("import accounts: a source of 宜兴市",             "Y   Y   -    -   -    -   -",
     a_import("accounts", ACCOUNTS_CSV, "{},导入权限测试,source,320282,WX-LYG-YX-DH,")),
    ("import transfers: source 宜兴市 -> pool",         "Y   Y   -    -   -    -   -",
     a_import("transfers", TRANSFERS_CSV, "{},2024-09-10,SRC-WX-YIXING,POOL-WX-LYG,1.00,,,"
                                          "posted,,")),
    ("import pairings",                                 "Y   -   -    -   -    -   -",
     a_import("pairings", PAIRINGS_CSV, "{},新吴区—连云区测试,320214,320703,2024-01-01,,WX-LYG,")),
    ("import orgs",                                     "Y   -   -    -   -    -   -",
     a_import("orgs", ORGS_CSV, "{},权限测试单位,,320722,other,")),
    ("import exchanges",                                "Y   -   -    -   -    -   -",
     a_import("exchanges", EXCHANGES_CSV, "{},WX-LYG-YX-DH,teacher,320282,320722,2024-09-01,,2,")),
]


def expected(row):
    marks = row.split()
    assert len(marks) == len(ROLES) and set(marks) <= {"Y", "-", "N"}, row
    return dict(zip(ROLES, marks))


def check_action(name, row, make):
    """Every role (and anonymous) tries a fresh instance of the action."""
    wrong = []
    for role, mark in list(expected(row).items()) + [("anonymous", "401")]:
        user = USERS.get(role)
        method, path, body, raw = make()
        snap = S.snapshot()
        status, hdrs, parsed = call(method, path, body, user, raw)
        if mark == "Y":
            ok = status in (200, 201)
        else:
            want, code = ((401, "unauthenticated") if role == "anonymous" else
                          (404, "not_found") if mark == "N" else (403, "forbidden"))
            ok = status == want and error_shape(status, hdrs, parsed, code)
            if ok and S.snapshot() != snap:
                wrong.append("%s: refused but changed the database" % role)
        if not ok:
            wrong.append("%s (%s): expected %s, got %d %s" % (
                role, user, {"Y": "2xx", "-": "403", "N": "404"}.get(mark, mark), status,
                json.dumps(parsed, ensure_ascii=False)[:300]))
    assert not wrong, "%s:\n    %s" % (name, "\n    ".join(wrong))


def matrix_tests():
    tests = []
    for name, row, make in MATRIX:
        def t(name=name, row=row, make=make):
            check_action(name, row, make)
        t.__name__ = "matrix: " + name
        tests.append(t)
    return tests


def setup_money():
    """Money for the matrix: the pool and the canteen's project account."""
    must("POST", "/api/v1/transfers", [
        transfer(uid("AZ-FUND"), "SRC-WX-CITY", "POOL-WX-LYG", "1000000.00"),
        transfer(uid("AZ-FUND"), "POOL-WX-LYG", "PRJ-LYG-MS-TAOLIN-CANTEEN", "100000.00",
                 project="LYG-MS-TAOLIN-CANTEEN")])


# ---- separation of duties ----------------------------------------------------------------


def refused(method, path, body, user, status, code, result=None):
    snap = S.snapshot()
    st, hdrs, parsed = call(method, path, body, user)
    assert st == status and error_shape(st, hdrs, parsed, code), (path, user, st, parsed)
    if result:
        assert result in parsed["error"]["message"], parsed
    assert S.snapshot() == snap, (path, user)


def test_requester_recipient_cannot_approve_own_request():
    tid = request_payment()
    refused("POST", "/api/v1/transfers/%s/post" % tid, {"date": "2024-09-11"},
            "donghai.office", 403, "forbidden")
    must("POST", "/api/v1/transfers/%s/post" % tid, {"date": "2024-09-11"}, "wuxi.finance")


def test_requester_donor_cannot_post_own_request():
    tid = uid("AZ-REQ")
    must("POST", "/api/v1/transfers", transfer(tid, "SRC-WX-CITY", "POOL-WX-LYG",
                                               kind="pending"), "wuxi.finance")
    refused("POST", "/api/v1/transfers/%s/post" % tid, {"date": "2024-09-11"}, "wuxi.finance",
            409, "conflict", "SAME_ACTOR")
    must("POST", "/api/v1/transfers/%s/post" % tid, {"date": "2024-09-11"}, "admin")


def test_requester_donor_may_withdraw_but_not_approve_own_request():
    """The requester never posts (approves) their own request (409 SAME_ACTOR), but
    the owner of the money may void (withdraw) a reservation of their own."""
    tid = uid("AZ-REQ")
    must("POST", "/api/v1/transfers", transfer(tid, "SRC-WX-CITY", "POOL-WX-LYG",
                                               kind="pending"), "wuxi.finance")
    refused("POST", "/api/v1/transfers/%s/post" % tid, {"date": "2024-09-11"}, "wuxi.finance",
            409, "conflict", "SAME_ACTOR")
    must("POST", "/api/v1/transfers/%s/void" % tid, {"date": "2024-09-11"}, "wuxi.finance")


def test_recipient_withdraws_own_request():
    """donghai.office could not withdraw its own request (403): now it voids it; another
    county's officer still may not."""
    tid = request_payment()
    refused("POST", "/api/v1/transfers/%s/void" % tid, {"date": "2024-09-11"}, "ganyu.office",
            403, "forbidden")
    must("POST", "/api/v1/transfers/%s/void" % tid, {"date": "2024-09-11"}, "donghai.office")
    state = [t["state"] for t in must("GET", "/api/v1/transfers?limit=1000", user="admin")[
        "transfers"] if t["id"] == tid]
    assert state == ["voided"], state


def test_a_request_cannot_freeze_the_pool():
    """The review's repro: donghai.office asked for the whole city pool (2,292,238.09)
    for one of its projects, and the donor's later allocations failed.  A request
    from a pool asks at most what its project's budget still lacks."""
    account = unfunded_project_account("1000.00")
    snap = S.snapshot()
    status, hdrs, body = call("POST", "/api/v1/transfers", transfer(
        uid("AZ-T"), "POOL-WX-LYG", account, "1000.01", kind="pending"), "donghai.office")
    assert status == 422 and error_shape(status, hdrs, body, "invalid"), (status, body)
    assert "EXCEEDS_BUDGET" in body["error"]["message"] and "1,000.00" in body["error"]["message"]
    assert S.snapshot() == snap
    must("POST", "/api/v1/transfers", transfer(uid("AZ-T"), "POOL-WX-LYG", account, "600.00",
                                               kind="pending"), "donghai.office")
    # what is promised counts: 400.00 is left
    status, _, body = call("POST", "/api/v1/transfers", transfer(
        uid("AZ-T"), "POOL-WX-LYG", account, "400.01", kind="pending"), "donghai.office")
    assert status == 422 and "400.00" in body["error"]["message"], (status, body)
    must("POST", "/api/v1/transfers", transfer(uid("AZ-T"), "POOL-WX-LYG", account, "400.00",
                                               kind="pending"), "donghai.office")


def test_requester_admin_cannot_post_own_request():
    tid = uid("AZ-REQ")
    must("POST", "/api/v1/transfers", transfer(tid, "SRC-WX-CITY", "POOL-WX-LYG",
                                               kind="pending"), "admin")
    refused("POST", "/api/v1/transfers/%s/post" % tid, {"date": "2024-09-11"}, "admin",
            409, "conflict", "SAME_ACTOR")
    must("POST", "/api/v1/transfers/%s/post" % tid, {"date": "2024-09-11"}, "wuxi.finance")


def test_another_donor_in_scope_approves():
    """江阴市 reserves its own money; 无锡市 (which covers 江阴市) approves."""
    tid = uid("AZ-REQ")
    must("POST", "/api/v1/transfers", transfer(tid, "SRC-WX-JIANGYIN", "POOL-WX-LYG",
                                               kind="pending"), "jiangyin.finance")
    refused("POST", "/api/v1/transfers/%s/post" % tid, {"date": "2024-09-11"},
            "jiangyin.finance", 409, "conflict", "SAME_ACTOR")
    body = must("POST", "/api/v1/transfers/%s/post" % tid, {"date": "2024-09-11"},
                "wuxi.finance")
    assert body["results"][0]["result"] == "CREATED", body
    rows = S.sql("SELECT actor FROM transfers WHERE id IN (?, ?) ORDER BY id", (tid, tid + "-P"))
    assert rows == [("jiangyin.finance",), ("wuxi.finance",)], rows


# ---- reads -------------------------------------------------------------------------------------

SIGNED_IN_READS = ["/api/v1/me", "/api/v1/accounts", "/api/v1/balances",
                   "/api/v1/transfers", "/api/v1/accounts/POOL-WX-LYG/statement",
                   "/api/v1/export/transfers", "/api/v1/log/entries"]
PUBLIC_READS = ["/api/v1/summary", "/api/v1/moments", "/api/v1/budget?group=project",
                "/api/v1/flows", "/api/v1/pairings", "/api/v1/regions", "/api/v1/enums",
                "/api/v1/projects", "/api/v1/projects/LYG-MS-TAOLIN-CANTEEN",
                "/api/v1/log/checkpoint", "/api/v1/log/proof/inclusion?index=0",
                "/api/v1/log/proof/consistency?from=1", "/healthz", "/metrics"]


def test_anonymous_reads():
    for path in SIGNED_IN_READS:
        status, hdrs, body = call("GET", path)
        assert status == 401 and error_shape(status, hdrs, body, "unauthenticated"), (path, status)
    for path in PUBLIC_READS:
        status, _, body = call("GET", path)
        assert status == 200, (path, status, body)


def test_every_role_reads():
    for role, user in USERS.items():
        for path in SIGNED_IN_READS + PUBLIC_READS:
            status, _, body = call("GET", path, user=user)
            assert status == 200, (role, path, status, body)


SUB_AUDITOR = "audit.yxdh"  # an auditor of 宜兴—东海 only, added by the test below
SUB_PAIRING = "WX-LYG-YX-DH"


def pairing_of_account():
    return {code: pairing for code, pairing in S.sql("SELECT code, pairing FROM accounts")}


def add_sub_auditor():
    if SUB_AUDITOR not in TOKENS:
        rc, _, err = server.run("--db", S.db, "user", "add", SUB_AUDITOR, "--role", "auditor",
                                "--pairing", SUB_PAIRING, stdin="pairaid-auditor-2\n")
        assert rc == 0, err
        TOKENS[SUB_AUDITOR] = S.login(SUB_AUDITOR, "pairaid-auditor-2")


# What an auditor of WX-LYG-YX-DH reads (docs/api.md, "Who reads what"): the
# accounts of its pairing and of its projects, the accounts of published
# projects (what everyone reads), and the payees of its regions (宜兴市 and
# 东海县); a transfer when either end is one of those.  Never 江阴's source or the
# city pool.
AUDITOR_SCOPE = [
    # (what, path, how to list what came back: item -> the accounts it names)
    ("accounts", "/api/v1/accounts", lambda b: [[a["code"]] for a in b["accounts"]]),
    ("transfers", "/api/v1/transfers?limit=1000",
     lambda b: [[t["from"], t["to"]] for t in b["transfers"]]),
    ("balances", "/api/v1/balances", lambda b: [[x["account"]] for x in b["balances"]]),
]


def readable_by_sub_auditor():
    """The accounts the rule gives the auditor of 宜兴—东海, worked out here from the
    tables (independently of the server's code)."""
    rows = S.sql("SELECT a.code, a.pairing, a.region, p.pairing, p.public FROM accounts a "
                 "LEFT JOIN projects p ON p.code = a.project")
    regions = {r[0]: r[1] for r in S.sql("SELECT code, parent FROM regions")}

    def within(code, ancestor):
        while code:
            if code == ancestor:
                return True
            code = regions.get(code)
        return False
    ok = set()
    for code, pairing, region, project_pairing, public in rows:
        if project_pairing is not None:
            ok.add(code) if project_pairing == SUB_PAIRING or public else None
        elif pairing is not None:
            ok.add(code) if pairing == SUB_PAIRING else None
        elif within(region, "320282") or within(region, "320722"):
            ok.add(code)
    return ok


def test_sub_auditor_exports_its_books():
    """An export holds what its reader reads: a county auditor's is its pairing's."""
    add_sub_auditor()
    allowed = readable_by_sub_auditor()
    accounts = must("GET", "/api/v1/export/accounts?format=json", user=SUB_AUDITOR)
    assert accounts and {a["code"] for a in accounts} == allowed, \
        sorted({a["code"] for a in accounts} ^ allowed)[:5]
    projects = must("GET", "/api/v1/export/projects?format=json", user=SUB_AUDITOR)
    assert all(p["pairing"] == SUB_PAIRING or p["public"] for p in projects)
    transfers = must("GET", "/api/v1/export/transfers?format=json", user=SUB_AUDITOR)
    assert transfers and all(t["from"] in allowed or t["to"] in allowed for t in transfers)
    city = must("GET", "/api/v1/export/accounts?format=json", user="audit.wxlyg")
    assert len(city) > len(accounts)


def auditor_scope_tests():
    tests = []
    for what, path, codes in AUDITOR_SCOPE:
        def t(path=path, codes=codes):
            add_sub_auditor()
            body = must("GET", path, user=SUB_AUDITOR)
            allowed = readable_by_sub_auditor()
            named = codes(body)
            assert named, "an auditor sees its own pairing"
            outside = sorted({tuple(c) for c in named if not set(c) & allowed})
            assert not outside, "auditor of %s sees %d items outside it: %s" % (
                SUB_PAIRING, len(outside), outside[:5])
            for forbidden in ("SRC-WX-JIANGYIN", "POOL-WX-LYG"):
                assert all(forbidden != c[0] or len(c) > 1 for c in named), forbidden
        t.__name__ = "auditor of a county pairing reads only it: " + what
        tests.append(t)
    return tests


def test_sub_auditor_statements_and_projects():
    add_sub_auditor()
    must("GET", "/api/v1/accounts/PRJ-LYG-MS-TAOLIN-CANTEEN/statement", user=SUB_AUDITOR)
    status, hdrs, body = call("GET", "/api/v1/accounts/SRC-WX-JIANGYIN/statement",
                              user=SUB_AUDITOR)
    assert status == 404 and error_shape(status, hdrs, body, "not_found"), (status, body)
    projects = must("GET", "/api/v1/projects?limit=1000", user=SUB_AUDITOR)["projects"]
    assert projects and all(p["pairing"] == SUB_PAIRING or p["public"] for p in projects), \
        {p["pairing"] for p in projects if not p["public"]}
    status, hdrs, body = call("GET", "/api/v1/projects/LYG-TECH-SPACEPORT", user=SUB_AUDITOR)
    assert status == 404, (status, body)  # unpublished, and in WX-LYG itself


def test_city_auditor_reads_everything():
    mine = must("GET", "/api/v1/accounts", user="audit.wxlyg")["accounts"]
    everything = must("GET", "/api/v1/accounts", user="admin")["accounts"]
    ours = lambda pairing: pairing is not None and pairing.split("-")[:2] == ["WX", "LYG"]
    assert {a["code"] for a in mine} >= {a["code"] for a in everything
                                         if ours(a["pairing"])}, "WX-LYG covers its tree"
    # the demo's other pairs (NJ-HA, SZ-SQ, CZ-YC) are not its tree: of theirs it reads only
    # the accounts of published projects, as everyone does
    others = [a["code"] for a in mine if a["pairing"] is not None and not ours(a["pairing"])
              and a["kind"] != "project"]
    assert not others, others[:10]
    projects = must("GET", "/api/v1/projects?limit=1000", user="audit.wxlyg")
    every = must("GET", "/api/v1/projects?limit=1000", user="admin")["projects"]
    assert {p["code"] for p in projects["projects"]} == {
        p["code"] for p in every if ours(p["pairing"]) or p["public"]}, "its tree and the public's"


TESTS = ([setup_money] + matrix_tests() + [
    test_requester_recipient_cannot_approve_own_request,
    test_requester_donor_cannot_post_own_request,
    test_requester_donor_may_withdraw_but_not_approve_own_request,
    test_recipient_withdraws_own_request,
    test_a_request_cannot_freeze_the_pool,
    test_requester_admin_cannot_post_own_request,
    test_another_donor_in_scope_approves,
    test_anonymous_reads, test_every_role_reads,
] + auditor_scope_tests() + [test_sub_auditor_statements_and_projects,
                             test_sub_auditor_exports_its_books,
                             test_city_auditor_reads_everything])


def run():
    global S
    code = 0
    with Server() as S:
        try:
            main(TESTS)
        except SystemExit as e:
            code = e.code or 0
        rc, out, err = server.run("--db", S.db, "log", "verify")
        if rc != 0:
            print("FAIL log verify after the matrix: %s %s" % (out, err))
            code = 1
    sys.exit(code)


if __name__ == "__main__":
    run()
