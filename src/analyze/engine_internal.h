/* Internal pieces of the engine shared between its files. */
#ifndef RS_ANALYZE_ENGINE_INTERNAL_H
#define RS_ANALYZE_ENGINE_INTERNAL_H

#include "rushes/analyze.h"

/* Resolve the settings' analyzer names and "name.opt=value" overrides. */
typedef struct RsAnalyzerSetup {
    const RsAnalyzer *analyzer;
    void *opts;                  /* options_size bytes, filled from the table */
} RsAnalyzerSetup;

int rs_engine_setup(const RsEngineSettings *s, RsAnalyzerSetup **out, int *count);
void rs_engine_setup_free(RsAnalyzerSetup **setup, int count);

/* The settings an analyzer ran with, as JSON. */
char *rs_options_json(const RsOption *table, const void *obj);

#endif
