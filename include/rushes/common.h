/*
 * rushes: common definitions shared by every public header.
 *
 * Threading: unless a function's comment says otherwise, an object created by
 * the library may be used from one thread at a time; distinct objects may be
 * used from distinct threads concurrently.
 */
#ifndef RUSHES_COMMON_H
#define RUSHES_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(RS_BUILDING_LIB) && defined(__GNUC__)
#define RS_API __attribute__((visibility("default")))
#else
#define RS_API
#endif

#if defined(__GNUC__)
#define RS_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define RS_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define RS_PRINTF(fmt, args)
#define RS_WARN_UNUSED
#endif

/* An exact rational number: frame rates, time bases, aspect ratios. */
typedef struct RsRational {
    int64_t num;
    int64_t den;
} RsRational;

/* The library version as "MAJOR.MINOR.PATCH"; a static string. */
RS_API const char *rs_version(void);

#endif /* RUSHES_COMMON_H */
