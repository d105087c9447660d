/*
 * The clean job: decode a shot, fill it under its mask at its own depth,
 * write it losslessly (or as ProRes, or as RGB pictures) with its rate,
 * timecode, reel and colour tags, and a manifest of what went in and came
 * out.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavutil/pixdesc.h>

#include "cleanup/clean_job.h"
#include "cleanup/deflicker_job.h"
#include "cleanup/fill.h"
#include "cleanup/flow_cache.h"
#include "cleanup/flow_internal.h"
#include "cleanup/manifest.h"
#include "cleanup/review.h"
#include "cleanup/track_internal.h"
#include "media/sequence.h"
#include "rushes/cleanup.h"
#include "rushes/encode.h"
#include "rushes/error.h"
#include "rushes/log.h"
#include "rushes/media.h"

void rs_clean_job_default(RsCleanJob *job)
{
    memset(job, 0, sizeof(*job));
    job->max_frames = 900;
    rs_clean_default_settings(&job->fill);
    rs_track_default_settings(&job->track);
    rs_scratch_default_settings(&job->scratch);
}

int64_t rs_clean_frame_bytes(int width, int height, int bit_depth, int log2_chroma_w, int log2_chroma_h, int dust)
{
    if (width < 1 || height < 1 || log2_chroma_w < 0 || log2_chroma_w > 1 || log2_chroma_h < 0 || log2_chroma_h > 1)
        return 0;
    const int64_t ln = (int64_t)width * height;
    const int64_t cn = (int64_t)((width + (1 << log2_chroma_w) - 1) >> log2_chroma_w) *
                       ((height + (1 << log2_chroma_h) - 1) >> log2_chroma_h);
    const int bps = bit_depth > 8 ? 2 : 1;
    RsFlowSettings fs;
    rs_flow_default_settings(&fs);
    const int lv = rs_flow_level(&fs, width, height);
    const int64_t fn = (int64_t)(width >> lv) * (height >> lv);
    /* Samples, the luma mask, the fill's map byte a sample (not a source / to fill), two fields
     * of (u, v) floats; the dust pass keeps its own mask of every frame until the fill starts. */
    return (ln + 2 * cn) * (bps + 1) + ln + 16 * fn + (dust ? ln : 0);
}

typedef RsCleanSource Source;
typedef RsClip Clip;

static void clip_free(Clip *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->buf[i]);
    free(c->buf);
    free(c->f);
    rs_df_reader_close(&c->dfl);
    c->n = c->cap = 0;
    c->buf = NULL;
    c->f = NULL;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcasecmp(s + a - b, suffix);
}

/* The encoder writes these layouts as they are (FFV1) or converts from them. */
static int layout_ok(int depth, int lcw, int lch)
{
    return (depth == 8 || depth == 9 || depth == 10 || depth == 12 || depth == 14 || depth == 16) &&
           lcw >= 0 && lcw <= 1 && lch >= 0 && lch <= lcw;
}

static const char *layout_name(int lcw, int lch)
{
    return lcw && lch ? "4:2:0" : lcw ? "4:2:2" : lch ? "4:4:0" : "4:4:4";
}

static int too_long(const Clip *c, const RsCleanJob *job, int64_t frames)
{
    return rs_error(RS_ERANGE, "%s: %lld frames of %dx%d %d-bit %s take %lld MB to clean (%.1f MB a frame); "
                    "max memory %lld MB holds %lld (raise it or cut the shot)", job->input, (long long)frames,
                    c->w, c->h, c->depth, layout_name(c->lcw, c->lch),
                    (long long)(frames * c->frame_bytes / 1000000), c->frame_bytes / 1e6,
                    (long long)(c->max_memory / 1000000), (long long)(c->max_memory / c->frame_bytes));
}

/* The most frames a window may hold: what max_frames and max_memory allow. */
static int64_t window_frames(const Clip *c, const RsCleanJob *job)
{
    const int64_t mem = c->max_memory / c->frame_bytes;
    return mem < job->max_frames ? mem : job->max_frames;
}

