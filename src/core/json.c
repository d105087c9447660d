#include <math.h>
#include <stdio.h>

#include "core/json.h"

void rs_json_quote(RsStrbuf *b, const char *s)
{
    rs_strbuf_append(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':  rs_strbuf_append(b, "\\\"", 2); break;
        case '\\': rs_strbuf_append(b, "\\\\", 2); break;
        case '\n': rs_strbuf_append(b, "\\n", 2); break;
        case '\r': rs_strbuf_append(b, "\\r", 2); break;
        case '\t': rs_strbuf_append(b, "\\t", 2); break;
        default:
            if (*p < 0x20)
                rs_strbuf_printf(b, "\\u%04x", *p);
            else
                rs_strbuf_append(b, (const char *)p, 1);
        }
    }
    rs_strbuf_append(b, "\"", 1);
}

static void newline(RsJson *j)
{
    if (!j->pretty)
        return;
    rs_strbuf_append(&j->buf, "\n", 1);
    for (int i = 0; i < j->depth; i++)
        rs_strbuf_append(&j->buf, "  ", 2);
}

static void member(RsJson *j, const char *key)
{
    if (j->depth > 0 && j->count[j->depth - 1]++ > 0)
        rs_strbuf_append(&j->buf, ",", 1);
    if (j->depth > 0)
        newline(j);
    if (key) {
        rs_json_quote(&j->buf, key);
        rs_strbuf_append(&j->buf, j->pretty ? ": " : ":", j->pretty ? 2 : 1);
    }
}

static void open_(RsJson *j, const char *key, char c)
{
    member(j, key);
    rs_strbuf_append(&j->buf, &c, 1);
    if (j->depth < RS_JSON_MAX_DEPTH)
        j->count[j->depth] = 0;
    j->depth++;
}

static void close_(RsJson *j, char c)
{
    int had = j->depth > 0 && j->depth <= RS_JSON_MAX_DEPTH && j->count[j->depth - 1] > 0;
    j->depth--;
    if (had)
        newline(j);
    rs_strbuf_append(&j->buf, &c, 1);
    if (j->depth == 0 && j->pretty)
        rs_strbuf_append(&j->buf, "\n", 1);
}

void rs_json_begin_object(RsJson *j, const char *key) { open_(j, key, '{'); }
void rs_json_end_object(RsJson *j) { close_(j, '}'); }
void rs_json_begin_array(RsJson *j, const char *key) { open_(j, key, '['); }
void rs_json_end_array(RsJson *j) { close_(j, ']'); }

void rs_json_string(RsJson *j, const char *key, const char *value)
{
    member(j, key);
    if (value)
        rs_json_quote(&j->buf, value);
    else
        rs_strbuf_append(&j->buf, "null", 4);
}

void rs_json_int(RsJson *j, const char *key, int64_t value)
{
    member(j, key);
    rs_strbuf_printf(&j->buf, "%lld", (long long)value);
}

void rs_json_double(RsJson *j, const char *key, double value)
{
    member(j, key);
    if (isfinite(value))
        rs_strbuf_printf(&j->buf, "%.6g", value);
    else
        rs_strbuf_append(&j->buf, "null", 4);
}

void rs_json_bool(RsJson *j, const char *key, int value)
{
    member(j, key);
    rs_strbuf_puts(&j->buf, value ? "true" : "false");
}

void rs_json_null(RsJson *j, const char *key)
{
    member(j, key);
    rs_strbuf_append(&j->buf, "null", 4);
}

void rs_json_raw(RsJson *j, const char *key, const char *json)
{
    member(j, key);
    rs_strbuf_puts(&j->buf, json && *json ? json : "null");
}

void rs_json_rational(RsJson *j, const char *key, int64_t num, int64_t den)
{
    rs_json_begin_object(j, key);
    rs_json_int(j, "num", num);
    rs_json_int(j, "den", den);
    rs_json_end_object(j);
}

char *rs_json_take(RsJson *j)
{
    j->depth = 0;
    return rs_strbuf_take(&j->buf);
}
