/*
 * Timecode: every label of a day at every rate against an independent label
 * counter, the known drop-frame traps, every kind of malformed input with its
 * message, and PTS rescaling against a plain integer oracle.
 */
#include "rushes/error.h"
#include "rushes/timecode.h"
#include "../rs_test.h"

typedef struct TestRate {
    int64_t num, den;
    int drop;
    int fps;
    int64_t day;       /* frames in 24 hours, worked out by hand */
    const char *last;  /* label of the last frame of the day */
} TestRate;

static const TestRate test_rates[] = {
    { 24000, 1001, 0, 24, 2073600, "23:59:59:23" },
    {    24,    1, 0, 24, 2073600, "23:59:59:23" },
    {    25,    1, 0, 25, 2160000, "23:59:59:24" },
    { 30000, 1001, 0, 30, 2592000, "23:59:59:29" },
    { 30000, 1001, 1, 30, 2589408, "23:59:59;29" },
    {    30,    1, 0, 30, 2592000, "23:59:59:29" },
    { 48000, 1001, 0, 48, 4147200, "23:59:59:47" },
    {    48,    1, 0, 48, 4147200, "23:59:59:47" },
    {    50,    1, 0, 50, 4320000, "23:59:59:49" },
    { 60000, 1001, 0, 60, 5184000, "23:59:59:59" },
    { 60000, 1001, 1, 60, 5178816, "23:59:59;59" },
    {    60,    1, 0, 60, 5184000, "23:59:59:59" },
};
#define N_RATES (int)(sizeof(test_rates) / sizeof(test_rates[0]))

static RsTimecodeFormat make_format(int64_t num, int64_t den, int drop)
{
    RsTimecodeFormat fmt = { { 0, 0 }, 0, 0 };
    int ret = rs_timecode_format_init(&fmt, (RsRational){ num, den }, drop);
    RS_CHECK_EQ_INT(ret, 0);
    return fmt;
}

/* Write the two digits of v at p. */
static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

/*
 * Walk the whole day with a label odometer written independently of the
 * library (increment, carry, skip the dropped labels) and require that frame
 * n has exactly the odometer's n-th label and that each label parses back to
 * n. Labels strictly increase because the odometer's do (checked on its
 * digits, which costs less than comparing strings 42 million times under
 * ASan). Failures are counted, not reported one by one, so that a broken
 * build does not print millions of lines.
 */
static void test_every_frame_of_a_day(void)
{
    for (int r = 0; r < N_RATES; r++) {
        const TestRate *t = &test_rates[r];
        const RsTimecodeFormat fmt = make_format(t->num, t->den, t->drop);
        const char sep = t->drop ? ';' : ':';
        const int skip = t->drop ? t->fps / 15 : 0;
        RS_CHECK_EQ_INT(rs_timecode_frames_per_day(&fmt), t->day);

        /* The odometer's label, rewritten only where its digits change. */
        int hh = 0, mm = 0, ss = 0, ff = 0;
        int32_t prev_key = -1;
        char want[RS_TC_BUFSZ] = "00:00:00:00";
        want[8] = sep;
        int64_t bad_label = 0, bad_order = 0, bad_parse = 0, n = 0;
        char buf[RS_TC_BUFSZ] = "";
        for (; hh < 24; n++) {
            int64_t back = -1;
            if (rs_timecode_from_frames(&fmt, n, buf) < 0 || memcmp(buf, want, 12))
                bad_label++;
            if (rs_timecode_to_frames(&fmt, buf, &back) < 0 || back != n)
                bad_parse++;
            const int32_t key = ((hh * 100 + mm) * 100 + ss) * 100 + ff;
            if (key <= prev_key)
                bad_order++;
            prev_key = key;

            if (++ff == t->fps) {
                ff = 0;
                if (++ss == 60) {
                    ss = 0;
                    if (++mm == 60) {
                        mm = 0;
                        hh++;
                        put2(want, hh);
                    }
                    put2(want + 3, mm);
                }
                put2(want + 6, ss);
                if (ss == 0 && mm % 10 != 0)
                    ff = skip;
            }
            put2(want + 9, ff);
        }
        /*
         * The walk saw every label that exists; every other well-formed
         * label (the skipped drop-frame ones) must be refused.
         */
        int64_t accepted_skipped = 0;
        for (int m = 0; m < 24 * 60; m++) {
            for (int f = 0; f < skip && m % 10 != 0; f++) {
                char tc[32];
                int64_t back = -1;
                snprintf(tc, sizeof(tc), "%02d:%02d:00;%02d", m / 60, m % 60, f);
                if (rs_timecode_to_frames(&fmt, tc, &back) != RS_EINVAL || back != -1)
                    accepted_skipped++;
            }
        }
        RS_CHECK_EQ_INT(accepted_skipped, 0);

        if (bad_label || bad_order || bad_parse)
            fprintf(stderr, "rate %" PRId64 "/%" PRId64 " drop %d: %" PRId64 " wrong labels, %"
                    PRId64 " out of order, %" PRId64 " not parsed back\n", t->num, t->den,
                    t->drop, bad_label, bad_order, bad_parse);
        RS_CHECK_EQ_INT(bad_label, 0);
        RS_CHECK_EQ_INT(bad_order, 0);
        RS_CHECK_EQ_INT(bad_parse, 0);
        RS_CHECK_EQ_INT(n, t->day);
        RS_CHECK_EQ_STR(buf, t->last);
    }
}

