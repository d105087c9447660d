/* A recursive-descent JSON reader (RFC 8259), depth-limited. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/jsonread.h"
#include "rushes/error.h"

typedef struct P {
    const char *s, *start, *name;
    int depth;
} P;

static int fail(P *p, const char *what)
{
    return rs_error(RS_EINVAL, "%s: %s at byte %lld", p->name, what, (long long)(p->s - p->start));
}

static void ws(P *p)
{
    while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')
        p->s++;
}

static int value(P *p, Jv *v);

static int string(P *p, char **out)
{
    p->s++;
    size_t cap = 16, len = 0;
    char *b = malloc(cap);
    if (!b)
        return RS_ENOMEM;
    while (*p->s != '"') {
        if (!*p->s || (unsigned char)*p->s < 0x20) {
            free(b);
            return fail(p, "unterminated string");
        }
        char c = *p->s++;
        if (c == '\\') {
            c = *p->s++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case '"': case '\\': case '/': break;
            case 'u':
                /* Shape files are ASCII; other code points become '?'. */
                for (int i = 0; i < 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", *p->s) || !*p->s++) {
                        free(b);
                        return fail(p, "bad \\u escape");
                    }
                c = '?';
                break;
            default:
                free(b);
                return fail(p, "bad escape");
            }
        }
        if (len + 2 > cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                return RS_ENOMEM;
            }
            b = nb;
        }
        b[len++] = c;
    }
    p->s++;
    b[len] = 0;
    *out = b;
    return 0;
}

static int push(Jv *v, int *cap)
{
    if (v->n < *cap)
        return 0;
    *cap = *cap ? *cap * 2 : 4;
    Jv *ni = realloc(v->items, sizeof(Jv) * *cap);
    if (!ni)
        return RS_ENOMEM;
    v->items = ni;
    if (v->type == JV_OBJECT) {
        char **nk = realloc(v->keys, sizeof(char *) * *cap);
        if (!nk)
            return RS_ENOMEM;
        v->keys = nk;
    }
    return 0;
}

static int container(P *p, Jv *v, char close)
{
    int cap = 0, ret;
    if (++p->depth > 64)
        return fail(p, "nesting deeper than 64");
    p->s++;
    ws(p);
    if (*p->s == close) {
        p->s++;
        p->depth--;
        return 0;
    }
    for (;;) {
        if ((ret = push(v, &cap)) < 0)
            return ret;
        Jv *item = &v->items[v->n];
        memset(item, 0, sizeof(*item));
        if (close == '}') {
            ws(p);
            if (*p->s != '"')
                return fail(p, "expected a member name");
            if ((ret = string(p, &v->keys[v->n])) < 0)
                return ret;
            v->n++;
            ws(p);
            if (*p->s++ != ':')
                return fail(p, "expected ':'");
        } else {
            v->n++;
        }
        if ((ret = value(p, item)) < 0)
            return ret;
        ws(p);
        if (*p->s == ',') {
            p->s++;
            continue;
        }
        if (*p->s == close) {
            p->s++;
            p->depth--;
            return 0;
        }
        return fail(p, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int value(P *p, Jv *v)
{
    ws(p);
    char c = *p->s;
    if (c == '{') {
        v->type = JV_OBJECT;
        return container(p, v, '}');
    }
    if (c == '[') {
        v->type = JV_ARRAY;
        return container(p, v, ']');
    }
    if (c == '"') {
        v->type = JV_STRING;
        return string(p, &v->str);
    }
    static const struct { const char *word; JvType t; double num; } words[] = {
        { "true", JV_BOOL, 1 }, { "false", JV_BOOL, 0 }, { "null", JV_NULL, 0 },
    };
    for (int i = 0; i < 3; i++)
        if (!strncmp(p->s, words[i].word, strlen(words[i].word))) {
            p->s += strlen(words[i].word);
            v->type = words[i].t;
            v->num = words[i].num;
            return 0;
        }
    if (c == '-' || (c >= '0' && c <= '9')) {
        char *end;
        v->type = JV_NUMBER;
        v->num = strtod(p->s, &end);
        if (end == p->s || !isfinite(v->num))
            return fail(p, "bad number");
        p->s = end;
        return 0;
    }
    return fail(p, c ? "unexpected character" : "unexpected end of text");
}

int jv_parse(const char *text, const char *name, Jv *out)
{
    P p = { text, text, name, 0 };
    memset(out, 0, sizeof(*out));
    int ret = value(&p, out);
    if (ret >= 0) {
        ws(&p);
        if (*p.s)
            ret = fail(&p, "text after the JSON value");
    }
    if (ret < 0)
        jv_free(out);
    return ret == RS_ENOMEM ? rs_error(RS_ENOMEM, "%s: out of memory", name) : ret;
}

void jv_free(Jv *v)
{
    for (int i = 0; i < v->n; i++) {
        jv_free(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    memset(v, 0, sizeof(*v));
}

const Jv *jv_get(const Jv *obj, const char *key)
{
    if (!obj || obj->type != JV_OBJECT)
        return NULL;
    for (int i = 0; i < obj->n; i++)
        if (!strcmp(obj->keys[i], key))
            return &obj->items[i];
    return NULL;
}
