/*
 * A streaming JSON writer: it manages commas, nesting and string escaping so
 * every --json output and every stored summary is valid JSON by construction.
 *
 *   RsJson j = {0};
 *   rs_json_begin_object(&j, NULL);
 *   rs_json_int(&j, "frames", 120);
 *   rs_json_end_object(&j);
 *   char *text = rs_json_take(&j);
 */
#ifndef RS_CORE_JSON_H
#define RS_CORE_JSON_H

#include <stdint.h>

#include "core/strbuf.h"

#define RS_JSON_MAX_DEPTH 32

typedef struct RsJson {
    RsStrbuf buf;
    int depth;
    int count[RS_JSON_MAX_DEPTH];   /* members written at each depth */
    int pretty;                     /* indent with two spaces */
} RsJson;

/* key is NULL inside arrays and at the top level. */
RS_API void rs_json_begin_object(RsJson *j, const char *key);
RS_API void rs_json_end_object(RsJson *j);
RS_API void rs_json_begin_array(RsJson *j, const char *key);
RS_API void rs_json_end_array(RsJson *j);
RS_API void rs_json_string(RsJson *j, const char *key, const char *value);   /* NULL writes null */
RS_API void rs_json_int(RsJson *j, const char *key, int64_t value);
RS_API void rs_json_double(RsJson *j, const char *key, double value);        /* non-finite writes null */
RS_API void rs_json_bool(RsJson *j, const char *key, int value);
RS_API void rs_json_null(RsJson *j, const char *key);
/* Insert already-serialised JSON (trusted, e.g. a stored summary). */
RS_API void rs_json_raw(RsJson *j, const char *key, const char *json);
RS_API void rs_json_rational(RsJson *j, const char *key, int64_t num, int64_t den);

/* Append s to b as a quoted JSON string. */
RS_API void rs_json_quote(RsStrbuf *b, const char *s);

RS_API char *rs_json_take(RsJson *j);

#endif
