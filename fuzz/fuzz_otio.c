/*
 * libFuzzer target for the OpenTimelineIO reader and so for the strict JSON
 * reader beneath it; a timeline that reads is written again.
 * Build: CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined
 * Run:   build-fuzz/fuzz/fuzz_otio -max_total_time=300 CORPUS_DIR
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "rushes/interchange.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    RsEdit *e = NULL;
    if (rs_otio_read("fuzz.otio", (const char *)data, size, &e) == 0) {
        char *text = NULL;
        if (rs_otio_write(e, &text) == 0)
            free(text);
        rs_edit_free(&e);
    }
    return 0;
}
