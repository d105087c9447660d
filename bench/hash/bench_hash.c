/*
 * Times rs_hash_file() over the files named on the command line and prints
 * one line per file plus a total, for bench/hash/run.sh to compare with
 * xxhsum. Usage: bench_hash [-a ALGO] FILE...
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rushes/error.h"
#include "rushes/hash.h"

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    RsHashAlgo algo = RS_HASH_XXH64;
    int first = 1;
    if (argc > 2 && !strcmp(argv[1], "-a")) {
        if (rs_hash_algo_from_name(argv[2], &algo) < 0) {
            fprintf(stderr, "bench_hash: %s\n", rs_error_message());
            return 2;
        }
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: bench_hash [-a ALGO] FILE...\n");
        return 2;
    }
    uint64_t total = 0;
    int64_t t0 = now_ns();
    for (int i = first; i < argc; i++) {
        char hex[RS_HASH_HEX_MAX];
        uint64_t size;
        if (rs_hash_file(argv[i], algo, hex, &size) < 0) {
            fprintf(stderr, "bench_hash: %s\n", rs_error_message());
            return 1;
        }
        printf("%s  %s\n", hex, argv[i]);
        total += size;
    }
    int64_t ns = now_ns() - t0;
    fprintf(stderr, "bench_hash: %s %llu bytes in %lld ns\n", rs_hash_algo_name(algo),
            (unsigned long long)total, (long long)ns);
    return 0;
}
