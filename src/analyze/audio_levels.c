/*
 * audio_levels: peak and RMS level of every channel of the best audio stream,
 * in dBFS, and which channels are silent. A camera's scratch track that was
 * never plugged in, or a dead lav channel, shows up here at ingest.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/json.h"
#include "rushes/analyze.h"
#include "rushes/error.h"

#define MAX_CH 64

typedef struct LevelOpts {
    double silence_db;
} LevelOpts;

static const RsOption level_options[] = {
    { "silence_db", "peak level in dBFS under which a channel counts as silent",
      RS_OPT_DOUBLE, offsetof(LevelOpts, silence_db), .def.d = -60.0, .min = -200, .max = 0 },
    { NULL }
};

typedef struct Levels {
    int channels;
    int sample_rate;
    int64_t samples;
    double peak[MAX_CH];
    double sumsq[MAX_CH];
} Levels;

static int levels_audio(RsAnalyzerCtx *ctx, const RsAudioBlock *b)
{
    Levels *l = ctx->priv;
    int ch = b->channels > MAX_CH ? MAX_CH : b->channels;
    if (ch > l->channels)
        l->channels = ch;
    l->sample_rate = b->sample_rate;
    for (int c = 0; c < ch; c++) {
        const float *d = b->data[c];
        double pk = l->peak[c], sq = 0;
        for (int i = 0; i < b->nb_samples; i++) {
            double v = fabs((double)d[i]);
            if (v > pk)
                pk = v;
            sq += (double)d[i] * d[i];
        }
        l->peak[c] = pk;
        l->sumsq[c] += sq;
    }
    l->samples += b->nb_samples;
    return 0;
}

static double db(double v)
{
    return v > 0 ? 20.0 * log10(v) : -INFINITY;
}

static int levels_finish(RsAnalyzerCtx *ctx, RsJson *j)
{
    Levels *l = ctx->priv;
    const LevelOpts *o = ctx->opts;
    rs_json_int(j, "channels", l->channels);
    rs_json_int(j, "sample_rate", l->sample_rate);
    rs_json_int(j, "samples", l->samples);
    rs_json_begin_array(j, "peak_dbfs");
    for (int c = 0; c < l->channels; c++)
        rs_json_double(j, NULL, db(l->peak[c]));
    rs_json_end_array(j);
    rs_json_begin_array(j, "rms_dbfs");
    for (int c = 0; c < l->channels; c++)
        rs_json_double(j, NULL, l->samples ? db(sqrt(l->sumsq[c] / (double)l->samples)) : -INFINITY);
    rs_json_end_array(j);
    rs_json_begin_array(j, "silent_channels");
    for (int c = 0; c < l->channels; c++)
        if (db(l->peak[c]) < o->silence_db)
            rs_json_int(j, NULL, c + 1);
    rs_json_end_array(j);
    return 0;
}

const RsAnalyzer rs_analyzer_audio_levels = {
    .name = "audio_levels",
    .help = "peak and RMS level per audio channel; silent channels",
    .version = 1,
    .needs = RS_NEED_AUDIO,
    .options = level_options,
    .options_size = sizeof(LevelOpts),
    .priv_size = sizeof(Levels),
    .audio = levels_audio,
    .finish = levels_finish,
};