static void check_label(const RsTimecodeFormat *fmt, int64_t frame, const char *want)
{
    char buf[RS_TC_BUFSZ];
    int64_t back = -1;
    RS_CHECK_EQ_INT(rs_timecode_from_frames(fmt, frame, buf), 0);
    RS_CHECK_EQ_STR(buf, want);
    RS_CHECK_EQ_INT(rs_timecode_to_frames(fmt, want, &back), 0);
    RS_CHECK_EQ_INT(back, frame);
}

/* Parsing must fail with RS_EINVAL, leave *frame alone, and name what is wrong. */
static void check_rejected(const RsTimecodeFormat *fmt, const char *tc, const char *culprit)
{
    int64_t frame = 12345;
    rs_error_clear();
    RS_CHECK_EQ_INT(rs_timecode_to_frames(fmt, tc, &frame), RS_EINVAL);
    RS_CHECK_EQ_INT(frame, 12345);
    RS_CHECK_CONTAINS(rs_error_message(), culprit);
}

static void test_drop_frame_traps(void)
{
    const RsTimecodeFormat df = make_format(30000, 1001, 1);
    check_label(&df, 1799, "00:00:59;29");
    check_label(&df, 1800, "00:01:00;02");
    check_label(&df, 17981, "00:09:59;29");
    check_label(&df, 17982, "00:10:00;00");
    check_label(&df, 17983, "00:10:00;01");
    check_label(&df, 107892, "01:00:00;00");
    check_rejected(&df, "00:01:00;00", "frames field '00' does not exist in '00:01:00;00'");
    check_rejected(&df, "00:01:00;01", "frames field '01'");
    check_rejected(&df, "23:59:00;01", "29.97 DF");

    const RsTimecodeFormat df60 = make_format(60000, 1001, 1);
    check_label(&df60, 3599, "00:00:59;59");
    check_label(&df60, 3600, "00:01:00;04");
    check_label(&df60, 35964, "00:10:00;00");
    check_label(&df60, 215784, "01:00:00;00");
    check_rejected(&df60, "00:01:00;03", "labels 00-03");
    check_rejected(&df60, "00:11:00;00", "frames field '00'");

    /* Both 29.97 counts of the same stretch of media differ by the drops. */
    const RsTimecodeFormat ndf = make_format(30000, 1001, 0);
    check_label(&ndf, 1800, "00:01:00:00");
    check_label(&ndf, 107892, "00:59:56:12");
}

