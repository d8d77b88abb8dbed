/*
 * test_i18n.c - messages in two languages: a message set once carries its
 * English and its Chinese, a Chinese message embeds the Chinese of an earlier
 * one, field names read as Chinese labels, and Accept-Language is read with its
 * q-values.  (tests/core/messages.py checks that every message has its twin.)
 */
#include <stdio.h>
#include <string.h>

#include "support.h"

static void both_languages(void **state)
{
    (void)state;
    struct pa_error err;
    pa_error_clear(&err);
    assert_int_equal(pa_error_set(&err, PA_ENOTFOUND, "no project '%s'", "NOPE-123"), PA_ENOTFOUND);
    assert_string_equal(err.message, "no project 'NOPE-123'");
    assert_string_equal(err.message_zh, "项目“NOPE-123”不存在");
    assert_string_equal(pa_error_text(&err, PA_LANG_EN), "no project 'NOPE-123'");
    assert_string_equal(pa_error_text(&err, PA_LANG_ZH), "项目“NOPE-123”不存在");
    /* numbers of every width the messages use */
    pa_error_set(&err, PA_EINVAL, "line %d: the weights add up to %lld.%02lld, not 100", 7,
                 (long long)99, (long long)5);
    assert_string_equal(err.message_zh, "第 7 行：权重合计为 99.05，而不是 100");
    pa_error_set(&err, PA_EINVAL, "check character is '%c' but should be '%c'", 'A', 'B');
    assert_string_equal(err.message_zh, "校验码为“A”，应为“B”");
    /* an empty error shows its code's text */
    pa_error_clear(&err);
    err.code = PA_EDENIED;
    assert_string_equal(pa_error_text(&err, PA_LANG_ZH), "无权操作");
    assert_string_equal(pa_error_text(&err, PA_LANG_EN), "not allowed");
}

static void embedded_messages(void **state)
{
    (void)state;
    struct pa_error err, inner;
    pa_error_clear(&err);
    pa_error_set(&inner, PA_EINVAL, "'%.40s' is not a whole number", "x1");
    pa_error_set(&err, PA_EINVAL, "line %ld: %s", 3L, inner.message);
    assert_string_equal(err.message, "line 3: 'x1' is not a whole number");
    assert_string_equal(err.message_zh, "第 3 行：“x1”不是整数");
    /* the message of err itself, extended */
    pa_error_set(&err, PA_EINVAL, "not a whole number");
    pa_error_setf(&err, PA_EINVAL, "as-of", "%s", err.message);
    assert_string_equal(err.message_zh, "不是整数");
    assert_string_equal(err.field, "as-of");
    assert_string_equal(pa_msg_skip_line("line 12: x"), "x");
    assert_string_equal(pa_msg_skip_line("第 12 行：“x”"), "“x”");
    assert_string_equal(pa_msg_skip_line("第二"), "第二");
}

/* A pa_error nobody cleared holds stale bytes: a message of an earlier call
 * and, beside it, whatever the stack held.  Setting it must not take that pair
 * for an embedded message's twin, or a later error with the same English would
 * come out in Chinese as those bytes (an import lost an error row this way:
 * its Chinese was not UTF-8, and the JSON answer dropped it). */
static void stale_bytes_are_no_twin(void **state)
{
    (void)state;
    struct pa_error err;
    memset(&err, 0x5a, sizeof(err)); /* never cleared */
    snprintf(err.message, sizeof(err.message), "a stale sentence nobody translated");
    snprintf(err.message_zh, sizeof(err.message_zh), "\xff\xfe stale bytes");
    pa_error_set(&err, PA_EINVAL, "%s", "something else went wrong");
    char zh[256];
    pa_msg_format(zh, sizeof(zh), PA_LANG_ZH, "%s", "a stale sentence nobody translated");
    assert_null(strstr(zh, "stale bytes"));
    assert_string_equal(zh, "a stale sentence nobody translated");
    /* a message really embedded still brings its Chinese along */
    pa_error_clear(&err);
    pa_error_set(&err, PA_EINVAL, "amount must not be negative");
    pa_error_set(&err, PA_EINVAL, "line 4: %s", err.message);
    assert_non_null(strstr(err.message_zh, "金额不能为负数"));
}

