/*
 * A re-implementation of the classic content detector (PySceneDetect's
 * ContentDetector with its defaults) for the shots benchmark: the mean
 * absolute difference of H, S and V between consecutive frames, averaged
 * over the three channels, against a fixed threshold (27), with at least
 * 15 frames between cuts. HSV as OpenCV computes it for 8-bit pictures
 * (H in 0-179). Reads raw rgb24 frames of W x H on stdin (ffmpeg -f rawvideo
 * -pix_fmt rgb24 at 256 pixels wide, the detector's automatic downscale) and
 * prints the first frame of each new shot, one per line.
 *
 * cc -O2 -o content_detect content_detect.c && ffmpeg ... | ./content_detect W H [THRESHOLD]
 */
#include <stdio.h>
#include <stdlib.h>

static void to_hsv(const unsigned char *rgb, unsigned char *hsv, long n)
{
    for (long i = 0; i < n; i++) {
        int r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
        int v = r > g ? (r > b ? r : b) : (g > b ? g : b);
        int mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
        int d = v - mn;
        double h = 0;
        if (d) {
            if (v == r)
                h = 60.0 * (g - b) / d;
            else if (v == g)
                h = 120.0 + 60.0 * (b - r) / d;
            else
                h = 240.0 + 60.0 * (r - g) / d;
            if (h < 0)
                h += 360;
        }
        hsv[3 * i] = (unsigned char)(h / 2 + 0.5) % 180;
        hsv[3 * i + 1] = v ? (unsigned char)(255.0 * d / v + 0.5) : 0;
        hsv[3 * i + 2] = (unsigned char)v;
    }
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    long w = atol(argv[1]), h = atol(argv[2]), n = w * h;
    double thr = argc > 3 ? atof(argv[3]) : 27.0;
    const long min_len = 15;
    unsigned char *rgb = malloc(3 * n), *cur = malloc(3 * n), *prev = malloc(3 * n);
    if (!rgb || !cur || !prev)
        return 1;
    long frame = 0, last_cut = 0;
    while (fread(rgb, 1, 3 * n, stdin) == (size_t)(3 * n)) {
        to_hsv(rgb, cur, n);
        if (frame > 0) {
            double s[3] = { 0, 0, 0 };
            for (long i = 0; i < n; i++)
                for (int c = 0; c < 3; c++)
                    s[c] += abs(cur[3 * i + c] - prev[3 * i + c]);
            double val = (s[0] + s[1] + s[2]) / (3.0 * n);
            if (val >= thr && frame - last_cut >= min_len) {
                printf("%ld\n", frame);
                last_cut = frame;
            }
        }
        unsigned char *t = prev;
        prev = cur;
        cur = t;
        frame++;
    }
    free(rgb);
    free(cur);
    free(prev);
    return 0;
}
