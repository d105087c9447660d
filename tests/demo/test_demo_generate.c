/*
 * Generate a small demo day (320x180, 48-frame clips) and check the files
 * against truth.json with rushes' own probe and decoder: timecode, reel,
 * frame counts and rates, ProRes depth, the BWF time reference, the flash,
 * black and boom frames, and the clap in camera and recorder sound at the
 * sample the truth names. Where ffprobe is installed it cross-checks the
 * timecode (tmcd track) and the bext chunk independently of rushes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../rs_test.h"
#include "demo_test_util.h"
#include "rushes/demo.h"
#include "rushes/error.h"
#include "rushes/media.h"

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

/* Everything the checks need from one decoded file. */
typedef struct Decoded {
    int frames;
    double luma[T];            /* mean luma per frame, 8-bit scale */
    double top[T];             /* mean luma of the boom's patch, when asked */
    float *audio;              /* channel 0 */
    int64_t samples;
} Decoded;

/* Decode path with rushes; the boom patch is columns x-15..x+15, rows 0..rows/2. */
static int decode(const char *path, int boom_x, int boom_rows, Decoded *out)
{
    memset(out, 0, sizeof(*out));
    RsDecoderSettings ds;
    rs_decoder_default_settings(&ds);
    ds.audio = 1;
    ds.threads = 1;
    RsDecoder *d;
    if (rs_decoder_open(&d, path, &ds, NULL) < 0)
        return -1;
    int64_t cap = 0;
    RsMediaEvent ev;
    while (rs_decoder_read(d, &ev) == 1) {
        if (ev.type == RS_EVENT_VIDEO && out->frames < T) {
            const RsVideoFrame *f = ev.video;
            const RsPlane *pl = &f->plane[0];
            int shift = f->bit_depth - 8;
            double sum = 0, top = 0;
            for (int y = 0; y < pl->height; y++)
                for (int x = 0; x < pl->width; x++) {
                    int v = pl->bytes_per_sample == 2 ? ((const uint16_t *)(pl->data + y * pl->stride))[x] >> shift
                                                      : pl->data[y * pl->stride + x];
                    sum += v;
                    if (boom_rows > 0 && y < boom_rows / 2 && x >= boom_x - 15 && x < boom_x + 15)
                        top += v;
                }
            out->luma[out->frames] = sum / ((double)pl->width * pl->height);
            if (boom_rows > 0)
                out->top[out->frames] = top / (30.0 * (boom_rows / 2));
            out->frames++;
        } else if (ev.type == RS_EVENT_AUDIO) {
            const RsAudioBlock *a = ev.audio;
            if (out->samples + a->nb_samples > cap) {
                cap = (out->samples + a->nb_samples) * 2;
                out->audio = realloc(out->audio, (size_t)cap * sizeof(float));
            }
            memcpy(out->audio + out->samples, a->data[0], (size_t)a->nb_samples * sizeof(float));
            out->samples += a->nb_samples;
        }
    }
    rs_decoder_close(&d);
    return 0;
}

/* First sample within 2000 of `near` passing half the local peak, or -1. */
static int64_t onset(const Decoded *dec, int64_t near)
{
    int64_t lo = near - 2000 < 0 ? 0 : near - 2000, hi = near + 2000 > dec->samples ? dec->samples : near + 2000;
    float peak = 0;
    for (int64_t i = lo; i < hi; i++)
        peak = fabsf(dec->audio[i]) > peak ? fabsf(dec->audio[i]) : peak;
    for (int64_t i = lo; i < hi && peak > 0.05f; i++)
        if (fabsf(dec->audio[i]) * 2 > peak)
            return i;
    return -1;
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
    char rel[128], path[256], want[32];
    json_str(obj, end, "path", rel, sizeof(rel));
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    RsMediaInfo *info = NULL;
    RS_CHECK_EQ_INT(rs_media_probe(path, &info), 0);
    if (!info)
        return;
    json_str(obj, end, "start_timecode", want, sizeof(want));
    RS_CHECK_EQ_STR(info->start_timecode, want);
    json_str(obj, end, "reel", want, sizeof(want));
    RS_CHECK_EQ_STR(info->reel, want);
    RS_CHECK_CONTAINS(info->camera, "Demo");
    RS_CHECK_EQ_INT(info->nb_video, 1);
    if (info->nb_video == 1) {
        const RsVideoInfo *v = &info->video[0];
        RS_CHECK_EQ_INT(v->frame_count, json_int(obj, end, "frames", -1));
        RS_CHECK_EQ_INT(v->bit_depth, json_int(obj, end, "bit_depth", -1));
        RS_CHECK_EQ_INT(v->width, W);
        const char *fr = strstr(obj, "\"frame_rate\": [");
        long long num = fr ? strtoll(fr + 15, NULL, 10) : -1;
        RS_CHECK_EQ_INT(v->frame_rate.num, num);
        json_str(obj, end, "pix_fmt", want, sizeof(want));
        RS_CHECK_EQ_STR(v->pix_fmt, want);
        if (v->bit_depth == 10)
            RS_CHECK_EQ_STR(v->profile, "HQ");
    }
    RS_CHECK_EQ_INT(info->nb_audio > 0 ? info->audio[0].channels : 0, json_int(obj, end, "audio_channels", -1));
    rs_media_info_free(&info);
}

