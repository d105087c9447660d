/*
 * A minimal test harness: each test is its own executable (own process, own
 * timeout under meson), built from one or more rs_test functions.
 *
 *   static void test_parse(void) { RS_CHECK(x == 1); RS_CHECK_EQ_INT(a, b); }
 *   int main(void) { RS_RUN(test_parse); return rs_test_end(); }
 *
 * rs_test_skip("why") ends the process with 77, which meson reports as SKIP.
 */
#ifndef RS_TEST_H
#define RS_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rs_test_failures;
static int rs_test_checks;

#define RS_CHECK(cond) do { \
    rs_test_checks++; \
    if (!(cond)) { \
        rs_test_failures++; \
        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    } \
} while (0)

#define RS_CHECK_EQ_INT(a, b) do { \
    int64_t rs_a_ = (int64_t)(a), rs_b_ = (int64_t)(b); \
    rs_test_checks++; \
    if (rs_a_ != rs_b_) { \
        rs_test_failures++; \
        fprintf(stderr, "%s:%d: %s == %s failed: %" PRId64 " != %" PRId64 "\n", \
                __FILE__, __LINE__, #a, #b, rs_a_, rs_b_); \
    } \
} while (0)

#define RS_CHECK_EQ_STR(a, b) do { \
    const char *rs_a_ = (a), *rs_b_ = (b); \
    rs_test_checks++; \
    if (!rs_a_ || !rs_b_ || strcmp(rs_a_, rs_b_)) { \
        rs_test_failures++; \
        fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
                #a, #b, rs_a_ ? rs_a_ : "(null)", rs_b_ ? rs_b_ : "(null)"); \
    } \
} while (0)

/* Passes when haystack contains needle; used to test that error messages name the culprit. */
#define RS_CHECK_CONTAINS(haystack, needle) do { \
    const char *rs_h_ = (haystack), *rs_n_ = (needle); \
    rs_test_checks++; \
    if (!rs_h_ || !strstr(rs_h_, rs_n_)) { \
        rs_test_failures++; \
        fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, \
                rs_h_ ? rs_h_ : "(null)", rs_n_); \
    } \
} while (0)

#define RS_RUN(fn) do { \
    int rs_before_ = rs_test_failures; \
    fn(); \
    fprintf(stderr, "%s %s\n", rs_test_failures == rs_before_ ? "ok  " : "FAIL", #fn); \
} while (0)

static inline int rs_test_end(void)
{
    fprintf(stderr, "%d checks, %d failed\n", rs_test_checks, rs_test_failures);
    return rs_test_failures ? 1 : 0;
}

static inline void rs_test_skip(const char *why)
{
    fprintf(stderr, "SKIP: %s\n", why);
    exit(77);
}

/* Write text to path (created or truncated); 0, or -1 when it cannot be written. */
static inline int rs_test_write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f) ? -1 : 0;
}

/* The first line of path into buf (at most size - 1 bytes); "" when it cannot be read. */
static inline const char *rs_test_read_text(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f || !fgets(buf, (int)size, f))
        *buf = 0;
    if (f)
        fclose(f);
    return buf;
}

/* The folder of real footage beside the checkout, or NULL when absent. */
static inline const char *rs_test_media_dir(void)
{
    const char *d = getenv("RS_SHARED_MEDIA");
    return (d && *d) ? d : NULL;
}

#endif /* RS_TEST_H */
