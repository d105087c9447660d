/*
 * Parsing ASC MHL v2.0 generation files and chain files from a buffer. The
 * XML is read by the strict reader in xml.c; this file checks that the tree
 * is an MHL and takes out what rushes uses. Every complaint names the file
 * and the line of the element at fault.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rushes/error.h"
#include "rushes/log.h"
#include "interchange/mhl_internal.h"
#include "interchange/xml.h"

const char *rs_mhl_action_name(RsMhlAction a)
{
    switch (a) {
    case RS_MHL_ORIGINAL: return "original";
    case RS_MHL_VERIFIED: return "verified";
    case RS_MHL_FAILED:   return "failed";
    default:              return "";
    }
}

const RsMhlHash *rs_mhl_entry_hash(const RsMhlEntry *e, RsHashAlgo algo)
{
    for (int i = 0; i < e->nhashes; i++)
        if (e->hashes[i].algo == algo)
            return &e->hashes[i];
    return NULL;
}

/* Like rs_hash_algo_from_name() without recording an error: most child
 * elements tried here are not hash formats. */
static int algo_lookup(const char *local, RsHashAlgo *a)
{
    for (int i = 0; i < RS_HASH_COUNT; i++) {
        if (!strcmp(local, rs_hash_algo_name((RsHashAlgo)i))) {
            *a = (RsHashAlgo)i;
            return 1;
        }
    }
    return 0;
}

static int bad(const char *name, const RsXmlNode *n, const char *what, const char *arg)
{
    return rs_error(RS_EINVAL, "%s:%d: %s%s", name, n->line, what, arg ? arg : "");
}

/* Copies n's text without surrounding white space into out[size]. */
static int text_to(const char *name, const RsXmlNode *n, char *out, size_t size)
{
    const char *s = n->text;
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n'))
        len--;
    if (len >= size)
        return rs_error(RS_EINVAL, "%s:%d: <%s> value too long (%zu characters)",
                        name, n->line, n->name, len);
    memcpy(out, s, len);
    out[len] = '\0';
    return 0;
}

static char *trimmed_dup(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n'))
        len--;
    return strndup(s, len);
}

/* The root must carry the expected namespace, as the default one or bound
 * to the root's own prefix. */
static int check_root(const char *name, const RsXmlNode *root, const char *local, const char *ns)
{
    if (strcmp(root->local, local)) {
        return rs_error(RS_EINVAL, "%s:%d: root element is <%s>, expected <%s> of %s",
                        name, root->line, root->name, local, ns);
    }
    char attr[300] = "xmlns";
    if (root->local != root->name)
        snprintf(attr, sizeof(attr), "xmlns:%.*s", (int)(root->local - root->name - 1), root->name);
    const char *v = rs_xml_attr(root, attr);
    if (!v || strcmp(v, ns))
        return rs_error(RS_EINVAL, "%s:%d: <%s> is not in namespace %s (%s=\"%s\")",
                        name, root->line, root->name, ns, attr, v ? v : "");
    return 0;
}

static int check_hash_text(const char *name, const RsXmlNode *n, RsHashAlgo a, char *hex)
{
    size_t len = strlen(hex);
    if ((int)len != rs_hash_algo_hex_len(a))
        return rs_error(RS_EINVAL, "%s:%d: <%s> value \"%s\" has %zu characters, expected %d",
                        name, n->line, n->name, hex, len, rs_hash_algo_hex_len(a));
    if (a == RS_HASH_C4) {
        static const char b58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        if (strncmp(hex, "c4", 2) || strspn(hex + 2, b58) != len - 2)
            return bad(name, n, "malformed C4 ID: ", hex);
        return 0;
    }
    for (char *c = hex; *c; c++) {
        if (*c >= 'A' && *c <= 'F')
            *c = (char)(*c - 'A' + 'a');
        else if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
            return rs_error(RS_EINVAL, "%s:%d: <%s> value \"%s\" is not hexadecimal",
                            name, n->line, n->name, hex);
    }
    return 0;
}

