/* Process-wide log callback; the library never writes to stdout or stderr. */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <threads.h>

#include "rushes/log.h"
#include "rs_config.h"

static struct {
    _Atomic(RsLogCallback) cb;
    _Atomic(void *) opaque;
    atomic_int max_level;
} g_log = { .max_level = RS_LOG_INFO };

const char *rs_version(void)
{
    return RS_VERSION;
}

void rs_log_set_callback(RsLogCallback cb, void *opaque, RsLogLevel max_level)
{
    atomic_store(&g_log.opaque, opaque);
    atomic_store(&g_log.max_level, (int)max_level);
    atomic_store(&g_log.cb, cb);
}

void rs_log(RsLogLevel level, const char *fmt, ...)
{
    RsLogCallback cb = atomic_load(&g_log.cb);
    if (!cb || (int)level > atomic_load(&g_log.max_level))
        return;
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    cb(atomic_load(&g_log.opaque), level, buf);
}
