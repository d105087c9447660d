/*
 * The one-pass engine: results do not depend on the thread count, known
 * pictures give known statistics, damaged clips still analyse, and bad
 * settings are refused with a message naming them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../rs_test.h"
#include "rushes/analyze.h"
#include "rushes/error.h"

static char dir[64];

static int make(const char *name, const char *lavfi, const char *extra)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "ffmpeg -v error -y %s -i '%s' %s '%s/%s'", strstr(lavfi, "=") ? "-f lavfi" : "",
             lavfi, extra, dir, name);
    return system(cmd);
}

static RsClipAnalysis *run(const char *name, int threads, const char *const *analyzers)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    RsEngineSettings s;
    rs_engine_default_settings(&s);
    s.threads = threads;
    s.analyzers = analyzers;
    RsClipAnalysis *a = NULL;
    int ret = rs_engine_analyze(path, &s, &a);
    if (ret < 0)
        fprintf(stderr, "analyze %s: %s\n", path, rs_error_message());
    return a;
}

static const RsAnalyzerResult *find(const RsClipAnalysis *a, const char *name)
{
    for (int i = 0; a && i < a->nb_results; i++)
        if (!strcmp(a->results[i].analyzer->name, name))
            return &a->results[i];
    return NULL;
}

static int same(const RsClipAnalysis *x, const RsClipAnalysis *y)
{
    if (!x || !y || x->frames != y->frames || x->nb_results != y->nb_results)
        return 0;
    if (memcmp(x->pts, y->pts, (size_t)x->frames * sizeof(*x->pts)))
        return 0;
    for (int i = 0; i < x->nb_results; i++) {
        const RsAnalyzerResult *a = &x->results[i], *b = &y->results[i];
        if (strcmp(a->summary_json, b->summary_json) || a->nb_series != b->nb_series)
            return 0;
        for (int k = 0; k < a->nb_series; k++) {
            size_t el = a->series[k].desc->type == RS_SERIES_U64 ? 8 : 4;
            if (a->series[k].count != b->series[k].count ||
                memcmp(a->series[k].data, b->series[k].data, el * (size_t)a->series[k].count))
                return 0;
        }
    }
    return 1;
}

static void test_thread_count_invariance(void)
{
    RS_CHECK_EQ_INT(make("motion.mov", "testsrc2=size=640x360:rate=25,noise=alls=20:allf=t",
                         "-f lavfi -i sine=f=300:sample_rate=48000 -t 4 -c:v libx264 -preset ultrafast "
                         "-pix_fmt yuv420p -c:a pcm_s16le"), 0);
    RsClipAnalysis *ref = run("motion.mov", 0, NULL);
    RS_CHECK(ref != NULL);
    RS_CHECK_EQ_INT(ref ? ref->frames : 0, 100);
    /* Every registered analyzer runs when none is named. */
    int registered = 0;
    while (rs_analyzers()[registered])
        registered++;
    RS_CHECK_EQ_INT(ref ? ref->nb_results : 0, registered);
    for (int t = 1; t <= 4; t++) {
        for (int rep = 0; rep < 2; rep++) {
            RsClipAnalysis *a = run("motion.mov", t, NULL);
            RS_CHECK(same(ref, a));
            rs_clip_analysis_free(&a);
        }
    }
    const RsAnalyzerResult *lv = find(ref, "audio_levels");
    RS_CHECK(lv && strstr(lv->summary_json, "\"channels\":1"));
    RS_CHECK(lv && strstr(lv->summary_json, "\"silent_channels\":[]"));
    rs_clip_analysis_free(&ref);
}

static void test_known_pictures(void)
{
    /* Mid grey (RGB 128) is Y 126 in limited range; the black clip is all black. */
    RS_CHECK_EQ_INT(make("grey.mp4", "color=c=0x808080:size=320x240:rate=24", "-t 1 -c:v libx264 -pix_fmt yuv420p"), 0);
    RS_CHECK_EQ_INT(make("black.mp4", "color=c=black:size=320x240:rate=24", "-t 1 -c:v libx264 -pix_fmt yuv420p"), 0);
    const char *stats[] = { "stats", NULL };
    RsClipAnalysis *g = run("grey.mp4", 2, stats), *b = run("black.mp4", 2, stats);
    RS_CHECK(g && b);
    if (!g || !b)
        return;
    const RsAnalyzerResult *gs = find(g, "stats"), *bs = find(b, "stats");
    const float *ymean = gs->series[0].data, *ysd = gs->series[1].data;
    RS_CHECK_EQ_STR(gs->series[0].desc->name, "y_mean");
    RS_CHECK(ymean[10] > 125.0f && ymean[10] < 127.0f);
    RS_CHECK(ysd[10] < 1.0f);
    RS_CHECK(strstr(gs->summary_json, "\"black\":[]") != NULL);
    RS_CHECK(strstr(bs->summary_json, "\"black\":[{\"start\":0,\"end\":23}]") != NULL);
    /* A still picture repeats: the whole clip is one frozen run. */
    RS_CHECK(strstr(gs->summary_json, "\"frozen\":[{\"start\":0,\"end\":23}]") != NULL);
    rs_clip_analysis_free(&g);
    rs_clip_analysis_free(&b);
}

