/*
 * Masks: shapes keyed on frames (JSON) or pictures (one, or one per frame).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup/track_internal.h"
#include "core/json_read.h"
#include "media/sequence.h"
#include "rushes/cleanup.h"
#include "rushes/error.h"
#include "rushes/media.h"
#include "rushes/track.h"

enum { SHAPE_RECT, SHAPE_ELLIPSE, SHAPE_POLYGON };

typedef struct Key {
    int64_t frame;
    double *v;              /* nv numbers */
} Key;

typedef struct Shape {
    int type, nv;
    int nkeys;
    Key *keys;
    int track;              /* "track": true: follow the motion inside it (rs_mask_track) */
    /* After rs_mask_track: the polygon (tnv numbers) on each of ntracked frames. */
    int ntracked, tnv;
    double *tracked;
} Shape;

struct RsMask {
    int w, h;
    char *path;
    /* JSON shapes */
    int nshapes;
    Shape *shapes;
    double *scratch;        /* interpolated numbers of one shape */
    int margin;             /* tracked shapes grow by this much when drawn */
    uint8_t *grown, *tmp;   /* w x h each: tracked shapes drawn before they grow */
    /* pictures */
    RsDecoder *dec;
    int single;             /* one picture for every frame */
    uint8_t *still;         /* the last picture read, thresholded */
    int64_t next;           /* index of the next picture the decoder gives */
};

static char *read_text(const char *path, int *ret)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *ret = rs_error(RS_ENOENT, "%s: cannot open the mask file", path);
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *b = malloc(cap);
    for (size_t got; b && (got = fread(b + len, 1, cap - len - 1, f)) > 0;) {
        len += got;
        if (len + 1 == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb)
                free(b);
            b = nb;
        }
    }
    fclose(f);
    if (!b)
        *ret = rs_error(RS_ENOMEM, "%s: out of memory", path);
    else
        b[len] = 0;
    return b;
}