static int parse_hash_value(const char *name, const RsXmlNode *c, RsHashAlgo a, RsMhlEntry *e)
{
    if (rs_mhl_entry_hash(e, a))
        return bad(name, c, "two values of one format in <hash> for ", e->path);
    RsMhlHash *h = &e->hashes[e->nhashes];
    memset(h, 0, sizeof(*h));
    h->algo = a;
    int ret = text_to(name, c, h->hex, sizeof(h->hex));
    if (ret < 0 || (ret = check_hash_text(name, c, a, h->hex)) < 0)
        return ret;
    const char *action = rs_xml_attr(c, "action");
    if (action) {
        if (!strcmp(action, "original"))      h->action = RS_MHL_ORIGINAL;
        else if (!strcmp(action, "verified")) h->action = RS_MHL_VERIFIED;
        else if (!strcmp(action, "failed"))   h->action = RS_MHL_FAILED;
        else
            return bad(name, c, "action must be original, verified or failed, not ", action);
    }
    const char *date = rs_xml_attr(c, "hashdate");
    if (date && strlen(date) >= sizeof(h->hashdate))
        return bad(name, c, "hashdate too long: ", date);
    snprintf(h->hashdate, sizeof(h->hashdate), "%s", date ? date : "");
    e->nhashes++;
    return 0;
}

static int parse_path(const char *name, const RsXmlNode *c, RsMhlEntry *e)
{
    const char *why = rs_mhl_check_relpath(c->text);
    if (why)
        return rs_error(RS_EINVAL, "%s:%d: path \"%s\": %s", name, c->line, c->text, why);
    if (!(e->path = strdup(c->text)))
        return RS_ENOMEM;
    const char *size = rs_xml_attr(c, "size");
    e->size = -1;
    if (size) {
        if (!*size || strspn(size, "0123456789") != strlen(size) || strlen(size) > 18)
            return bad(name, c, "size is not a byte count: ", size);
        e->size = strtoll(size, NULL, 10);
    }
    const char *mod = rs_xml_attr(c, "lastmodificationdate");
    if (mod && strlen(mod) >= sizeof(e->lastmod))
        return bad(name, c, "lastmodificationdate too long: ", mod);
    snprintf(e->lastmod, sizeof(e->lastmod), "%s", mod ? mod : "");
    return 0;
}

static int parse_hash(const char *name, const RsXmlNode *n, RsMhlEntry *e)
{
    memset(e, 0, sizeof(*e));
    int ret;
    for (const RsXmlNode *c = n->first_child; c; c = c->next) {
        RsHashAlgo a;
        if (!strcmp(c->local, "path")) {
            if (e->path)
                return bad(name, c, "second <path> in one <hash>", NULL);
            if ((ret = parse_path(name, c, e)) < 0)
                return ret;
        } else if (algo_lookup(c->local, &a)) {
            if (!e->path)
                return bad(name, c, "hash value before <path>", NULL);
            if ((ret = parse_hash_value(name, c, a, e)) < 0)
                return ret;
        } else if (strcmp(c->local, "previousPath") && strcmp(c->local, "metadata")) {
            return rs_error(RS_EINVAL, "%s:%d: unexpected <%s> in <hash> (hash formats: "
                            "md5, sha1, c4, xxh32, xxh64, xxh3, xxh128)", name, c->line, c->name);
        }
    }
    if (!e->path)
        return bad(name, n, "<hash> without <path>", NULL);
    if (!e->nhashes)
        return bad(name, n, "<hash> without a hash value for ", e->path);
    return 0;
}

