/*
 * Hash algorithms against known vectors (computed once with xxhsum 0.8.1,
 * md5sum, sha1sum and a C4 reference, then embedded), in one buffer, in odd
 * pieces and through files spanning many read chunks; and
 * the errors of rs_hash_file() on things that cannot be read.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rushes/error.h"
#include "rushes/hash.h"
#include "../rs_test.h"
#include "ingest_test.h"

#define PAT_SMALL ((size_t)1 << 20)
#define PAT_LARGE ((size_t)9 * (1 << 20) + 12345) /* many read chunks, not a chunk multiple */

typedef struct Vector {
    RsHashAlgo algo;
    const char *empty, *abc, *pat_small, *pat_large;
} Vector;

static const Vector vectors[] = {
    { RS_HASH_XXH64, "ef46db3751d8e999", "44bc2cf5ad770999", "34b481cfb2cf90cf", "849321e9a0b0b1ec" },
    { RS_HASH_XXH3, "2d06800538d394c2", "78af5f94892f3950", "b847a8b0b2287232", "60fb822868033ca2" },
    { RS_HASH_XXH128, "99aa06d3014798d86001c324468d497f", "06b05ab6733a618578af5f94892f3950",
      "b57bebc5fe519c96b847a8b0b2287232", "a8a65f4a96d5fe2460fb822868033ca2" },
    { RS_HASH_MD5, "d41d8cd98f00b204e9800998ecf8427e", "900150983cd24fb0d6963f7d28e17f72",
      "f1c88f6f05a8e25e003dfd06b9432fc3", "2f209d3f273f4ce30244351df78dce01" },
    { RS_HASH_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709",
      "a9993e364706816aba3e25717850c26c9cd0d89d", "0b276a319e149c4a415f0a7120cfbc0770a5a832",
      "d1282e4bc060d698aeea1caf99eb45e825678738" },
    { RS_HASH_XXH32, "02cc5d05", "32d153ff", "735a91e4", "7e59600f" },
    { RS_HASH_C4,
      "c459dsjfscH38cYeXXYogktxf4Cd9ibshE3BHUo6a58hBXmRQdZrAkZzsWcbWtDg5oQstpDuni4Hirj75GEmTc1sFT",
      "c45S4rnaTNWonxss1u8LzsaJdEph1AJhWUF4sh2waXKMsutyfAxg4ybUeuXVWS9HdNcEypmeXn8FZGonD4w1rj9DZp",
      "c45vmg4Pq9QFBgKnPSu9NWYsKeVDQNzSnxRv1XVMfDKbxEgAtHr2YsVTKuijXhWp4yt9fedNM4nkRxEegKrEyzvLMK",
      "c44w2uFeAkKdpFa5Cr93WnFGrV9i6NoXHZbEqiVuJDGXP2sf5MExCfzqQKidwEHi3HJs17fxa7XqPUUfJXgGscFZ4j" },
};
#define NVEC (sizeof(vectors) / sizeof(vectors[0]))

static char *dir;

static void test_names(void)
{
    RsHashAlgo a;
    for (int i = 0; i < RS_HASH_COUNT; i++) {
        RS_CHECK_EQ_INT(rs_hash_algo_from_name(rs_hash_algo_name((RsHashAlgo)i), &a), 0);
        RS_CHECK_EQ_INT(a, i);
    }
    RS_CHECK_EQ_STR(rs_hash_algo_name(RS_HASH_XXH64), "xxh64");
    RS_CHECK_EQ_STR(rs_hash_algo_name(RS_HASH_XXH128), "xxh128");
    RS_CHECK_EQ_INT(rs_hash_algo_hex_len(RS_HASH_SHA1), 40);
    RS_CHECK_EQ_INT(rs_hash_algo_from_name("sha256", &a), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "\"sha256\"");
    RS_CHECK_CONTAINS(rs_error_message(), "xxh64, xxh3, xxh128, md5, sha1");
    RS_CHECK_EQ_INT(rs_hash_algo_from_name("XXH64", &a), RS_EINVAL); /* MHL names are case-sensitive */
}

static void test_buffers(void)
{
    unsigned char *small = pattern(PAT_SMALL);
    for (size_t v = 0; v < NVEC; v++) {
        char hex[RS_HASH_HEX_MAX];
        RS_CHECK_EQ_INT(rs_hash_buffer(vectors[v].algo, "", 0, hex), 0);
        RS_CHECK_EQ_STR(hex, vectors[v].empty);
        RS_CHECK_EQ_INT(rs_hash_buffer(vectors[v].algo, "abc", 3, hex), 0);
        RS_CHECK_EQ_STR(hex, vectors[v].abc);
        RS_CHECK_EQ_INT(rs_hash_buffer(vectors[v].algo, small, PAT_SMALL, hex), 0);
        RS_CHECK_EQ_STR(hex, vectors[v].pat_small);
        RS_CHECK_EQ_INT((int)strlen(hex), rs_hash_algo_hex_len(vectors[v].algo));
    }
    free(small);
}

/* Feeding a hasher in uneven pieces, then reusing it after final, must give
 * the one-shot result both times. */