static int parse_shape(RsMask *m, const RsJsonValue *js, int idx, Shape *sh)
{
    const RsJsonValue *type = rs_json_member(js, "type"), *keys = rs_json_member(js, "keys");
    static const char *const names[] = { "rect", "ellipse", "polygon" };
    if (!type || type->type != RS_JSON_STRING)
        return rs_error(RS_EINVAL, "%s: shapes[%d] has no \"type\"", m->path, idx);
    sh->type = -1;
    for (int i = 0; i < 3; i++)
        if (!strcmp(type->string, names[i]))
            sh->type = i;
    if (sh->type < 0)
        return rs_error(RS_EINVAL, "%s: shapes[%d]: unknown type \"%s\" (rect, ellipse or polygon)",
                        m->path, idx, type->string);
    const RsJsonValue *track = rs_json_member(js, "track");
    if (track && track->type != RS_JSON_BOOL)
        return rs_error(RS_EINVAL, "%s: shapes[%d]: \"track\" is true or false", m->path, idx);
    sh->track = track && track->boolean;
    if (!keys || keys->type != RS_JSON_ARRAY || !keys->count)
        return rs_error(RS_EINVAL, "%s: shapes[%d] has no \"keys\" array", m->path, idx);
    sh->keys = calloc(keys->count, sizeof(Key));
    if (!sh->keys)
        return RS_ENOMEM;
    const char *field = names[sh->type];
    for (int k = 0; k < keys->count; k++) {
        const RsJsonValue *key = &keys->items[k], *fr = rs_json_member(key, "frame"), *arr = rs_json_member(key, field);
        if (!fr || fr->type != RS_JSON_NUMBER || fr->number < 0 || fr->number > 1e12 || fr->number != floor(fr->number))
            return rs_error(RS_EINVAL, "%s: shapes[%d].keys[%d]: \"frame\" must be a frame number",
                            m->path, idx, k);
        if (!arr || arr->type != RS_JSON_ARRAY)
            return rs_error(RS_EINVAL, "%s: shapes[%d].keys[%d] has no \"%s\" array", m->path, idx, k, field);
        int want = sh->type == SHAPE_POLYGON ? arr->count : 4;
        if (sh->type == SHAPE_POLYGON && (want < 6 || want % 2 || want > 512))
            return rs_error(RS_EINVAL, "%s: shapes[%d].keys[%d]: a polygon needs x,y pairs of 3 to 256 points",
                            m->path, idx, k);
        if (arr->count != want || (k && want != sh->nv))
            return rs_error(RS_EINVAL, "%s: shapes[%d].keys[%d]: \"%s\" has %d numbers, expected %d",
                            m->path, idx, k, field, arr->count, k ? sh->nv : want);
        sh->nv = want;
        sh->keys[k].frame = (int64_t)fr->number;
        if (k && sh->keys[k].frame <= sh->keys[k - 1].frame)
            return rs_error(RS_EINVAL, "%s: shapes[%d].keys[%d]: frame %lld is not after frame %lld",
                            m->path, idx, k, (long long)sh->keys[k].frame, (long long)sh->keys[k - 1].frame);
        sh->keys[k].v = malloc(sizeof(double) * want);
        sh->nkeys = k + 1;
        if (!sh->keys[k].v)
            return RS_ENOMEM;
        for (int i = 0; i < want; i++) {
            /* Coordinates beyond a million pixels are typing errors, and would overflow the rasteriser. */
            if (arr->items[i].type != RS_JSON_NUMBER || fabs(arr->items[i].number) > 1e6)
                return rs_error(RS_EINVAL, "%s: shapes[%d].keys[%d].%s[%d] is not a number within +-1e6",
                                m->path, idx, k, field, i);
            sh->keys[k].v[i] = arr->items[i].number;
        }
        /* A rectangle or an ellipse with no size draws nothing: a typing error, not a mask. */
        if (sh->type != SHAPE_POLYGON && (sh->keys[k].v[2] <= 0 || sh->keys[k].v[3] <= 0))
            return rs_error(RS_EINVAL, "%s: shapes[%d].keys[%d]: the %s's %s (%g, %g) must be more than 0",
                            m->path, idx, k, field, sh->type == SHAPE_RECT ? "width and height" : "radii",
                            sh->keys[k].v[2], sh->keys[k].v[3]);
    }
    return 0;
}

static int open_json(RsMask *m)
{
    int ret = 0;
    char *text = read_text(m->path, &ret);
    if (!text)
        return ret;
    RsJsonValue *root = NULL;
    ret = rs_json_parse(m->path, text, strlen(text), &root);
    free(text);
    if (ret < 0)
        return ret;
    const RsJsonValue *shapes = rs_json_member(root, "shapes");
    int maxv = 4;
    if (!shapes || shapes->type != RS_JSON_ARRAY) {
        ret = rs_error(RS_EINVAL, "%s: no \"shapes\" array at the top level", m->path);
    } else if (!(m->shapes = calloc(shapes->count ? shapes->count : 1, sizeof(Shape)))) {
        ret = RS_ENOMEM;
    } else {
        for (int i = 0; i < shapes->count && ret >= 0; i++) {
            m->nshapes = i + 1;
            ret = parse_shape(m, &shapes->items[i], i, &m->shapes[i]);
            if (m->shapes[i].nv > maxv)
                maxv = m->shapes[i].nv;
        }
    }
    rs_json_value_free(&root);
    if (ret >= 0 && !(m->scratch = malloc(sizeof(double) * maxv)))
        ret = RS_ENOMEM;
    return ret == RS_ENOMEM ? rs_error(RS_ENOMEM, "%s: out of memory", m->path) : ret;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcasecmp(s + a - b, suffix);
}

