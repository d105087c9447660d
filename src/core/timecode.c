/*
 * SMPTE ST 12-1 timecode: labels <-> frame counts, and PTS -> frame counts.
 * The one place in rushes where timecode is converted; doc/timecode.md
 * explains the rules implemented here.
 */
#include <inttypes.h>
#include <string.h>

#include "rushes/error.h"
#include "rushes/timecode.h"

#ifndef __SIZEOF_INT128__
#error "rushes needs a compiler with __int128 (GCC or Clang on a 64-bit target)"
#endif

/*
 * Exact rescaling multiplies three 63-bit terms; 128-bit intermediates keep
 * it exact without a hand-written wide division.
 */
__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

/*
 * Every supported media rate is a nominal label rate fps, either exactly
 * (fps/1) or slowed by 1000/1001 as video derived from NTSC is. Drop-frame
 * exists only for the slowed multiples of 30: it keeps 29.97 and 59.94 labels
 * in step with the clock. 23.976 and 47.952 have no drop-frame counting, so
 * their labels run slow of the clock.
 */
typedef struct TcFps {
    int fps;
    const char *name;         /* fps/1 */
    const char *slow_name;    /* fps*1000/1001 non-drop; NULL where that rate is not supported */
    const char *slow_df_name; /* fps*1000/1001 drop-frame; NULL where it does not exist */
} TcFps;

static const TcFps tc_fps[] = {
    { 24, "24", "23.976",    NULL },
    { 25, "25", NULL,        NULL },
    { 30, "30", "29.97 NDF", "29.97 DF" },
    { 48, "48", "47.952",    NULL },
    { 50, "50", NULL,        NULL },
    { 60, "60", "59.94 NDF", "59.94 DF" },
};

/*
 * The row for a label rate, or NULL. A switch rather than a scan, because
 * every conversion validates its format and the exhaustive test converts
 * tens of millions of frames under AddressSanitizer.
 */
static const TcFps *fps_row(int64_t fps)
{
    switch (fps) {
    case 24: return &tc_fps[0];
    case 25: return &tc_fps[1];
    case 30: return &tc_fps[2];
    case 48: return &tc_fps[3];
    case 50: return &tc_fps[4];
    case 60: return &tc_fps[5];
    default: return NULL;
    }
}

static const char *const field_names[4] = { "hours", "minutes", "seconds", "frames" };

/* Error messages quote at most this much of the caller's text. */
#define TC_QUOTE_MAX 40

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/*
 * The name of fmt's counting, or NULL when fmt is not one that
 * rs_timecode_format_init() gives. Every function checks fmt this way so that
 * a hand-filled or corrupted struct fails cleanly instead of producing labels
 * that do not exist.
 */
static const char *format_name(const RsTimecodeFormat *fmt)
{
    if (!fmt)
        return NULL;
    const int fps = fmt->fps, drop = fmt->drop;
    const int64_t num = fmt->rate.num, den = fmt->rate.den;
    const TcFps *row = fps_row(fps);
    if (!row)
        return NULL;
    if (den == 1 && num == fps)
        return drop == 0 ? row->name : NULL;
    if (den == 1001 && num == (int64_t)fps * 1000)
        return drop == 0 ? row->slow_name : drop == 1 ? row->slow_df_name : NULL;
    return NULL;
}

static int invalid_format(void)
{
    return rs_error(RS_EINVAL, "timecode format is NULL or was not set by rs_timecode_format_init()");
}

/* Labels dropped at the start of each minute: 2 at 29.97, 4 at 59.94. */
static int dropped_per_minute(int fps)
{
    return fps / 15;
}

static int64_t day_frames(int fps, int drop)
{
    if (!drop)
        return (int64_t)fps * 86400;
    /* 144 ten-minute blocks, each missing the drops of 9 of its 10 minutes. */
    return 144 * ((int64_t)fps * 600 - 9 * dropped_per_minute(fps));
}

