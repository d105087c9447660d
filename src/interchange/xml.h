/*
 * A small, strict, non-validating XML reader for the documents rushes reads
 * (ASC MHL generations and chains). It builds a tree from a buffer.
 *
 * Accepted: the XML declaration (version 1.x, encoding UTF-8 or absent),
 * elements, attributes in single or double quotes, character data, the five
 * predefined entities, decimal and hexadecimal character references, CDATA
 * sections, comments and processing instructions (skipped). Refused: a
 * DOCTYPE (and with it every custom entity, so no expansion attacks), any
 * other encoding, malformed UTF-8, characters XML does not allow, unbalanced
 * or mismatched tags, duplicate attributes, text outside the root element,
 * nesting deeper than RS_XML_MAX_DEPTH.
 *
 * Namespaces are not resolved: a node keeps its name as written, and
 * `local` points past any "prefix:". Errors are RS_EINVAL (RS_EUNSUP for a
 * DOCTYPE or another encoding) with a message "NAME:LINE: what".
 */
#ifndef RS_INTERCHANGE_XML_H
#define RS_INTERCHANGE_XML_H

#include <stddef.h>

#define RS_XML_MAX_DEPTH 256

typedef struct RsXmlAttr {
    const char *name;
    const char *value; /* references decoded, white space normalised */
    struct RsXmlAttr *next;
} RsXmlAttr;

typedef struct RsXmlNode {
    const char *name;  /* as written, "ascmhl:hash" or "hash" */
    const char *local; /* the part after any prefix: "hash" */
    const char *text;  /* character data directly inside, decoded; "" when none
                        * (a reference to U+0000 is refused, so no NUL inside) */
    RsXmlAttr *attrs;
    struct RsXmlNode *parent, *first_child, *last_child, *next;
    int line;          /* 1-based line of the start tag */
} RsXmlNode;

typedef struct RsXmlDoc RsXmlDoc;

/*
 * Parse len bytes of buf; name (a file name) is only used in messages.
 * On success returns 0 and sets *out; free it with rs_xml_free(). The tree
 * and all its strings live in *out.
 */
int rs_xml_parse(const char *name, const char *buf, size_t len, RsXmlDoc **out);

const RsXmlNode *rs_xml_root(const RsXmlDoc *doc);

void rs_xml_free(RsXmlDoc **doc);

/* The value of the attribute called name, or NULL. */
const char *rs_xml_attr(const RsXmlNode *n, const char *name);

/* The first child element whose local name is local, or NULL. */
const RsXmlNode *rs_xml_child(const RsXmlNode *n, const char *local);

#endif /* RS_INTERCHANGE_XML_H */
