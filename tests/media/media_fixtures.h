/*
 * Helpers for the media tests: a scratch folder under /tmp, fixtures made by
 * the ffmpeg command line (installed by scripts/install-deps.sh; tests that
 * need it skip when it is absent), copies of real clips, and decoding loops.
 */
#ifndef RS_TEST_MEDIA_FIXTURES_H
#define RS_TEST_MEDIA_FIXTURES_H

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rushes/error.h"
#include "rushes/media.h"
#include "../rs_test.h"

static char fx_dir[64];

static inline int fx_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    chmod(p, 0700);
    return remove(p);
}

static inline void fx_cleanup(void)
{
    if (fx_dir[0])
        nftw(fx_dir, fx_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Make the scratch folder (removed at exit) and return it. */
static inline const char *fx_tmpdir(void)
{
    if (!fx_dir[0]) {
        snprintf(fx_dir, sizeof(fx_dir), "/tmp/rs_media_XXXXXX");
        if (!mkdtemp(fx_dir)) {
            fprintf(stderr, "mkdtemp failed\n");
            exit(1);
        }
        atexit(fx_cleanup);
    }
    return fx_dir;
}

/* A path inside the scratch folder; each call returns a new buffer (freed at exit, never). */
static inline const char *fx_path(const char *fmt, ...) RS_PRINTF(1, 2);
static inline const char *fx_path(const char *fmt, ...)
{
    static char bufs[32][512];
    static int next;
    char *b = bufs[next++ % 32];
    int n = snprintf(b, 512, "%s/", fx_tmpdir());
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b + n, 512 - n, fmt, ap);
    va_end(ap);
    return b;
}

static inline int fx_has_ffmpeg(void)
{
    return system("ffmpeg -hide_banner -version >/dev/null 2>&1") == 0;
}

static inline int fx_has_encoder(const char *name)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "ffmpeg -hide_banner -encoders 2>/dev/null | "
             "grep -q ' %s '", name);
    return system(cmd) == 0;
}

/* Run ffmpeg quietly with the given arguments (a format string); 1 on success. */
static inline int fx_ffmpeg(const char *fmt, ...) RS_PRINTF(1, 2);
static inline int fx_ffmpeg(const char *fmt, ...)
{
    char args[2048], cmd[2300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof(args), fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof(cmd), "ffmpeg -v error -nostdin -y -threads 1 %s </dev/null", args);
    int ok = system(cmd) == 0;
    if (!ok)
        fprintf(stderr, "fixture failed: %s\n", cmd);
    return ok;
}

static inline void fx_require_ffmpeg(void)
{
    if (!fx_has_ffmpeg())
        rs_test_skip("the ffmpeg command line is not installed");
}

/* The path of a real clip under RS_SHARED_MEDIA, or skip the test. */
static inline const char *fx_shared(const char *rel)
{
    static char bufs[8][512];
    static int next;
    const char *dir = rs_test_media_dir();
    if (!dir)
        rs_test_skip("RS_SHARED_MEDIA is not set");
    char *b = bufs[next++ % 8];
    snprintf(b, 512, "%s/%s", dir, rel);
    if (access(b, R_OK))
        rs_test_skip("a shared clip is missing");
    return b;
}

/* Copy the first `bytes` bytes of src (all when < 0) to dst; 1 on success. */
static inline int fx_copy(const char *src, const char *dst, long bytes)
{
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    int ok = in && out;
    char buf[65536];
    long left = bytes < 0 ? -1 : bytes;
    while (ok && left != 0) {
        size_t want = left < 0 || left > (long)sizeof(buf) ? sizeof(buf) : (size_t)left;
        size_t n = fread(buf, 1, want, in);
        if (n == 0)
            break;
        ok = fwrite(buf, 1, n, out) == n;
        if (left > 0)
            left -= (long)n;
    }
    if (in)
        fclose(in);
    if (out && fclose(out))
        ok = 0;
    return ok;
}

static inline long fx_file_size(const char *p)
{
    struct stat sb;
    return stat(p, &sb) ? -1 : (long)sb.st_size;
}

typedef struct FxDecode {
    int ret;                 /* last rs_decoder_read() result */
    int64_t frames, blocks, samples;
    int64_t first_pts, last_pts;
    int pts_increasing;      /* every frame's pts above the one before */
    int index_ok;            /* frame indexes 0, 1, 2, ... */
    int samples_ok;          /* audio first_sample contiguous */
    int corrupt_seen;
    RsVideoFrame first;      /* shape of the first frame (planes not kept) */
    RsDecodeStats stats;
} FxDecode;

/* Decode path to the end with settings s; 0 on success, the open error otherwise. */
static inline int fx_decode(const char *path, const RsDecoderSettings *s, FxDecode *r)
{
    memset(r, 0, sizeof(*r));
    r->pts_increasing = r->index_ok = r->samples_ok = 1;
    RsDecoder *d;
    int ret = rs_decoder_open(&d, path, s, NULL);
    if (ret < 0)
        return ret;
    RsMediaEvent ev;
    int64_t next_sample = 0;
    while ((ret = rs_decoder_read(d, &ev)) > 0) {
        if (ev.type == RS_EVENT_VIDEO) {
            const RsVideoFrame *f = ev.video;
            if (r->frames == 0) {
                r->first = *f;
                r->first_pts = f->pts;
            } else if (f->pts <= r->last_pts) {
                r->pts_increasing = 0;
            }
            r->index_ok &= f->index == r->frames;
            r->corrupt_seen |= f->corrupt;
            r->last_pts = f->pts;
            r->frames++;
        } else {
            r->samples_ok &= ev.audio->first_sample == next_sample;
            next_sample += ev.audio->nb_samples;
            r->samples += ev.audio->nb_samples;
            r->blocks++;
        }
    }
    r->ret = ret;
    rs_decoder_stats(d, &r->stats);
    rs_decoder_close(&d);
    RS_CHECK(d == NULL);
    return 0;
}

#endif /* RS_TEST_MEDIA_FIXTURES_H */
