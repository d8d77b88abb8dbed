/*
 * xml.c - the small XML writer of the IATI export.  Elements are written
 * through four calls that escape every value they are given, so no caller
 * builds markup out of strings: text escapes & < >, attribute values also
 * " and the white space an attribute would otherwise lose (TAB, LF, CR as
 * character references).  What XML 1.0 forbids (C0 controls but TAB, LF and
 * CR; U+FFFE, U+FFFF) and bytes that are not UTF-8 become U+FFFD, the
 * replacement character: the file always parses, and a reader sees where the
 * stored text held something it could not carry.
 */
#include <stdarg.h>
#include <string.h>

#include "pairaid/io.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

void pa_xml_init(struct pa_xml *x, FILE *out)
{
    PA_ASSERT(x != NULL && out != NULL);
    memset(x, 0, sizeof(*x));
    x->out = out;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one;
 * overlong forms and surrogates are not valid. */
static int utf8_length(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    int n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || s[0] >= 0xF5)
        return 0;
    unsigned v = s[0] & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    static const unsigned least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < least[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* May code point cp stand in an XML 1.0 document? */
static bool xml_char(unsigned cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp != 0xFFFE && cp != 0xFFFF);
}

static void write_escaped(FILE *out, const char *text, bool attribute)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        unsigned cp;
        int n = utf8_length(s, &cp);
        if (n == 0 || !xml_char(cp)) {
            fputs(REPLACEMENT, out);
            s += n ? n : 1;
            continue;
        }
        if (cp == '&')
            fputs("&amp;", out);
        else if (cp == '<')
            fputs("&lt;", out);
        else if (cp == '>')
            fputs("&gt;", out);
        else if (attribute && cp == '"')
            fputs("&quot;", out);
        else if (attribute && (cp == '\t' || cp == '\n' || cp == '\r'))
            fprintf(out, "&#%u;", cp);
        else
            fwrite(s, 1, (size_t)n, out);
        s += n;
    }
}

void pa_xml_escape(FILE *out, const char *text, bool attribute)
{
    write_escaped(out, text ? text : "", attribute);
}

/* "<name a="v" ...": attributes are name/value pairs ending with NULL; a pair
 * whose value is NULL is left out (an optional attribute without a value). */
static void open_tag(struct pa_xml *x, const char *name, va_list ap)
{
    for (int i = 0; i < x->depth; i++)
        fputs("  ", x->out);
    fprintf(x->out, "<%s", name);
    const char *attr;
    while ((attr = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);
        if (value == NULL)
            continue;
        fprintf(x->out, " %s=\"", attr);
        write_escaped(x->out, value, true);
        fputc('"', x->out);
    }
}

void pa_xml_start(struct pa_xml *x, const char *name, ...)
{
    PA_ASSERT(x->depth < PA_XML_DEPTH_MAX);
    va_list ap;
    va_start(ap, name);
    open_tag(x, name, ap);
    va_end(ap);
    fputs(">\n", x->out);
    x->names[x->depth++] = name;
}

void pa_xml_empty(struct pa_xml *x, const char *name, ...)
{
    va_list ap;
    va_start(ap, name);
    open_tag(x, name, ap);
    va_end(ap);
    fputs("/>\n", x->out);
}

void pa_xml_text(struct pa_xml *x, const char *name, const char *text, ...)
{
    va_list ap;
    va_start(ap, text);
    open_tag(x, name, ap);
    va_end(ap);
    fputc('>', x->out);
    write_escaped(x->out, text ? text : "", false);
    fprintf(x->out, "</%s>\n", name);
}

void pa_xml_end(struct pa_xml *x)
{
    PA_ASSERT(x->depth > 0);
    x->depth--;
    for (int i = 0; i < x->depth; i++)
        fputs("  ", x->out);
    fprintf(x->out, "</%s>\n", x->names[x->depth]);
}