static int parse_creator(const char *name, const RsXmlNode *root, RsMhlGeneration *g)
{
    const RsXmlNode *ci = rs_xml_child(root, "creatorinfo");
    if (!ci)
        return bad(name, root, "<hashlist> without <creatorinfo>", NULL);
    const RsXmlNode *date = rs_xml_child(ci, "creationdate");
    const RsXmlNode *host = rs_xml_child(ci, "hostname");
    const RsXmlNode *tool = rs_xml_child(ci, "tool");
    if (!date || !host || !tool)
        return bad(name, ci, "<creatorinfo> needs <creationdate>, <hostname> and <tool>", NULL);
    int ret = text_to(name, date, g->creationdate, sizeof(g->creationdate));
    if (ret < 0)
        return ret;
    const char *ver = rs_xml_attr(tool, "version");
    if (!(g->hostname = trimmed_dup(host->text)) || !(g->tool_name = trimmed_dup(tool->text)) ||
        !(g->tool_version = strdup(ver ? ver : "")))
        return RS_ENOMEM;

    const RsXmlNode *pi = rs_xml_child(root, "processinfo");
    if (!pi)
        return bad(name, root, "<hashlist> without <processinfo>", NULL);
    const RsXmlNode *proc = rs_xml_child(pi, "process");
    if (!proc)
        return bad(name, pi, "<processinfo> without <process>", NULL);
    if (!(g->process = trimmed_dup(proc->text)))
        return RS_ENOMEM;
    const RsXmlNode *ign = rs_xml_child(pi, "ignore");
    for (const RsXmlNode *c = ign ? ign->first_child : NULL; c; c = c->next) {
        if (strcmp(c->local, "pattern"))
            continue;
        char **ni = realloc(g->ignore, (g->nignore + 1) * sizeof(*ni));
        if (!ni)
            return RS_ENOMEM;
        g->ignore = ni;
        if (!(g->ignore[g->nignore] = trimmed_dup(c->text)))
            return RS_ENOMEM;
        g->nignore++;
    }
    return 0;
}

static int parse_generation(const char *name, const RsXmlNode *root, RsMhlGeneration *g)
{
    int ret = check_root(name, root, "hashlist", RS_MHL_NS);
    if (ret < 0)
        return ret;
    const char *version = rs_xml_attr(root, "version");
    if (!version || strcmp(version, "2.0"))
        return rs_error(RS_EUNSUP, "%s:%d: ASC MHL version \"%s\" is not supported (only 2.0)",
                        name, root->line, version ? version : "");
    if ((ret = parse_creator(name, root, g)) < 0)
        return ret;
    const RsXmlNode *hashes = rs_xml_child(root, "hashes");
    size_t cap = 0;
    for (const RsXmlNode *c = hashes ? hashes->first_child : NULL; c; c = c->next) {
        if (!strcmp(c->local, "directoryhash"))
            continue;
        if (strcmp(c->local, "hash"))
            return rs_error(RS_EINVAL, "%s:%d: unexpected <%s> in <hashes>", name, c->line, c->name);
        if (g->nentries == cap) {
            cap = cap ? 2 * cap : 64;
            RsMhlEntry *ne = realloc(g->entries, cap * sizeof(*ne));
            if (!ne)
                return RS_ENOMEM;
            g->entries = ne;
        }
        ret = parse_hash(name, c, &g->entries[g->nentries]);
        g->nentries++; /* counted even on failure so that free() sees its path */
        if (ret < 0)
            return ret;
    }
    return 0;
}

int rs_mhl_generation_parse(const char *name, const char *buf, size_t len, RsMhlGeneration **out)
{
    *out = NULL;
    RsXmlDoc *doc;
    int ret = rs_xml_parse(name, buf, len, &doc);
    if (ret < 0)
        return ret;
    RsMhlGeneration *g = calloc(1, sizeof(*g));
    if (!g || !(g->file = strdup(name))) {
        free(g);
        rs_xml_free(&doc);
        return rs_error(RS_ENOMEM, "%s: out of memory", name);
    }
    ret = parse_generation(name, rs_xml_root(doc), g);
    rs_xml_free(&doc);
    if (ret < 0) {
        rs_mhl_generation_free(&g);
        return ret == RS_ENOMEM ? rs_error(ret, "%s: out of memory", name) : ret;
    }
    *out = g;
    return 0;
}