static void test_incremental(void)
{
    unsigned char *small = pattern(PAT_SMALL);
    static const size_t cuts[] = { 1, 7, 63, 64, 65, 4096, 100003 };
    for (size_t v = 0; v < NVEC; v++) {
        RsHasher *h;
        RS_CHECK_EQ_INT(rs_hasher_open(&h, vectors[v].algo), 0);
        for (int round = 0; round < 2; round++) {
            size_t off = 0;
            for (size_t k = 0; off < PAT_SMALL; k++) {
                size_t n = cuts[k % (sizeof(cuts) / sizeof(cuts[0]))];
                n = n < PAT_SMALL - off ? n : PAT_SMALL - off;
                rs_hasher_update(h, small + off, n);
                off += n;
            }
            char hex[RS_HASH_HEX_MAX];
            rs_hasher_final(h, hex);
            RS_CHECK_EQ_STR(hex, vectors[v].pat_small);
        }
        rs_hasher_close(&h);
        RS_CHECK(h == NULL);
    }
    free(small);
}

static void test_files(void)
{
    unsigned char *large = pattern(PAT_LARGE);
    put_file(dir, "large.bin", large, PAT_LARGE);
    put_file(dir, "small.bin", large, PAT_SMALL); /* the pattern's prefix is the small one */
    put_file(dir, "empty.bin", "", 0);
    free(large);
    char path[4096];
    for (size_t v = 0; v < NVEC; v++) {
        char hex[RS_HASH_HEX_MAX];
        uint64_t size = 1;
        snprintf(path, sizeof(path), "%s/empty.bin", dir);
        RS_CHECK_EQ_INT(rs_hash_file(path, vectors[v].algo, hex, &size), 0);
        RS_CHECK_EQ_STR(hex, vectors[v].empty);
        RS_CHECK_EQ_INT(size, 0);
        snprintf(path, sizeof(path), "%s/small.bin", dir);
        RS_CHECK_EQ_INT(rs_hash_file(path, vectors[v].algo, hex, &size), 0);
        RS_CHECK_EQ_STR(hex, vectors[v].pat_small);
        snprintf(path, sizeof(path), "%s/large.bin", dir);
        RS_CHECK_EQ_INT(rs_hash_file(path, vectors[v].algo, hex, &size), 0);
        RS_CHECK_EQ_STR(hex, vectors[v].pat_large);
        RS_CHECK_EQ_INT(size, PAT_LARGE);
    }
    /* Every algorithm at once, in one read of the file. */
    char all[RS_HASH_COUNT][RS_HASH_HEX_MAX];
    uint64_t size = 0;
    RS_CHECK_EQ_INT(rs_hash_file_multi(path, (1u << RS_HASH_COUNT) - 1, all, &size, NULL, NULL), 0);
    for (size_t v = 0; v < NVEC; v++)
        RS_CHECK_EQ_STR(all[vectors[v].algo], vectors[v].pat_large);
}

static int stop_after_first(void *opaque, uint64_t bytes)
{
    uint64_t *seen = opaque;
    *seen += bytes;
    return rs_error(RS_EINTR, "stopped by the test");
}

static void test_progress_abort(void)
{
    char path[4096], all[RS_HASH_COUNT][RS_HASH_HEX_MAX];
    snprintf(path, sizeof(path), "%s/large.bin", dir);
    uint64_t seen = 0;
    RS_CHECK_EQ_INT(rs_hash_file_multi(path, RS_HASH_BIT(RS_HASH_XXH64), all, NULL,
                                       stop_after_first, &seen), RS_EINTR);
    RS_CHECK(seen > 0 && seen < PAT_LARGE);
}

static void test_errors(void)
{
    char path[4096], hex[RS_HASH_HEX_MAX];
    snprintf(path, sizeof(path), "%s/no such file.mov", dir);
    RS_CHECK_EQ_INT(rs_hash_file(path, RS_HASH_XXH64, hex, NULL), RS_ENOENT);
    RS_CHECK_CONTAINS(rs_error_message(), "no such file.mov");

    /* Tests run as root, where chmod 000 does not stop a read: use things
     * that are unreadable for every user instead. */
    RS_CHECK_EQ_INT(rs_hash_file(dir, RS_HASH_XXH64, hex, NULL), RS_EIO);
    RS_CHECK_CONTAINS(rs_error_message(), dir);
    RS_CHECK_CONTAINS(rs_error_message(), "directory");

    snprintf(path, sizeof(path), "%s/fifo", dir);
    RS_CHECK_EQ_INT(mkfifo(path, 0600), 0);
    /* Must return at once, not wait for a writer. */
    RS_CHECK_EQ_INT(rs_hash_file(path, RS_HASH_XXH64, hex, NULL), RS_EIO);
    RS_CHECK_CONTAINS(rs_error_message(), "FIFO");

    /* /proc/self/mem opens as a regular file, and reading at offset 0 (never
     * mapped) fails with EIO: an honest read error in the middle of hashing. */
    if (access("/proc/self/mem", R_OK) == 0) {
        RS_CHECK_EQ_INT(rs_hash_file("/proc/self/mem", RS_HASH_XXH64, hex, NULL), RS_EIO);
        RS_CHECK_CONTAINS(rs_error_message(), "/proc/self/mem: read failed");
    }
    RS_CHECK_EQ_INT(rs_hash_file(path, (RsHashAlgo)99, hex, NULL), RS_EINVAL);
}

int main(void)
{
    dir = tmpdir_make("hash");
    RS_RUN(test_names);
    RS_RUN(test_buffers);
    RS_RUN(test_incremental);
    RS_RUN(test_files);
    RS_RUN(test_progress_abort);
    RS_RUN(test_errors);
    rmtree(dir);
    free(dir);
    return rs_test_end();
}
