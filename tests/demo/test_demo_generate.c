/*
 * Generate a small demo day (320x180, 48-frame clips) and check the files
 * against truth.json: the files exist, and where the ffprobe / ffmpeg tools
 * are installed, the MOV timecode and reel, frame counts, ProRes depth, the
 * BWF time reference, the flash and black frames and the clap in the sound.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../rs_test.h"
#include "demo_test_util.h"
#include "rushes/demo.h"
#include "rushes/error.h"

#define W 320
#define H 180
#define T 48

static char root[64];
static char *truth;
static int progress_calls, progress_bad;

static int on_progress(void *opaque, int item, int nb, int64_t done, int64_t total)
{
    (void)opaque;
    progress_calls++;
    if (item < 0 || item >= nb || done < 1 || done > total)
        progress_bad++;
    return 0;
}

static int cancel_at_once(void *opaque, int item, int nb, int64_t done, int64_t total)
{
    (void)opaque; (void)item; (void)nb; (void)done; (void)total;
    return 1;
}

/* Decode a clip's luma as 8-bit grey; returns frames * W * H bytes or NULL. */
static uint8_t *decode_gray(const char *path, int frames)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "ffmpeg -v error -i '%s' -f rawvideo -pix_fmt gray -", path);
    size_t len;
    uint8_t *buf = (uint8_t *)run_capture(cmd, (size_t)frames * W * H, &len);
    if (buf && len != (size_t)frames * W * H) {
        free(buf);
        return NULL;
    }
    return buf;
}

static double mean(const uint8_t *f, int x0, int y0, int x1, int y1)
{
    double s = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            s += f[y * W + x];
    return s / ((double)(x1 - x0) * (y1 - y0));
}

/* First sample at or after `from` whose magnitude passes half the peak of the
 * 4000 samples around `near` in channel 0 of path, or -1. */
static long long audio_onset(const char *path, long long near)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "ffmpeg -v error -i '%s' -af 'pan=mono|c0=c0' -f s16le -acodec pcm_s16le -", path);
    size_t len;
    char *raw = run_capture(cmd, 64 << 20, &len);
    if (!raw)
        return -1;
    const int16_t *a = (const int16_t *)raw;
    long long n = (long long)(len / 2), lo = near - 2000 < 0 ? 0 : near - 2000, hi = near + 2000 > n ? n : near + 2000;
    int peak = 0;
    for (long long i = lo; i < hi; i++)
        peak = abs(a[i]) > peak ? abs(a[i]) : peak;
    long long at = -1;
    for (long long i = lo; i < hi && peak > 1000; i++)
        if (abs(a[i]) * 2 > peak) {
            at = i;
            break;
        }
    free(raw);
    return at;
}

static void test_generate(void)
{
    RsDemoSettings s;
    rs_demo_default_settings(&s);
    s.output_dir = root;
    s.width = W;
    s.height = H;
    s.take_frames = T;
    s.seed = 3;
    s.progress = on_progress;
    RsDemoReport *rep = NULL;
    int ret = rs_demo_generate(&s, &rep);
    RS_CHECK_EQ_INT(ret, 0);
    if (ret < 0) {
        fprintf(stderr, "%s\n", rs_error_message());
        return;
    }
    RS_CHECK_EQ_INT(rep->nb_clips, 9);
    RS_CHECK_EQ_INT(rep->nb_sound_files, 6);
    RS_CHECK_EQ_INT(rep->video_frames, 9 * T);
    RS_CHECK(progress_calls >= 9 * T);
    RS_CHECK_EQ_INT(progress_bad, 0);
    truth = read_file(rep->truth_path);
    RS_CHECK(truth != NULL);
    rs_demo_report_free(&rep);
    RS_CHECK(rep == NULL);
    if (!truth)
        return;
    RS_CHECK_CONTAINS(truth, "\"format\": \"rushes-demo-truth\"");
    RS_CHECK_CONTAINS(truth, "\"type\": \"slate_clap\"");
    RS_CHECK_CONTAINS(truth, "\"type\": \"flash\"");
    RS_CHECK_CONTAINS(truth, "\"type\": \"black\"");
    RS_CHECK_CONTAINS(truth, "\"type\": \"boom_in_frame\"");
    RS_CHECK_CONTAINS(truth, "\"type\": \"dust\"");
    RS_CHECK_CONTAINS(truth, "\"type\": \"scratch\"");
    RS_CHECK_CONTAINS(truth, "\"type\": \"hard_cut\"");
    RS_CHECK_CONTAINS(truth, "\"prop\": \"cup\"");
    /* The JSON is balanced and ends where it should. */
    int depth = 0, min = 0;
    for (const char *p = truth; *p; p++) {
        depth += (*p == '{' || *p == '[') - (*p == '}' || *p == ']');
        min = depth < min ? depth : min;
    }
    RS_CHECK_EQ_INT(depth, 0);
    RS_CHECK_EQ_INT(min, 0);
}

