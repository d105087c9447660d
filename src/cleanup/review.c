/*
 * Review output of the clean job: the masks as numbered PNGs, and the source
 * with the masks tinted, so a supervisor can see what a tracked mask or a
 * detector took before the fill is trusted.
 */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup/fill.h"
#include "cleanup/review.h"
#include "rushes/encode.h"
#include "rushes/error.h"
#include "rushes/log.h"

/* libpng reports a failure by longjmp; the message goes to our log, not stderr. */
static void png_fail(png_structp png, png_const_charp msg)
{
    rs_log(RS_LOG_DEBUG, "libpng: %s", msg);
    png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp msg)
{
    (void)png;
    rs_log(RS_LOG_DEBUG, "libpng: %s", msg);
}

/* One mask as an 8-bit grey PNG, white (255) where masked. row is w bytes of scratch. */
static int write_png(const char *path, const uint8_t *mask, ptrdiff_t stride, int w, int h, uint8_t *row)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return rs_error(RS_EIO, "%s: cannot create the mask picture", path);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_warn);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        fclose(f);
        return rs_error(RS_ENOMEM, "%s: out of memory", path);
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        fclose(f);
        return rs_error(RS_EIO, "%s: write failed", path);
    }
    png_init_io(png, f);
    /* Masks are flat: fast compression keeps them small without costing time. */
    png_set_compression_level(png, 1);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++)
            row[x] = mask[y * stride + x] ? 255 : 0;
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    if (ferror(f) | fclose(f))
        return rs_error(RS_EIO, "%s: write failed", path);
    return 0;
}

int rs_clean_mask_folder(const char *dir)
{
    if (mkdir(dir, 0777) < 0 && errno != EEXIST)
        return rs_error(RS_EIO, "%s: cannot create the mask folder", dir);
    return 0;
}

int rs_clean_write_mask(const char *dir, int64_t t, const RsCleanFrame *f, int w, int h)
{
    const size_t len = strlen(dir) + 32;
    char *path = malloc(len);
    uint8_t *row = malloc((size_t)w);
    int ret = !path || !row ? rs_error(RS_ENOMEM, "%s: out of memory", dir) : 0;
    if (ret >= 0) {
        snprintf(path, len, "%s/mask_%06lld.png", dir, (long long)t);
        ret = write_png(path, f->mask, f->mask_stride, w, h, row);
    }
    free(row);
    free(path);
    return ret;
}

int rs_clean_write_masks(const char *dir, const RsCleanFrame *f, int n, int w, int h)
{
    int ret = rs_clean_mask_folder(dir);
    for (int t = 0; ret >= 0 && t < n; t++)
        ret = rs_clean_write_mask(dir, t, &f[t], w, h);
    return ret;
}

struct RsCleanReview {
    RsEncoder *e;
    int w, h, lcw, lch, cw, ch;
    uint8_t *p[3];
};

int rs_clean_review_open(RsCleanReview **out, const char *path, int w, int h, int lcw, int lch, RsRational rate,
                         const char *tc, int threads)
{
    *out = NULL;
    RsEncoderSettings es;
    rs_encoder_default_settings(&es);
    es.video_codec = "ffv1";
    es.width = w;
    es.height = h;
    if (rate.num > 0 && rate.den > 0)
        es.frame_rate = rate;
    es.threads = threads ? threads : 2;
    es.chroma = !lcw ? 444 : lch ? 420 : 422;
    es.chroma_444 = !lcw;
    es.start_timecode = tc;
    RsCleanReview *r = calloc(1, sizeof(*r));
    const int cw = (w + (1 << lcw) - 1) >> lcw, ch = (h + (1 << lch) - 1) >> lch;
    uint8_t *buf = r ? malloc((size_t)w * h + 2 * (size_t)cw * ch) : NULL;
    if (!buf) {
        free(r);
        return rs_error(RS_ENOMEM, "%s: out of memory", path);
    }
    *r = (RsCleanReview){ NULL, w, h, lcw, lch, cw, ch,
                          { buf, buf + (size_t)w * h, buf + (size_t)w * h + (size_t)cw * ch } };
    int ret = rs_encoder_open(&r->e, path, &es);
    if (ret < 0) {
        free(buf);
        free(r);
        return ret;
    }
    *out = r;
    return 0;
}

int rs_clean_review_write(RsCleanReview *r, const RsCleanFrame *fr)
{
    /* Pure red in BT.709 limited range, mixed half and half with the picture. */
    static const int red[3] = { 63, 102, 240 };
    const int depth = rs_clean_depth(fr), hbd = depth > 8, sh8 = depth - 8;
    const int half = sh8 ? 1 << (sh8 - 1) : 0;
    for (int pl = 0; pl < 3; pl++) {
        const int pw = pl ? r->cw : r->w, ph = pl ? r->ch : r->h, sx = pl ? r->lcw : 0, sy = pl ? r->lch : 0;
        for (int y = 0; y < ph; y++)
            for (int x = 0; x < pw; x++) {
                int v = (rs_px(fr->plane[pl], fr->stride[pl], hbd, x, y) + half) >> sh8;
                v = v > 255 ? 255 : v;
                /* A chroma sample is tinted when the top-left luma pixel it covers is masked. */
                if (fr->mask[(y << sy) * fr->mask_stride + (x << sx)])
                    v = (v + red[pl] + 1) >> 1;
                r->p[pl][(size_t)y * pw + x] = (uint8_t)v;
            }
    }
    const uint8_t *planes[3] = { r->p[0], r->p[1], r->p[2] };
    const ptrdiff_t strides[3] = { r->w, r->cw, r->cw };
    return rs_encoder_write_video(r->e, planes, strides);
}

int rs_clean_review_close(RsCleanReview **rp, int keep)
{
    RsCleanReview *r = *rp;
    if (!r)
        return 0;
    int ret = 0;
    if (keep)
        ret = rs_encoder_close(&r->e);
    else
        rs_encoder_discard(&r->e);
    free(r->p[0]);
    free(r);
    *rp = NULL;
    return ret;
}

int rs_clean_write_review(const char *path, const RsCleanFrame *f, int n, int w, int h, int lcw, int lch,
                          RsRational rate, const char *tc, int threads)
{
    RsCleanReview *r;
    int ret = rs_clean_review_open(&r, path, w, h, lcw, lch, rate, tc, threads);
    for (int t = 0; ret >= 0 && t < n; t++)
        ret = rs_clean_review_write(r, &f[t]);
    int cret = rs_clean_review_close(&r, ret >= 0);
    return ret < 0 ? ret : cret;
}
