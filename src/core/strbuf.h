/* A growable string; the building block of JSON, XML and report writers. */
#ifndef RS_CORE_STRBUF_H
#define RS_CORE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

#include "rushes/common.h"

typedef struct RsStrbuf {
    char *s;        /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
    int oom;        /* an allocation failed; later appends are ignored */
} RsStrbuf;

RS_API void rs_strbuf_append(RsStrbuf *b, const char *s, size_t n);
RS_API void rs_strbuf_puts(RsStrbuf *b, const char *s);
RS_API void rs_strbuf_printf(RsStrbuf *b, const char *fmt, ...) RS_PRINTF(2, 3);
/* Hand the string to the caller (free()), leaving b empty. NULL after an allocation failure. */
RS_API char *rs_strbuf_take(RsStrbuf *b);
RS_API void rs_strbuf_free(RsStrbuf *b);

#endif
