/*
 * The sound of a take. The sources (room tone, the actor's voice, the clap,
 * footsteps, rain and thunder) are rendered once per take over the
 * recorder's span, as functions of the time of day; every microphone (camera
 * A or B, boom, lav, mix) is then a mix of the same sources with its own
 * gains and self-noise. So the camera scratch track and the recorder hear
 * the same clap at the same sample of the day, which is the truth that sound
 * sync is checked against. No acoustic delay is modelled.
 */
#ifndef RS_DEMO_SOUND_H
#define RS_DEMO_SOUND_H

#include <stdint.h>

#include "demo/plan.h"

enum { DEMO_SRC_AMB, DEMO_SRC_VOICE, DEMO_SRC_CLAP, DEMO_SRC_STEPS, DEMO_SRC_STORM, DEMO_NB_SRC };

enum { DEMO_MIC_CAM_L, DEMO_MIC_CAM_R, DEMO_MIC_BOOM, DEMO_MIC_LAV, DEMO_MIC_MIX_L, DEMO_MIC_MIX_R };

typedef struct DemoSources {
    int64_t start;                /* samples since midnight of src[*][0] */
    int64_t n;
    float *src[DEMO_NB_SRC];
} DemoSources;

/* Render the sources of take tk over its recorder span. 0 or RS_ENOMEM. */
int demo_sources_render(DemoSources *s, const DemoTake *tk, uint32_t seed);

void demo_sources_free(DemoSources *s);

/*
 * n samples of microphone `mic` from time-of-day sample `at` (which must lie
 * inside the sources' span); seed makes each device's self-noise its own.
 */
void demo_mic(const DemoSources *s, int mic, uint32_t seed, int64_t at, int n, float *out);

#endif /* RS_DEMO_SOUND_H */
