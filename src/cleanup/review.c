/*
 * Review output of the clean job: the masks as numbered PNGs, and the source
 * with the masks tinted, so a supervisor can see what a tracked mask or a
 * detector took before the fill is trusted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup/review.h"
#include "rushes/encode.h"
#include "rushes/error.h"

/*
 * A grey 8-bit PNG with the picture in stored (uncompressed) deflate blocks:
 * masks are written for review and read back once, so their size matters
 * less than depending on no compressor.
 */
/* The CRC-32 table lives with each call, so concurrent jobs share nothing. */
static void crc_init(uint32_t *table)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
}

static uint32_t crc_update(const uint32_t *table, uint32_t c, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c;
}

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void chunk(const uint32_t *table, FILE *f, const char *type, const uint8_t *data, uint32_t len)
{
    uint8_t b[4];
    be32(b, len);
    fwrite(b, 1, 4, f);
    fwrite(type, 1, 4, f);
    if (len)
        fwrite(data, 1, len, f);
    uint32_t c = crc_update(table, 0xffffffffu, (const uint8_t *)type, 4);
    be32(b, (len ? crc_update(table, c, data, len) : c) ^ 0xffffffffu);
    fwrite(b, 1, 4, f);
}

static int write_png(const uint32_t *table, const char *path, const uint8_t *mask, ptrdiff_t stride, int w, int h)
{
    const size_t raw = (size_t)(w + 1) * h, blocks = (raw + 65534) / 65535;
    uint8_t *z = malloc(2 + raw + 5 * blocks + 4);
    if (!z)
        return rs_error(RS_ENOMEM, "%s: out of memory", path);
    size_t o = 0;
    z[o++] = 0x78, z[o++] = 0x01;
    uint32_t a = 1, b = 0;
    size_t left = raw, row = 0, col = 0;
    while (left) {
        const size_t len = left < 65535 ? left : 65535;
        left -= len;
        z[o++] = !left;
        z[o++] = (uint8_t)len, z[o++] = (uint8_t)(len >> 8);
        z[o++] = (uint8_t)~len, z[o++] = (uint8_t)(~len >> 8);
        for (size_t i = 0; i < len; i++) {
            /* Each row starts with its filter byte, 0 (none). */
            const uint8_t v = col ? (mask[row * stride + col - 1] ? 255 : 0) : 0;
            if (++col == (size_t)w + 1)
                col = 0, row++;
            z[o++] = v;
            a = (a + v) % 65521;
            b = (b + a) % 65521;
        }
    }
    be32(z + o, b << 16 | a);
    o += 4;
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(z);
        return rs_error(RS_EIO, "%s: cannot create the mask picture", path);
    }
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    uint8_t ihdr[13] = { 0 };
    be32(ihdr, (uint32_t)w);
    be32(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8;    /* bit depth; colour type 0 (grey), no interlace */
    fwrite(sig, 1, 8, f);
    chunk(table, f, "IHDR", ihdr, 13);
    chunk(table, f, "IDAT", z, (uint32_t)o);
    chunk(table, f, "IEND", NULL, 0);
    free(z);
    if (ferror(f) | fclose(f))
        return rs_error(RS_EIO, "%s: write failed", path);
    return 0;
}

int rs_clean_write_masks(const char *dir, const RsCleanFrame *f, int n, int w, int h)
{
    if (mkdir(dir, 0777) < 0 && errno != EEXIST)
        return rs_error(RS_EIO, "%s: cannot create the mask folder", dir);
    uint32_t table[256];
    crc_init(table);
    const size_t len = strlen(dir) + 32;
    char *path = malloc(len);
    if (!path)
        return rs_error(RS_ENOMEM, "%s: out of memory", dir);
    int ret = 0;
    for (int t = 0; ret >= 0 && t < n; t++) {
        snprintf(path, len, "%s/mask_%06d.png", dir, t);
        ret = write_png(table, path, f[t].mask, f[t].mask_stride, w, h);
    }
    free(path);
    return ret;
}

int rs_clean_write_review(const char *path, const RsCleanFrame *f, int n, int w, int h, int l2c,
                          RsRational rate, const char *tc, int threads)
{
    RsEncoderSettings es;
    rs_encoder_default_settings(&es);
    es.video_codec = "ffv1";
    es.width = w;
    es.height = h;
    if (rate.num > 0 && rate.den > 0)
        es.frame_rate = rate;
    es.threads = threads ? threads : 2;
    es.chroma_444 = !l2c;
    es.start_timecode = tc;
    const int cw = w >> l2c, ch = h >> l2c;
    uint8_t *buf = malloc((size_t)w * h + 2 * (size_t)cw * ch);
    if (!buf)
        return rs_error(RS_ENOMEM, "%s: out of memory", path);
    uint8_t *p[3] = { buf, buf + (size_t)w * h, buf + (size_t)w * h + (size_t)cw * ch };
    RsEncoder *e = NULL;
    int ret = rs_encoder_open(&e, path, &es);
    /* Pure red in BT.709 limited range, mixed half and half with the picture. */
    static const int red[3] = { 63, 102, 240 };
    for (int t = 0; ret >= 0 && t < n; t++) {
        const RsCleanFrame *fr = &f[t];
        for (int pl = 0; pl < 3; pl++) {
            const int pw = pl ? cw : w, ph = pl ? ch : h, sh = pl ? l2c : 0;
            for (int y = 0; y < ph; y++)
                for (int x = 0; x < pw; x++) {
                    int v = fr->plane[pl][y * fr->stride[pl] + x];
                    /* A chroma sample is tinted when the top-left luma pixel it covers is masked. */
                    if (fr->mask[(y << sh) * fr->mask_stride + (x << sh)])
                        v = (v + red[pl] + 1) >> 1;
                    p[pl][(size_t)y * pw + x] = (uint8_t)v;
                }
        }
        const uint8_t *planes[3] = { p[0], p[1], p[2] };
        const ptrdiff_t strides[3] = { w, cw, cw };
        ret = rs_encoder_write_video(e, planes, strides);
    }
    int cret = e ? rs_encoder_close(&e) : 0;
    free(buf);
    return ret < 0 ? ret : cret;
}
