/*
 * Shot thumbnails and the contact sheet (rushes/thumbs.h): one decode of the
 * clip; each frame a shot needs is box-filtered down to the thumbnail size
 * (8-bit 4:2:0) and written as JPEG at once; the middle frames are also kept
 * at tile size for the contact sheet, composed at the end.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rushes/error.h"
#include "rushes/media.h"
#include "rushes/thumbs.h"

void rs_thumb_default_settings(RsThumbSettings *s)
{
    s->width = 320;
    s->quality = 4;
    s->sheet_columns = 6;
    s->sheet_tile_width = 240;
}

typedef struct Pic {
    int w, h;
    uint8_t *p[3];
    ptrdiff_t stride[3];
} Pic;

static int pic_alloc(Pic *pic, int w, int h)
{
    pic->w = w;
    pic->h = h;
    pic->stride[0] = w;
    pic->stride[1] = pic->stride[2] = w / 2;
    pic->p[0] = malloc((size_t)w * h * 3 / 2);
    if (!pic->p[0])
        return RS_ENOMEM;
    pic->p[1] = pic->p[0] + (size_t)w * h;
    pic->p[2] = pic->p[1] + (size_t)w * h / 4;
    return 0;
}

/* Average the source box under each destination sample, and bring 9-16 bit samples to 8 bits. */
static void box_scale(const RsPlane *src, int bit_depth, uint8_t *dst, ptrdiff_t dstride, int dw, int dh)
{
    const int shift = bit_depth > 8 ? bit_depth - 8 : 0;
    for (int y = 0; y < dh; y++) {
        int y0 = (int)((int64_t)y * src->height / dh), y1 = (int)((int64_t)(y + 1) * src->height / dh);
        if (y1 <= y0)
            y1 = y0 + 1;
        for (int x = 0; x < dw; x++) {
            int x0 = (int)((int64_t)x * src->width / dw), x1 = (int)((int64_t)(x + 1) * src->width / dw);
            if (x1 <= x0)
                x1 = x0 + 1;
            uint64_t sum = 0;
            for (int j = y0; j < y1; j++) {
                const uint8_t *row = src->data + src->stride * j;
                if (src->bytes_per_sample == 2)
                    for (int i = x0; i < x1; i++)
                        sum += ((const uint16_t *)row)[i];
                else
                    for (int i = x0; i < x1; i++)
                        sum += row[i];
            }
            const uint64_t n = (uint64_t)(x1 - x0) * (uint64_t)(y1 - y0);
            uint64_t v = ((sum + n / 2) / n) >> shift;
            dst[dstride * y + x] = (uint8_t)(v > 255 ? 255 : v);
        }
    }
}

static void scale_frame(const RsVideoFrame *f, Pic *pic)
{
    box_scale(&f->plane[0], f->bit_depth, pic->p[0], pic->stride[0], pic->w, pic->h);
    for (int c = 1; c < 3; c++)
        box_scale(&f->plane[c], f->bit_depth, pic->p[c], pic->stride[c], pic->w / 2, pic->h / 2);
}

/* Height for width w keeping the display aspect ratio, rounded to even. */
static int height_for(int w, const RsVideoFrame *f, RsRational sar, int turned)
{
    double dar_w = (double)f->width * (turned ? sar.den : sar.num), dar_h = (double)f->height * (turned ? sar.num : sar.den);
    int h = (int)(w * dar_h / dar_w / 2 + 0.5) * 2;
    return h < 2 ? 2 : h;
}

typedef struct Job {
    const RsShotList *l;
    const RsThumbSettings *s;
    const char *dir;
    char base[RS_INTERCHANGE_NAME_MAX];
    Pic *tiles;             /* one per shot, the middle frame at tile size */
    int full_range;
} Job;

static int write_thumb(Job *j, const RsVideoFrame *f, RsRational sar, int turned, int shot, const char *which)
{
    Pic pic;
    int ret = pic_alloc(&pic, j->s->width, height_for(j->s->width, f, sar, turned));
    if (ret < 0)
        return ret;
    scale_frame(f, &pic);
    size_t n = strlen(j->dir) + strlen(j->base) + 32;
    char *path = malloc(n);
    if (!path) {
        free(pic.p[0]);
        return RS_ENOMEM;
    }
    snprintf(path, n, "%s/%s_shot%03d_%s.jpg", j->dir, j->base, shot + 1, which);
    ret = rs_jpeg_write(path, (const uint8_t *const *)pic.p, pic.stride, pic.w, pic.h, f->full_range, j->s->quality);
    free(path);
    free(pic.p[0]);
    return ret;
}