static void test_fingerprint_matches_recompressed(void)
{
    /* The same pictures, recompressed at a lower quality and size, keep their phash within 10 bits. */
    RS_CHECK_EQ_INT(make("src.mp4", "testsrc2=size=640x360:rate=24", "-t 1 -c:v libx264 -crf 16 -pix_fmt yuv420p"), 0);
    char in[128];
    snprintf(in, sizeof(in), "%s/src.mp4", dir);
    RS_CHECK_EQ_INT(make("small.mp4", in, "-vf scale=320:180 -c:v libx264 -crf 35 -pix_fmt yuv420p"), 0);
    const char *fp[] = { "fingerprint", NULL };
    RsClipAnalysis *a = run("src.mp4", 1, fp), *b = run("small.mp4", 1, fp);
    RS_CHECK(a && b && a->frames == b->frames);
    if (!a || !b)
        return;
    const uint64_t *ha = a->results[0].series[0].data, *hb = b->results[0].series[0].data;
    int worst = 0;
    for (int64_t f = 0; f < a->frames; f++) {
        int d = __builtin_popcountll(ha[f] ^ hb[f]);
        worst = d > worst ? d : worst;
    }
    RS_CHECK(worst <= 10);
    /* Different pictures are far apart. */
    RsClipAnalysis *g = run("grey.mp4", 1, fp);
    RS_CHECK(g != NULL);
    if (g) {
        const uint64_t *hg = g->results[0].series[0].data;
        RS_CHECK(__builtin_popcountll(ha[0] ^ hg[0]) > 16);
    }
    rs_clip_analysis_free(&a);
    rs_clip_analysis_free(&b);
    rs_clip_analysis_free(&g);
}

static void test_bad_settings_and_input(void)
{
    RsEngineSettings s;
    rs_engine_default_settings(&s);
    const char *bad[] = { "stats", "nope", NULL };
    s.analyzers = bad;
    RS_CHECK_EQ_INT(rs_engine_check_settings(&s), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "unknown analyzer 'nope'");
    const char *good[] = { "stats", NULL };
    const char *opt[] = { "stats.black_pct=500", NULL };
    s.analyzers = good;
    s.options = opt;
    RS_CHECK_EQ_INT(rs_engine_check_settings(&s), RS_ERANGE);
    RS_CHECK_CONTAINS(rs_error_message(), "black_pct");
    const char *opt2[] = { "fingerprint.change_bits=3", NULL };
    s.options = opt2;
    RS_CHECK_EQ_INT(rs_engine_check_settings(&s), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "not selected");

    char path[128];
    snprintf(path, sizeof(path), "%s/not-media.mov", dir);
    FILE *f = fopen(path, "w");
    fputs("hello, this is a text file and not a movie at all", f);
    fclose(f);
    rs_engine_default_settings(&s);
    RsClipAnalysis *a = NULL;
    RS_CHECK_EQ_INT(rs_engine_analyze(path, &s, &a), RS_EMEDIA);
    RS_CHECK_CONTAINS(rs_error_message(), "not-media.mov");
    RS_CHECK(a == NULL);
}

static void test_damaged_clip_still_analyses(void)
{
    /* Garble 20 kB in the middle of a clip: analysis completes and counts the damage. */
    char path[128];
    snprintf(path, sizeof(path), "%s/motion.mov", dir);
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s/damaged.mov' && head -c 20000 /dev/urandom | "
             "dd of='%s/damaged.mov' bs=1 seek=120000 conv=notrunc 2>/dev/null", path, dir, dir);
    RS_CHECK_EQ_INT(system(cmd), 0);
    RsClipAnalysis *a = run("damaged.mov", 2, NULL);
    RS_CHECK(a != NULL);
    if (a) {
        RS_CHECK(a->frames > 50);
        RS_CHECK(a->decode.decode_errors + a->decode.corrupt_frames > 0);
    }
    rs_clip_analysis_free(&a);
}

int main(void)
{
    if (system("command -v ffmpeg >/dev/null 2>&1"))
        rs_test_skip("ffmpeg not installed");
    snprintf(dir, sizeof(dir), "/tmp/rs-engine-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    RS_RUN(test_thread_count_invariance);
    RS_RUN(test_known_pictures);
    RS_RUN(test_fingerprint_matches_recompressed);
    RS_RUN(test_bad_settings_and_input);
    RS_RUN(test_damaged_clip_still_analyses);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd)) {}
    return rs_test_end();
}
