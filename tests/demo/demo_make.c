/*
 * Not a test: generates a demo day for timing and for looking at, with a
 * progress line on stderr.  demo_make OUT [WIDTH HEIGHT [TAKE_FRAMES [SEED]]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rushes/demo.h"
#include "rushes/error.h"

static int show(void *opaque, int item, int nb, int64_t done, int64_t total)
{
    (void)opaque;
    if (done == total)
        fprintf(stderr, "\r%2d/%d done   ", item + 1, nb);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: demo_make OUT [WIDTH HEIGHT [TAKE_FRAMES [SEED]]]\n");
        return 2;
    }
    RsDemoSettings s;
    rs_demo_default_settings(&s);
    s.output_dir = argv[1];
    if (argc > 3) {
        s.width = atoi(argv[2]);
        s.height = atoi(argv[3]);
    }
    if (argc > 4)
        s.take_frames = atoi(argv[4]);
    if (argc > 5)
        s.seed = (uint32_t)strtoul(argv[5], NULL, 10);
    s.progress = show;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    RsDemoReport *r;
    int ret = rs_demo_generate(&s, &r);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (ret < 0) {
        fprintf(stderr, "\nerror: %s\n", rs_error_message());
        return 1;
    }
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    fprintf(stderr, "\n%d clips, %d sound files, %lld frames in %.0f ms; truth: %s\n", r->nb_clips,
            r->nb_sound_files, (long long)r->video_frames, ms, r->truth_path);
    rs_demo_report_free(&r);
    return 0;
}