/* Calls fn(obj, end) for each object of the array named key in truth. */
static int each_object(const char *key, void (*fn)(const char *obj, const char *end))
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\": [", key);
    const char *at = truth ? strstr(truth, pat) : NULL;
    if (!at)
        return 0;
    const char *stop = strstr(at, "\n  ]");
    int n = 0;
    for (const char *obj = strstr(at, "\n    {"); obj && obj < stop; n++) {
        const char *end = strstr(obj + 1, "\n    }");
        fn(obj, end);
        obj = strstr(end, "\n    {");
    }
    return n;
}

/* 1 when needle occurs inside [obj, end). */
static int within(const char *obj, const char *end, const char *needle)
{
    const char *at = strstr(obj, needle);
    return at && at < end;
}

static void check_continuity(const char *obj, const char *end)
{
    RS_CHECK(within(obj, end, "\"change\": \"moved\""));
    RS_CHECK(within(obj, end, "\"take_a\": 1, \"take_b\": 2"));
}

static void check_clip_file(const char *obj, const char *end)
{
    char rel[128], path[256];
    json_str(obj, end, "path", rel, sizeof(rel));
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    struct stat st;
    RS_CHECK(stat(path, &st) == 0 && st.st_size > 1000);
    RS_CHECK_EQ_INT(json_int(obj, end, "frames", -1), T);
}

static void check_sound_file(const char *obj, const char *end)
{
    char rel[128], path[256];
    json_str(obj, end, "path", rel, sizeof(rel));
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    struct stat st;
    long long samples = json_int(obj, end, "samples", -1), ch = json_int(obj, end, "channels", -1);
    /* 24-bit PCM plus the RIFF, fmt and bext chunks. */
    RS_CHECK(stat(path, &st) == 0 && st.st_size > samples * ch * 3 && st.st_size < samples * ch * 3 + 4096);
    RS_CHECK(json_int(obj, end, "clap_sample", -1) > 2 * 48000);
}

static void test_truth_files(void)
{
    RS_CHECK_EQ_INT(each_object("clips", check_clip_file), 9);
    RS_CHECK_EQ_INT(each_object("sound", check_sound_file), 6);
    RS_CHECK_EQ_INT(each_object("continuity", check_continuity), 2);
}

static void probe_clip(const char *obj, const char *end)
{
    char rel[128], path[256], cmd[512], want[32], got[64], reel[32];
    json_str(obj, end, "path", rel, sizeof(rel));
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    snprintf(cmd, sizeof(cmd), "ffprobe -v error -select_streams v:0 -show_entries "
             "stream=nb_frames,pix_fmt,profile:stream_tags=timecode -of default=nw=1 '%s'", path);
    char *out = run_capture(cmd, 1 << 16, NULL);
    RS_CHECK(out != NULL);
    if (!out)
        return;
    json_str(obj, end, "start_timecode", want, sizeof(want));
    probe_value(out, "TAG:timecode", got, sizeof(got));
    RS_CHECK_EQ_STR(got, want);
    probe_value(out, "nb_frames", got, sizeof(got));
    RS_CHECK_EQ_INT(atoi(got), json_int(obj, end, "frames", -1));
    json_str(obj, end, "pix_fmt", want, sizeof(want));
    probe_value(out, "pix_fmt", got, sizeof(got));
    RS_CHECK_EQ_STR(got, want);
    if (!strcmp(want, "yuv422p10le")) {
        probe_value(out, "profile", got, sizeof(got));
        RS_CHECK_EQ_STR(got, "HQ");
    }
    free(out);
    /* The reel sits in the tmcd track, which is not the video stream. */
    snprintf(cmd, sizeof(cmd), "ffprobe -v error -show_entries stream_tags=reel_name -of default=nw=1 '%s'", path);
    out = run_capture(cmd, 1 << 16, NULL);
    json_str(obj, end, "reel", reel, sizeof(reel));
    probe_value(out ? out : "", "TAG:reel_name", got, sizeof(got));
    RS_CHECK_EQ_STR(got, reel);
    free(out);
}

static void probe_sound(const char *obj, const char *end)
{
    char rel[128], path[256], cmd[512], got[64];
    json_str(obj, end, "path", rel, sizeof(rel));
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    snprintf(cmd, sizeof(cmd), "ffprobe -v error -show_entries stream=channels,bits_per_sample,sample_rate:"
             "format_tags=time_reference -of default=nw=1 '%s'", path);
    char *out = run_capture(cmd, 1 << 16, NULL);
    RS_CHECK(out != NULL);
    if (!out)
        return;
    probe_value(out, "TAG:time_reference", got, sizeof(got));
    RS_CHECK_EQ_INT(strtoll(got, NULL, 10), json_int(obj, end, "time_reference", -1));
    probe_value(out, "channels", got, sizeof(got));
    RS_CHECK_EQ_INT(atoi(got), json_int(obj, end, "channels", -1));
    probe_value(out, "bits_per_sample", got, sizeof(got));
    RS_CHECK_EQ_INT(atoi(got), 24);
    free(out);
    /* The clap is in the recorder's file at the sample the truth names. */
    long long clap = json_int(obj, end, "clap_sample", -1);
    long long at = audio_onset(path, clap);
    RS_CHECK(at >= clap && at <= clap + 8);
}

