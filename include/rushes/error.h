/*
 * rushes: the one error convention.
 *
 * Every function that can fail returns an int: 0 (or a non-negative count) on
 * success, a negative RS_E* code on failure. Codes in the errno range are
 * negated errno values (RS_ENOMEM == -ENOMEM); codes below RS_EBASE are
 * rushes' own. The CLI and the HTTP server map codes to exit statuses and HTTP
 * statuses through the same table (rs_error_exit_code()).
 *
 * Besides the code, a failing function records a human message on the calling
 * thread that names the file, frame or field at fault; rs_error_message()
 * returns it until the next failure on that thread.
 */
#ifndef RUSHES_ERROR_H
#define RUSHES_ERROR_H

#include <errno.h>

#include "common.h"

#define RS_OK        0
#define RS_ENOMEM    (-ENOMEM)
#define RS_EINVAL    (-EINVAL)     /* bad argument or malformed input text */
#define RS_EIO       (-EIO)        /* read or write failed */
#define RS_ENOENT    (-ENOENT)     /* file or record does not exist */
#define RS_EEXIST    (-EEXIST)     /* already exists */
#define RS_EACCES    (-EACCES)     /* permission denied by the file system */
#define RS_ERANGE    (-ERANGE)     /* value out of range */
#define RS_EINTR     (-EINTR)      /* cancelled by the caller */

#define RS_EBASE     (-10000)
#define RS_EMEDIA    (RS_EBASE - 1)  /* not media, or corrupt / truncated media */
#define RS_EUNSUP    (RS_EBASE - 2)  /* understood but not supported */
#define RS_EMISMATCH (RS_EBASE - 3)  /* a checksum or a record disagrees */
#define RS_ESTORE    (RS_EBASE - 4)  /* the project store failed */
#define RS_ENOPROJ   (RS_EBASE - 5)  /* no project found */
#define RS_ESCHEMA   (RS_EBASE - 6)  /* store schema newer than this build */
#define RS_EDENIED   (RS_EBASE - 7)  /* refused by roles or consent */
#define RS_EPARTIAL  (RS_EBASE - 8)  /* a batch finished with some items failed */
#define RS_ETAMPER   (RS_EBASE - 9)  /* a signature or chain does not verify */

/* A short static description of a code ("corrupt or unreadable media"). */
RS_API const char *rs_strerror(int code);

/*
 * The message recorded by the last failure on this thread, or "" if none.
 * The pointer stays valid until the next rs_error_* call on this thread.
 */
RS_API const char *rs_error_message(void);

/* Forget the message recorded on this thread. */
RS_API void rs_error_clear(void);

/*
 * Record a message for code on this thread and return code, so that a
 * failing path reads: return rs_error(RS_EMEDIA, "%s: truncated", path);
 */
RS_API int rs_error(int code, const char *fmt, ...) RS_PRINTF(2, 3);

/*
 * Process exit status for a code, documented in doc/cli.md:
 * 0 ok, 1 some items of a batch failed, 2 usage, 3 input (media, file, parse),
 * 4 verification mismatch or tampering, 5 project store, 6 refused (roles or
 * consent), 70 internal.
 */
RS_API int rs_error_exit_code(int code);

#endif /* RUSHES_ERROR_H */
