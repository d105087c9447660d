/*
 * libFuzzer target for the CMX 3600 EDL reader, at a drop-frame capable
 * rate (29.97) and at 24 fps, and through the writer again when it parses.
 * Build: CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined
 * Run:   build-fuzz/fuzz/fuzz_edl -max_total_time=300 CORPUS_DIR
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "rushes/interchange.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const RsRational rates[] = { { 30000, 1001 }, { 24, 1 } };
    for (int i = 0; i < 2; i++) {
        RsEdit *e = NULL;
        if (rs_edl_read("fuzz.edl", (const char *)data, size, rates[i], &e) == 0) {
            char *text = NULL;
            /* What was read must write again: every label is in range. */
            if (rs_edl_write(e, &text) == 0)
                free(text);
            rs_edit_free(&e);
        }
    }
    return 0;
}
