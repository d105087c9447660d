/*
 * The shots analyzer through the engine on real footage from
 * RS_SHARED_MEDIA (skipped without it): a real cut, and an edit made here
 * with the ffmpeg command line from two real clips with a known cut, a
 * two-frame flash, a fade out and in through black and a dissolve.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../rs_test.h"
#include "rushes/analyze.h"
#include "rushes/error.h"

static char *summary_of(const char *path)
{
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

static char *shared_summary(const char *rel)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", getenv("RS_SHARED_MEDIA"), rel);
    return summary_of(path);
}

/* One cut between two city shots at frame 116; nothing else (people and cars move). */
static void test_city(void)
{
    char *s = shared_summary("kivy-city/cityCC0.mpg");
    if (!s)
        return;
    RS_CHECK_EQ_INT(count(s, "\"type\":"), 1);
    RS_CHECK_CONTAINS(s, "\"type\":\"cut\",\"start\":116,");
    RS_CHECK_CONTAINS(s, "\"start_tc\":\"00:00:04:16\"");
    free(s);
}

/* The first frame number after "\"type\":\"<type>\",\"start\":" and its end, or -1. */
static void span_of(const char *s, const char *type, long *start, long *end)
{
    char key[64];
    snprintf(key, sizeof(key), "\"type\":\"%s\",\"start\":", type);
    const char *p = strstr(s, key);
    *start = *end = -1;
    if (!p)
        return;
    *start = strtol(p + strlen(key), NULL, 10);
    const char *e = strstr(p, "\"end\":");
    if (e)
        *end = strtol(e + 6, NULL, 10);
}

/*
 * 320x180 at 25 fps, 234 frames: testvideo 40-99 with a flash on its frames
 * 20-21 | cut at 60 | city 0-59 fading out over 105-119, 6 black frames |
 * testvideo 580-639 fading in over 126-140 | dissolve mixing frames 175-185 |
 * city 130-189.
 */
static void test_generated_edit(void)
{
    if (system("ffmpeg -hide_banner -version >/dev/null 2>&1") != 0)
        rs_test_skip("the ffmpeg command line is not installed");
    const char *m = getenv("RS_SHARED_MEDIA");
    char out[] = "/tmp/rs_test_shots_XXXXXX", path[64], cmd[4096];
    int fd = mkstemp(out);
    RS_CHECK(fd >= 0);
    close(fd);
    snprintf(path, sizeof(path), "%s.mp4", out);
#define SEG(in, a, b) "[" in ":v]trim=start_frame=" a ":end_frame=" b ",setpts=N/(25*TB),fps=25,scale=320:180," \
                      "setsar=1,format=yuv420p"
    snprintf(cmd, sizeof(cmd),
             "ffmpeg -v error -nostdin -y -threads 1 -i %s/pyscenedetect/testvideo.mp4 -i %s/kivy-city/cityCC0.mpg "
             "-filter_complex \"" SEG("0", "40", "100") ",eq=brightness=0.6:contrast=0.6:enable='between(n,20,21)'[a];"
             SEG("1", "0", "60") ",fade=t=out:s=45:n=15,tpad=stop=6:color=black[b];"
             SEG("0", "580", "640") ",fade=t=in:s=0:n=15[c];" SEG("1", "130", "190") "[d];"
             "[a][b][c]concat=n=3:v=1:a=0,settb=1/25,fps=25[abc];"
             "[abc][d]xfade=transition=fade:duration=0.48:offset=6.96,setpts=N/(25*TB)[o]\" "
             "-map [o] -c:v libx264 -preset ultrafast -crf 20 %s </dev/null",
             m, m, path);
    RS_CHECK_EQ_INT(system(cmd), 0);
    unlink(out);
    char *s = summary_of(path);
    unlink(path);
    if (!s)
        return;
    long a, b;
    RS_CHECK_EQ_INT(count(s, "\"type\":"), 3);
    span_of(s, "cut", &a, &b);
    RS_CHECK(a >= 59 && a <= 61);
    span_of(s, "fade_out_in", &a, &b);
    RS_CHECK(a >= 103 && a <= 110 && b >= 136 && b <= 145);
    RS_CHECK_CONTAINS(s, "\"color\":\"black\"");
    span_of(s, "dissolve", &a, &b);
    RS_CHECK(a >= 170 && a <= 185 && b >= 175 && b <= 190);
    free(s);
}

int main(void)
{
    if (!getenv("RS_SHARED_MEDIA"))
        rs_test_skip("RS_SHARED_MEDIA is not set");
    RS_RUN(test_city);
    RS_RUN(test_generated_edit);
    return rs_test_end();
}