void rs_mhl_generation_free(RsMhlGeneration **gp)
{
    RsMhlGeneration *g = *gp;
    if (!g)
        return;
    for (size_t i = 0; i < g->nentries; i++)
        free(g->entries[i].path);
    for (size_t i = 0; i < g->nignore; i++)
        free(g->ignore[i]);
    free(g->entries);
    free(g->ignore);
    free(g->file);
    free(g->hostname);
    free(g->tool_name);
    free(g->tool_version);
    free(g->process);
    free(g);
    *gp = NULL;
}

static int link_cmp(const void *a, const void *b)
{
    const RsMhlLink *x = a, *y = b;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int parse_link(const char *name, const RsXmlNode *n, RsMhlLink *l)
{
    const char *seq = rs_xml_attr(n, "sequencenr");
    if (!seq || !*seq || strspn(seq, "0123456789") != strlen(seq) || strlen(seq) > 6 ||
        (l->seq = atoi(seq)) < 1)
        return bad(name, n, "<hashlist> needs a sequencenr from 1 to 999999, not ",
                   seq ? seq : "nothing");
    const RsXmlNode *path = rs_xml_child(n, "path");
    const RsXmlNode *c4 = rs_xml_child(n, "c4");
    if (!path || !c4)
        return bad(name, n, "<hashlist> needs <path> and <c4>", NULL);
    if (!*path->text || strchr(path->text, '/') || rs_mhl_check_relpath(path->text))
        return bad(name, path, "not a generation file name: ", path->text);
    int ret = text_to(name, c4, l->c4, sizeof(l->c4));
    if (ret < 0 || (ret = check_hash_text(name, c4, RS_HASH_C4, l->c4)) < 0)
        return ret;
    if (!(l->file = strdup(path->text)))
        return RS_ENOMEM;
    return 0;
}

int rs_mhl_chain_parse(const char *name, const char *buf, size_t len,
                       RsMhlLink **links, size_t *nlinks)
{
    *links = NULL;
    *nlinks = 0;
    RsXmlDoc *doc;
    int ret = rs_xml_parse(name, buf, len, &doc);
    if (ret < 0)
        return ret;
    const RsXmlNode *root = rs_xml_root(doc);
    RsMhlLink *l = NULL;
    size_t n = 0;
    if ((ret = check_root(name, root, "ascmhldirectory", RS_MHL_CHAIN_NS)) < 0)
        goto end;
    for (const RsXmlNode *c = root->first_child; c; c = c->next) {
        if (strcmp(c->local, "hashlist")) {
            ret = rs_error(RS_EINVAL, "%s:%d: unexpected <%s> in <ascmhldirectory>",
                           name, c->line, c->name);
            goto end;
        }
        RsMhlLink *nl = realloc(l, (n + 1) * sizeof(*nl));
        if (!nl) {
            ret = RS_ENOMEM;
            goto end;
        }
        l = nl;
        memset(&l[n], 0, sizeof(l[n]));
        ret = parse_link(name, c, &l[n++]);
        if (ret < 0)
            goto end;
        for (size_t i = 0; i + 1 < n; i++) {
            if (l[i].seq == l[n - 1].seq || !strcmp(l[i].file, l[n - 1].file)) {
                ret = bad(name, c, "sequence number or file listed twice: ", l[n - 1].file);
                goto end;
            }
        }
    }
    qsort(l, n, sizeof(*l), link_cmp);
end:
    rs_xml_free(&doc);
    if (ret < 0) {
        rs_mhl_chain_free(&l, n);
        return ret == RS_ENOMEM ? rs_error(ret, "%s: out of memory", name) : ret;
    }
    *links = l;
    *nlinks = n;
    return 0;
}

void rs_mhl_chain_free(RsMhlLink **links, size_t nlinks)
{
    for (size_t i = 0; *links && i < nlinks; i++)
        free((*links)[i].file);
    free(*links);
    *links = NULL;
}