static void test_formats(void)
{
    RsTimecodeFormat fmt = { { 7, 7 }, 7, 7 };
    const RsTimecodeFormat before = fmt;

    RS_CHECK_EQ_INT(rs_timecode_format_init(&fmt, (RsRational){ 24000, 1001 }, 1), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "24000/1001 (23.976) has no drop-frame");
    RS_CHECK(!memcmp(&fmt, &before, sizeof(fmt)));
    RS_CHECK_EQ_INT(rs_timecode_format_init(&fmt, (RsRational){ 25, 1 }, 1), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "25/1");
    RS_CHECK_EQ_INT(rs_timecode_format_init(&fmt, (RsRational){ 30, 1 }, 1), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_timecode_format_init(&fmt, (RsRational){ 2997, 100 }, 0), RS_EUNSUP);
    RS_CHECK_CONTAINS(rs_error_message(), "2997/100");
    RS_CHECK_EQ_INT(rs_timecode_format_init(&fmt, (RsRational){ 25, 0 }, 0), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "25/0");
    RS_CHECK_EQ_INT(rs_timecode_format_init(&fmt, (RsRational){ -25, 1 }, 0), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_timecode_format_init(&fmt, (RsRational){ 25, 1 }, 2), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_timecode_format_init(NULL, (RsRational){ 25, 1 }, 0), RS_EINVAL);
    RS_CHECK(!memcmp(&fmt, &before, sizeof(fmt)));

    RS_CHECK_EQ_INT(rs_timecode_format_init(&fmt, (RsRational){ 48000, 2002 }, 0), 0);
    RS_CHECK_EQ_INT(fmt.rate.num, 24000);
    RS_CHECK_EQ_INT(fmt.rate.den, 1001);
    RS_CHECK_EQ_INT(fmt.fps, 24);
    RS_CHECK_EQ_STR(rs_timecode_format_name(&fmt), "23.976");
    RS_CHECK_EQ_INT(rs_timecode_format_init(&fmt, (RsRational){ 60000, 1001 }, 1), 0);
    RS_CHECK_EQ_STR(rs_timecode_format_name(&fmt), "59.94 DF");

    /* A hand-made format that init would refuse is refused everywhere. */
    const RsTimecodeFormat forged = { { 25, 1 }, 25, 1 };
    char buf[RS_TC_BUFSZ] = "x";
    int64_t frame = 0;
    RS_CHECK_EQ_INT(rs_timecode_from_frames(&forged, 0, buf), RS_EINVAL);
    RS_CHECK_EQ_STR(buf, "");
    RS_CHECK_EQ_INT(rs_timecode_to_frames(&forged, "00:00:00;00", &frame), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_timecode_frames_per_day(&forged), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_timecode_frames_per_day(NULL), RS_EINVAL);
    RS_CHECK_EQ_STR(rs_timecode_format_name(&forged), "invalid");
    RS_CHECK_EQ_INT(rs_timecode_from_frames(&fmt, 0, NULL), RS_EINVAL);
}

static void test_start_and_wrap(void)
{
    const RsTimecodeFormat f23 = make_format(24000, 1001, 0);
    check_label(&f23, 86400, "01:00:00:00");
    check_label(&f23, 86400 + 24, "01:00:01:00");

    const RsTimecodeFormat f24 = make_format(24, 1, 0);
    char buf[RS_TC_BUFSZ];
    const int64_t day = rs_timecode_frames_per_day(&f24);
    const struct { int64_t frame; const char *label; } wraps[] = {
        { day, "00:00:00:00" }, { day + 1, "00:00:00:01" }, { -1, "23:59:59:23" },
        { -24, "23:59:59:00" }, { -day, "00:00:00:00" }, { 3 * day + 86400, "01:00:00:00" },
        { INT64_MAX, NULL }, { INT64_MIN, NULL },
    };
    for (size_t i = 0; i < sizeof(wraps) / sizeof(wraps[0]); i++) {
        RS_CHECK_EQ_INT(rs_timecode_from_frames(&f24, wraps[i].frame, buf), 0);
        if (wraps[i].label)
            RS_CHECK_EQ_STR(buf, wraps[i].label);
        else
            RS_CHECK(strlen(buf) == 11);
    }
    const RsTimecodeFormat df = make_format(30000, 1001, 1);
    RS_CHECK_EQ_INT(rs_timecode_from_frames(&df, -1, buf), 0);
    RS_CHECK_EQ_STR(buf, "23:59:59;29");
    RS_CHECK_EQ_INT(rs_timecode_from_frames(&df, 2589408, buf), 0);
    RS_CHECK_EQ_STR(buf, "00:00:00;00");
}

