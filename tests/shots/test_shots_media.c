/*
 * The shots analyzer through the engine on real footage from
 * RS_SHARED_MEDIA (skipped without it). The expected boundaries were
 * annotated by looking at frames (bench/shots/TRUTH.md says how).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rs_test.h"
#include "rushes/analyze.h"
#include "rushes/error.h"

static char *summary_of(const char *rel)
{
    const char *media = getenv("RS_SHARED_MEDIA");
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", media, rel);
    static const char *const names[] = { "shots", NULL };
    RsEngineSettings s;
    rs_engine_default_settings(&s);
    s.analyzers = names;
    s.decode_threads = 2;
    RsClipAnalysis *a = NULL;
    int ret = rs_engine_analyze(path, &s, &a);
    RS_CHECK_EQ_INT(ret, 0);
    if (ret < 0 || !a)
        return NULL;
    char *out = NULL;
    RS_CHECK_EQ_INT(a->nb_results, 1);
    if (a->nb_results == 1) {
        out = strdup(a->results[0].summary_json);
        RS_CHECK_EQ_INT(a->results[0].nb_series, 1);
        RS_CHECK_EQ_INT(a->results[0].series[0].count, a->frames);
    }
    rs_clip_analysis_free(&a);
    return out;
}

static int count(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

/* One cut between two city shots at frame 116; nothing else (people and cars move). */
static void test_city(void)
{
    char *s = summary_of("kivy-city/cityCC0.mpg");
    if (!s)
        return;
    RS_CHECK_EQ_INT(count(s, "\"type\":"), 1);
    RS_CHECK_CONTAINS(s, "\"type\":\"cut\",\"start\":116,");
    RS_CHECK_CONTAINS(s, "\"start_tc\":\"00:00:04:16\"");
    free(s);
}

/* Black with a caption, a cut into black, fades in and out, and one dissolve (29.97 NDF). */
static void test_testvideo(void)
{
    char *s = summary_of("pyscenedetect/testvideo.mp4");
    if (!s)
        return;
    RS_CHECK_CONTAINS(s, "\"timecode_format\":\"29.97 NDF\"");
    RS_CHECK_CONTAINS(s, "\"type\":\"cut\",\"start\":180,");
    RS_CHECK_CONTAINS(s, "\"type\":\"fade_in\",");
    RS_CHECK_CONTAINS(s, "\"type\":\"fade_out_in\",");
    RS_CHECK_CONTAINS(s, "\"type\":\"fade_out\",");
    RS_CHECK_EQ_INT(count(s, "\"type\":\"dissolve\""), 1);
    RS_CHECK_EQ_INT(count(s, "\"type\":"), 6);
    free(s);
}

int main(void)
{
    if (!getenv("RS_SHARED_MEDIA"))
        rs_test_skip("RS_SHARED_MEDIA is not set");
    RS_RUN(test_city);
    RS_RUN(test_testvideo);
    return rs_test_end();
}
