/* Option tables and the JSON writer: parsing, validation messages, escaping. */
#include <stddef.h>

#include "../rs_test.h"
#include "core/json.h"
#include "rushes/error.h"
#include "rushes/options.h"

typedef struct O {
    int flag;
    int64_t n;
    double x;
    const char *s;
    const char *c;
} O;

static const RsOption table[] = {
    { "flag", "a flag", RS_OPT_BOOL, offsetof(O, flag), .def.i = 0 },
    { "n", "a count", RS_OPT_INT, offsetof(O, n), .def.i = 4, .min = 1, .max = 10 },
    { "x", "a number", RS_OPT_DOUBLE, offsetof(O, x), .def.d = 0.5, .min = 0, .max = 1 },
    { "s", "a string", RS_OPT_STRING, offsetof(O, s), .def.s = "hello" },
    { "c", "a choice", RS_OPT_CHOICE, offsetof(O, c), .def.s = "xxh64", .choices = "xxh64|md5|sha1" },
    { NULL }
};

static void test_defaults_and_set(void)
{
    O o;
    rs_options_defaults(table, &o);
    RS_CHECK_EQ_INT(o.n, 4);
    RS_CHECK(o.x == 0.5);
    RS_CHECK_EQ_STR(o.s, "hello");
    RS_CHECK_EQ_INT(rs_options_count(table), 5);
    RS_CHECK_EQ_INT(rs_options_set(table, &o, "n", "7"), 0);
    RS_CHECK_EQ_INT(o.n, 7);
    RS_CHECK_EQ_INT(rs_options_set(table, &o, "flag", "yes"), 0);
    RS_CHECK_EQ_INT(o.flag, 1);
    RS_CHECK_EQ_INT(rs_options_set(table, &o, "c", "md5"), 0);
    RS_CHECK_EQ_STR(o.c, "md5");
}

static void test_errors_name_the_option(void)
{
    O o;
    rs_options_defaults(table, &o);
    RS_CHECK_EQ_INT(rs_options_set(table, &o, "n", "11"), RS_ERANGE);
    RS_CHECK_CONTAINS(rs_error_message(), "'n'");
    RS_CHECK_CONTAINS(rs_error_message(), "1..10");
    RS_CHECK_EQ_INT(rs_options_set(table, &o, "n", "4x"), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "'4x' is not an integer");
    RS_CHECK_EQ_INT(rs_options_set(table, &o, "x", "nan"), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_options_set(table, &o, "flag", "maybe"), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_options_set(table, &o, "c", "crc32"), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "xxh64|md5|sha1");
    RS_CHECK_EQ_INT(rs_options_set(table, &o, "nope", "1"), RS_ENOENT);
    RS_CHECK_CONTAINS(rs_error_message(), "unknown option 'nope'");
    RS_CHECK_EQ_INT(o.n, 4); /* failed sets leave the value alone */
}

static void test_json(void)
{
    RsJson j = { 0 };
    rs_json_begin_object(&j, NULL);
    rs_json_string(&j, "s", "a\"b\\c\n\x01");
    rs_json_int(&j, "i", -42);
    rs_json_double(&j, "nan", 0.0 / 0.0);
    rs_json_begin_array(&j, "a");
    rs_json_int(&j, NULL, 1);
    rs_json_bool(&j, NULL, 1);
    rs_json_null(&j, NULL);
    rs_json_end_array(&j);
    rs_json_begin_object(&j, "empty");
    rs_json_end_object(&j);
    rs_json_end_object(&j);
    char *s = rs_json_take(&j);
    RS_CHECK_EQ_STR(s, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"i\":-42,\"nan\":null,\"a\":[1,true,null],\"empty\":{}}");
    free(s);
}

static void test_error_codes(void)
{
    RS_CHECK_EQ_INT(rs_error_exit_code(0), 0);
    RS_CHECK_EQ_INT(rs_error_exit_code(RS_EPARTIAL), 1);
    RS_CHECK_EQ_INT(rs_error_exit_code(RS_EMEDIA), 3);
    RS_CHECK_EQ_INT(rs_error_exit_code(RS_EMISMATCH), 4);
    RS_CHECK_EQ_INT(rs_error_exit_code(RS_ESTORE), 5);
    RS_CHECK_EQ_INT(rs_error_exit_code(RS_EDENIED), 6);
    RS_CHECK_EQ_STR(rs_strerror(RS_ENOENT), "no such file or record");
    RS_CHECK_EQ_STR(rs_strerror(-ENOTDIR), "Not a directory");
    RS_CHECK_EQ_STR(rs_strerror(RS_EMEDIA), "corrupt or unreadable media");
    RS_CHECK_EQ_INT(rs_error(RS_EIO, "%s: short read at %d", "a.mov", 7), RS_EIO);
    RS_CHECK_EQ_STR(rs_error_message(), "a.mov: short read at 7");
}

int main(void)
{
    RS_RUN(test_defaults_and_set);
    RS_RUN(test_errors_name_the_option);
    RS_RUN(test_json);
    RS_RUN(test_error_codes);
    return rs_test_end();
}