int rs_mask_open(RsMask **out, const char *path, int width, int height)
{
    *out = NULL;
    if (!path || !*path || width <= 0 || height <= 0)
        return rs_error(RS_EINVAL, "mask: no path or a bad size %dx%d", width, height);
    RsMask *m = calloc(1, sizeof(*m));
    if (!m || !(m->path = strdup(path)) || !(m->still = malloc((size_t)width * height))) {
        rs_mask_close(&m);
        return rs_error(RS_ENOMEM, "%s: out of memory", path);
    }
    m->w = width;
    m->h = height;
    int ret;
    if (ends_with(path, ".json")) {
        ret = open_json(m);
    } else {
        const RsMediaInfo *info;
        RsDecoderSettings ds;
        rs_decoder_default_settings(&ds);
        ds.threads = 1;
        ret = rs_decoder_open(&m->dec, path, &ds, &info);
        if (ret >= 0) {
            m->single = !info->is_image_sequence;
            if (!info->nb_video)
                ret = rs_error(RS_EMEDIA, "%s: the mask has no picture", path);
            else if (info->video[0].width <= 0 || info->video[0].height <= 0)
                ret = rs_error(RS_EMEDIA, "%s: the mask cannot be read as a picture (a damaged file, or not a "
                               "picture)", path);
            else if (info->video[0].width != width || info->video[0].height != height)
                ret = rs_error(RS_EINVAL, "%s: the mask is %dx%d, the shot %dx%d", path,
                               info->video[0].width, info->video[0].height, width, height);
        }
    }
    if (ret < 0)
        rs_mask_close(&m);
    *out = m;
    return ret;
}

/* The error for mask picture m->next (the one frame needs), which could not be decoded. */
static int bad_picture(const RsMask *m, int64_t frame)
{
    RsSequence seq = { 0 };
    char name[4096] = "";
    struct stat st;
    const int found = !stat(m->path, &st) && S_ISDIR(st.st_mode) ? rs_sequence_from_dir(m->path, &seq)
                      : rs_sequence_is_pattern(m->path)         ? rs_sequence_from_pattern(m->path, &seq)
                                                                 : -1;
    if (found < 0 || rs_sequence_file(&seq, m->next, name, sizeof(name)) < 0)
        *name = 0;
    rs_sequence_free(&seq);
    rs_error_clear();
    if (!*name || m->single)
        return rs_error(RS_EMEDIA, "%s: the mask picture cannot be decoded (a damaged file, or not a picture)",
                        m->path);
    return rs_error(RS_EMEDIA, "%s: the mask picture for frame %lld, %s, cannot be decoded (a damaged file, or "
                    "not a picture)", m->path, (long long)frame, name);
}

/* Read the next picture of the sequence into m->still. */
static int read_picture(RsMask *m, int64_t frame)
{
    RsMediaEvent ev;
    int ret;
    while ((ret = rs_decoder_read(m->dec, &ev)) > 0 && ev.type != RS_EVENT_VIDEO)
        ;
    if (ret < 0)
        return ret;
    /* A picture the decoder could not read is skipped by it, which would give every frame after it
     * the next frame's mask: here it is an error that names the file. */
    RsDecodeStats ds;
    rs_decoder_stats(m->dec, &ds);
    if (ds.decode_errors || ds.corrupt_frames)
        return bad_picture(m, frame);
    if (!ret)
        return rs_error(RS_EMEDIA, "%s: no mask picture for frame %lld", m->path, (long long)frame);
    const RsPlane *y = &ev.video->plane[0];
    const int shift = ev.video->bit_depth - 8;
    for (int r = 0; r < m->h; r++)
        for (int x = 0; x < m->w; x++) {
            int v = y->bytes_per_sample == 2 ? ((const uint16_t *)(y->data + r * y->stride))[x] >> shift
                                             : y->data[r * y->stride + x];
            m->still[(size_t)r * m->w + x] = v >= 128;
        }
    m->next++;
    return 0;
}

