/*
 * The strict XML reader described in xml.h. It reads untrusted files (an
 * MHL history may come from any tool or be edited by hand), so it never
 * recurses (an explicit stack bounds the depth), checks every byte once as
 * UTF-8 before parsing, and reports the line of every error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rushes/error.h"
#include "interchange/xml.h"

/* All nodes and strings of a document live in a chain of blocks, freed at once. */
typedef struct Block {
    struct Block *next;
    size_t used, size, pad;
    char data[];
} Block;
_Static_assert(offsetof(Block, data) % 16 == 0, "block data must stay 16-byte aligned");

struct RsXmlDoc {
    Block *blocks;
    RsXmlNode *root;
};

typedef struct Parser {
    const char *name;
    const char *start, *p, *end;
    const char *lpos; /* line counting is incremental: p only moves forward */
    int lline;
    RsXmlDoc *doc;
    char *sb;         /* scratch for text and attribute values being decoded */
    size_t sb_len, sb_cap;
} Parser;

static void *arena_alloc(RsXmlDoc *d, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    Block *b = d->blocks;
    if (!b || b->size - b->used < n) {
        size_t sz = n > 65536 ? n : 65536;
        b = malloc(sizeof(*b) + sz);
        if (!b)
            return NULL;
        b->size = sz;
        b->used = 0;
        b->next = d->blocks;
        d->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

static char *arena_strndup(RsXmlDoc *d, const char *s, size_t n)
{
    char *r = arena_alloc(d, n + 1);
    if (r) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

static int line_at(Parser *x, const char *p)
{
    while (x->lpos < p) {
        if (*x->lpos++ == '\n')
            x->lline++;
    }
    return x->lline;
}

static int fail_at(Parser *x, int code, const char *at, const char *fmt, ...) RS_PRINTF(4, 5);
static int fail_at(Parser *x, int code, const char *at, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return rs_error(code, "%s:%d: %s", x->name, line_at(x, at), what);
}

#define FAIL(...) fail_at(x, RS_EINVAL, x->p, __VA_ARGS__)

static int nomem(Parser *x)
{
    return rs_error(RS_ENOMEM, "%s: out of memory while parsing", x->name);
}

static int sb_put(Parser *x, const char *s, size_t n)
{
    if (x->sb_cap - x->sb_len < n) {
        size_t cap = x->sb_cap ? x->sb_cap : 4096;
        while (cap - x->sb_len < n)
            cap *= 2;
        char *nb = realloc(x->sb, cap);
        if (!nb)
            return nomem(x);
        x->sb = nb;
        x->sb_cap = cap;
    }
    memcpy(x->sb + x->sb_len, s, n);
    x->sb_len += n;
    return 0;
}

/* Every byte is checked once: well-formed UTF-8 (no overlongs, no
 * surrogates) and only characters the XML 1.0 Char production allows. */
static int check_chars(Parser *x)
{
    const unsigned char *s = (const unsigned char *)x->p, *e = (const unsigned char *)x->end;
    while (s < e) {
        unsigned c = *s;
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                return fail_at(x, RS_EINVAL, (const char *)s,
                               "control character 0x%02x is not allowed in XML", c);
            s++;
            continue;
        }
        int n;
        unsigned cp, min;
        if ((c & 0xE0) == 0xC0)      { n = 1; cp = c & 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; min = 0x10000; }
        else
            return fail_at(x, RS_EINVAL, (const char *)s, "invalid UTF-8 byte 0x%02x", c);
        if (e - s <= n)
            return fail_at(x, RS_EINVAL, (const char *)s, "truncated UTF-8 sequence");
        for (int i = 1; i <= n; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return fail_at(x, RS_EINVAL, (const char *)s, "invalid UTF-8 sequence");
            cp = (cp << 6) | (s[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
            cp == 0xFFFE || cp == 0xFFFF)
            return fail_at(x, RS_EINVAL, (const char *)s,
                           "invalid UTF-8 sequence (code point U+%04X)", cp);
        s += n + 1;
    }
    return 0;
}

static int starts(const Parser *x, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(x->end - x->p) >= n && !memcmp(x->p, lit, n);
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int skip_ws(Parser *x)
{
    const char *p0 = x->p;
    while (x->p < x->end && is_ws(*x->p))
        x->p++;
    return x->p != p0;
}

static int name_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static int name_char(unsigned char c)
{
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int parse_name(Parser *x, const char **out, size_t *len)
{
    const char *s = x->p;
    if (s >= x->end || !name_start((unsigned char)*s))
        return FAIL("expected a name");
    while (x->p < x->end && name_char((unsigned char)*x->p))
        x->p++;
    *out = s;
    *len = (size_t)(x->p - s);
    return 0;
}

static int put_utf8(Parser *x, unsigned cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80)         { b[0] = (char)cp; n = 1; }
    else if (cp < 0x800)   { b[0] = (char)(0xC0 | cp >> 6); n = 2; }
    else if (cp < 0x10000) { b[0] = (char)(0xE0 | cp >> 12); n = 3; }
    else                   { b[0] = (char)(0xF0 | cp >> 18); n = 4; }
    for (size_t i = 1; i < n; i++)
        b[i] = (char)(0x80 | ((cp >> (6 * (n - 1 - i))) & 0x3F));
    return sb_put(x, b, n);
}

/* At '&': decodes one predefined entity or character reference into sb. */
static int parse_ref(Parser *x)
{
    static const struct { const char *name; char c; } ents[] = {
        { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
    };
    const char *s = x->p + 1;
    size_t avail = (size_t)(x->end - s);
    const char *semi = memchr(s, ';', avail < 12 ? avail : 12);
    if (!semi)
        return FAIL("'&' does not start an entity reference (write &amp; for '&')");
    size_t n = (size_t)(semi - s);
    for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
        if (strlen(ents[i].name) == n && !memcmp(s, ents[i].name, n)) {
            x->p = semi + 1;
            return sb_put(x, &ents[i].c, 1);
        }
    }
    if (n < 2 || s[0] != '#')
        return FAIL("unknown entity &%.*s; (only amp, lt, gt, quot, apos and "
                    "character references are defined without a DTD)", (int)n, s);
    int hex = s[1] == 'x';
    const char *d = s + 1 + hex;
    if (d == semi)
        return FAIL("empty character reference");
    unsigned long cp = 0;
    for (; d < semi; d++) {
        int v;
        if (*d >= '0' && *d <= '9')                  v = *d - '0';
        else if (hex && *d >= 'a' && *d <= 'f')      v = *d - 'a' + 10;
        else if (hex && *d >= 'A' && *d <= 'F')      v = *d - 'A' + 10;
        else
            return FAIL("bad digit '%c' in character reference", *d);
        cp = cp * (hex ? 16 : 10) + (unsigned long)v;
        if (cp > 0x10FFFF)
            break;
    }
    if (cp > 0x10FFFF || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return FAIL("character reference &%.*s; is not a legal XML character", (int)n, s);
    x->p = semi + 1;
    return put_utf8(x, (unsigned)cp);
}

/* Skips a comment, x->p at "<!--". XML forbids "--" inside one. */
static int skip_comment(Parser *x)
{
    const char *s = x->p + 4;
    const char *dd = memmem(s, (size_t)(x->end - s), "--", 2);
    if (!dd)
        return FAIL("comment not closed");
    if (dd + 2 >= x->end || dd[2] != '>') {
        x->p = dd;
        return FAIL("'--' inside a comment");
    }
    x->p = dd + 3;
    return 0;
}

/* Skips a processing instruction, x->p at "<?". */
static int skip_pi(Parser *x)
{
    x->p += 2;
    const char *target;
    size_t n;
    int ret = parse_name(x, &target, &n);
    if (ret < 0)
        return ret;
    if (n == 3 && !strncasecmp(target, "xml", 3))
        return FAIL("an XML declaration is only allowed at the very start");
    const char *q = memmem(x->p, (size_t)(x->end - x->p), "?>", 2);
    if (!q)
        return FAIL("processing instruction not closed");
    x->p = q + 2;
    return 0;
}

/* Reads a quoted value (attribute or declaration), decoding it onto the end
 * of sb with a NUL; *at receives its offset there. The caller takes the
 * value and cuts sb back to *at, so text gathered before stays intact. */
static int parse_quoted(Parser *x, int normalise_ws, size_t *at)
{
    *at = x->sb_len;
    if (x->p >= x->end || (*x->p != '"' && *x->p != '\''))
        return FAIL("expected a quoted value");
    char q = *x->p++;
    for (;;) {
        if (x->p >= x->end)
            return FAIL("quoted value not closed");
        char c = *x->p;
        int ret = 0;
        if (c == q) {
            x->p++;
            return sb_put(x, "", 1);
        } else if (c == '<') {
            return FAIL("'<' inside an attribute value");
        } else if (c == '&') {
            ret = parse_ref(x);
        } else if (normalise_ws && is_ws(c)) {
            /* CR LF counts as one line end, hence one space. */
            x->p += (c == '\r' && x->p + 1 < x->end && x->p[1] == '\n') ? 2 : 1;
            ret = sb_put(x, " ", 1);
        } else {
            ret = sb_put(x, x->p++, 1);
        }
        if (ret < 0)
            return ret;
    }
}

static int parse_decl(Parser *x)
{
    static const char *const order[] = { "version", "encoding", "standalone" };
    int next = 0;
    x->p += 5;
    for (;;) {
        int ws = skip_ws(x);
        if (starts(x, "?>")) {
            x->p += 2;
            return next ? 0 : FAIL("XML declaration without a version");
        }
        if (!ws)
            return FAIL("malformed XML declaration");
        const char *nm;
        size_t n;
        int ret = parse_name(x, &nm, &n);
        if (ret < 0)
            return ret;
        int k = next;
        while (k < 3 && (strlen(order[k]) != n || memcmp(order[k], nm, n)))
            k++;
        if (k == 3 || (next == 0 && k != 0))
            return FAIL("unexpected '%.*s' in the XML declaration", (int)n, nm);
        next = k + 1;
        skip_ws(x);
        if (x->p >= x->end || *x->p++ != '=')
            return FAIL("expected '=' in the XML declaration");
        skip_ws(x);
        size_t at;
        if ((ret = parse_quoted(x, 0, &at)) < 0)
            return ret;
        const char *v = x->sb + at;
        if (k == 0 && strncmp(v, "1.", 2))
            return fail_at(x, RS_EUNSUP, x->p, "XML version \"%s\" is not supported", v);
        if (k == 1 && strcasecmp(v, "UTF-8") && strcasecmp(v, "US-ASCII"))
            return fail_at(x, RS_EUNSUP, x->p, "encoding \"%s\" is not supported (only UTF-8)", v);
        x->sb_len = at;
    }
}

/* Parses a start tag at '<'; sets *empty for "<x/>". */
static int parse_start_tag(Parser *x, RsXmlNode *parent, RsXmlNode **out, int *empty)
{
    const char *tag = x->p++;
    const char *nm;
    size_t n;
    int ret = parse_name(x, &nm, &n);
    if (ret < 0)
        return ret;
    RsXmlNode *node = arena_alloc(x->doc, sizeof(*node));
    if (!node || !(node->name = arena_strndup(x->doc, nm, n)))
        return nomem(x);
    const char *colon = strrchr(node->name, ':');
    node->local = colon ? colon + 1 : node->name;
    node->text = "";
    node->attrs = NULL;
    node->first_child = node->last_child = node->next = NULL;
    node->parent = parent;
    node->line = line_at(x, tag);
    if (parent) {
        if (parent->last_child)
            parent->last_child->next = node;
        else
            parent->first_child = node;
        parent->last_child = node;
    }
    RsXmlAttr **tail = &node->attrs;
    for (;;) {
        int ws = skip_ws(x);
        if (starts(x, "/>") || starts(x, ">")) {
            *empty = *x->p == '/';
            x->p += *empty ? 2 : 1;
            *out = node;
            return 0;
        }
        if (x->p >= x->end)
            return FAIL("start tag <%s> not closed", node->name);
        if (!ws)
            return FAIL("expected white space, '>' or '/>' in <%s>", node->name);
        if ((ret = parse_name(x, &nm, &n)) < 0)
            return ret;
        for (RsXmlAttr *a = node->attrs; a; a = a->next)
            if (strlen(a->name) == n && !memcmp(a->name, nm, n))
                return FAIL("duplicate attribute '%.*s' in <%s>", (int)n, nm, node->name);
        RsXmlAttr *a = arena_alloc(x->doc, sizeof(*a));
        if (!a || !(a->name = arena_strndup(x->doc, nm, n)))
            return nomem(x);
        skip_ws(x);
        if (x->p >= x->end || *x->p++ != '=')
            return FAIL("expected '=' after attribute '%s'", a->name);
        skip_ws(x);
        size_t at;
        if ((ret = parse_quoted(x, 1, &at)) < 0)
            return ret;
        if (!(a->value = arena_strndup(x->doc, x->sb + at, x->sb_len - 1 - at)))
            return nomem(x);
        x->sb_len = at;
        a->next = NULL;
        *tail = a;
        tail = &a->next;
    }
}

/* Parses the root element and everything inside it, without recursion. */
static int parse_element(Parser *x)
{
    RsXmlNode *stack[RS_XML_MAX_DEPTH];
    size_t text_start[RS_XML_MAX_DEPTH];
    int depth = 0, empty, ret;

    x->sb_len = 0;
    if ((ret = parse_start_tag(x, NULL, &x->doc->root, &empty)) < 0 || empty)
        return ret;
    stack[depth] = x->doc->root;
    text_start[depth++] = 0;

    while (depth) {
        RsXmlNode *cur = stack[depth - 1];
        if (x->p >= x->end)
            return FAIL("end of file inside <%s> opened on line %d", cur->name, cur->line);
        char c = *x->p;
        if (c == '<') {
            if (starts(x, "</")) {
                x->p += 2;
                const char *nm;
                size_t n;
                if ((ret = parse_name(x, &nm, &n)) < 0)
                    return ret;
                if (strlen(cur->name) != n || memcmp(cur->name, nm, n))
                    return FAIL("end tag </%.*s> does not match <%s> opened on line %d",
                                (int)n, nm, cur->name, cur->line);
                skip_ws(x);
                if (x->p >= x->end || *x->p++ != '>')
                    return FAIL("expected '>' to close </%s>", cur->name);
                size_t t0 = text_start[--depth];
                if (x->sb_len > t0 &&
                    !(cur->text = arena_strndup(x->doc, x->sb + t0, x->sb_len - t0)))
                    return nomem(x);
                x->sb_len = t0;
            } else if (starts(x, "<!--")) {
                ret = skip_comment(x);
            } else if (starts(x, "<![CDATA[")) {
                x->p += 9;
                const char *q = memmem(x->p, (size_t)(x->end - x->p), "]]>", 3);
                if (!q)
                    return FAIL("CDATA section not closed");
                for (const char *s = x->p; s < q && ret >= 0; s++) {
                    if (*s != '\r')
                        ret = sb_put(x, s, 1);
                    else if (s + 1 == q || s[1] != '\n')
                        ret = sb_put(x, "\n", 1);
                }
                x->p = q + 3;
            } else if (starts(x, "<?")) {
                ret = skip_pi(x);
            } else if (starts(x, "<!")) {
                return FAIL("unexpected '<!' inside <%s>", cur->name);
            } else {
                if (depth == RS_XML_MAX_DEPTH)
                    return FAIL("elements nested deeper than %d", RS_XML_MAX_DEPTH);
                RsXmlNode *child;
                if ((ret = parse_start_tag(x, cur, &child, &empty)) < 0)
                    return ret;
                if (!empty) {
                    stack[depth] = child;
                    text_start[depth++] = x->sb_len;
                }
            }
        } else if (c == '&') {
            ret = parse_ref(x);
        } else if (c == '\r') {
            x->p += (x->p + 1 < x->end && x->p[1] == '\n') ? 2 : 1;
            ret = sb_put(x, "\n", 1);
        } else if (c == ']' && starts(x, "]]>")) {
            return FAIL("']]>' is not allowed in text");
        } else {
            const char *s = x->p;
            while (x->p < x->end && *x->p != '<' && *x->p != '&' && *x->p != '\r' && *x->p != ']')
                x->p++;
            if (x->p == s)
                x->p++;
            ret = sb_put(x, s, (size_t)(x->p - s));
        }
        if (ret < 0)
            return ret;
    }
    return 0;
}

/* Between the declaration and the root, and after the root: only white
 * space, comments and processing instructions. */
static int skip_misc(Parser *x)
{
    for (;;) {
        skip_ws(x);
        int ret;
        if (starts(x, "<!--"))
            ret = skip_comment(x);
        else if (starts(x, "<?"))
            ret = skip_pi(x);
        else
            return 0;
        if (ret < 0)
            return ret;
    }
}

static int parse_doc(Parser *x)
{
    int ret;
    if (starts(x, "\xEF\xBB\xBF"))
        x->p += 3;
    if ((ret = check_chars(x)) < 0)
        return ret;
    if (starts(x, "<?xml") && x->p + 5 < x->end && is_ws(x->p[5]) &&
        (ret = parse_decl(x)) < 0)
        return ret;
    if ((ret = skip_misc(x)) < 0)
        return ret;
    if (starts(x, "<!DOCTYPE"))
        return fail_at(x, RS_EUNSUP, x->p, "DOCTYPE declarations are not supported");
    if (x->p >= x->end || *x->p != '<')
        return FAIL(x->p >= x->end ? "no root element" : "text before the root element");
    if ((ret = parse_element(x)) < 0)
        return ret;
    if ((ret = skip_misc(x)) < 0)
        return ret;
    if (x->p < x->end)
        return FAIL("content after the root element <%s>", x->doc->root->name);
    return 0;
}

int rs_xml_parse(const char *name, const char *buf, size_t len, RsXmlDoc **out)
{
    *out = NULL;
    RsXmlDoc *doc = calloc(1, sizeof(*doc));
    if (!doc)
        return rs_error(RS_ENOMEM, "%s: out of memory while parsing", name);
    Parser x = {
        .name = name, .start = buf, .p = buf, .end = buf + len,
        .lpos = buf, .lline = 1, .doc = doc,
    };
    int ret = parse_doc(&x);
    free(x.sb);
    if (ret < 0) {
        rs_xml_free(&doc);
        return ret;
    }
    *out = doc;
    return 0;
}

const RsXmlNode *rs_xml_root(const RsXmlDoc *doc)
{
    return doc->root;
}

void rs_xml_free(RsXmlDoc **dp)
{
    RsXmlDoc *d = *dp;
    if (!d)
        return;
    while (d->blocks) {
        Block *b = d->blocks;
        d->blocks = b->next;
        free(b);
    }
    free(d);
    *dp = NULL;
}

const char *rs_xml_attr(const RsXmlNode *n, const char *name)
{
    for (const RsXmlAttr *a = n->attrs; a; a = a->next)
        if (!strcmp(a->name, name))
            return a->value;
    return NULL;
}

const RsXmlNode *rs_xml_child(const RsXmlNode *n, const char *local)
{
    for (const RsXmlNode *c = n->first_child; c; c = c->next)
        if (!strcmp(c->local, local))
            return c;
    return NULL;
}
