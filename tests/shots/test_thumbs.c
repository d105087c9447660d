/*
 * JPEG stills and shot thumbnails: a flat limited-range picture comes back
 * from the JPEG at the full-range values it stands for; a shot list of a
 * shared clip gives first/middle/last JPEGs of the right size and a contact
 * sheet laid out as documented.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../rs_test.h"
#include "rushes/error.h"
#include "rushes/media.h"
#include "rushes/thumbs.h"

/* The first frame of an image file: its size and the mean of its luma plane. */
static int read_still(const char *path, int *w, int *h, double *y_mean)
{
    RsDecoder *d = NULL;
    int ret = rs_decoder_open(&d, path, NULL, NULL);
    if (ret < 0)
        return ret;
    RsMediaEvent ev;
    ret = rs_decoder_read(d, &ev);
    if (ret == 1 && ev.type == RS_EVENT_VIDEO) {
        const RsVideoFrame *f = ev.video;
        *w = f->width;
        *h = f->height;
        double s = 0;
        for (int y = 0; y < f->height; y++)
            for (int x = 0; x < f->width; x++)
                s += f->plane[0].data[f->plane[0].stride * y + x];
        *y_mean = s / ((double)f->width * f->height);
        ret = 0;
    } else {
        ret = RS_EMEDIA;
    }
    rs_decoder_close(&d);
    return ret;
}

static void test_jpeg_range(void)
{
    enum { W = 64, H = 48 };
    static uint8_t y[W * H], cb[W * H / 4], cr[W * H / 4];
    const uint8_t *planes[3] = { y, cb, cr };
    const ptrdiff_t strides[3] = { W, W / 2, W / 2 };
    char path[] = "/tmp/rs_test_jpeg_XXXXXX";
    int fd = mkstemp(path);
    RS_CHECK(fd >= 0);
    close(fd);
    memset(cb, 128, sizeof(cb));
    memset(cr, 128, sizeof(cr));
    static const int in[] = { 16, 126, 235 }, full[] = { 0, 128, 255 };
    for (int k = 0; k < 3; k++) {
        memset(y, in[k], sizeof(y));
        RS_CHECK_EQ_INT(rs_jpeg_write(path, planes, strides, W, H, 0, 2), 0);
        int w = 0, h = 0;
        double m = -1;
        RS_CHECK_EQ_INT(read_still(path, &w, &h, &m), 0);
        RS_CHECK_EQ_INT(w, W);
        RS_CHECK_EQ_INT(h, H);
        RS_CHECK(m > full[k] - 2 && m < full[k] + 2);
    }
    RS_CHECK_EQ_INT(rs_jpeg_write(path, planes, strides, 63, H, 0, 2), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_jpeg_write(path, planes, strides, W, H, 0, 1), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_jpeg_write("/nonexistent/dir/x.jpg", planes, strides, W, H, 0, 2), RS_EIO);
    RS_CHECK_CONTAINS(rs_error_message(), "/nonexistent/dir/x.jpg");
    unlink(path);
}

static void test_shot_thumbs(void)
{
    const char *media = getenv("RS_SHARED_MEDIA");
    if (!media) {
        fprintf(stderr, "skip test_shot_thumbs: RS_SHARED_MEDIA is not set\n");
        return;
    }
    char clip[4096], dir[] = "/tmp/rs_test_thumbs_XXXXXX", path[4200];
    snprintf(clip, sizeof(clip), "%s/kivy-city/cityCC0.mpg", media);
    RS_CHECK(mkdtemp(dir) != NULL);
    RsShot shots[2] = { { 0, 115, RS_TRANSITION_CUT }, { 116, 189, RS_TRANSITION_CUT } };
    RsShotList l = { .frames = 190, .nb_shots = 2, .shots = shots };
    snprintf(l.clip, sizeof(l.clip), "cityCC0.mpg");
    RsThumbSettings s;
    rs_thumb_default_settings(&s);
    RS_CHECK_EQ_INT(rs_shot_thumbnails(clip, &l, dir, &s), 0);
    static const char *const names[] = { "shot001_first", "shot001_mid", "shot001_last", "shot002_first",
                                         "shot002_mid", "shot002_last" };
    for (int i = 0; i < 6; i++) {
        snprintf(path, sizeof(path), "%s/cityCC0_%s.jpg", dir, names[i]);
        int w = 0, h = 0;
        double m = 0;
        RS_CHECK_EQ_INT(read_still(path, &w, &h, &m), 0);
        RS_CHECK_EQ_INT(w, 320);
        RS_CHECK_EQ_INT(h, 180);   /* 720x405, square pixels */
        RS_CHECK(m > 20 && m < 235);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/cityCC0_contact.jpg", dir);
    int w = 0, h = 0;
    double m = 0;
    RS_CHECK_EQ_INT(read_still(path, &w, &h, &m), 0);
    RS_CHECK_EQ_INT(w, 2 * 240 + 3 * 8);
    RS_CHECK_EQ_INT(h, 136 + 2 * 8);
    unlink(path);
    /* A shot past the end of the clip is an error that names it. */
    shots[1].out = 500;
    RS_CHECK_EQ_INT(rs_shot_thumbnails(clip, &l, dir, &s), RS_EMEDIA);
    RS_CHECK_CONTAINS(rs_error_message(), "shot 2 ends at frame 500");
    for (int i = 0; i < 6; i++) {
        snprintf(path, sizeof(path), "%s/cityCC0_%s.jpg", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    RS_RUN(test_jpeg_range);
    RS_RUN(test_shot_thumbs);
    return rs_test_end();
}
