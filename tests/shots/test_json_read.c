/* The strict JSON reader: what it accepts, what it refuses, and where it says the fault is. */
#include <stdlib.h>
#include <string.h>

#include "../rs_test.h"
#include "core/json_read.h"
#include "rushes/error.h"

static void refuse(const char *text, const char *expect)
{
    RsJsonValue *v = NULL;
    RS_CHECK_EQ_INT(rs_json_parse("t.json", text, strlen(text), &v), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), expect);
    RS_CHECK(v == NULL);
}

static void test_accept(void)
{
    const char *t = " {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\\n\"],\n \"b\": {}, \"c\": [],"
                    " \"big\": 12345678901234567890, \"neg\": -0}";
    RsJsonValue *v = NULL;
    RS_CHECK_EQ_INT(rs_json_parse("t.json", t, strlen(t), &v), 0);
    if (!v)
        return;
    const RsJsonValue *a = rs_json_member(v, "a");
    RS_CHECK(a && a->type == RS_JSON_ARRAY && a->count == 6);
    if (a && a->count == 6) {
        RS_CHECK(a->items[0].is_int && a->items[0].integer == 1);
        RS_CHECK(!a->items[1].is_int && a->items[1].number == -2500);
        RS_CHECK(a->items[2].type == RS_JSON_BOOL && a->items[2].boolean);
        RS_CHECK(a->items[4].type == RS_JSON_NULL);
        RS_CHECK_EQ_STR(a->items[5].string, "x\xc3\xa9\xf0\x9f\x98\x80\n");
    }
    const RsJsonValue *big = rs_json_member(v, "big");
    RS_CHECK(big && !big->is_int && big->number > 1e19);
    const RsJsonValue *b = rs_json_member(v, "b");
    RS_CHECK(b && b->type == RS_JSON_OBJECT && b->count == 0 && b->line == 2 && b->col == 7);
    RS_CHECK(rs_json_member(v, "zz") == NULL);
    rs_json_value_free(&v);
    RS_CHECK(v == NULL);
}

static void test_refuse(void)
{
    refuse("", "line 1, column 1: a value expected");
    refuse("[1,2,]", "column 6: trailing comma");
    refuse("{\"a\":1,\"a\":2}", "duplicate member name");
    refuse("[01]", "leading zeros");
    refuse("[+1]", "a number needs digits");
    refuse("[1.]", "digits expected after '.'");
    refuse("[NaN]", "a number needs digits");
    refuse("{\"a\" 1}", "':' expected");
    refuse("[1 2]", "',' or ']' expected");
    refuse("\"a\tb\"", "control character");
    refuse("\"\\x\"", "unknown escape");
    refuse("\"\\ud800\"", "high surrogate");
    refuse("\"\\udc00\"", "lone low surrogate");
    refuse("\"\\u0000\"", "\\u0000 is not allowed");
    refuse("\"\xc0\xaf\"", "invalid UTF-8");
    refuse("\"abc", "unterminated string");
    refuse("[1]\n x", "line 2, column 2: text after the JSON value");
    refuse("tru", "unknown literal");
    refuse("// c\n1", "a number needs digits");
    char deep[200];
    memset(deep, '[', 100);
    deep[100] = 0;
    refuse(deep, "nested too deeply");
}

int main(void)
{
    RS_RUN(test_accept);
    RS_RUN(test_refuse);
    return rs_test_end();
}