static void labels_and_phrases(void **state)
{
    (void)state;
    assert_string_equal(pa_field_label("start_date", PA_LANG_ZH), "开始日期");
    assert_string_equal(pa_field_label("budget", PA_LANG_ZH), "预算");
    assert_string_equal(pa_field_label("budget", PA_LANG_EN), "budget");
    assert_string_equal(pa_field_label("no_such_field", PA_LANG_ZH), "no_such_field");
    struct pa_error err;
    pa_error_set(&err, PA_EDENIED, "user '%s' may not %s: it is outside region %s",
                 "donghai.office", "change this project", "320722");
    assert_string_equal(err.message, "user 'donghai.office' may not change this project: it is "
                                     "outside region 320722");
    assert_string_equal(err.message_zh,
                        "用户“donghai.office”无权修改此项目：不在其所辖地区320722范围内");
    pa_error_set(&err, PA_EDENIED, "a user with role '%s' may not %s", "auditor", "add users");
    assert_string_equal(err.message_zh, "角色为“联合审计组”的用户无权添加用户");
    /* %.0s leaves the result's code name out of the Chinese */
    char en[200], zh[200];
    pa_msg_format2(en, zh, sizeof(en), "%s: %s%s%s", "EXCEEDS_CREDITS",
                   "would spend more than the account has received", ": ", "detail");
    assert_string_equal(en, "EXCEEDS_CREDITS: would spend more than the account has received: "
                            "detail");
    assert_string_equal(zh, "可用余额不足：detail");
    assert_string_equal(pa_error_code_text("not_found", PA_LANG_ZH), "未找到");
    assert_null(pa_error_code_text("nonsense", PA_LANG_ZH));
}

static void cut_strings_keep_characters(void **state)
{
    (void)state;
    char zh[64];
    pa_msg_format(zh, 10, PA_LANG_ZH, "no project '%s'", "X");
    assert_true(strlen(zh) <= 9);
    /* the cut never splits a UTF-8 character */
    for (size_t i = 0; zh[i]; i++)
        if (((unsigned char)zh[i] & 0xC0) == 0xC0) {
            size_t n = ((unsigned char)zh[i] & 0xE0) == 0xE0 ? 3 : 2;
            assert_true(strlen(zh + i) >= n);
        }
}

static void accept_language(void **state)
{
    (void)state;
    assert_int_equal(pa_lang_accept(NULL), PA_LANG_EN);
    assert_int_equal(pa_lang_accept(""), PA_LANG_EN);
    assert_int_equal(pa_lang_accept("*"), PA_LANG_EN);
    assert_int_equal(pa_lang_accept("zh"), PA_LANG_ZH);
    assert_int_equal(pa_lang_accept("zh-CN,zh;q=0.9,en;q=0.8"), PA_LANG_ZH);
    assert_int_equal(pa_lang_accept("en-US,en;q=0.9,zh-CN;q=0.8"), PA_LANG_EN);
    assert_int_equal(pa_lang_accept("en;q=0.5, zh-Hans;q=0.7"), PA_LANG_ZH);
    assert_int_equal(pa_lang_accept("zh;q=0"), PA_LANG_EN);
    assert_int_equal(pa_lang_accept("fr, de"), PA_LANG_EN);
    assert_int_equal(pa_lang_accept("ZH-cn"), PA_LANG_ZH);
    assert_int_equal(pa_lang_accept("zhx"), PA_LANG_EN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(both_languages),
        cmocka_unit_test(embedded_messages),
        cmocka_unit_test(stale_bytes_are_no_twin),
        cmocka_unit_test(labels_and_phrases),
        cmocka_unit_test(cut_strings_keep_characters),
        cmocka_unit_test(accept_language),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
