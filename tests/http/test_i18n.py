"""Error messages in two languages (issue 12): the same real errors answered in
Chinese when Accept-Language prefers zh and in English otherwise, with the same
code, field and status, and nothing changed.  The catalogue itself is checked
by tests/core/messages.py; this checks that the server chooses well.

    PAIRAID=build-test/pairaid PA_SOURCE_DIR=. python3 tests/http/test_i18n.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server import Server, main  # noqa: E402

S = None
TOKENS = {}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
EN = {"Accept-Language": "en-US,en;q=0.9,zh-CN;q=0.5"}


def token(user):
    if user not in TOKENS:
        TOKENS[user] = S.login(user)
    return TOKENS[user]


def both(method, path, body=None, user=None, status=None):
    """The error answered to a zh reader, an en reader and one who names no
    language; asserts the three share status, code and field and that the
    default is English.  Returns (zh error, en error)."""
    before = S.snapshot()
    answers = []
    for headers in (ZH, EN, {}):
        got, parsed = S.call(method, path, body, token(user) if user else None, headers=headers)
        assert got == status, (method, path, headers, got, parsed)
        assert set(parsed) == {"error"} and set(parsed["error"]) == {"code", "message", "field"}, parsed
        answers.append(parsed["error"])
    zh, en, default = answers
    assert (zh["code"], zh["field"]) == (en["code"], en["field"]) == (default["code"], default["field"])
    assert default["message"] == en["message"], (default, en)
    assert zh["message"] != en["message"], zh
    assert S.snapshot() == before, "a refused request changed the books"
    return zh, en


def test_bad_login():
    zh, en = both("POST", "/api/v1/login", {"username": "admin", "password": "wrong"}, status=401)
    assert zh["code"] == "unauthenticated"
    assert zh["message"] == "用户名或密码错误", zh
    assert en["message"] == "wrong user name or password", en


def test_sign_in_first():
    zh, en = both("POST", "/api/v1/projects", {"code": "X"}, status=401)
    assert zh["message"] == "请先登录", zh
    assert en["message"] == "sign in first", en


def test_outside_scope_change():
    # a project of 灌南县 (320724), changed by 东海县's officer (320722)
    code = S.sql("SELECT code FROM projects WHERE region = '320724' ORDER BY code LIMIT 1")[0][0]
    zh, en = both("PATCH", "/api/v1/projects/" + code, {"name": "改名"}, user="donghai.office",
                  status=403)
    assert zh["code"] == "forbidden"
    assert zh["message"] == "用户“donghai.office”无权修改此项目：不在其所辖地区东海县（320722）范围内", zh
    assert en["message"] == ("user 'donghai.office' may not change this project: it is outside "
                             "region 320722"), en


def test_exceeds_credits():
    account = S.sql("SELECT code FROM accounts WHERE kind = 'project' AND region = '320722' "
                    "ORDER BY code LIMIT 1")[0][0]
    payee = S.sql("SELECT code FROM accounts WHERE kind = 'payee' ORDER BY code LIMIT 1")[0][0]
    body = {"id": "I18N-1", "date": "2026-12-01", "from": account, "to": payee,
            "amount": "900000000.00", "kind": "pending"}
    zh, en = both("POST", "/api/v1/transfers", body, user="donghai.office", status=422)
    assert zh["field"] == "amount"
    assert en["message"].startswith("EXCEEDS_CREDITS: would spend more than the account has "
                                    "received: account '%s' has " % account), en
    # in Chinese the code name is left out: the sentence says it all
    assert zh["message"].startswith("可用余额不足：账户“%s”可用余额为 " % account), zh
    assert "本次拨付需要 900,000,000.00 元" in zh["message"], zh
    assert "EXCEEDS_CREDITS" not in zh["message"], zh


def test_bad_enum():
    body = {"code": "I18N-P1", "name": "测试项目", "pairing": "WX-LYG-DH", "region": "320722",
            "kind": "livelihood", "domain": "sports", "budget": "1000.00",
            "start_date": "2024-01-01", "status": "proposed"}
    zh, en = both("POST", "/api/v1/projects", body, user="donghai.office", status=422)
    assert zh["field"] == "domain", zh
    assert en["message"].startswith("'sports' is not one of industry, technology"), en
    # the allowed values by their Chinese names (with the code a CSV file may use)
    assert zh["message"].startswith("“sports”不是可选值之一：产业（industry）、科技（technology）"), zh


def test_missing_project():
    zh, en = both("GET", "/api/v1/projects/NOPE-123", status=404)
    assert zh["code"] == "not_found"
    assert zh["message"] == "项目“NOPE-123”不存在", zh
    assert en["message"] == "no project 'NOPE-123'", en


def test_import_rows():
    csv = ("code,name,pairing,region,kind,domain,budget,start_date,status\n"
           "I18N-P2,测试,WX-LYG-DH,320722,livelihood,sports,abc,2024-02-30,proposed\n")
    answers = []
    for headers in (ZH, EN):
        h = dict(headers, Authorization="Bearer " + token("admin"), **{"Content-Type": "text/csv"})
        status, _, payload = S.request("POST", "/api/v1/import/projects", None, h, csv.encode())
        assert status == 422, (status, payload)
        answers.append(__import__("json").loads(payload)["error"])
    zh, en = answers
    assert zh["message"] == "1 行有问题" and en["message"] == "1 row has problems", (zh, en)
    by_column = {e["column"]: e["message"] for e in zh["errors"]}
    assert by_column["budget"] == "“abc”不是以元为单位的金额", by_column
    assert by_column["start_date"] == "“2024-02-30”不是实际存在的日期", by_column
    assert [e["column"] for e in zh["errors"]] == [e["column"] for e in en["errors"]]


def test_q_values():
    # zh named but ranked below en: English; en refused with q=0: Chinese
    for header, want in (("zh;q=0.5, en;q=0.6", "no project 'X'"), ("en;q=0, zh", "项目“X”不存在"),
                         ("fr, *;q=0.1", "no project 'X'"), ("ZH-Hans", "项目“X”不存在")):
        status, parsed = S.call("GET", "/api/v1/projects/X", headers={"Accept-Language": header})
        assert status == 404 and parsed["error"]["message"] == want, (header, parsed)


def test_enums_name_the_fields():
    status, parsed = S.call("GET", "/api/v1/enums")
    assert status == 200
    fields = {f["name"]: f["zh"] for f in parsed["fields"]}
    assert fields["budget"] == "预算" and fields["start_date"] == "开始日期", fields


TESTS = [test_bad_login, test_sign_in_first, test_outside_scope_change, test_exceeds_credits,
         test_bad_enum, test_missing_project, test_import_rows, test_q_values,
         test_enums_name_the_fields]


if __name__ == "__main__":
    with Server() as S:
        main(TESTS)