size_t rs_clip_sample_bytes(const RsClip *c)
{
    const int bps = c->depth > 8 ? 2 : 1;
    const size_t cw = (size_t)(c->w + (1 << c->lcw) - 1) >> c->lcw, ch = (size_t)(c->h + (1 << c->lch) - 1) >> c->lch;
    return ((size_t)c->w * c->h + 2 * cw * ch) * bps;
}

/* Keep a copy of the decoded frame at its own depth and layout: what the writer takes unchanged. */
int rs_clip_keep(RsClip *c, const RsVideoFrame *v, const RsCleanJob *job, const RsCleanSource *src)
{
    if (v->width != c->w || v->height != c->h)
        return rs_error(RS_EUNSUP, "%s: frame %lld is %dx%d, the first frame %dx%d", job->input,
                        (long long)v->index, v->width, v->height, c->w, c->h);
    if (!c->n) {
        c->lcw = v->log2_chroma_w;
        c->lch = v->log2_chroma_h;
        c->depth = v->bit_depth;
        c->full_range = v->full_range;
        if (!layout_ok(c->depth, c->lcw, c->lch))
            return rs_error(RS_EUNSUP, "%s: frame 0 is %d-bit with chroma shifts %d,%d; clean reads 4:2:0, 4:2:2 "
                            "and 4:4:4 at 8, 9, 10, 12, 14 or 16 bits", job->input, v->bit_depth,
                            v->log2_chroma_w, v->log2_chroma_h);
        c->frame_bytes = rs_clean_frame_bytes(c->w, c->h, c->depth, c->lcw, c->lch, job->dust);
        /* Windows need room for their two contexts and at least as much again to move on
         * (clean_window.c); below that a long shot is refused as a whole shot would be. */
        if (c->windowed && window_frames(c, job) < RS_CLEAN_MIN_WINDOW)
            c->windowed = 0;
        /* A counted shot that cannot fit is refused before minutes of decoding. */
        if (!c->windowed && src->frames > c->max_memory / c->frame_bytes)
            return too_long(c, job, src->frames);
    }
    if (v->bit_depth != c->depth || v->log2_chroma_w != c->lcw || v->log2_chroma_h != c->lch)
        return rs_error(RS_EUNSUP, "%s: frame %lld is %d-bit %s, the first frame %d-bit %s", job->input,
                        (long long)v->index, v->bit_depth, layout_name(v->log2_chroma_w, v->log2_chroma_h),
                        c->depth, layout_name(c->lcw, c->lch));
    if (c->n >= job->max_frames)
        return rs_error(RS_ERANGE, "%s: more than %d frames; clean holds a shot in memory and a window "
                        "needs %d frames at least (raise max frames or cut the shot)", job->input,
                        job->max_frames, RS_CLEAN_MIN_WINDOW);
    if (c->n + 1 > c->max_memory / c->frame_bytes)
        return too_long(c, job, c->n + 1);
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 64;
        uint8_t **nb = realloc(c->buf, sizeof(*nb) * cap);
        if (!nb)
            return RS_ENOMEM;
        c->buf = nb;
        RsCleanFrame *nf = realloc(c->f, sizeof(*nf) * cap);
        if (!nf)
            return RS_ENOMEM;
        c->f = nf;
        c->cap = cap;
    }
    const int w = c->w, h = c->h, bps = c->depth > 8 ? 2 : 1;
    const int cw = (w + (1 << c->lcw) - 1) >> c->lcw, ch = (h + (1 << c->lch) - 1) >> c->lch;
    const size_t ln = (size_t)w * h * bps, cn = (size_t)cw * ch * bps;
    uint8_t *b = malloc(ln + 2 * cn + (size_t)w * h);
    if (!b)
        return RS_ENOMEM;
    c->buf[c->n] = b;
    RsCleanFrame *f = &c->f[c->n++];
    *f = (RsCleanFrame){ { b, b + ln, b + ln + cn }, { (ptrdiff_t)w * bps, (ptrdiff_t)cw * bps, (ptrdiff_t)cw * bps },
                         b + ln + 2 * cn, w, c->depth };
    for (int p = 0; p < 3; p++) {
        const RsPlane *s = &v->plane[p];
        for (int y = 0; y < (p ? ch : h); y++)
            memcpy(f->plane[p] + y * f->stride[p], s->data + y * s->stride, (size_t)(p ? cw : w) * bps);
    }
    return 0;
}