int rs_timecode_format_init(RsTimecodeFormat *fmt, RsRational rate, int drop)
{
    if (!fmt)
        return rs_error(RS_EINVAL, "timecode format pointer is NULL");
    if (rate.num <= 0 || rate.den <= 0)
        return rs_error(RS_EINVAL, "frame rate %" PRId64 "/%" PRId64 " is not a positive fraction",
                        rate.num, rate.den);
    if (drop != 0 && drop != 1)
        return rs_error(RS_EINVAL, "drop-frame flag %d must be 0 or 1", drop);

    const int64_t g = gcd64(rate.num, rate.den);
    const int64_t num = rate.num / g, den = rate.den / g;
    const int64_t fps = den == 1 ? num : (den == 1001 && num % 1000 == 0) ? num / 1000 : 0;
    const TcFps *row = fps_row(fps);
    const char *name = !row ? NULL : den == 1 ? row->name : row->slow_name;
    if (!name)
        return rs_error(RS_EUNSUP, "frame rate %" PRId64 "/%" PRId64 " has no timecode format; "
                        "supported: 24000/1001, 24, 25, 30000/1001, 30, 48000/1001, 48, 50, "
                        "60000/1001, 60", rate.num, rate.den);
    if (drop && (den == 1 || !row->slow_df_name))
        return rs_error(RS_EINVAL, "frame rate %" PRId64 "/%" PRId64 " (%s) has no drop-frame "
                        "timecode; drop-frame exists only at 30000/1001 (29.97) and "
                        "60000/1001 (59.94)", rate.num, rate.den, name);
    fmt->rate = (RsRational){ num, den };
    fmt->fps = row->fps;
    fmt->drop = drop;
    return 0;
}

const char *rs_timecode_format_name(const RsTimecodeFormat *fmt)
{
    const char *name = format_name(fmt);
    return name ? name : "invalid";
}

int64_t rs_timecode_frames_per_day(const RsTimecodeFormat *fmt)
{
    if (!format_name(fmt))
        return invalid_format();
    return day_frames(fmt->fps, fmt->drop);
}

int rs_timecode_from_frames(const RsTimecodeFormat *fmt, int64_t frame, char buf[RS_TC_BUFSZ])
{
    if (!buf)
        return rs_error(RS_EINVAL, "timecode output buffer is NULL");
    buf[0] = '\0';
    if (!format_name(fmt))
        return invalid_format();

    const int fps = fmt->fps;
    /*
     * Wrap into one day; the label arithmetic below then fits in 32 bits,
     * whose divisions are cheaper than 64-bit ones.
     */
    const int64_t day = day_frames(fps, fmt->drop);
    int64_t wrapped = frame;
    if (wrapped < 0 || wrapped >= day) {
        wrapped %= day;
        if (wrapped < 0)
            wrapped += day;
    }
    uint32_t n = (uint32_t)wrapped;

    if (fmt->drop) {
        /*
         * Turn the frame count into a label count by adding back the labels
         * skipped so far: 9 minutes' worth per whole ten-minute block, and
         * one minute's worth per minute begun after the block's first one,
         * which keeps all its labels.
         */
        const uint32_t d = (uint32_t)dropped_per_minute(fps);
        const uint32_t full_minute = (uint32_t)fps * 60;
        const uint32_t short_minute = full_minute - d;
        const uint32_t block = full_minute * 10 - 9 * d;
        const uint32_t rem = n % block;
        uint32_t skipped = 9 * d * (n / block);
        if (rem >= full_minute)
            skipped += d * (1 + (rem - full_minute) / short_minute);
        n += skipped;
    }

    const uint32_t secs = n / (uint32_t)fps, mins = secs / 60;
    const uint32_t hh = mins / 60, mm = mins % 60, ss = secs % 60, ff = n % (uint32_t)fps;
    buf[0] = (char)('0' + hh / 10);
    buf[1] = (char)('0' + hh % 10);
    buf[2] = ':';
    buf[3] = (char)('0' + mm / 10);
    buf[4] = (char)('0' + mm % 10);
    buf[5] = ':';
    buf[6] = (char)('0' + ss / 10);
    buf[7] = (char)('0' + ss % 10);
    buf[8] = fmt->drop ? ';' : ':';
    buf[9] = (char)('0' + ff / 10);
    buf[10] = (char)('0' + ff % 10);
    buf[11] = '\0';
    return 0;
}

/*
 * Character classes as macros: the label path below runs once per frame in
 * the exhaustive test, which must stay quick in an unoptimised ASan build.
 */
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_SEPARATOR(c) ((c) == ':' || (c) == ';' || (c) == '.' || (c) == ',')

/*
 * The eight digits of a label-shaped tc, "DD?DD?DD?DD" with '?' a separator,
 * as the number HHMMSSFF; or -1 when tc has any other shape. Reading stops at
 * the first character out of place, so a short string is never overrun.
 */
