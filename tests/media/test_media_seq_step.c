/*
 * Image sequences whose frame numbers advance by a constant step (a scan that
 * kept every second frame: 100, 102, 104 ...): every file is read, in number
 * order, as consecutive frames; a missing number still ends the sequence with
 * a warning that names it. Each generated frame is a flat grey of its own
 * level, so the order of the decoded frames is checked, not only their count.
 */
#include <pthread.h>

#include "rushes/log.h"
#include "seq_checks.h"

#define FRAMES 12

/* Grey level of the k-th frame generated. */
static int level(int k)
{
    return 10 + 20 * k;
}

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[8192];

static void log_cb(void *opaque, RsLogLevel lvl, const char *msg)
{
    (void)opaque;
    pthread_mutex_lock(&log_lock);
    size_t n = strlen(log_text);
    snprintf(log_text + n, sizeof(log_text) - n, "%s: %s\n",
             lvl == RS_LOG_WARNING ? "warning" : lvl == RS_LOG_INFO ? "info" : "other", msg);
    pthread_mutex_unlock(&log_lock);
}

static void log_clear(void)
{
    pthread_mutex_lock(&log_lock);
    log_text[0] = '\0';
    pthread_mutex_unlock(&log_lock);
}

/* Occurrences of needle in the log. */
static int log_count(const char *needle)
{
    int n = 0;
    for (const char *p = log_text; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/*
 * Make FRAMES flat grey frames in folder dir (created) named prefix, the
 * number zero padded to width digits, suffix, with the numbers start, start +
 * step, ... Returns dir, or NULL
 * when ffmpeg failed. The frames are written with plain names, then renamed,
 * so dir may hold characters that ffmpeg's own pattern would read.
 */
static const char *make_grey(const char *dir, const char *prefix, int width, const char *suffix,
                             int64_t start, int64_t step)
{
    const char *tmp = fx_path("gen");
    mkdir(tmp, 0700);
    int ok = fx_ffmpeg("-f lavfi -i 'color=black:s=32x24:r=24,format=gray,geq=lum=10+20*N' "
                       "-frames:v %d -start_number 0 '%s/t_%%02d.png'", FRAMES, tmp);
    RS_CHECK(ok);
    if (!ok)
        return NULL;
    RS_CHECK(mkdir(dir, 0700) == 0);
    for (int k = 0; k < FRAMES; k++) {
        char from[600], to[1200], file[128];
        snprintf(from, sizeof(from), "%s/t_%02d.png", tmp, k);
        snprintf(file, sizeof(file), "%s%0*lld%s", prefix, width, (long long)(start + k * step),
                 suffix);
        snprintf(to, sizeof(to), "%s/%s", dir, file);
        RS_CHECK(rename(from, to) == 0);
    }
    return dir;
}

/*
 * Probe and decode path: frames frames, at 24 fps for probe and 25 for the
 * decoder, whose grey levels are those of the generated frames first, first
 * + 1, ...
 */
static void check_levels(const char *path, int64_t frames, int first)
{
    RsMediaInfo *mi = fx_probe_seq(path, frames);
    if (!mi)
        return;
    rs_media_info_free(&mi);

    RsDecoderSettings s;
    fx_seq_decoder_settings(&s);
    RsDecoder *d;
    int r;
    if ((r = rs_decoder_open(&d, path, &s, NULL)) < 0) {
        RS_CHECK_EQ_INT(r, 0);
        fprintf(stderr, "%s\n", rs_error_message());
        return;
    }
    RsMediaEvent ev;
    int64_t n = 0;
    while ((r = rs_decoder_read(d, &ev)) > 0) {
        if (ev.type != RS_EVENT_VIDEO)
            continue;
        const RsVideoFrame *f = ev.video;
        RS_CHECK_EQ_INT(f->index, n);
        RS_CHECK_EQ_INT(f->pts, n);
        RS_CHECK_EQ_INT(f->bit_depth, 8);
        const RsPlane *y = &f->plane[0];
        RS_CHECK_EQ_INT(y->data[0], level(first + (int)n));
        RS_CHECK_EQ_INT(y->data[(y->height - 1) * y->stride + y->width - 1],
                        level(first + (int)n));
        n++;
    }
    RS_CHECK_EQ_INT(r, 0);
    RS_CHECK_EQ_INT(n, frames);
    RsDecodeStats st;
    rs_decoder_stats(d, &st);
    RS_CHECK_EQ_INT(st.truncated, 0);
    rs_decoder_close(&d);
}

/* 100, 102, ... 122, zero padded: read whole, and the log says the step once per open. */
static void test_step2(void)
{
    const char *d = make_grey(fx_path("step2"), "scan_", 4, ".png", 100, 2);
    if (!d)
        return;
    log_clear();
    check_levels(d, FRAMES, 0);
    /* One probe and one decoder open. */
    RS_CHECK_EQ_INT(log_count("info: "), 2);
    RS_CHECK_CONTAINS(log_text, "step by 2 (scan_0100.png to scan_0122.png)");
    RS_CHECK_EQ_INT(log_count("warning: "), 0);
    check_levels(fx_path("step2/scan_%%04d.png"), FRAMES, 0);
}

/* 10, 20, ... 120 unpadded: the names grow from 2 to 3 digits, and "100" sorts before "20". */
static void test_step10(void)
{
    const char *d = make_grey(fx_path("step10"), "f", 0, ".png", 10, 10);
    if (!d)
        return;
    log_clear();
    check_levels(d, FRAMES, 0);
    RS_CHECK_CONTAINS(log_text, "step by 10 (f10.png to f120.png)");
    check_levels(fx_path("step10/f%%d.png"), FRAMES, 0);
}

/* A missing number of a stepped run ends it there, with a warning naming it. */
static void test_step_gap(void)
{
    const char *d = make_grey(fx_path("stepgap"), "g_", 3, ".png", 96, 2);
    if (!d)
        return;
    /* 96 ... 104 read; 106 missing; 108 ... 118 (6 files) not read. 108 has the
     * same length as the names read, so the glob must stop at 104 within it. */
    RS_CHECK(remove(fx_path("stepgap/g_106.png")) == 0);
    log_clear();
    check_levels(d, 5, 0);
    RS_CHECK_CONTAINS(log_text, "warning: ");
    RS_CHECK_CONTAINS(log_text, "frame 106 is missing");
    RS_CHECK_CONTAINS(log_text, "the 6 frames after the gap are not read");
    RS_CHECK_CONTAINS(log_text, "(g_096.png to g_104.png)");

    /* The same with unpadded names that cross a length: 5 ... 95 step 10, 105 missing. */
    d = make_grey(fx_path("stepgap2"), "h", 0, ".png", 5, 10);
    if (!d)
        return;
    RS_CHECK(remove(fx_path("stepgap2/h105.png")) == 0);
    log_clear();
    check_levels(d, 10, 0);
    RS_CHECK_CONTAINS(log_text, "frame 105 is missing");
    RS_CHECK_CONTAINS(log_text, "the 1 frame after the gap is not read");
}

/*
 * A pattern "%d" skips "u040.png" (padded), but a glob of 3-digit names would
 * read it between u30 and u100: the check of the glob's list refuses that.
 */
static void test_step_unlisted(void)
{
    const char *d = make_grey(fx_path("unlisted"), "u", 0, ".png", 10, 10);
    if (!d)
        return;
    RS_CHECK(fx_copy(fx_path("unlisted/u10.png"), fx_path("unlisted/u040.png"), -1));
    RsMediaInfo *mi = NULL;
    int r = rs_media_probe(fx_path("unlisted/u%%d.png"), &mi);
    RS_CHECK_EQ_INT(r, RS_EMEDIA);
    RS_CHECK_CONTAINS(rs_error_message(), "unlisted/u%d.png: the frame numbers step by 10");
    RS_CHECK_CONTAINS(rs_error_message(), "could not be listed in number order");
    RS_CHECK(mi == NULL);
    rs_media_info_free(&mi);
}

/* A step-1 run with a gap keeps reading up to it, and the warning counts what is left out. */
static void test_step1_gap(void)
{
    const char *d = make_grey(fx_path("gap1"), "k_", 4, ".png", 100, 1);
    if (!d)
        return;
    RS_CHECK(remove(fx_path("gap1/k_0104.png")) == 0);
    RS_CHECK(remove(fx_path("gap1/k_0105.png")) == 0);
    log_clear();
    check_levels(d, 4, 0);
    RS_CHECK_CONTAINS(log_text, "frame 104 is missing");
    RS_CHECK_CONTAINS(log_text, "the 6 frames after the gap are not read");
    RS_CHECK_EQ_INT(log_count("info: "), 0);
}

/* Spaces, '%', '*', '[', braces, a comma and a backslash in the folder are all literal. */
static void test_odd_folder(void)
{
    const char *d = make_grey(fx_path("a b 100%% [x]*{y,z}\\q"), "s", 3, ".png", 2, 2);
    if (!d)
        return;
    check_levels(d, FRAMES, 0);
    /* Named by a pattern: "%%" in the folder part is a literal '%', as image2 reads it. */
    check_levels(fx_path("a b 100%%%% [x]*{y,z}\\q/s%%03d.png"), FRAMES, 0);
    /* A relative folder whose name image2 could take for a protocol. */
    const char *rel = fx_path("A001:C002");
    if (make_grey(rel, "r_", 4, ".png", 1000, 4)) {
        char cwd[512];
        RS_CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
        RS_CHECK(chdir(fx_tmpdir()) == 0);
        check_levels("A001:C002", FRAMES, 0);
        RS_CHECK(chdir(cwd) == 0);
    }
}

/* A real scan that kept every second frame: 100.png ... 146.png. */
static void test_old_films(void)
{
    const char *media = rs_test_media_dir();
    if (!media) {
        fprintf(stderr, "  RS_SHARED_MEDIA is not set: old-films/001 not checked\n");
        return;
    }
    char path[512];
    snprintf(path, sizeof(path), "%s/old-films/001", media);
    RsMediaInfo *mi = fx_probe_seq(path, 24);
    if (!mi)
        return;
    RS_CHECK_EQ_INT(mi->duration_us, 1000000);
    rs_media_info_free(&mi);
    FxDecode fd;
    RS_CHECK_EQ_INT(fx_decode(path, NULL, &fd), 0);
    RS_CHECK_EQ_INT(fd.ret, 0);
    RS_CHECK_EQ_INT(fd.frames, 24);
    RS_CHECK(fd.index_ok);
    RS_CHECK_EQ_INT(fd.stats.truncated, 0);
}

int main(void)
{
    fx_require_ffmpeg();
    rs_log_set_callback(log_cb, NULL, RS_LOG_INFO);
    RS_RUN(test_step2);
    RS_RUN(test_step10);
    RS_RUN(test_step_gap);
    RS_RUN(test_step_unlisted);
    RS_RUN(test_step1_gap);
    RS_RUN(test_odd_folder);
    RS_RUN(test_old_films);
    return rs_test_end();
}