static void copy_tag(char *dst, size_t size, const char *tag)
{
    snprintf(dst, size, "%s", *tag ? tag : "unknown");
}

/*
 * Decode the shot. Returns 0 when it fits whole (the decoder is closed), 1
 * when c->windowed and more frames than a window follow: *dp stays open and
 * *next is the first frame past the window. codec is the output's (NULL
 * with track_only): ProRes 422 refuses an odd width before any frame is decoded.
 */
/* What the decoder met in the shot, for the statistics (it logs a warning of its own). */
static void decode_report(const RsDecoder *d, RsCleanStats *st)
{
    RsDecodeStats ds;
    rs_decoder_stats(d, &ds);
    st->truncated = ds.truncated;
    st->damaged = ds.decode_errors + ds.corrupt_frames;
}

static int read_shot(Clip *c, const RsCleanJob *job, const char *codec, Source *src, RsDecoder **dp,
                     const RsVideoFrame **next, RsCleanStats *st)
{
    RsDecoderSettings ds;
    rs_decoder_default_settings(&ds);
    ds.threads = job->threads;
    RsDecoder *d;
    const RsMediaInfo *info;
    int ret = rs_decoder_open(&d, job->input, &ds, &info);
    if (ret < 0)
        return ret;
    if (!info->nb_video) {
        rs_decoder_close(&d);
        return rs_error(RS_EMEDIA, "%s: no picture to clean", job->input);
    }
    const RsVideoInfo *vi = &info->video[0];
    c->w = vi->width;
    c->h = vi->height;
    src->rate = vi->frame_rate;
    src->sar = vi->sar;
    src->frames = vi->frame_count;
    snprintf(src->tc, sizeof(src->tc), "%s", info->start_timecode);
    snprintf(src->reel, sizeof(src->reel), "%s", info->reel);
    copy_tag(src->space, sizeof(src->space), vi->color_space);
    copy_tag(src->primaries, sizeof(src->primaries), vi->color_primaries);
    copy_tag(src->trc, sizeof(src->trc), vi->color_trc);
    copy_tag(src->location, sizeof(src->location), vi->chroma_location);
    /* RGB pictures reach us as YUV made with their matrix, or BT.709 when they name none (media.h). */
    src->rgb = strstr(vi->pix_fmt, "rgb") || strstr(vi->pix_fmt, "bgr") || strstr(vi->pix_fmt, "gbr") ||
               !strncmp(vi->pix_fmt, "pal", 3);
    if (src->rgb && (!*vi->color_space || !strcmp(vi->color_space, "gbr") || !strcmp(vi->color_space, "reserved")))
        snprintf(src->space, sizeof(src->space), "bt709");
    /* The fill works on Y'CbCr; an alpha channel (a render's, a graphic's) would be dropped without a word. */
    const AVPixFmtDescriptor *pd = av_pix_fmt_desc_get(av_get_pix_fmt(vi->pix_fmt));
    if (pd && pd->flags & AV_PIX_FMT_FLAG_ALPHA)
        rs_log(RS_LOG_WARNING, "%s: the alpha channel of its %s pictures is neither cleaned nor written to %s",
               job->input, vi->pix_fmt, job->output ? job->output : "the output");
    /* FFV1 and pictures take any size; 4:2:2 ProRes codes an odd width's chroma wrongly (encode.c). */
    if (codec && !strcmp(codec, "prores") && job->prores_profile != 4 && c->w & 1)
        ret = rs_error(RS_EUNSUP, "%s: %dx%d has an odd width, which ProRes 422 (%s) cannot hold; write "
                       "ProRes 4444 (prores profile 4), FFV1 (.mkv) or pictures", job->input, c->w, c->h,
                       job->output);
    RsMediaEvent ev;
    while (ret >= 0 && (ret = rs_clip_read(c, d, &ev)) > 0)
        if (ev.type == RS_EVENT_VIDEO) {
            if (c->windowed && c->n && c->n == window_frames(c, job)) {
                snprintf(src->range, sizeof(src->range), "%s", c->full_range ? "pc" : "tv");
                *dp = d;
                *next = ev.video;
                return 1;
            }
            ret = rs_clip_keep(c, ev.video, job, src);
        }
    decode_report(d, st);
    rs_decoder_close(&d);
    if (ret == RS_ENOMEM)
        return rs_error(RS_ENOMEM, "%s: out of memory at frame %d", job->input, c->n);
    if (ret >= 0 && !c->n)
        return rs_error(RS_EMEDIA, "%s: no frame decoded", job->input);
    /* The range as decoded: RGB pictures become full range, YUV keeps its own. */
    snprintf(src->range, sizeof(src->range), "%s", c->full_range ? "pc" : "tv");
    return ret;
}