static void fill_rect(const RsMask *m, const double *v, uint8_t *out, ptrdiff_t stride)
{
    int x0 = (int)ceil(v[0] - 0.5), y0 = (int)ceil(v[1] - 0.5);
    int x1 = (int)ceil(v[0] + v[2] - 0.5), y1 = (int)ceil(v[1] + v[3] - 0.5);
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > m->w) x1 = m->w;
    if (y1 > m->h) y1 = m->h;
    for (int y = y0; y < y1; y++)
        if (x1 > x0)
            memset(out + y * stride + x0, 1, x1 - x0);
}

static void fill_ellipse(const RsMask *m, const double *v, uint8_t *out, ptrdiff_t stride)
{
    const double rx = fabs(v[2]), ry = fabs(v[3]);
    if (rx <= 0 || ry <= 0)
        return;
    for (int y = 0; y < m->h; y++) {
        double dy = (y + 0.5 - v[1]) / ry;
        if (dy * dy > 1)
            continue;
        double half = rx * sqrt(1 - dy * dy);
        for (int x = (int)fmax(0, floor(v[0] - half)); x < m->w && x <= v[0] + half; x++) {
            double dx = (x + 0.5 - v[0]) / rx;
            if (dx * dx + dy * dy <= 1)
                out[y * stride + x] = 1;
        }
    }
}

/* Even-odd rule on pixel centres, one scanline at a time. */
void rs_mask_fill_polygon(const double *v, int nv, int w, int h, uint8_t *out, ptrdiff_t stride)
{
    const int np = nv / 2;
    double xs[256];
    for (int y = 0; y < h; y++) {
        const double cy = y + 0.5;
        int n = 0;
        for (int i = 0; i < np && n < 256; i++) {
            double ax = v[2 * i], ay = v[2 * i + 1];
            double bx = v[2 * ((i + 1) % np)], by = v[2 * ((i + 1) % np) + 1];
            if ((ay <= cy && by > cy) || (by <= cy && ay > cy))
                xs[n++] = ax + (cy - ay) * (bx - ax) / (by - ay);
        }
        for (int i = 1; i < n; i++)
            for (int j = i; j > 0 && xs[j - 1] > xs[j]; j--) {
                double t = xs[j];
                xs[j] = xs[j - 1];
                xs[j - 1] = t;
            }
        for (int i = 0; i + 1 < n; i += 2)
            for (int x = (int)fmax(0, ceil(xs[i] - 0.5)); x < w && x + 0.5 < xs[i + 1]; x++)
                out[y * stride + x] = 1;
    }
}

int rs_mask_render(RsMask *m, int64_t frame, uint8_t *out, ptrdiff_t stride)
{
    if (frame < 0)
        return rs_error(RS_EINVAL, "%s: frame %lld", m->path, (long long)frame);
    if (m->dec) {
        if (m->single) {
            if (!m->next) {
                int ret = read_picture(m, frame);
                if (ret < 0)
                    return ret;
            }
        } else {
            if (frame < m->next - 1)
                return rs_error(RS_EINVAL, "%s: frame %lld asked after frame %lld", m->path,
                                (long long)frame, (long long)m->next - 1);
            while (m->next <= frame) {
                int ret = read_picture(m, m->next);
                if (ret < 0)
                    return ret;
            }
        }
        for (int y = 0; y < m->h; y++)
            memcpy(out + y * stride, m->still + (size_t)y * m->w, m->w);
        return 0;
    }
    for (int y = 0; y < m->h; y++)
        memset(out + y * stride, 0, m->w);
    int grown = 0;
    for (int i = 0; i < m->nshapes; i++) {
        const Shape *sh = &m->shapes[i];
        if (sh->tracked) {
            /* Drawn apart first when they grow: the margin is theirs, not the other shapes'. */
            const int64_t t = frame < sh->ntracked ? frame : sh->ntracked - 1;
            if (m->margin && !grown++)
                memset(m->grown, 0, (size_t)m->w * m->h);
            rs_mask_fill_polygon(sh->tracked + t * sh->tnv, sh->tnv, m->w, m->h, m->margin ? m->grown : out,
                                 m->margin ? m->w : stride);
            continue;
        }
        int k = 0;
        while (k + 1 < sh->nkeys && sh->keys[k + 1].frame <= frame)
            k++;
        const double *v = sh->keys[k].v;
        if (k + 1 < sh->nkeys && frame > sh->keys[k].frame) {
            const Key *a = &sh->keys[k], *b = &sh->keys[k + 1];
            double t = (double)(frame - a->frame) / (double)(b->frame - a->frame);
            for (int j = 0; j < sh->nv; j++)
                m->scratch[j] = a->v[j] + t * (b->v[j] - a->v[j]);
            v = m->scratch;
        }
        if (sh->type == SHAPE_RECT)
            fill_rect(m, v, out, stride);
        else if (sh->type == SHAPE_ELLIPSE)
            fill_ellipse(m, v, out, stride);
        else
            rs_mask_fill_polygon(v, sh->nv, m->w, m->h, out, stride);
    }
    if (grown) {
        rs_mask_dilate(m->grown, m->w, m->w, m->h, m->margin, m->tmp);
        for (int y = 0; y < m->h; y++)
            for (int x = 0; x < m->w; x++)
                out[y * stride + x] |= m->grown[(size_t)y * m->w + x];
    }
    return 0;
}

