/*
 * libFuzzer target for the shape masks of rushes clean: the bytes are a
 * mask file (JSON reader, shape checks), then a few frames are rasterised,
 * before, between and after the keys.
 * Build: CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined
 * Run:   build-fuzz/fuzz/fuzz_mask -max_total_time=300 CORPUS_DIR
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "rushes/cleanup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The mask reader takes a path: the bytes go through a file of this process's own. */
    char path[64];
    snprintf(path, sizeof(path), "/tmp/fuzz_mask_%d.json", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    RsMask *m;
    static uint8_t out[64 * 48];
    if (rs_mask_open(&m, path, 64, 48) == 0) {
        static const int64_t frames[] = { 0, 1, 7, 1000, 1000000000000LL };
        for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++)
            rs_mask_render(m, frames[i], out, 64);
        rs_mask_close(&m);
    }
    unlink(path);
    return 0;
}