int rs_clip_open_encoder(RsEncoder **e, const RsClip *c, const RsCleanJob *job, const char *codec,
                         const RsCleanSource *src)
{
    RsEncoderSettings es;
    rs_encoder_default_settings(&es);
    es.video_codec = !strcmp(codec, "prores") ? "prores_ks" : codec;
    es.prores_profile = job->prores_profile ? job->prores_profile : 3;
    es.width = c->w;
    es.height = c->h;
    if (src->rate.num > 0 && src->rate.den > 0)
        es.frame_rate = src->rate;
    es.threads = job->threads ? job->threads : 2;
    es.chroma = !c->lcw ? 444 : c->lch ? 420 : 422;
    es.bit_depth = c->depth;
    es.sar = src->sar;
    es.start_timecode = src->tc;
    es.reel_name = src->reel;
    es.color_range = src->range;
    es.color_space = src->space;
    es.color_primaries = src->primaries;
    es.color_trc = src->trc;
    es.chroma_location = src->location;
    return rs_encoder_open(e, job->output, &es);
}

static int write_shot(const Clip *c, const RsCleanJob *job, const char *codec, const Source *src)
{
    RsEncoder *e;
    int ret = rs_clip_open_encoder(&e, c, job, codec, src);
    for (int t = 0; ret >= 0 && t < c->n; t++) {
        const uint8_t *planes[3] = { c->f[t].plane[0], c->f[t].plane[1], c->f[t].plane[2] };
        ret = rs_encoder_write_video(e, planes, c->f[t].stride);
    }
    if (ret < 0) {
        rs_encoder_discard(&e);
        return ret;
    }
    return rs_encoder_close(&e);
}

/* A printf frame number in the file name ("%d" or "%0Nd"; the folder's part is a name). */
static int has_frame_number(const char *path)
{
    const char *name = strrchr(path, '/');
    return rs_sequence_is_pattern(name ? name + 1 : path);
}

/* Whether a and b name one file that exists (the same device and inode). */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return a && b && !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * The folder of a picture sequence named by path (a folder, or a pattern
 * with a frame number in its file name), into dir; 0 when path names no
 * sequence.
 */