void rs_mask_close(RsMask **pm)
{
    RsMask *m = *pm;
    if (!m)
        return;
    for (int i = 0; i < m->nshapes; i++) {
        for (int k = 0; k < m->shapes[i].nkeys; k++)
            free(m->shapes[i].keys[k].v);
        free(m->shapes[i].keys);
        free(m->shapes[i].tracked);
    }
    free(m->grown);
    free(m->tmp);
    free(m->shapes);
    free(m->scratch);
    rs_decoder_close(&m->dec);
    free(m->still);
    free(m->path);
    free(m);
    *pm = NULL;
}

void rs_mask_dilate(uint8_t *m, ptrdiff_t stride, int w, int h, int r, uint8_t *tmp)
{
    /* A disc is a stack of rows: row y + dy of the result is row y grown
     * sideways by the half-width of the disc at dy. Growing a row sideways
     * is one pass each way remembering the last set pixel. */
    for (int y = 0; y < h; y++)
        memcpy(tmp + (size_t)y * w, m + y * stride, w);
    for (int y = 0; y < h; y++) {
        const uint8_t *src = tmp + (size_t)y * w;
        for (int dy = -r; dy <= r; dy++) {
            const int yy = y + dy;
            if (yy < 0 || yy >= h)
                continue;
            const int hw = (int)floor(sqrt((double)r * r - (double)dy * dy) + 1e-9);
            uint8_t *dst = m + yy * stride;
            for (int x = 0, last = -1000000; x < w; x++) {
                if (src[x])
                    last = x;
                if (x - last <= hw)
                    dst[x] = 1;
            }
            for (int x = w - 1, last = 1000000; x >= 0; x--) {
                if (src[x])
                    last = x;
                if (last - x <= hw)
                    dst[x] = 1;
            }
        }
    }
}

/* The vertices of a shape's key as a polygon: rectangles by their corners,
 * ellipses by 64 points on a slightly larger ellipse, so the polygon covers it. */
#define ELLIPSE_POINTS 64

static int shape_points(const Shape *sh)
{
    return sh->type == SHAPE_POLYGON ? sh->nv / 2 : sh->type == SHAPE_RECT ? 4 : ELLIPSE_POINTS;
}