static int32_t label_digits(const char *tc)
{
    uint32_t digits = 0;
    for (int i = 0; i < 12; i += 3) {
        /*
         * Unsigned arithmetic: a character below '0' wraps to a large value,
         * so one comparison tests for a digit, and the sanitizers have no
         * signed overflow to check on this per-frame path.
         */
        const uint32_t hi = (uint32_t)(unsigned char)tc[i] - '0';
        if (hi > 9)
            return -1;
        const uint32_t lo = (uint32_t)(unsigned char)tc[i + 1] - '0';
        if (lo > 9)
            return -1;
        digits = digits * 100 + hi * 10 + lo;
        const char sep = tc[i + 2];
        if (i < 9 ? !IS_SEPARATOR(sep) : sep != '\0')
            return -1;
    }
    return (int32_t)digits;
}

/*
 * Explain why label_digits() refused tc: an empty string, a field count
 * other than four, or the first field that is not two digits. Only called on
 * failure, so the well-formed path stays short.
 */
static int explain_malformed(const char *tc)
{
    if (!*tc)
        return rs_error(RS_EINVAL, "timecode is empty; expected HH:MM:SS:FF");

    const size_t tc_len = strlen(tc);
    const int qlen = tc_len > TC_QUOTE_MAX ? TC_QUOTE_MAX : (int)tc_len;
    const char *qmore = tc_len > TC_QUOTE_MAX ? "..." : "";

    int nfields = 1;
    for (const char *p = tc; *p; p++)
        nfields += IS_SEPARATOR(*p);
    if (nfields != 4)
        return rs_error(RS_EINVAL, "timecode '%.*s%s' has %d field%s; expected 4 fields HH:MM:SS:FF",
                        qlen, tc, qmore, nfields, nfields == 1 ? "" : "s");

    const char *field = tc;
    for (int i = 0; i < 4; i++) {
        size_t len = 0;
        while (field[len] && !IS_SEPARATOR(field[len]))
            len++;
        if (len != 2 || !IS_DIGIT(field[0]) || !IS_DIGIT(field[1]))
            return rs_error(RS_EINVAL, "%s field '%.*s%s' is not two digits in '%.*s%s'",
                            field_names[i], len > TC_QUOTE_MAX ? TC_QUOTE_MAX : (int)len, field,
                            len > TC_QUOTE_MAX ? "..." : "", qlen, tc, qmore);
        field += len + 1;
    }
    /* Four two-digit fields are label-shaped; this is not reached. */
    return rs_error(RS_EINVAL, "timecode '%.*s%s' is not HH:MM:SS:FF", qlen, tc, qmore);
}

static int out_of_range(int field, uint32_t value, uint32_t limit, const char *tc)
{
    return rs_error(RS_EINVAL, "%s field '%02u' out of range 0-%u in '%s'",
                    field_names[field], (unsigned)value, (unsigned)(limit - 1), tc);
}

int rs_timecode_to_frames(const RsTimecodeFormat *fmt, const char *tc, int64_t *frame)
{
    if (!tc)
        return rs_error(RS_EINVAL, "timecode string is NULL");
    if (!frame)
        return rs_error(RS_EINVAL, "timecode result pointer is NULL");
    if (!format_name(fmt))
        return invalid_format();
    const int32_t digits = label_digits(tc);
    if (digits < 0)
        return explain_malformed(tc);

    /*
     * The separator before the frames field says how the label counts. The
     * other two may repeat it (some editors write 01;00;00;00) but a mix such
     * as 01.00:00;00 is more likely a typing error than a convention.
     */
    const char sep = tc[8];
    if (tc[2] != ':' && tc[2] != sep)
        return rs_error(RS_EINVAL, "separator '%c' after the hours field of '%s' must be ':' "
                        "or match the '%c' before the frames field", tc[2], tc, sep);
    if (tc[5] != ':' && tc[5] != sep)
        return rs_error(RS_EINVAL, "separator '%c' after the minutes field of '%s' must be ':' "
                        "or match the '%c' before the frames field", tc[5], tc, sep);
    if (sep != ':' && !fmt->drop)
        return rs_error(RS_EINVAL, "'%s' is a drop-frame label ('%c' before the frames field) but "
                        "the format %s is non-drop-frame, which writes ':' there", tc, sep,
                        rs_timecode_format_name(fmt));
    if (sep == ':' && fmt->drop)
        return rs_error(RS_EINVAL, "'%s' is a non-drop-frame label (':' before the frames field) "
                        "but the format %s is drop-frame, which writes ';' there", tc,
                        rs_timecode_format_name(fmt));

    /* Unsigned 32-bit arithmetic suffices: a day has fewer than 2^23 labels. */
    const uint32_t fps = (uint32_t)fmt->fps;
    const uint32_t hh = (uint32_t)digits / 1000000, mm = (uint32_t)digits / 10000 % 100;
    const uint32_t ss = (uint32_t)digits / 100 % 100, ff = (uint32_t)digits % 100;
    if (hh >= 24)
        return out_of_range(0, hh, 24, tc);
    if (mm >= 60)
        return out_of_range(1, mm, 60, tc);
    if (ss >= 60)
        return out_of_range(2, ss, 60, tc);
    if (ff >= fps)
        return out_of_range(3, ff, fps, tc);

    const uint32_t minutes = hh * 60 + mm;
    uint32_t n = (minutes * 60 + ss) * fps + ff;
    if (fmt->drop) {
        const uint32_t d = (uint32_t)dropped_per_minute(fmt->fps);
        if (mm % 10 != 0 && ss == 0 && ff < d)
            return rs_error(RS_EINVAL, "frames field '%02u' does not exist in '%s': %s skips "
                            "labels 00-%02u at the start of every minute except minutes "
                            "00, 10, 20, 30, 40 and 50", (unsigned)ff, tc,
                            rs_timecode_format_name(fmt), (unsigned)(d - 1));
        /* Every minute so far except each tenth one skipped d labels. */
        n -= d * (minutes - minutes / 10);
    }
    *frame = n;
    return 0;
}

