/* The one error convention: codes, static descriptions, per-thread messages. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rushes/error.h"
#include "rushes/log.h"

static _Thread_local char tl_message[1024];

const char *rs_strerror(int code)
{
    switch (code) {
    case RS_OK:        return "success";
    case RS_ENOMEM:    return "out of memory";
    case RS_EINVAL:    return "invalid argument or input";
    case RS_EIO:       return "input/output error";
    case RS_ENOENT:    return "no such file or record";
    case RS_EEXIST:    return "already exists";
    case RS_EACCES:    return "permission denied";
    case RS_ERANGE:    return "value out of range";
    case RS_EINTR:     return "interrupted";
    case RS_EMEDIA:    return "corrupt or unreadable media";
    case RS_EUNSUP:    return "not supported";
    case RS_EMISMATCH: return "verification mismatch";
    case RS_ESTORE:    return "project store error";
    case RS_ENOPROJ:   return "no rushes project";
    case RS_ESCHEMA:   return "project store is newer than this rushes";
    case RS_EDENIED:   return "operation refused";
    case RS_EPARTIAL:  return "some items failed";
    case RS_ETAMPER:   return "tampering detected";
    default:
        if (code < 0 && code > RS_EBASE)
            return strerror(-code);
        return "unknown error";
    }
}

const char *rs_error_message(void)
{
    return tl_message;
}

void rs_error_clear(void)
{
    tl_message[0] = '\0';
}

int rs_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tl_message, sizeof(tl_message), fmt, ap);
    va_end(ap);
    rs_log(RS_LOG_DEBUG, "error %d: %s", code, tl_message);
    return code;
}

int rs_error_exit_code(int code)
{
    if (code >= 0)
        return 0;
    switch (code) {
    case RS_EPARTIAL:
        return 1;
    case RS_EMEDIA: case RS_EIO: case RS_ENOENT: case RS_EACCES:
    case RS_EUNSUP: case RS_EEXIST: case RS_ENOPROJ:
        return 3;
    case RS_EINVAL: case RS_ERANGE:
        return 3;
    case RS_EMISMATCH: case RS_ETAMPER:
        return 4;
    case RS_ESTORE: case RS_ESCHEMA:
        return 5;
    case RS_EDENIED:
        return 6;
    case RS_EINTR:
        return 130;
    default:
        return 70;
    }
}