static void test_probe(void)
{
    if (!have_tool("ffprobe") || !have_tool("ffmpeg"))
        rs_test_skip("ffprobe/ffmpeg not installed");
    RS_CHECK_EQ_INT(each_object("clips", probe_clip), 9);
    RS_CHECK_EQ_INT(each_object("sound", probe_sound), 6);
}

static void decode_events(const char *obj, const char *end)
{
    char rel[128], path[256];
    json_str(obj, end, "path", rel, sizeof(rel));
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    const char *flash = strstr(obj, "\"type\": \"flash\"");
    const char *black = strstr(obj, "\"type\": \"black\"");
    const char *boom = strstr(obj, "\"type\": \"boom_in_frame\"");
    const char *clap = strstr(obj, "\"type\": \"slate_clap\"");
    if (clap && clap < end && within(obj, end, "\"camera\": \"A\"")) {
        long long at = audio_onset(path, json_int(clap, end, "audio_sample", -1));
        long long want = json_int(clap, end, "audio_sample", -1);
        RS_CHECK(at >= want && at <= want + 8);
    }
    if ((!flash || flash > end) && (!black || black > end) && (!boom || boom > end))
        return;
    uint8_t *px = decode_gray(path, T);
    RS_CHECK(px != NULL);
    if (!px)
        return;
    if (flash && flash < end) {
        int first = (int)json_int(flash, end, "first", -1), last = (int)json_int(flash, end, "last", -1);
        double before = mean(px + (size_t)(first - 1) * W * H, 0, 0, W, H);
        double after = mean(px + (size_t)(last + 1) * W * H, 0, 0, W, H);
        for (int f = first; f <= last; f++) {
            double m = mean(px + (size_t)f * W * H, 0, 0, W, H);
            RS_CHECK(m > before + 50 && m > after + 50);
        }
    }
    if (black && black < end) {
        int first = (int)json_int(black, end, "first", -1), last = (int)json_int(black, end, "last", -1);
        RS_CHECK(mean(px + (size_t)(first - 1) * W * H, 0, 0, W, H) > 25);
        for (int f = first; f <= last; f++)
            RS_CHECK(mean(px + (size_t)f * W * H, 0, 0, W, H) < 18);
    }
    if (boom && boom < end) {
        /* The windshield darkens the top of the frame where it hangs. */
        int first = (int)json_int(boom, end, "first", -1), last = (int)json_int(boom, end, "last", -1);
        int x = (int)json_int(boom, end, "x", -1), rows = (int)json_int(boom, end, "max_rows", -1);
        int mid = (first + last) / 2;
        RS_CHECK(rows > 4 && x > 20 && x < W - 20);
        double with = mean(px + (size_t)mid * W * H, x - 15, 0, x + 15, rows / 2);
        double without = mean(px + (size_t)(first - 3) * W * H, x - 15, 0, x + 15, rows / 2);
        RS_CHECK(without - with > 30);
    }
    free(px);
}

static void test_decoded_events(void)
{
    if (!have_tool("ffmpeg"))
        rs_test_skip("ffmpeg not installed");
    RS_CHECK_EQ_INT(each_object("clips", decode_events), 9);
}

static void test_errors(void)
{
    RsDemoSettings s;
    rs_demo_default_settings(&s);
    s.output_dir = root;
    s.width = 100;
    RS_CHECK_EQ_INT(rs_demo_generate(&s, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "100x720");
    s.width = W;
    s.height = H;
    s.take_frames = 10;
    RS_CHECK_EQ_INT(rs_demo_generate(&s, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "take_frames");
    s.take_frames = T;
    s.progress = cancel_at_once;
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/cancelled", root);
    s.output_dir = sub;
    RsDemoReport *rep = (RsDemoReport *)&s; /* must be reset to NULL on failure */
    RS_CHECK_EQ_INT(rs_demo_generate(&s, &rep), RS_EINTR);
    RS_CHECK(rep == NULL);
    /* A file where a folder should be: the message names it. */
    snprintf(sub, sizeof(sub), "%s/truth.json/x", root);
    s.output_dir = sub;
    s.progress = NULL;
    RS_CHECK(rs_demo_generate(&s, NULL) < 0);
    RS_CHECK_CONTAINS(rs_error_message(), "truth.json");
}

int main(void)
{
    snprintf(root, sizeof(root), "/tmp/rs_demo_test_XXXXXX");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    RS_RUN(test_generate);
    RS_RUN(test_truth_files);
    RS_RUN(test_errors);
    int tools = have_tool("ffprobe") && have_tool("ffmpeg");
    if (tools) {
        RS_RUN(test_probe);
        RS_RUN(test_decoded_events);
    }
    free(truth);
    rm_tree(root);
    if (!tools && !rs_test_failures)
        rs_test_skip("generation checked; ffprobe/ffmpeg missing for the media checks");
    return rs_test_end();
}