static int sequence_folder(const char *path, char *dir, size_t size)
{
    struct stat st;
    if (!path)
        return 0;
    if (!stat(path, &st))
        return S_ISDIR(st.st_mode) && (size_t)snprintf(dir, size, "%s", path) < size;
    if (!has_frame_number(path))
        return 0;
    const char *slash = strrchr(path, '/');
    return (size_t)snprintf(dir, size, "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".") < size;
}

/* Whether a and b name sequences (sequence_folder()) in the same folder, links resolved. */
static int same_sequence_folder(const char *a, const char *b)
{
    char da[4096], db[4096], ra[PATH_MAX], rb[PATH_MAX];
    return sequence_folder(a, da, sizeof(da)) && sequence_folder(b, db, sizeof(db)) && realpath(da, ra) &&
           realpath(db, rb) && !strcmp(ra, rb);
}

/*
 * The output never takes the place of what the job reads: a new file at the
 * end replaces whatever is at the output's path (rs_encoder_close()), so an
 * output named like the shot, the mask or the review would replace them, and
 * pictures written into the folder of the shot's or the mask's pictures would
 * make it two sequences that no longer read as one.
 */
static int check_not_an_input(const RsCleanJob *job, const char *out, const char *name, int seq)
{
    const char *what[] = { "shot", "mask", "review" };
    const char *in[] = { job->input, job->mask, out == job->review ? NULL : job->review };
    for (int k = 0; k < 3; k++) {
        if (same_file(out, in[k]))
            return rs_error(RS_EINVAL, "%s: the %s is the %s (%s); write it to a new name, rushes never "
                            "replaces what it reads", out, name, what[k], in[k]);
        if (seq && k < 2 && same_sequence_folder(out, in[k]))
            return rs_error(RS_EINVAL, "%s: the %s pictures would go into the folder of the %s's pictures "
                            "(%s); write them to another folder", out, name, what[k], in[k]);
    }
    return 0;
}

/*
 * The output's name and folder, checked before the shot is decoded (which
 * may take minutes). *codec receives the codec it will be written with.
 */
static int check_output(const RsCleanJob *job, const char **codec)
{
    const char *out = job->output;
    const int seq = ends_with(out, ".png") || ends_with(out, ".exr");
    const char *want = job->codec && *job->codec ? job->codec : NULL;
    if (!seq && !ends_with(out, ".mkv") && !ends_with(out, ".mov"))
        return rs_error(RS_EINVAL, "%s: the output is .mkv (FFV1), .mov (ProRes), or a picture sequence "
                        "name_%%06d.png (16-bit PNG) or name_%%06d.exr (half-float EXR)", out);
    if (seq) {
        const char *ext = ends_with(out, ".png") ? "png" : "exr";
        if (!has_frame_number(out))
            return rs_error(RS_EINVAL, "%s: a picture sequence needs a frame number in its file name, "
                            "e.g. name_%%06d.%s", out, ext);
        if (want && strcmp(want, ext))
            return rs_error(RS_EINVAL, "%s: codec '%s' cannot write .%s pictures", out, want, ext);
        *codec = ext;
    } else {
        *codec = want ? want : ends_with(out, ".mov") ? "prores" : "ffv1";
        if (strcmp(*codec, "ffv1") && strcmp(*codec, "prores"))
            return rs_error(RS_EINVAL, "clean: codec '%s' (ffv1 or prores)", *codec);
    }
    char dir[4096];
    const char *slash = strrchr(out, '/');
    if (slash && (size_t)(slash - out) + 2 > sizeof(dir))
        return rs_error(RS_EINVAL, "%s: path too long", out);
    snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - out) + 1 : 1, slash ? out : ".");
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return rs_error(RS_ENOENT, "%s: the output folder %s does not exist", out, dir);
    if (access(dir, W_OK) < 0)
        return rs_error(RS_EACCES, "%s: the output folder %s is not writable", out, dir);
    return check_not_an_input(job, out, "output", seq);
}

