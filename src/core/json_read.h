/*
 * A small strict JSON reader (RFC 8259): the whole text becomes a tree of
 * RsJsonValue. It is for outside input (OpenTimelineIO files, stored
 * summaries, HTTP bodies), so it is strict and says where it stopped:
 * errors give the line and column, and for values that parse but do not
 * fit a schema the callers give the JSON path (rs_json_path()).
 *
 * Accepted: exactly one value, optionally surrounded by white space; no
 * comments, no trailing commas, no NaN/Infinity, no leading zeros or '+'.
 * Strings must be valid UTF-8 without raw control characters; \u escapes
 * (surrogate pairs included) are decoded to UTF-8; "\u0000" is refused, so
 * every string is a C string. Duplicate keys in an object are refused.
 * Nesting deeper than RS_JSON_READ_MAX_DEPTH is refused.
 *
 * Threading: no shared state; the error message is per thread.
 */
#ifndef RS_CORE_JSON_READ_H
#define RS_CORE_JSON_READ_H

#include <stddef.h>
#include <stdint.h>

#include "rushes/common.h"

#define RS_JSON_READ_MAX_DEPTH 64

typedef enum RsJsonType {
    RS_JSON_NULL,
    RS_JSON_BOOL,
    RS_JSON_NUMBER,
    RS_JSON_STRING,
    RS_JSON_ARRAY,
    RS_JSON_OBJECT,
} RsJsonType;

typedef struct RsJsonValue {
    RsJsonType type;
    int line, col;                  /* where the value starts, 1-based */
    int boolean;                    /* RS_JSON_BOOL */
    double number;                  /* RS_JSON_NUMBER */
    int is_int;                     /* the number was written as an integer that fits int64_t */
    int64_t integer;                /* when is_int */
    char *string;                   /* RS_JSON_STRING: NUL-terminated UTF-8 */
    int count;                      /* RS_JSON_ARRAY / RS_JSON_OBJECT: members */
    struct RsJsonValue *items;      /* count values */
    char **keys;                    /* RS_JSON_OBJECT: count keys, in the order written */
} RsJsonValue;

/*
 * Parse len bytes of text. On success *out is the root, owned by the caller
 * (rs_json_value_free()). Errors: RS_EINVAL with "line L, column C: what"
 * (the name given in what is prefixed when not NULL), RS_ENOMEM.
 */
RS_API int rs_json_parse(const char *name, const char *text, size_t len, RsJsonValue **out);

RS_API void rs_json_value_free(RsJsonValue **v);

/* The member called key of an object, or NULL (also when v is not an object). */
RS_API const RsJsonValue *rs_json_member(const RsJsonValue *v, const char *key);

#endif