static void probe_sound(const char *obj, const char *end)
{
    char rel[128], path[256];
    json_str(obj, end, "path", rel, sizeof(rel));
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    RsMediaInfo *info = NULL;
    RS_CHECK_EQ_INT(rs_media_probe(path, &info), 0);
    if (!info)
        return;
    RS_CHECK_EQ_INT(info->bwf_time_reference, json_int(obj, end, "time_reference", -1));
    RS_CHECK_EQ_INT(info->nb_audio, 1);
    if (info->nb_audio == 1) {
        RS_CHECK_EQ_INT(info->audio[0].channels, json_int(obj, end, "channels", -1));
        RS_CHECK_EQ_INT(info->audio[0].bits_per_sample, 24);
        RS_CHECK_EQ_INT(info->audio[0].sample_rate, 48000);
    }
    rs_media_info_free(&info);
    /* The clap is in the recorder's file at the sample the truth names. */
    Decoded dec;
    RS_CHECK_EQ_INT(decode(path, 0, 0, &dec), 0);
    RS_CHECK_EQ_INT(dec.samples, json_int(obj, end, "samples", -1));
    int64_t clap = json_int(obj, end, "clap_sample", -1), at = onset(&dec, clap);
    RS_CHECK(at >= clap && at <= clap + 4);
    free(dec.audio);
}

static void test_probe(void)
{
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
    int boom_x = boom && boom < end ? (int)json_int(boom, end, "x", -1) : 0;
    int boom_rows = boom && boom < end ? (int)json_int(boom, end, "max_rows", -1) : 0;
    Decoded dec;
    RS_CHECK_EQ_INT(decode(path, boom_x, boom_rows, &dec), 0);
    RS_CHECK_EQ_INT(dec.frames, T);
    if (dec.frames != T) {
        free(dec.audio);
        return;
    }
    if (clap && clap < end) {
        int64_t want = json_int(clap, end, "audio_sample", -1), at = onset(&dec, want);
        RS_CHECK(at >= want && at <= want + 4);
        RS_CHECK_EQ_INT(dec.samples, T * json_int(obj, end, "samples_per_frame", -1));
    }
    if (flash && flash < end) {
        int first = (int)json_int(flash, end, "first", -1), last = (int)json_int(flash, end, "last", -1);
        RS_CHECK(first > 0 && last < T - 1);
        for (int f = first; f <= last && first > 0 && last < T - 1; f++)
            RS_CHECK(dec.luma[f] > dec.luma[first - 1] + 50 && dec.luma[f] > dec.luma[last + 1] + 50);
    }
    if (black && black < end) {
        int first = (int)json_int(black, end, "first", -1), last = (int)json_int(black, end, "last", -1);
        RS_CHECK(first > 0 && dec.luma[first - 1] > 25);
        for (int f = first; f <= last && f < T; f++)
            RS_CHECK(dec.luma[f] < 18);
    }
    if (boom && boom < end) {
        /* The windshield darkens the top of the frame where it hangs. */
        int first = (int)json_int(boom, end, "first", -1), last = (int)json_int(boom, end, "last", -1);
        RS_CHECK(boom_rows > 4 && boom_x > 20 && boom_x < W - 20 && first > 3 && last < T);
        if (first > 3 && last < T)
            RS_CHECK(dec.top[first - 3] - dec.top[(first + last) / 2] > 30);
    }
    free(dec.audio);
}

static void test_decoded_events(void)
{
    RS_CHECK_EQ_INT(each_object("clips", decode_events), 9);
}

/* ffprobe, when installed, sees the tmcd track and the bext chunk too. */
static void test_ffprobe(void)
{
    char rel[128], path[256], cmd[640], want[32];
    const char *obj = strstr(truth, "\n    {"), *end = strstr(obj + 1, "\n    }");
    json_str(obj, end, "path", rel, sizeof(rel));
    json_str(obj, end, "start_timecode", want, sizeof(want));
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    snprintf(cmd, sizeof(cmd), "ffprobe -v error -show_entries stream=codec_tag_string:stream_tags=timecode "
             "-of default=nw=1 '%s'", path);
    char *out = run_capture(cmd, 1 << 16, NULL);
    RS_CHECK_CONTAINS(out, "codec_tag_string=tmcd");
    RS_CHECK_CONTAINS(out, want);
    free(out);
    obj = strstr(truth, "\"sound\": [");
    end = strstr(obj, "\n    }");
    json_str(obj, end, "path", rel, sizeof(rel));
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    snprintf(cmd, sizeof(cmd), "ffprobe -v error -show_entries format_tags=time_reference -of csv=p=0 '%s'", path);
    out = run_capture(cmd, 256, NULL);
    RS_CHECK_EQ_INT(strtoll(out ? out : "-1", NULL, 10), json_int(obj, end, "time_reference", -2));
    free(out);
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
    RsDemoReport dummy, *rep = &dummy; /* must be reset to NULL on failure */
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
    if (truth) {
        RS_RUN(test_probe);
        RS_RUN(test_decoded_events);
        if (have_tool("ffprobe"))
            RS_RUN(test_ffprobe);
        else
            fprintf(stderr, "note: ffprobe not installed, cross-check skipped\n");
    }
    free(truth);
    rm_tree(root);
    return rs_test_end();
}
