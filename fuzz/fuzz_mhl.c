/*
 * libFuzzer target for the ASC MHL readers: the same bytes go through the
 * generation parser and the chain parser (and so through the XML reader).
 * Build: CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined
 * Run:   build-fuzz/fuzz/fuzz_mhl -max_total_time=300 CORPUS_DIR
 */
#include <stddef.h>
#include <stdint.h>

#include "rushes/mhl.h"
#include "interchange/mhl_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    RsMhlGeneration *g;
    if (rs_mhl_generation_parse("fuzz.mhl", (const char *)data, size, &g) == 0) {
        /* Touch what a caller would read, so a bad pointer shows up here. */
        for (size_t i = 0; i < g->nentries; i++)
            (void)rs_mhl_entry_hash(&g->entries[i], RS_HASH_XXH64);
        rs_mhl_generation_free(&g);
    }
    RsMhlLink *links;
    size_t n;
    if (rs_mhl_chain_parse("fuzz_chain.xml", (const char *)data, size, &links, &n) == 0)
        rs_mhl_chain_free(&links, n);
    return 0;
}
