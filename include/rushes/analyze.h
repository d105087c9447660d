/*
 * rushes: the one-pass analysis engine and the analyzer interface.
 *
 * One decode feeds every analyzer. The engine decodes a clip once, builds the
 * shared planes each analyzer asked for (the decoded planes, and reduced
 * copies made once per frame), and hands every frame to every analyzer in
 * presentation order. Analyzers run on worker threads, each analyzer on one
 * thread at a time and always in frame order, so an analyzer may keep state
 * between frames and its results never depend on the thread count.
 *
 * An analyzer emits per-frame values into named series (columns, one value
 * per frame) and, at the end, a JSON summary. Adding an analyzer means one
 * new file with one const RsAnalyzer and one line in the registry; the engine
 * does not change.
 */
#ifndef RUSHES_ANALYZE_H
#define RUSHES_ANALYZE_H

#include "common.h"
#include "media.h"
#include "options.h"

/* What an analyzer needs from each frame. */
#define RS_NEED_LUMA     (1u << 0)  /* full-resolution luma plane */
#define RS_NEED_CHROMA   (1u << 1)  /* full-resolution chroma planes */
#define RS_NEED_REDUCED  (1u << 2)  /* quarter-size (in each dimension) 8-bit Y, Cb, Cr planes */
#define RS_NEED_AUDIO    (1u << 3)  /* audio blocks of the best audio stream */

#define RS_REDUCE_LOG2 2           /* reduced planes are 1/(1<<2) of the luma size in each dimension */

typedef enum RsSeriesType {
    RS_SERIES_F32,   /* float; NaN means "no value for this frame" */
    RS_SERIES_U64,   /* 64 bits, e.g. a fingerprint */
} RsSeriesType;

typedef struct RsSeriesDesc {
    const char *name;
    RsSeriesType type;
    const char *help;
} RsSeriesDesc;

typedef union RsValue {
    double f;
    uint64_t u;
} RsValue;

/* The planes of one frame as analyzers see them. */
typedef struct RsFramePlanes {
    int64_t index;            /* 0-based presentation order */
    int64_t pts;
    RsRational time_base;
    int width, height;        /* picture size */
    int bit_depth;
    int full_range;
    int corrupt;
    RsPlane luma;             /* RS_NEED_LUMA: as decoded (8 or 16 bit) */
    RsPlane chroma[2];        /* RS_NEED_CHROMA: as decoded */
    RsPlane reduced[3];       /* RS_NEED_REDUCED: 8-bit Y, Cb, Cr, each box-filtered to luma size >> RS_REDUCE_LOG2 */
} RsFramePlanes;

typedef struct RsAnalyzerCtx {
    void *priv;                     /* priv_size bytes, zeroed, owned by the engine */
    const void *opts;               /* the analyzer's settings struct, filled from its option table */
    const RsMediaInfo *info;        /* the clip being analysed */
} RsAnalyzerCtx;

struct RsJson;

typedef struct RsAnalyzer {
    const char *name;               /* short, stable: stored with results */
    const char *help;               /* one line */
    int version;                    /* bump when results change: stored results of older versions are redone */
    unsigned needs;                 /* RS_NEED_* */
    const RsOption *options;        /* NULL-terminated table, or NULL */
    size_t options_size;            /* sizeof the settings struct the table fills */
    const RsSeriesDesc *series;     /* NULL-terminated per-frame series, or NULL */
    size_t priv_size;

    int (*init)(RsAnalyzerCtx *ctx);
    /* Called once per frame in presentation order; out has one slot per series. */
    int (*frame)(RsAnalyzerCtx *ctx, const RsFramePlanes *p, RsValue *out);
    /* Called for each audio block, in order, interleaved with frames as decoded. */
    int (*audio)(RsAnalyzerCtx *ctx, const RsAudioBlock *b);
    /* Write the summary's members into an already opened JSON object. */
    int (*finish)(RsAnalyzerCtx *ctx, struct RsJson *summary);
    void (*close)(RsAnalyzerCtx *ctx);
} RsAnalyzer;

/* The registry: every analyzer rushes knows, NULL-terminated. */
RS_API const RsAnalyzer *const *rs_analyzers(void);
RS_API const RsAnalyzer *rs_analyzer_find(const char *name);

/* One analyzer's results for a clip. */
typedef struct RsSeries {
    const RsSeriesDesc *desc;
    int64_t count;
    void *data;                     /* count floats or uint64_t, per desc->type */
} RsSeries;

typedef struct RsAnalyzerResult {
    const RsAnalyzer *analyzer;
    char *params_json;              /* the settings used, as JSON */
    char *summary_json;             /* the summary object */
    int nb_series;
    RsSeries *series;
} RsAnalyzerResult;

typedef struct RsClipAnalysis {
    int64_t frames;
    int64_t *pts;                   /* frames entries */
    RsRational time_base;
    RsDecodeStats decode;
    int nb_results;
    RsAnalyzerResult *results;
} RsClipAnalysis;

typedef void (*RsProgressCallback)(void *opaque, int64_t done, int64_t total);

typedef struct RsEngineSettings {
    int threads;                    /* analysis worker threads; 0 = analyse on the decoding thread */
    int decode_threads;             /* 0 = one per core */
    const char *const *analyzers;   /* names, NULL-terminated; NULL = every registered analyzer */
    /* Per-analyzer option overrides as "analyzer.option=value" strings, NULL-terminated, or NULL. */
    const char *const *options;
    RsProgressCallback progress;
    void *progress_opaque;
    volatile int *cancel;           /* when set and *cancel becomes non-zero, analysis stops with RS_EINTR */
} RsEngineSettings;

RS_API void rs_engine_default_settings(RsEngineSettings *s);

/*
 * Check the analyzer names and "analyzer.option=value" overrides of s without
 * opening anything. Returns 0 or RS_EINVAL/RS_ERANGE naming the bad name,
 * option or value; the CLI reports this as a usage error before any work.
 */
RS_API int rs_engine_check_settings(const RsEngineSettings *s);

/*
 * Decode path once and run the selected analyzers over it. On success *out is
 * owned by the caller (rs_clip_analysis_free). A clip with damaged packets is
 * analysed as far as it decodes and succeeds; decode stats say what was lost.
 * Errors: media errors as rs_decoder_open, RS_EINVAL for an unknown analyzer
 * or option (naming it), RS_EINTR when cancelled. Thread-safe for distinct calls.
 */
RS_API int rs_engine_analyze(const char *path, const RsEngineSettings *s, RsClipAnalysis **out);

RS_API void rs_clip_analysis_free(RsClipAnalysis **a);

#endif /* RUSHES_ANALYZE_H */