/* Add the one-frame defects to the masks (the user's mask, if any, stays). */
static int add_dust(Clip *c, int threshold, int64_t *found, RsFlowCache *flows)
{
    const size_t ln = (size_t)c->w * c->h;
    uint8_t **m = calloc(c->n, sizeof(*m));
    uint8_t *buf = malloc(ln * c->n);
    int ret = !m || !buf ? rs_error(RS_ENOMEM, "dust: out of memory for %d frames", c->n) : 0;
    for (int t = 0; ret >= 0 && t < c->n; t++)
        m[t] = buf + ln * t;
    if (ret >= 0)
        ret = rs_dust_detect_cached(c->f, c->n, c->w, c->h, threshold, m, c->w, found, flows);
    for (int t = 0; ret >= 0 && t < c->n; t++)
        for (size_t i = 0; i < ln; i++)
            ((uint8_t *)c->f[t].mask)[i] |= m[t][i];
    free(buf);
    free(m);
    return ret;
}

const uint8_t **rs_clip_luma8(const Clip *c, uint8_t **guide)
{
    const size_t ln = (size_t)c->w * c->h;
    const uint8_t **l = malloc(sizeof(*l) * c->n);
    *guide = l && c->depth > 8 ? malloc(ln * c->n) : NULL;
    if (!l || (c->depth > 8 && !*guide)) {
        free(l);
        return NULL;
    }
    for (int t = 0; t < c->n; t++) {
        ptrdiff_t stride;
        l[t] = rs_clean_guide(&c->f[t], c->w, c->h, *guide ? *guide + ln * t : NULL, &stride);
    }
    return l;
}

/* Track the mask's tracked shapes, before they are rendered; flows from cache (may be NULL). */
static int track_mask(const Clip *c, RsMask *mask, const RsCleanJob *job, RsCleanStats *st, RsFlowCache *cache)
{
    uint8_t *guide = NULL;
    const uint8_t **l = rs_clip_luma8(c, &guide);
    int tracked = 0;
    int ret = l ? rs_mask_track_cached(mask, l, c->w, c->n, &job->track, &tracked, cache)
                : rs_error(RS_ENOMEM, "%s: out of memory", job->input);
    st->tracked = tracked;
    free(guide);
    free(l);
    return ret;
}

/* Add the scratches found to the masks (what is there stays). */
static int add_scratches(Clip *c, const RsCleanJob *job, RsCleanStats *st, RsFlowCache *flows)
{
    const size_t ln = (size_t)c->w * c->h;
    uint8_t *guide = NULL;
    const uint8_t **l = rs_clip_luma8(c, &guide);
    uint8_t **m = calloc(c->n, sizeof(*m));
    uint8_t *buf = malloc(ln * c->n);
    int ret = !l || !m || !buf ? rs_error(RS_ENOMEM, "scratches: out of memory for %d frames", c->n) : 0;
    for (int t = 0; ret >= 0 && t < c->n; t++)
        m[t] = buf + ln * t;
    int found = 0;
    RsScratch list[32];
    if (ret >= 0)
        ret = rs_scratch_detect_cached(l, c->w, c->n, c->w, c->h, &job->scratch, m, c->w, list, 32, &found,
                                       flows);
    st->scratches = found;
    /* Say where each one is, so a reviewer knows what to look at. */
    for (int i = 0; ret >= 0 && i < found && i < 32; i++)
        rs_log(RS_LOG_INFO, "%s: scratch %d: frames %d-%d, x %.1f-%.1f, %s, %d px, contrast %.1f", job->input, i,
               list[i].first, list[i].last, list[i].x_first, list[i].x_last, list[i].polarity > 0 ? "bright" : "dark",
               list[i].width, list[i].contrast);
    for (int t = 0; ret >= 0 && t < c->n; t++)
        for (size_t i = 0; i < ln; i++) {
            st->scratch_pixels += m[t][i];
            ((uint8_t *)c->f[t].mask)[i] |= m[t][i];
        }
    free(buf);
    free(m);
    free(guide);
    free(l);
    return ret;
}

