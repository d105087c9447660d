#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "core/json.h"
#include "rushes/error.h"
#include "rushes/jobs.h"
#include "rushes/media.h"

static void print_human(const RsMediaInfo *m)
{
    printf("%s\n  container  %s", m->path, m->format);
    if (m->duration_us >= 0)
        printf(", %lld.%03lld s", (long long)(m->duration_us / 1000000), (long long)(m->duration_us / 1000 % 1000));
    printf("\n");
    if (m->start_timecode[0])
        printf("  timecode   %s\n", m->start_timecode);
    if (m->reel[0])
        printf("  reel       %s\n", m->reel);
    if (m->camera[0])
        printf("  camera     %s\n", m->camera);
    if (m->bwf_time_reference >= 0)
        printf("  bwf time reference  %lld samples since midnight\n", (long long)m->bwf_time_reference);
    for (int i = 0; i < m->nb_video; i++) {
        const RsVideoInfo *v = &m->video[i];
        printf("  video #%d   %s%s%s %dx%d %s, %lld/%lld fps%s", v->index, v->codec, v->profile[0] ? " " : "",
               v->profile, v->width, v->height, v->pix_fmt, (long long)v->frame_rate.num,
               (long long)v->frame_rate.den, v->vfr ? " (variable)" : "");
        if (v->frame_count >= 0)
            printf(", %lld frames", (long long)v->frame_count);
        if (v->sar.num != v->sar.den)
            printf(", SAR %lld:%lld", (long long)v->sar.num, (long long)v->sar.den);
        if (v->rotation)
            printf(", rotated %d", v->rotation);
        printf("\n");
    }
    for (int i = 0; i < m->nb_audio; i++) {
        const RsAudioInfo *a = &m->audio[i];
        printf("  audio #%d   %s %d Hz, %d ch (%s)\n", a->index, a->codec, a->sample_rate, a->channels, a->layout);
    }
}

static int run_probe(const RsGlobal *g, void *o, int argc, char **argv)
{
    int failed = 0;
    if (g->json && argc > 1)
        printf("[\n");
    for (int i = 0; i < argc; i++) {
        RsMediaInfo *m = NULL;
        int ret = rs_media_probe(argv[i], &m);
        if (ret < 0) {
            cli_fail(ret, NULL);
            failed++;
            continue;
        }
        if (g->json) {
            char *s = rs_media_info_json(m);
            printf("%s%s%s", argc > 1 && i ? ",\n" : "", s ? s : "null", argc > 1 ? "" : "\n");
            free(s);
        } else {
            print_human(m);
        }
        rs_media_info_free(&m);
    }
    if (g->json && argc > 1)
        printf("\n]\n");
    if (failed)
        return failed == argc ? 3 : 1;
    return 0;
}

const RsVerb cli_verb_probe = {
    .name = "probe",
    .summary = "show what rushes reads from media files",
    .usage = "FILE...",
    .description = "Reads each file's container and streams: codec, size, rate, timecode, reel, audio\n"
                   "layout, BWF time reference. Image sequences are named by a pattern (shot_%06d.dpx)\n"
                   "or by their folder. A file that cannot be read is reported and the rest go on.",
    .min_args = 1,
    .max_args = -1,
    .run = run_probe,
};
