/*
 * The strict JSON reader (json_read.h): a recursive descent over the text
 * with a depth limit, building the tree as it goes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_read.h"
#include "core/strbuf.h"
#include "rushes/error.h"

typedef struct Parser {
    const char *name;
    const char *s, *end, *line_start;
    int line;
    int depth;
} Parser;

static int fail(Parser *p, const char *at, const char *what)
{
    if (at > p->end)
        at = p->end;
    /* The column counts bytes from the start of the line, as editors show it for ASCII. */
    int line = p->line;
    const char *ls = p->line_start;
    if (at < ls) {
        /* An error reported before the current line: recount from the start. */
        line = 1;
        ls = p->s;
        for (const char *c = p->s; c < at; c++)
            if (*c == '\n') {
                line++;
                ls = c + 1;
            }
    }
    if (p->name)
        return rs_error(RS_EINVAL, "%s: line %d, column %d: %s", p->name, line, (int)(at - ls) + 1, what);
    return rs_error(RS_EINVAL, "line %d, column %d: %s", line, (int)(at - ls) + 1, what);
}

static const char *skip_ws(Parser *p, const char *c)
{
    while (c < p->end && (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r')) {
        if (*c == '\n') {
            p->line++;
            p->line_start = c + 1;
        }
        c++;
    }
    return c;
}

static void utf8_put(RsStrbuf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    rs_strbuf_append(b, u, n);
}

static int hex4(const char *c, const char *end, uint32_t *v)
{
    if (end - c < 4)
        return -1;
    *v = 0;
    for (int i = 0; i < 4; i++) {
        int h = c[i];
        int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
              : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        *v = *v << 4 | (uint32_t)d;
    }
    return 0;
}

/* Length of the valid UTF-8 sequence at c, or 0. Overlong forms and surrogates are refused. */
static int utf8_len(const unsigned char *c, const unsigned char *end)
{
    int n = c[0] < 0x80 ? 1 : c[0] >= 0xc2 && c[0] <= 0xdf ? 2 : (c[0] & 0xf0) == 0xe0 ? 3
          : c[0] >= 0xf0 && c[0] <= 0xf4 ? 4 : 0;
    if (!n || end - c < n)
        return 0;
    for (int i = 1; i < n; i++)
        if ((c[i] & 0xc0) != 0x80)
            return 0;
    if (n == 3 && ((c[0] == 0xe0 && c[1] < 0xa0) || (c[0] == 0xed && c[1] >= 0xa0)))
        return 0;
    if (n == 4 && ((c[0] == 0xf0 && c[1] < 0x90) || (c[0] == 0xf4 && c[1] >= 0x90)))
        return 0;
    return n;
}

/* c points after the opening quote; *out gets the decoded string. */
static int parse_string(Parser *p, const char **cp, char **out)
{
    const char *c = *cp;
    RsStrbuf b = { 0 };
    rs_strbuf_append(&b, "", 0);
    for (;;) {
        if (c >= p->end) {
            rs_strbuf_free(&b);
            return fail(p, c, "unterminated string");
        }
        unsigned char ch = (unsigned char)*c;
        if (ch == '"')
            break;
        if (ch < 0x20) {
            rs_strbuf_free(&b);
            return fail(p, c, "control character inside a string (escape it)");
        }
        if (ch == '\\') {
            if (c + 1 >= p->end) {
                rs_strbuf_free(&b);
                return fail(p, c, "unterminated string");
            }
            char e = c[1], lit = 0;
            switch (e) {
            case '"': case '\\': case '/': lit = e; break;
            case 'b': lit = '\b'; break;
            case 'f': lit = '\f'; break;
            case 'n': lit = '\n'; break;
            case 'r': lit = '\r'; break;
            case 't': lit = '\t'; break;
            }
            if (lit) {
                rs_strbuf_append(&b, &lit, 1);
                c += 2;
                continue;
            }
            if (e != 'u') {
                rs_strbuf_free(&b);
                return fail(p, c, "unknown escape in a string");
            }
            uint32_t cp1, cp2;
            if (hex4(c + 2, p->end, &cp1) < 0) {
                rs_strbuf_free(&b);
                return fail(p, c, "\\u needs four hex digits");
            }
            c += 6;
            if (cp1 >= 0xd800 && cp1 <= 0xdbff) {
                if (p->end - c < 6 || c[0] != '\\' || c[1] != 'u' || hex4(c + 2, p->end, &cp2) < 0 ||
                    cp2 < 0xdc00 || cp2 > 0xdfff) {
                    rs_strbuf_free(&b);
                    return fail(p, c, "a high surrogate must be followed by a low one");
                }
                cp1 = 0x10000 + ((cp1 - 0xd800) << 10) + (cp2 - 0xdc00);
                c += 6;
            } else if (cp1 >= 0xdc00 && cp1 <= 0xdfff) {
                rs_strbuf_free(&b);
                return fail(p, c - 6, "lone low surrogate");
            } else if (cp1 == 0) {
                rs_strbuf_free(&b);
                return fail(p, c - 6, "\\u0000 is not allowed");
            }
            utf8_put(&b, cp1);
            continue;
        }
        int n = utf8_len((const unsigned char *)c, (const unsigned char *)p->end);
        if (!n) {
            rs_strbuf_free(&b);
            return fail(p, c, "invalid UTF-8 in a string");
        }
        rs_strbuf_append(&b, c, (size_t)n);
        c += n;
    }
    *cp = c + 1;
    if (b.oom) {
        rs_strbuf_free(&b);
        return RS_ENOMEM;
    }
    *out = rs_strbuf_take(&b);
    return *out ? 0 : RS_ENOMEM;
}

static int parse_number(Parser *p, const char **cp, RsJsonValue *v)
{
    const char *c = *cp, *start = c;
    int is_int = 1;
    if (c < p->end && *c == '-')
        c++;
    if (c >= p->end || *c < '0' || *c > '9')
        return fail(p, start, "a number needs digits");
    if (*c == '0' && c + 1 < p->end && c[1] >= '0' && c[1] <= '9')
        return fail(p, start, "leading zeros are not allowed");
    while (c < p->end && *c >= '0' && *c <= '9')
        c++;
    if (c < p->end && *c == '.') {
        is_int = 0;
        c++;
        if (c >= p->end || *c < '0' || *c > '9')
            return fail(p, c, "digits expected after '.'");
        while (c < p->end && *c >= '0' && *c <= '9')
            c++;
    }
    if (c < p->end && (*c == 'e' || *c == 'E')) {
        is_int = 0;
        c++;
        if (c < p->end && (*c == '+' || *c == '-'))
            c++;
        if (c >= p->end || *c < '0' || *c > '9')
            return fail(p, c, "digits expected in the exponent");
        while (c < p->end && *c >= '0' && *c <= '9')
            c++;
    }
    char buf[64];
    size_t n = (size_t)(c - start);
    if (n >= sizeof(buf))
        return fail(p, start, "number too long");
    memcpy(buf, start, n);
    buf[n] = 0;
    v->type = RS_JSON_NUMBER;
    v->number = strtod(buf, NULL);
    if (!isfinite(v->number))
        return fail(p, start, "number out of range");
    if (is_int) {
        errno = 0;
        long long i = strtoll(buf, NULL, 10);
        if (errno != ERANGE) {
            v->is_int = 1;
            v->integer = i;
        }
    }
    *cp = c;
    return 0;
}

static int parse_value(Parser *p, const char **cp, RsJsonValue *v);

static int grow(RsJsonValue *v, int *cap, int object)
{
    if (v->count < *cap)
        return 0;
    int n = *cap ? *cap * 2 : 4;
    RsJsonValue *it = realloc(v->items, (size_t)n * sizeof(*it));
    if (!it)
        return RS_ENOMEM;
    v->items = it;
    if (object) {
        char **k = realloc(v->keys, (size_t)n * sizeof(*k));
        if (!k)
            return RS_ENOMEM;
        v->keys = k;
    }
    *cap = n;
    return 0;
}

static int parse_container(Parser *p, const char **cp, RsJsonValue *v, int object)
{
    const char *c = *cp + 1;
    int cap = 0, ret;
    v->type = object ? RS_JSON_OBJECT : RS_JSON_ARRAY;
    if (++p->depth > RS_JSON_READ_MAX_DEPTH)
        return fail(p, *cp, "nested too deeply");
    c = skip_ws(p, c);
    if (c < p->end && *c == (object ? '}' : ']')) {
        *cp = c + 1;
        p->depth--;
        return 0;
    }
    for (;;) {
        char *key = NULL;
        if (object) {
            if (c >= p->end || *c != '"')
                return fail(p, c, "a member name (a string) expected");
            c++;
            if ((ret = parse_string(p, &c, &key)) < 0)
                return ret;
            for (int i = 0; i < v->count; i++)
                if (!strcmp(v->keys[i], key)) {
                    free(key);
                    return fail(p, c, "duplicate member name");
                }
            c = skip_ws(p, c);
            if (c >= p->end || *c != ':') {
                free(key);
                return fail(p, c, "':' expected after a member name");
            }
            c = skip_ws(p, c + 1);
        }
        if ((ret = grow(v, &cap, object)) < 0) {
            free(key);
            return ret;
        }
        if (object)
            v->keys[v->count] = key;
        RsJsonValue *it = &v->items[v->count++];
        memset(it, 0, sizeof(*it));
        if ((ret = parse_value(p, &c, it)) < 0)
            return ret;
        c = skip_ws(p, c);
        if (c < p->end && *c == ',') {
            c = skip_ws(p, c + 1);
            if (c < p->end && (*c == ']' || *c == '}'))
                return fail(p, c, "trailing comma");
            continue;
        }
        if (c < p->end && *c == (object ? '}' : ']'))
            break;
        return fail(p, c, object ? "',' or '}' expected" : "',' or ']' expected");
    }
    *cp = c + 1;
    p->depth--;
    return 0;
}

static int parse_value(Parser *p, const char **cp, RsJsonValue *v)
{
    const char *c = skip_ws(p, *cp);
    v->line = p->line;
    v->col = (int)(c - p->line_start) + 1;
    if (c >= p->end)
        return fail(p, c, "a value expected");
    int ret = 0;
    switch (*c) {
    case '{':
    case '[':
        ret = parse_container(p, &c, v, *c == '{');
        break;
    case '"':
        c++;
        v->type = RS_JSON_STRING;
        ret = parse_string(p, &c, &v->string);
        break;
    case 't':
    case 'f':
    case 'n': {
        static const char *const words[] = { "true", "false", "null" };
        int k = *c == 't' ? 0 : *c == 'f' ? 1 : 2;
        size_t n = strlen(words[k]);
        if ((size_t)(p->end - c) < n || memcmp(c, words[k], n))
            return fail(p, c, "unknown literal (true, false or null expected)");
        v->type = k == 2 ? RS_JSON_NULL : RS_JSON_BOOL;
        v->boolean = k == 0;
        c += n;
        break;
    }
    default:
        ret = parse_number(p, &c, v);
    }
    if (ret >= 0)
        *cp = c;
    return ret;
}

static void free_value(RsJsonValue *v)
{
    free(v->string);
    for (int i = 0; i < v->count; i++) {
        free_value(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
}

int rs_json_parse(const char *name, const char *text, size_t len, RsJsonValue **out)
{
    *out = NULL;
    Parser p = { name, text, text + len, text, 1, 0 };
    RsJsonValue *root = calloc(1, sizeof(*root));
    if (!root)
        return RS_ENOMEM;
    const char *c = text;
    int ret = parse_value(&p, &c, root);
    if (ret >= 0) {
        c = skip_ws(&p, c);
        if (c < p.end)
            ret = fail(&p, c, "text after the JSON value");
    }
    if (ret < 0) {
        free_value(root);
        free(root);
        return ret;
    }
    *out = root;
    return 0;
}

void rs_json_value_free(RsJsonValue **v)
{
    if (!v || !*v)
        return;
    free_value(*v);
    free(*v);
    *v = NULL;
}

const RsJsonValue *rs_json_member(const RsJsonValue *v, const char *key)
{
    if (!v || v->type != RS_JSON_OBJECT)
        return NULL;
    for (int i = 0; i < v->count; i++)
        if (!strcmp(v->keys[i], key))
            return &v->items[i];
    return NULL;
}
