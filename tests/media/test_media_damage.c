/*
 * Damaged copies of real clips, made here in /tmp: cut short, cut before the
 * moov atom, garbled in the middle. Probing says what is wrong; decoding
 * finishes, returns what can be decoded and reports the damage; FFmpeg's
 * complaints reach the log callback and never stderr.
 */
#include <fcntl.h>
#include <pthread.h>

#include "rushes/log.h"
#include "media_fixtures.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int ffmpeg_messages;

static void log_cb(void *opaque, RsLogLevel level, const char *msg)
{
    (void)opaque;
    pthread_mutex_lock(&log_lock);
    /* FFmpeg's own messages are forwarded at debug level (src/media/avlog.c). */
    if (level == RS_LOG_DEBUG && !strncmp(msg, "ffmpeg: ", 8))
        ffmpeg_messages++;
    pthread_mutex_unlock(&log_lock);
}

/* Overwrite len bytes at off with a fixed pseudo-random pattern. */
static int garble(const char *path, long off, long len)
{
    FILE *f = fopen(path, "r+b");
    if (!f || fseek(f, off, SEEK_SET)) {
        if (f)
            fclose(f);
        return 0;
    }
    uint32_t x = 2463534242u;
    for (long i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        fputc((int)(x & 0xff), f);
    }
    return fclose(f) == 0;
}

/* stderr goes to a file while fn runs; returns how many bytes were written to it. */
static long silent_run(void (*fn)(void))
{
    const char *cap = fx_path("stderr.txt");
    fflush(stderr);
    int saved = dup(2), fd = open(cap, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    dup2(fd, 2);
    close(fd);
    fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    return fx_file_size(cap);
}

/* smpte-2997.mp4 has its moov first: half of it keeps the header, loses the data. */
static void test_mdat_short(void)
{
    const char *src = fx_shared("moviepy/smpte-2997.mp4"), *cut = fx_path("clip.mp4");
    RS_CHECK(fx_copy(src, cut, fx_file_size(src) / 2));

    RsMediaInfo *mi = NULL;
    RS_CHECK_EQ_INT(rs_media_probe(cut, &mi), RS_EMEDIA);
    RS_CHECK(mi == NULL);
    RS_CHECK_CONTAINS(rs_error_message(), "clip.mp4: truncated or corrupt container");
    RS_CHECK_CONTAINS(rs_error_message(), "the file ends at byte");

    RsDecoderSettings s;
    rs_decoder_default_settings(&s);
    s.threads = 2;
    s.audio = 1;
    FxDecode r;
    RS_CHECK_EQ_INT(fx_decode(cut, &s, &r), 0);
    RS_CHECK_EQ_INT(r.ret, 0);
    RS_CHECK(r.frames > 50);
    RS_CHECK(r.frames < 251);    /* PROVENANCE: 251 frames in the whole clip */
    RS_CHECK(r.samples > 0);
    RS_CHECK(r.index_ok);
    RS_CHECK(r.pts_increasing);
    RS_CHECK_EQ_INT(r.stats.truncated, 1);
}

/* Most mp4s keep the moov at the end: half of one has no header at all. */
static void test_moov_missing(void)
{
    const char *src = fx_shared("pyscenedetect/counter.mp4"), *cut = fx_path("counter.mp4");
    RS_CHECK(fx_copy(src, cut, fx_file_size(src) / 2));
    RsMediaInfo *mi = NULL;
    RS_CHECK_EQ_INT(rs_media_probe(cut, &mi), RS_EMEDIA);
    RS_CHECK_CONTAINS(rs_error_message(), "counter.mp4: truncated or corrupt container "
                      "(moov atom not found)");
    RsDecoder *d = NULL;
    RS_CHECK_EQ_INT(rs_decoder_open(&d, cut, NULL, NULL), RS_EMEDIA);
    RS_CHECK(d == NULL);
    RS_CHECK_CONTAINS(rs_error_message(), "moov atom not found");
}

static FxDecode garbled_result;
static const char *garbled_path;

static void decode_garbled(void)
{
    RsDecoderSettings s;
    rs_decoder_default_settings(&s);
    s.threads = 2;
    s.audio = 1;
    fx_decode(garbled_path, &s, &garbled_result);
}

/* chaplin.mp4 with 30 kB of noise in the middle of its media data. */
static void test_garbled_middle(void)
{
    const char *src = fx_shared("moviepy/chaplin.mp4");
    garbled_path = fx_path("garbled.mp4");
    RS_CHECK(fx_copy(src, garbled_path, -1));
    RS_CHECK(garble(garbled_path, fx_file_size(src) * 2 / 5, 30000));

    /* The header is intact, so probing succeeds. */
    RsMediaInfo *mi = NULL;
    RS_CHECK_EQ_INT(rs_media_probe(garbled_path, &mi), 0);
    rs_media_info_free(&mi);

    rs_log_set_callback(log_cb, NULL, RS_LOG_DEBUG);
    long printed = silent_run(decode_garbled);
    rs_log_set_callback(NULL, NULL, RS_LOG_INFO);
    const FxDecode *r = &garbled_result;
    RS_CHECK_EQ_INT(printed, 0);
    RS_CHECK(ffmpeg_messages > 0);
    RS_CHECK_EQ_INT(r->ret, 0);
    RS_CHECK(r->frames > 150);
    RS_CHECK(r->frames <= 241);
    RS_CHECK(r->samples > 0);
    RS_CHECK(r->index_ok);
    RS_CHECK(r->stats.decode_errors + r->stats.corrupt_frames > 0);
    RS_CHECK_EQ_INT(r->stats.corrupt_frames > 0, r->corrupt_seen);
    /* Damaged, not short: the demuxer read the whole index. */
    RS_CHECK_EQ_INT(r->stats.truncated, 0);
}

/* Noise over the start of the media data, where the first key frame lives. */
static void test_garbled_start(void)
{
    const char *src = fx_shared("pyscenedetect/fades.mp4"), *path = fx_path("fades.mp4");
    RS_CHECK(fx_copy(src, path, -1));
    RS_CHECK(garble(path, 48, 20000));
    RsDecoderSettings s;
    rs_decoder_default_settings(&s);
    FxDecode r;
    RS_CHECK_EQ_INT(fx_decode(path, &s, &r), 0);
    RS_CHECK_EQ_INT(r.ret, 0);
    RS_CHECK(r.frames > 0);
    RS_CHECK(r.stats.decode_errors + r.stats.corrupt_frames > 0);
}

int main(void)
{
    fx_shared("moviepy/chaplin.mp4");
    RS_RUN(test_mdat_short);
    RS_RUN(test_moov_missing);
    RS_RUN(test_garbled_middle);
    RS_RUN(test_garbled_start);
    return rs_test_end();
}