/*
 * floor(x * (a/b) * (c/d) + 1/2) for positive a, b, c, d, exactly. The two
 * fractions are cross-reduced to n/m first so that realistic time bases keep
 * n and m in 64 bits; then x = q*m + r with 0 <= r < m gives
 * x*n/m + 1/2 = q*n + (2*r*n + m) / (2*m), where 2*r*n + m < 2^128.
 */
static int64_t rescale_nearest(int64_t x, int64_t a, int64_t b, int64_t c, int64_t d)
{
    int64_t g = gcd64(a, b);
    a /= g, b /= g;
    g = gcd64(c, d);
    c /= g, d /= g;
    const int64_t g1 = gcd64(a, d), g2 = gcd64(c, b);
    const i128 n = (i128)(a / g1) * (c / g2);
    const i128 m = (i128)(b / g2) * (d / g1);
    if (n > INT64_MAX || m > INT64_MAX) {
        rs_error(RS_EINVAL, "time base and frame rate %" PRId64 "/%" PRId64 " x %" PRId64 "/%"
                 PRId64 " do not reduce to 64-bit terms", a, b, c, d);
        return RS_TC_NO_FRAME;
    }

    i128 q = (i128)x / m;
    i128 rem = (i128)x % m;
    if (rem < 0) {
        q -= 1;
        rem += m;
    }
    const u128 frac = (2 * (u128)rem * (u128)n + (u128)m) / (2 * (u128)m);
    const i128 result = q * n + (i128)frac;
    if (result <= INT64_MIN || result > INT64_MAX) {
        rs_error(RS_EINVAL, "%" PRId64 " rescaled by %" PRId64 "/%" PRId64 " x %" PRId64 "/%"
                 PRId64 " does not fit in 64 bits", x, a, b, c, d);
        return RS_TC_NO_FRAME;
    }
    return (int64_t)result;
}

static int check_pts_args(const RsTimecodeFormat *fmt, RsRational time_base)
{
    if (!format_name(fmt))
        return invalid_format();
    if (time_base.num <= 0 || time_base.den <= 0)
        return rs_error(RS_EINVAL, "time base %" PRId64 "/%" PRId64 " is not a positive fraction",
                        time_base.num, time_base.den);
    return 0;
}

int64_t rs_timecode_frame_from_pts(const RsTimecodeFormat *fmt, int64_t pts, RsRational time_base)
{
    if (check_pts_args(fmt, time_base) < 0)
        return RS_TC_NO_FRAME;
    /* seconds = pts * tb; frames = seconds * rate. */
    return rescale_nearest(pts, time_base.num, time_base.den, fmt->rate.num, fmt->rate.den);
}

int64_t rs_timecode_pts_from_frame(const RsTimecodeFormat *fmt, int64_t frame, RsRational time_base)
{
    if (check_pts_args(fmt, time_base) < 0)
        return RS_TC_NO_FRAME;
    return rescale_nearest(frame, time_base.den, time_base.num, fmt->rate.den, fmt->rate.num);
}