int rs_clean_file(const RsCleanJob *job, RsCleanStats *stats)
{
    if (!job || !job->input || (!job->mask && !job->dust && !job->scratches && !job->deflicker) ||
        (job->track_only ? !job->mask_out && !job->review : !job->output))
        return rs_error(RS_EINVAL, "clean: the input, the output (or, tracking only, the masks' or the review's) "
                        "and a mask, the dust, the scratch or the deflicker pass are needed");
    if (job->review && !ends_with(job->review, ".mkv"))
        return rs_error(RS_EINVAL, "%s: the review is an .mkv (FFV1)", job->review);
    if (job->dust < 0 || job->dust > 255)
        return rs_error(RS_EINVAL, "clean: dust threshold %d (1..255, 0 for none)", job->dust);
    const char *codec = NULL;
    int ret = job->output ? check_output(job, &codec) : 0;
    if (ret >= 0 && job->review)
        ret = check_not_an_input(job, job->review, "review", 0);
    if (ret >= 0 && job->mask_out && same_sequence_folder(job->mask_out, job->mask))
        ret = rs_error(RS_EINVAL, "%s: the masks would be written into the folder of the mask being read (%s); "
                       "write them to another folder", job->mask_out, job->mask);
    if (ret < 0)
        return ret;
    if (job->prores_profile && job->prores_profile != 3 && job->prores_profile != 4)
        return rs_error(RS_EINVAL, "clean: ProRes profile %d (3 422 HQ, 4 4444)", job->prores_profile);
    /* Checked here too: the windows size their context and carries by it before the fill starts. */
    if (job->fill.refine < 0 || job->fill.refine > 3)
        return rs_error(RS_EINVAL, "clean: refine %d is outside 0..3", job->fill.refine);
    if (job->max_frames < 1 || job->max_memory < 0)
        return rs_error(RS_EINVAL, "clean: max_frames %d, max_memory %lld", job->max_frames,
                        (long long)job->max_memory);
    RsCleanStats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof(*stats));
    Clip c = { 0 };
    c.max_memory = job->max_memory;
    if (!c.max_memory) {
        long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
        c.max_memory = pages > 0 && page > 0 ? (int64_t)pages * page / 4 * 3 : INT64_MAX;
    }
    Source src = { .rate = { 0, 1 } };
    RsMask *mask = NULL;
    RsFillCtx fc = { 0 };
    /* Every pass runs in windows on a long shot (doc/cleanup.md "Long shots"); the deflicker is
     * a stream the decoded frames pass through, whole shot or windows alike. */
    c.windowed = 1;
    c.cancel = job->fill.cancel;
    ret = job->deflicker && !job->track_only ? rs_df_reader_open(&c.dfl, job) : 0;
    RsDecoder *d = NULL;
    const RsVideoFrame *next = NULL;
    if (ret >= 0)
        ret = read_shot(&c, job, codec, &src, &d, &next, stats);
    if (ret == 1) {
        int frames = 0;
        ret = job->mask ? rs_mask_open(&mask, job->mask, c.w, c.h) : 0;
        if (ret >= 0 && mask)
            ret = rs_clean_track_long(&c, mask, job, stats);
        if (ret >= 0)
            ret = rs_clean_windows(&c, d, next, mask, job, codec, &src, stats, &frames);
        rs_df_reader_stats(c.dfl, &stats->deflicker);
        decode_report(d, stats);
        stats->frames = frames;
        rs_decoder_close(&d);
        rs_mask_close(&mask);
        clip_free(&c);
        if (ret >= 0 && !job->track_only) {
            RsManifestInfo mi = { job, codec, frames, c.w, c.h,
                                  src.rate, src.tc, stats, c.depth, layout_name(c.lcw, c.lch) };
            ret = rs_clean_write_manifest(&mi);
        }
        return ret;
    }
    stats->held = c.n;
    stats->frames = job->track_only ? 0 : c.n;
    rs_df_reader_stats(c.dfl, &stats->deflicker);
    if (ret >= 0 && job->mask)
        ret = rs_mask_open(&mask, job->mask, c.w, c.h);
    /* The tracker, the dust test, the scratch detector and the fill follow the same flows on
     * the same (deflickered) frames: computed once, taken over by the fill (flow_cache.h).
     * Tracking alone keeps no cache: it reads one field at a time, the cache holds them all. */
    RsFlowCache flows = { 0 };
    RsFlowCache *fl = NULL;
    if (ret >= 0 && (job->dust || job->scratches || (rs_mask_tracked_shapes(mask) && !job->track_only))) {
        RsFlowSettings fs;
        rs_flow_default_settings(&fs);
        ret = rs_flow_cache_init(&flows, c.f, c.n, c.w, c.h, &fs, job->fill.threads);
        flows.cancel = job->fill.cancel;
        if (ret == RS_ENOMEM)
            ret = rs_error(RS_ENOMEM, "%s: out of memory for %d frames", job->input, c.n);
        fl = ret >= 0 ? &flows : NULL;
    }
    if (ret >= 0 && mask)
        ret = track_mask(&c, mask, job, stats, fl);
    for (int t = 0; ret >= 0 && t < c.n; t++) {
        if (mask)
            ret = rs_mask_render(mask, t, (uint8_t *)c.f[t].mask, c.f[t].mask_stride);
        else
            memset((uint8_t *)c.f[t].mask, 0, (size_t)c.w * c.h);
    }
    rs_mask_close(&mask);
    int64_t dust = 0;
    if (ret >= 0 && job->dust)
        ret = add_dust(&c, job->dust, &dust, fl);
    if (ret >= 0 && job->scratches)
        ret = add_scratches(&c, job, stats, fl);
    /* Fields the fill would not take would only be held twice: with flow_median set the fill's
     * own flows have a median after each level, the dust test's and the scratch detector's
     * never do. */
    const RsFlowSettings ffs = { job->fill.flow_patch_size, job->fill.flow_patch_stride, job->fill.flow_iterations,
                                 job->fill.flow_finest_level, job->fill.flow_median };
    if (fl && !rs_flow_cache_matches(fl, &ffs, c.w, c.h)) {
        rs_flow_cache_free(fl);
        fl = NULL;
    }
    if (ret >= 0 && job->mask_out)
        ret = rs_clean_write_masks(job->mask_out, c.f, c.n, c.w, c.h);
    if (ret >= 0 && job->review)
        ret = rs_clean_write_review(job->review, c.f, c.n, c.w, c.h, c.lcw, c.lch, src.rate, src.tc,
                                    job->threads);
    if (ret >= 0 && job->track_only) {
        rs_flow_cache_free(&flows);
        clip_free(&c);
        stats->dust = dust;
        return 0;
    }
    /* Deflicker alone masks nothing: the flows of the fill would be wasted. */
    const int fill = job->mask || job->dust || job->scratches;
    if (ret >= 0 && fill) {
        ret = rs_fill_prepare_cached(&fc, c.f, c.n, c.w, c.h, c.lcw, c.lch, &job->fill, fl);
        if (ret == RS_ENOMEM)
            ret = rs_error(RS_ENOMEM, "%s: out of memory for the flow of %d frames", job->input, c.n);
        if (job->progress)
            job->progress(job->opaque, 0, (1 + job->fill.refine) * c.n);
    }
    if (ret >= 0 && fill)
        ret = rs_fill_all(&fc, stats, job->progress, job->opaque);
    rs_fill_free(&fc);
    rs_flow_cache_free(&flows);
    stats->dust = dust;
    if (ret >= 0)
        ret = write_shot(&c, job, codec, &src);
    if (ret >= 0) {
        RsManifestInfo mi = { job, codec, c.n, c.w, c.h,
                              src.rate, src.tc, stats, c.depth, layout_name(c.lcw, c.lch) };
        ret = rs_clean_write_manifest(&mi);
    }
    clip_free(&c);
    return ret;
}
