/*
 * The strict XML reader used for ASC MHL files: what it accepts, how it
 * decodes, and that every refusal names the file and the right line.
 */
#include "rushes/error.h"
#include "interchange/xml.h"
#include "../rs_test.h"

static int parse(const char *text, RsXmlDoc **doc)
{
    return rs_xml_parse("t.xml", text, strlen(text), doc);
}

static void test_tree(void)
{
    const char *text =
        "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n"
        "<!-- a comment -->\n"
        "<?pi something?>\n"
        "<a:root xmlns:a=\"urn:x\" k='v1' q=\"x&amp;y &lt;&gt; &quot;&apos;\">\n"
        "  <a:item n=\"1\">caf\xC3\xA9 &#233;&#xe9; &#x1F3AC;</a:item>\n"
        "  <a:item n=\"2\"/>\n"
        "  <a:cdata><![CDATA[<not> &markup;]]></a:cdata>\n"
        "  <ws attr=\"a\tb\r\nc\">line1\r\nline2</ws>\n"
        "</a:root>\n<!-- trailing -->\n";
    RsXmlDoc *doc;
    RS_CHECK_EQ_INT(parse(text, &doc), 0);
    if (!doc)
        return;
    const RsXmlNode *r = rs_xml_root(doc);
    RS_CHECK_EQ_STR(r->name, "a:root");
    RS_CHECK_EQ_STR(r->local, "root");
    RS_CHECK_EQ_INT(r->line, 4);
    RS_CHECK_EQ_STR(rs_xml_attr(r, "k"), "v1");
    RS_CHECK_EQ_STR(rs_xml_attr(r, "q"), "x&y <> \"'");
    RS_CHECK(rs_xml_attr(r, "missing") == NULL);
    const RsXmlNode *item = rs_xml_child(r, "item");
    RS_CHECK(item != NULL);
    if (item) {
        RS_CHECK_EQ_STR(item->text, "caf\xC3\xA9 \xC3\xA9\xC3\xA9 \xF0\x9F\x8E\xAC");
        RS_CHECK_EQ_INT(item->line, 5);
        RS_CHECK(item->next && !strcmp(rs_xml_attr(item->next, "n"), "2"));
        RS_CHECK_EQ_STR(item->next->text, "");
    }
    const RsXmlNode *cd = rs_xml_child(r, "cdata");
    RS_CHECK(cd && !strcmp(cd->text, "<not> &markup;"));
    const RsXmlNode *ws = rs_xml_child(r, "ws");
    RS_CHECK(ws && !strcmp(rs_xml_attr(ws, "attr"), "a b c"));
    RS_CHECK(ws && !strcmp(ws->text, "line1\nline2"));
    rs_xml_free(&doc);
    RS_CHECK(doc == NULL);
}

/* Mixed content: a parent's text around a child is kept in order, and the
 * child's own text does not leak into it. */
static void test_mixed(void)
{
    RsXmlDoc *doc;
    RS_CHECK_EQ_INT(parse("<p>a<b x='1'>inner</b>c<e/>d</p>", &doc), 0);
    if (!doc)
        return;
    const RsXmlNode *p = rs_xml_root(doc);
    RS_CHECK_EQ_STR(p->text, "acd");
    RS_CHECK_EQ_STR(p->first_child->text, "inner");
    rs_xml_free(&doc);
}

typedef struct Bad {
    const char *text;
    int code;
    const char *msg; /* must appear in the message, after "t.xml:LINE: " */
} Bad;

static void test_errors(void)
{
    static const Bad bad[] = {
        { "<a>\n<b>\n</c>\n</a>", RS_EINVAL, "t.xml:3: end tag </c> does not match <b> opened on line 2" },
        { "<a>\n\n<b>", RS_EINVAL, "t.xml:3: end of file inside <b> opened on line 3" },
        { "<a>x &nbsp; y</a>", RS_EINVAL, "t.xml:1: unknown entity &nbsp;" },
        { "<a>\n&#0;</a>", RS_EINVAL, "t.xml:2: character reference &#0; is not a legal" },
        { "<a>&#xD800;</a>", RS_EINVAL, "not a legal XML character" },
        { "<a>AT&T</a>", RS_EINVAL, "'&' does not start an entity reference" },
        { "<!DOCTYPE a [<!ENTITY x \"y\">]><a/>", RS_EUNSUP, "t.xml:1: DOCTYPE" },
        { "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>", RS_EUNSUP, "encoding \"ISO-8859-1\"" },
        { "<a>\n\n\xC3\x28</a>", RS_EINVAL, "t.xml:3: invalid UTF-8" },
        { "<a>\xC0\xAF</a>", RS_EINVAL, "invalid UTF-8" },
        { "<a>\x01</a>", RS_EINVAL, "control character 0x01" },
        { "<a/><b/>", RS_EINVAL, "content after the root element <a>" },
        { "text<a/>", RS_EINVAL, "text before the root element" },
        { "", RS_EINVAL, "no root element" },
        { "<a x='1' x='2'/>", RS_EINVAL, "duplicate attribute 'x'" },
        { "<a x=1/>", RS_EINVAL, "expected a quoted value" },
        { "<a x='<'/>", RS_EINVAL, "'<' inside an attribute value" },
        { "<a x='1'y='2'/>", RS_EINVAL, "expected white space" },
        { "<a><!-- x -- y --></a>", RS_EINVAL, "'--' inside a comment" },
        { "<a>]]></a>", RS_EINVAL, "']]>' is not allowed" },
        { "<a><![CDATA[x</a>", RS_EINVAL, "CDATA section not closed" },
        { "<a/>\n<?xml version='1.0'?>", RS_EINVAL, "t.xml:2: an XML declaration is only allowed" },
        { "<1a/>", RS_EINVAL, "expected a name" },
        { "<a", RS_EINVAL, "start tag <a> not closed" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        RsXmlDoc *doc = (RsXmlDoc *)1;
        int ret = parse(bad[i].text, &doc);
        if (ret != bad[i].code || !strstr(rs_error_message(), bad[i].msg))
            fprintf(stderr, "case %zu: ret %d, message \"%s\"\n", i, ret, rs_error_message());
        RS_CHECK_EQ_INT(ret, bad[i].code);
        RS_CHECK_CONTAINS(rs_error_message(), bad[i].msg);
        RS_CHECK(doc == NULL);
    }
}

/* Nesting is bounded without recursion: one level too deep is refused,
 * a million levels do not overflow the stack. */
static void test_depth(void)
{
    size_t n = 1000000;
    char *s = malloc(3 * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(s + 3 * i, "<a>", 3);
    s[3 * n] = '\0';
    RsXmlDoc *doc;
    RS_CHECK_EQ_INT(parse(s, &doc), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "nested deeper than 256");
    /* Exactly the limit is fine. */
    char *t = malloc(7 * RS_XML_MAX_DEPTH + 1), *p = t;
    for (int i = 0; i < RS_XML_MAX_DEPTH; i++, p += 3)
        memcpy(p, "<a>", 3);
    for (int i = 0; i < RS_XML_MAX_DEPTH; i++, p += 4)
        memcpy(p, "</a>", 4);
    *p = '\0';
    RS_CHECK_EQ_INT(parse(t, &doc), 0);
    rs_xml_free(&doc);
    free(s);
    free(t);
}

int main(void)
{
    RS_RUN(test_tree);
    RS_RUN(test_mixed);
    RS_RUN(test_errors);
    RS_RUN(test_depth);
    return rs_test_end();
}