static int write_sheet(Job *j)
{
    const RsShotList *l = j->l;
    int th = 0;
    for (int i = 0; i < l->nb_shots; i++)
        if (j->tiles[i].h > th)
            th = j->tiles[i].h;
    const int cols = l->nb_shots < j->s->sheet_columns ? l->nb_shots : j->s->sheet_columns;
    const int rows = (l->nb_shots + cols - 1) / cols, gap = 8, tw = j->s->sheet_tile_width;
    const int w = cols * tw + (cols + 1) * gap, h = rows * th + (rows + 1) * gap;
    if (w > 16384 || h > 16384)
        return rs_error(RS_EINVAL, "contact sheet of %d shots would be %dx%d pixels: use more columns or smaller tiles",
                        l->nb_shots, w, h);
    Pic sheet;
    int ret = pic_alloc(&sheet, w, h);
    if (ret < 0)
        return ret;
    /* A dark grey ground, in the range of the pictures. */
    memset(sheet.p[0], j->full_range ? 24 : 36, (size_t)w * h);
    memset(sheet.p[1], 128, (size_t)w * h / 2);
    for (int i = 0; i < l->nb_shots; i++) {
        const Pic *t = &j->tiles[i];
        if (!t->p[0])
            continue;
        const int x = gap + (i % cols) * (tw + gap), y = gap + (i / cols) * (th + gap) + (th - t->h) / 2 / 2 * 2;
        for (int r = 0; r < t->h; r++)
            memcpy(sheet.p[0] + (size_t)(y + r) * w + x, t->p[0] + (size_t)r * t->w, (size_t)t->w);
        for (int c = 1; c < 3; c++)
            for (int r = 0; r < t->h / 2; r++)
                memcpy(sheet.p[c] + (size_t)(y / 2 + r) * (w / 2) + x / 2, t->p[c] + (size_t)r * (t->w / 2),
                       (size_t)t->w / 2);
    }
    size_t n = strlen(j->dir) + strlen(j->base) + 32;
    char *path = malloc(n);
    if (path) {
        snprintf(path, n, "%s/%s_contact.jpg", j->dir, j->base);
        ret = rs_jpeg_write(path, (const uint8_t *const *)sheet.p, sheet.stride, w, h, j->full_range, j->s->quality);
        free(path);
    } else {
        ret = RS_ENOMEM;
    }
    free(sheet.p[0]);
    return ret;
}

int rs_shot_thumbnails(const char *path, const RsShotList *l, const char *out_dir, const RsThumbSettings *s)
{
    if (!l || l->nb_shots < 1)
        return rs_error(RS_EINVAL, "%s: no shots to make thumbnails of", path);
    if (s->width < 16 || (s->width & 1) || s->width > 4096 || s->sheet_tile_width < 16 || (s->sheet_tile_width & 1) ||
        s->sheet_tile_width > 4096 || s->sheet_columns < 1 || s->quality < 2 || s->quality > 31)
        return rs_error(RS_EINVAL, "thumbnails: width and tile width must be even, 16-4096; columns >= 1; quality 2-31");
    for (int i = 0; i < l->nb_shots; i++)
        if (l->shots[i].in < 0 || l->shots[i].out < l->shots[i].in)
            return rs_error(RS_EINVAL, "%s: shot %d has frames %lld-%lld", path, i + 1, (long long)l->shots[i].in,
                            (long long)l->shots[i].out);
    Job j = { l, s, out_dir, "", NULL, 0 };
    snprintf(j.base, sizeof(j.base), "%s", l->clip[0] ? l->clip : "clip");
    char *dot = strrchr(j.base, '.');
    if (dot && dot != j.base)
        *dot = 0;
    if (!(j.tiles = calloc((size_t)l->nb_shots, sizeof(*j.tiles))))
        return RS_ENOMEM;
    RsDecoderSettings ds;
    rs_decoder_default_settings(&ds);
    ds.apply_rotation = 1;
    RsDecoder *d = NULL;
    const RsMediaInfo *info = NULL;
    int ret = rs_decoder_open(&d, path, &ds, &info);
    int64_t last = l->shots[l->nb_shots - 1].out;
    int done = 0, cur = 0;
    while (ret >= 0 && cur < l->nb_shots) {
        RsMediaEvent ev;
        ret = rs_decoder_read(d, &ev);
        if (ret <= 0)
            break;
        if (ev.type != RS_EVENT_VIDEO)
            continue;
        const RsVideoFrame *f = ev.video;
        const RsVideoInfo *vi = info && info->nb_video ? &info->video[0] : NULL;
        RsRational sar = vi && vi->sar.num > 0 && vi->sar.den > 0 ? vi->sar : (RsRational){ 1, 1 };
        int turned = vi && (vi->rotation == 90 || vi->rotation == 270);
        j.full_range = f->full_range;
        /* Shots are in order and do not overlap: every frame belongs to the current shot or a later one. */
        while (cur < l->nb_shots && f->index > l->shots[cur].out)
            cur++;
        if (cur >= l->nb_shots)
            break;
        const RsShot *sh = &l->shots[cur];
        const int64_t mid = sh->in + (sh->out - sh->in) / 2;
        const char *which[3] = { NULL, NULL, NULL };
        int k = 0;
        if (f->index == sh->in)
            which[k++] = "first";
        if (f->index == mid)
            which[k++] = "mid";
        if (f->index == sh->out)
            which[k++] = "last";
        for (int i = 0; i < k && ret >= 0; i++)
            ret = write_thumb(&j, f, sar, turned, cur, which[i]);
        if (ret >= 0 && f->index == mid) {
            Pic *t = &j.tiles[cur];
            if ((ret = pic_alloc(t, s->sheet_tile_width, height_for(s->sheet_tile_width, f, sar, turned))) >= 0)
                scale_frame(f, t);
        }
        if (f->index == sh->out)
            done = cur + 1;
        if (f->index >= last)
            break;
    }
    rs_decoder_close(&d);
    if (ret >= 0 && done < l->nb_shots)
        ret = rs_error(RS_EMEDIA, "%s: shot %d ends at frame %lld but the clip decodes no further", path, done + 1,
                       (long long)l->shots[done].out);
    if (ret >= 0)
        ret = write_sheet(&j);
    for (int i = 0; i < l->nb_shots; i++)
        free(j.tiles[i].p[0]);
    free(j.tiles);
    return ret < 0 ? ret : 0;
}