static void key_polygon(const Shape *sh, const double *v, double *p)
{
    if (sh->type == SHAPE_POLYGON) {
        memcpy(p, v, sizeof(double) * sh->nv);
    } else if (sh->type == SHAPE_RECT) {
        const double x[4] = { v[0], v[0] + v[2], v[0] + v[2], v[0] }, y[4] = { v[1], v[1], v[1] + v[3], v[1] + v[3] };
        for (int i = 0; i < 4; i++)
            p[2 * i] = x[i], p[2 * i + 1] = y[i];
    } else {
        const double k = 1 / cos(M_PI / ELLIPSE_POINTS);
        for (int i = 0; i < ELLIPSE_POINTS; i++) {
            const double a = 2 * M_PI * i / ELLIPSE_POINTS;
            p[2 * i] = v[0] + k * fabs(v[2]) * cos(a);
            p[2 * i + 1] = v[1] + k * fabs(v[3]) * sin(a);
        }
    }
}

int rs_mask_tracked_shapes(const RsMask *m)
{
    int count = 0;
    for (int i = 0; m && i < m->nshapes; i++)
        count += m->shapes[i].track;
    return count;
}

int rs_mask_track(RsMask *m, const uint8_t *const *luma, ptrdiff_t stride, int n, const RsTrackSettings *s,
                  int *tracked)
{
    return rs_mask_track_cached(m, luma, stride, n, s, tracked, NULL);
}

int rs_mask_track_cached(RsMask *m, const uint8_t *const *luma, ptrdiff_t stride, int n, const RsTrackSettings *s,
                         int *tracked, RsFlowCache *cache)
{
    RsTrackSettings def;
    if (!s) {
        rs_track_default_settings(&def);
        s = &def;
    }
    if (tracked)
        *tracked = 0;
    if (!m || !luma || n < 1)
        return rs_error(RS_EINVAL, "track: no mask, no frames or %d frames", n);
    const int count = rs_mask_tracked_shapes(m);
    if (!count)
        return 0;
    RsTrackShape *ts = calloc(count, sizeof(*ts));
    int ret = ts ? 0 : RS_ENOMEM;
    for (int i = 0, j = 0; ret >= 0 && i < m->nshapes; i++) {
        const Shape *sh = &m->shapes[i];
        if (!sh->track)
            continue;
        RsTrackShape *t = &ts[j++];
        t->npoints = shape_points(sh);
        t->nkeys = sh->nkeys;
        int64_t *frames = malloc(sizeof(int64_t) * sh->nkeys);
        double *keys = malloc(sizeof(double) * 2 * t->npoints * sh->nkeys);
        t->key_frames = frames;
        t->keys = keys;
        t->out = malloc(sizeof(double) * 2 * t->npoints * (size_t)n);
        if (!frames || !keys || !t->out) {
            ret = RS_ENOMEM;
            break;
        }
        for (int k = 0; k < sh->nkeys; k++) {
            frames[k] = sh->keys[k].frame;
            key_polygon(sh, sh->keys[k].v, keys + (size_t)k * 2 * t->npoints);
        }
    }
    if (ret >= 0 && s->margin > 0 && !m->grown) {
        m->grown = malloc((size_t)m->w * m->h);
        m->tmp = malloc((size_t)m->w * m->h);
        if (!m->grown || !m->tmp)
            ret = RS_ENOMEM;
    }
    if (ret == RS_ENOMEM)
        ret = rs_error(RS_ENOMEM, "%s: out of memory for tracking %d shapes over %d frames", m->path, count, n);
    else
        ret = rs_track_shapes_cached(luma, stride, n, m->w, m->h, ts, count, s, cache);
    for (int i = 0, j = 0; ts && i < m->nshapes; i++) {
        Shape *sh = &m->shapes[i];
        if (!sh->track)
            continue;
        RsTrackShape *t = &ts[j++];
        free((void *)t->key_frames);
        free((void *)t->keys);
        if (ret >= 0) {
            free(sh->tracked);
            sh->tracked = t->out;
            sh->ntracked = n;
            sh->tnv = 2 * t->npoints;
        } else {
            free(t->out);
        }
    }
    free(ts);
    if (ret >= 0) {
        m->margin = s->margin;
        if (tracked)
            *tracked = count;
    }
    return ret;
}
