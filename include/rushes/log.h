/*
 * rushes: logging. The library never prints; it hands messages to one
 * process-wide callback, which the CLI (or an embedding application) installs.
 */
#ifndef RUSHES_LOG_H
#define RUSHES_LOG_H

#include <stdarg.h>

#include "common.h"

typedef enum RsLogLevel {
    RS_LOG_ERROR = 0,
    RS_LOG_WARNING,
    RS_LOG_INFO,
    RS_LOG_DEBUG,
} RsLogLevel;

typedef void (*RsLogCallback)(void *opaque, RsLogLevel level, const char *msg);

/*
 * Install the callback (NULL silences the library) and the most verbose level
 * passed to it. Thread-safe; the callback itself may be called from any
 * library thread and must be thread-safe.
 */
RS_API void rs_log_set_callback(RsLogCallback cb, void *opaque, RsLogLevel max_level);

RS_API void rs_log(RsLogLevel level, const char *fmt, ...) RS_PRINTF(2, 3);

#endif /* RUSHES_LOG_H */