static void test_separators(void)
{
    const RsTimecodeFormat df = make_format(30000, 1001, 1);
    const RsTimecodeFormat f24 = make_format(24, 1, 0);
    const char *df_spellings[] = { "01:00:00;00", "01:00:00.00", "01:00:00,00", "01;00;00;00",
                                   "01.00.00.00", "01:00;00;00" };
    for (size_t i = 0; i < sizeof(df_spellings) / sizeof(df_spellings[0]); i++) {
        int64_t frame = -1;
        RS_CHECK_EQ_INT(rs_timecode_to_frames(&df, df_spellings[i], &frame), 0);
        RS_CHECK_EQ_INT(frame, 107892);
    }
    check_rejected(&df, "01:00:00:00", "non-drop-frame label");
    check_rejected(&df, "01:00:00:00", "29.97 DF");
    check_rejected(&f24, "01:00:00;00", "is a drop-frame label");
    check_rejected(&f24, "01:00:00.00", "the format 24 is non-drop-frame");
    check_rejected(&df, "01.00:00;00", "separator '.' after the hours field");
    check_rejected(&df, "01:00,00;00", "separator ',' after the minutes field");
}

static void test_malformed(void)
{
    const RsTimecodeFormat f24 = make_format(24, 1, 0);
    const RsTimecodeFormat df = make_format(30000, 1001, 1);
    int64_t frame = 0;
    RS_CHECK_EQ_INT(rs_timecode_to_frames(&f24, NULL, &frame), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "NULL");
    RS_CHECK_EQ_INT(rs_timecode_to_frames(&f24, "00:00:00:00", NULL), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_timecode_to_frames(NULL, "00:00:00:00", &frame), RS_EINVAL);

    check_rejected(&f24, "", "empty");
    check_rejected(&f24, "1:2:3", "'1:2:3' has 3 fields");
    check_rejected(&f24, "01000000", "has 1 field;");
    check_rejected(&f24, "00:00:00:00:00", "has 5 fields");
    check_rejected(&f24, "00:00:00:00:", "has 5 fields");
    check_rejected(&f24, "1:02:03:04", "hours field '1' is not two digits");
    check_rejected(&f24, "aa:00:00:00", "hours field 'aa' is not two digits in 'aa:00:00:00'");
    check_rejected(&f24, "00::00:00", "minutes field ''");
    check_rejected(&f24, "00:00:0x:00", "seconds field '0x'");
    check_rejected(&f24, "00:00:00:00x", "frames field '00x'");
    check_rejected(&f24, "00:00:00:00 ", "frames field '00 '");
    check_rejected(&f24, " 00:00:00:00", "hours field ' 00'");
    check_rejected(&f24, "-1:00:00:00", "hours field '-1'");
    check_rejected(&f24, "+1:00:00:00", "hours field '+1'");
    check_rejected(&f24, "00:00:00:24", "frames field '24' out of range 0-23 in '00:00:00:24'");
    check_rejected(&f24, "01:61:00:00", "minutes field '61' out of range 0-59 in '01:61:00:00'");
    check_rejected(&f24, "00:00:60:00", "seconds field '60' out of range 0-59");
    check_rejected(&f24, "24:00:00:00", "hours field '24' out of range 0-23");
    check_rejected(&df, "00:00:00;30", "frames field '30' out of range 0-29");

    /* A long input is quoted, but only its start. */
    char longtc[200];
    memset(longtc, '1', sizeof(longtc) - 1);
    longtc[sizeof(longtc) - 1] = '\0';
    check_rejected(&f24, longtc, "has 1 field");
    RS_CHECK(strlen(rs_error_message()) < 150);
}

/* floor(x / y) for y > 0, the plain way. */
static int64_t floor_div(int64_t x, int64_t y)
{
    return x / y - (x % y < 0);
}

