/*
 * test_xml.c - the IATI export's XML writer: every value is escaped, in text
 * and in attributes, and what XML 1.0 cannot carry (control characters,
 * U+FFFE/U+FFFF, bytes that are not UTF-8) becomes U+FFFD instead of a file
 * no parser reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* What pa_xml_escape writes for text, as a malloc'd string. */
static char *escaped(const char *text, bool attribute)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    pa_xml_escape(out, text, attribute);
    assert_int_equal(fclose(out), 0);
    return buf;
}

static void expect_escaped(const char *text, bool attribute, const char *want)
{
    char *got = escaped(text, attribute);
    assert_string_equal(got, want);
    free(got);
}

static void markup_characters_become_references(void **state)
{
    (void)state;
    expect_escaped("A&B <C> \"D\" 'E'", false, "A&amp;B &lt;C&gt; \"D\" 'E'");
    expect_escaped("A&B <C> \"D\" 'E'", true, "A&amp;B &lt;C&gt; &quot;D&quot; 'E'");
    expect_escaped("]]>", false, "]]&gt;");
    expect_escaped("", false, "");
}

static void white_space_survives_in_attributes(void **state)
{
    (void)state;
    /* a parser turns a raw TAB, LF or CR in an attribute into a space */
    expect_escaped("a\tb\nc\rd", true, "a&#9;b&#10;c&#13;d");
    expect_escaped("a\tb\nc", false, "a\tb\nc");
}

static void forbidden_characters_become_replacement(void **state)
{
    (void)state;
    expect_escaped("x\x01y\x1Fz\x7F", false, "x\xEF\xBF\xBDy\xEF\xBF\xBDz\x7F");
    expect_escaped("\xEF\xBF\xBE|\xEF\xBF\xBF", false, "\xEF\xBF\xBD|\xEF\xBF\xBD"); /* U+FFFE/F */
    /* not UTF-8: a lone continuation byte, a cut sequence, an overlong '/', a surrogate */
    expect_escaped("a\x80z", false, "a\xEF\xBF\xBDz");
    expect_escaped("a\xE4\xB8", false, "a\xEF\xBF\xBD\xEF\xBF\xBD");
    expect_escaped("\xC0\xAF", false, "\xEF\xBF\xBD\xEF\xBF\xBD");
    expect_escaped("\xED\xA0\x80", false, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    /* Chinese and characters beyond the BMP pass unchanged */
    expect_escaped("东海县 \xF0\x9F\x8F\xAB", false, "东海县 \xF0\x9F\x8F\xAB");
}

static void elements_nest_and_close(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct pa_xml x;
    pa_xml_init(&x, out);
    pa_xml_start(&x, "a", "k", "1&2", "skipped", NULL, NULL);
    pa_xml_empty(&x, "b", "code", "<3>", NULL);
    pa_xml_text(&x, "c", "x<y", NULL);
    pa_xml_end(&x);
    assert_int_equal(x.depth, 0);
    assert_int_equal(fclose(out), 0);
    assert_string_equal(buf,
                        "<a k=\"1&amp;2\">\n  <b code=\"&lt;3&gt;\"/>\n  <c>x&lt;y</c>\n</a>\n");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(markup_characters_become_references),
        cmocka_unit_test(white_space_survives_in_attributes),
        cmocka_unit_test(forbidden_characters_become_replacement),
        cmocka_unit_test(elements_nest_and_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
