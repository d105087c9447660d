/* The registry: adding an analyzer is one extern line and one entry here. */
#include <string.h>

#include "rushes/analyze.h"

extern const RsAnalyzer rs_analyzer_stats;
extern const RsAnalyzer rs_analyzer_fingerprint;
extern const RsAnalyzer rs_analyzer_audio_levels;
extern const RsAnalyzer rs_analyzer_shots;

static const RsAnalyzer *const registry[] = {
    &rs_analyzer_stats,
    &rs_analyzer_fingerprint,
    &rs_analyzer_audio_levels,
    &rs_analyzer_shots,
    NULL
};

const RsAnalyzer *const *rs_analyzers(void)
{
    return registry;
}

const RsAnalyzer *rs_analyzer_find(const char *name)
{
    for (int i = 0; registry[i]; i++)
        if (!strcmp(registry[i]->name, name))
            return registry[i];
    return NULL;
}