static void test_pts(void)
{
    const RsTimecodeFormat f23 = make_format(24000, 1001, 0);
    const RsTimecodeFormat df = make_format(30000, 1001, 1);
    const RsTimecodeFormat df60 = make_format(60000, 1001, 1);
    const RsTimecodeFormat f25 = make_format(25, 1, 0);
    const RsRational tb24k = { 1, 24000 }, tb90k = { 1, 90000 }, tb2997 = { 1001, 30000 };

    /* 1/24000 at 23.976: a frame lasts 1001 ticks. */
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&f23, 0, tb24k), 0);
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&f23, 500, tb24k), 0);
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&f23, 501, tb24k), 1);
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&f23, 1001 * 86400, tb24k), 86400);
    /* 1/90000 at 29.97: a frame lasts 3003 ticks. */
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&df, 1501, tb90k), 0);
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&df, 1502, tb90k), 1);
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&df, 3003 * 107892, tb90k), 107892);
    /* 1001/30000: one tick per 29.97 frame, two frames at 59.94. */
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&df, 107892, tb2997), 107892);
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&df60, 1800, tb2997), 3600);
    /* Ties: 1/90000 at 25 has 3600 ticks a frame; half-way goes to the later frame. */
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&f25, 1800, tb90k), 1);
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&f25, 1799, tb90k), 0);
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&f25, -1800, tb90k), 0);
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&f25, -1801, tb90k), -1);

    /* Media starting at 01:00:00:00 at 23.976, one second in. */
    int64_t start = 0;
    char buf[RS_TC_BUFSZ];
    RS_CHECK_EQ_INT(rs_timecode_to_frames(&f23, "01:00:00:00", &start), 0);
    RS_CHECK_EQ_INT(start, 86400);
    RS_CHECK_EQ_INT(rs_timecode_from_frames(&f23, start + rs_timecode_frame_from_pts(&f23, 24024, tb24k), buf), 0);
    RS_CHECK_EQ_STR(buf, "01:00:01:00");

    /* Against a plain int64 oracle where nothing can overflow. */
    int64_t wrong = 0;
    for (int64_t pts = -20000; pts <= 20000; pts++) {
        if (rs_timecode_frame_from_pts(&df, pts, tb90k) != floor_div(2 * pts * 30000 + 90000 * 1001, 2 * 90000 * 1001))
            wrong++;
        if (rs_timecode_frame_from_pts(&f25, pts, tb90k) != floor_div(2 * pts * 25 + 90000, 2 * 90000))
            wrong++;
    }
    RS_CHECK_EQ_INT(wrong, 0);

    /* frame -> pts -> frame gives the frame back when ticks are shorter than frames. */
    const RsRational tbs[] = { tb24k, tb90k, tb2997, { 1, 1000 }, { 1, 1000000000 } };
    wrong = 0;
    for (int r = 0; r < N_RATES; r++) {
        const RsTimecodeFormat fmt = make_format(test_rates[r].num, test_rates[r].den, test_rates[r].drop);
        for (size_t i = 0; i < sizeof(tbs) / sizeof(tbs[0]); i++) {
            if (tbs[i].num * fmt.rate.num > tbs[i].den * fmt.rate.den)
                continue; /* a tick longer than a frame */
            for (int64_t f = -3000; f <= 3000; f += 7) {
                int64_t pts = rs_timecode_pts_from_frame(&fmt, f, tbs[i]);
                if (rs_timecode_frame_from_pts(&fmt, pts, tbs[i]) != f)
                    wrong++;
            }
        }
    }
    RS_CHECK_EQ_INT(wrong, 0);
    RS_CHECK_EQ_INT(rs_timecode_pts_from_frame(&f23, 86400, tb24k), 86400 * 1001);
    RS_CHECK_EQ_INT(rs_timecode_pts_from_frame(&df, 1, tb90k), 3003);

    /* Errors. */
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&f25, 0, (RsRational){ 0, 1 }), RS_TC_NO_FRAME);
    RS_CHECK_CONTAINS(rs_error_message(), "time base 0/1");
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&f25, 1, (RsRational){ 1, -90000 }), RS_TC_NO_FRAME);
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(NULL, 1, tb90k), RS_TC_NO_FRAME);
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&f25, INT64_MAX, (RsRational){ 1, 1 }), RS_TC_NO_FRAME);
    RS_CHECK_CONTAINS(rs_error_message(), "does not fit in 64 bits");
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&f25, INT64_MAX, tb90k), INT64_MAX / 3600 + 1);
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&f25, INT64_MIN, (RsRational){ 1, 25 }), RS_TC_NO_FRAME);
    RS_CHECK_EQ_INT(rs_timecode_frame_from_pts(&f25, 1, (RsRational){ INT64_MAX, INT64_MAX - 1 }),
                    RS_TC_NO_FRAME);
    RS_CHECK_CONTAINS(rs_error_message(), "64-bit terms");
}

int main(void)
{
    RS_RUN(test_formats);
    RS_RUN(test_drop_frame_traps);
    RS_RUN(test_start_and_wrap);
    RS_RUN(test_separators);
    RS_RUN(test_malformed);
    RS_RUN(test_pts);
    RS_RUN(test_every_frame_of_a_day);
    return rs_test_end();
}
