/*
 * Shot lists and edit lists through every writer and back through the
 * readers: EDL and OTIO round trips at 23.976, 25 and 29.97 drop-frame (with
 * shots across a dropped label), the CSV rows, the analyzer summary
 * conversion, and the readers' error messages (line numbers, JSON paths).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rs_test.h"
#include "rushes/error.h"
#include "rushes/interchange.h"

static RsShotList *make_list(RsRational rate, int drop, const char *start_tc, const int64_t *cuts, int n,
                             int64_t frames)
{
    RsShotList *l = calloc(1, sizeof(*l));
    RS_CHECK_EQ_INT(rs_timecode_format_init(&l->tc, rate, drop), 0);
    RS_CHECK_EQ_INT(rs_timecode_to_frames(&l->tc, start_tc, &l->start_tc), 0);
    snprintf(l->clip, sizeof(l->clip), "A001C003_250101.mov");
    snprintf(l->path, sizeof(l->path), "/media/A001/A001C003_250101.mov");
    snprintf(l->reel, sizeof(l->reel), "A001");
    l->frames = frames;
    l->shots = calloc((size_t)n + 1, sizeof(*l->shots));
    int64_t in = 0;
    for (int i = 0; i <= n; i++) {
        l->shots[i].in = in;
        l->shots[i].out = (i < n ? cuts[i] : frames) - 1;
        l->shots[i].transition = i == 0 ? RS_TRANSITION_CUT : i % 2 ? RS_TRANSITION_CUT : RS_TRANSITION_DISSOLVE;
        in = l->shots[i].out + 1;
    }
    l->nb_shots = n + 1;
    return l;
}

static void same_events(const RsEdit *a, const RsEdit *b, int check_names)
{
    RS_CHECK_EQ_INT(a->nb_events, b->nb_events);
    /* OTIO has no drop-frame flag: like OTIO's own to_timecode(), 29.97 and 59.94 read as drop-frame. */
    RS_CHECK_EQ_INT(b->tc.drop, a->tc.rate.den == 1001 && (a->tc.rate.num == 30000 || a->tc.rate.num == 60000)
                                    ? 1 : a->tc.drop);
    RS_CHECK_EQ_INT(a->tc.rate.num, b->tc.rate.num);
    RS_CHECK_EQ_INT(a->tc.rate.den, b->tc.rate.den);
    for (int i = 0; i < a->nb_events && i < b->nb_events; i++) {
        const RsEditEvent *x = &a->events[i], *y = &b->events[i];
        RS_CHECK_EQ_INT(x->src_in, y->src_in);
        RS_CHECK_EQ_INT(x->src_out, y->src_out);
        RS_CHECK_EQ_INT(x->rec_in, y->rec_in);
        RS_CHECK_EQ_INT(x->rec_out, y->rec_out);
        RS_CHECK_EQ_INT(x->transition, y->transition);
        RS_CHECK_EQ_INT(x->transition_frames, y->transition_frames);
        RS_CHECK_EQ_STR(x->reel, y->reel);
        if (check_names) {
            RS_CHECK_EQ_STR(x->clip, y->clip);
            RS_CHECK_EQ_STR(x->url, y->url);
        }
    }
}

static void round_trip(RsRational rate, int drop, const char *start_tc, const char *expect_line)
{
    static const int64_t cuts[] = { 40, 1700, 1800, 1801, 5000 };
    RsShotList *l = make_list(rate, drop, start_tc, cuts, 5, 6000);
    RsEdit *e = NULL, *back = NULL;
    int64_t rec;
    RS_CHECK_EQ_INT(rs_timecode_to_frames(&l->tc, drop ? "01:00:00;00" : "01:00:00:00", &rec), 0);
    RS_CHECK_EQ_INT(rs_edit_from_shots(l, "Day 3", rec, &e), 0);
    if (!e)
        goto end;
    /* A dissolve into event 3, so the two-line form is exercised too. */
    e->events[2].transition = RS_TRANSITION_DISSOLVE;
    e->events[2].transition_frames = 12;
    e->events[4].transition = RS_TRANSITION_WIPE;
    e->events[4].transition_frames = 8;
    e->events[4].wipe_code = 1;

    char *edl = NULL;
    RS_CHECK_EQ_INT(rs_edl_write(e, &edl), 0);
    RS_CHECK_CONTAINS(edl, "TITLE: Day 3\r\n");
    RS_CHECK_CONTAINS(edl, drop ? "FCM: DROP FRAME" : "FCM: NON-DROP FRAME");
    RS_CHECK_CONTAINS(edl, expect_line);
    RS_CHECK_CONTAINS(edl, "* FROM CLIP NAME: A001C003_250101.mov");
    RS_CHECK_CONTAINS(edl, "003  A001     V     D    012 ");
    RS_CHECK_CONTAINS(edl, "005  A001     V     W001 008 ");
    if (edl && rs_edl_read("day3.edl", edl, strlen(edl), rate, &back) == 0) {
        same_events(e, back, 1);
        RS_CHECK_EQ_STR(back->title, "Day 3");
    } else {
        RS_CHECK(0);
    }
    rs_edit_free(&back);

    char *otio = NULL;
    RS_CHECK_EQ_INT(rs_otio_write(e, &otio), 0);
    RS_CHECK_CONTAINS(otio, "\"OTIO_SCHEMA\": \"Clip.2\"");
    RS_CHECK_CONTAINS(otio, "\"target_url\": \"file:///media/A001/A001C003_250101.mov\"");
    RS_CHECK_CONTAINS(otio, "\"transition_type\": \"SMPTE_Dissolve\"");
    if (otio && rs_otio_read("day3.otio", otio, strlen(otio), &back) == 0) {
        same_events(e, back, 1);
        RS_CHECK_EQ_STR(back->title, "Day 3");
    } else {
        RS_CHECK(0);
    }
    rs_edit_free(&back);
    free(edl);
    free(otio);
end:
    rs_edit_free(&e);
    rs_shotlist_free(&l);
}

static void test_round_trips(void)
{
    /* 23.976 from 14:21:09:10: shot 2 starts 40 frames in. */
    round_trip((RsRational){ 24000, 1001 }, 0, "14:21:09:10",
               "002  A001     V     C        14:21:11:02 14:22:20:06 01:00:01:16 01:01:10:20\r\n");
    round_trip((RsRational){ 25, 1 }, 0, "00:00:00:00",
               "001  A001     V     C        00:00:00:00 00:00:01:15 01:00:00:00 01:00:01:15\r\n");
    /* 29.97 DF from 00:59:58;00: 01:00 is a tenth minute, whose labels ;00 and ;01 exist. */
    round_trip((RsRational){ 30000, 1001 }, 1, "00:59:58;00",
               "002  A001     V     C        00:59:59;10 01:00:54;20 01:00:01;10 01:00:56;20\r\n");
    /* Across a dropped minute: 00:00:58;28 + 32 frames is 00:01:00;02, + 40 is 00:01:00;10. */
    round_trip((RsRational){ 30000, 1001 }, 1, "00:00:58;28",
               "002  A001     V     C        00:01:00;10 00:01:55;20 01:00:01;10 01:00:56;20\r\n");
}

static void test_csv(void)
{
    static const int64_t cuts[] = { 116 };
    RsShotList *l = make_list((RsRational){ 30000, 1001 }, 1, "00:00:59;00", cuts, 1, 190);
    char *csv = NULL;
    RS_CHECK_EQ_INT(rs_shots_csv_write(l, &csv), 0);
    RS_CHECK_CONTAINS(csv, "shot,start_frame,end_frame,start_tc,end_tc,duration_frames,duration_tc,transition\r\n");
    RS_CHECK_CONTAINS(csv, "1,0,115,00:00:59;00,00:01:02;27,116,00:00:03:26,cut\r\n");
    RS_CHECK_CONTAINS(csv, "2,116,189,00:01:02;28,00:01:05;11,74,00:00:02:14,cut\r\n");
    free(csv);
    rs_shotlist_free(&l);
}

static void test_ale_markers(void)
{
    static const int64_t cuts[] = { 116, 150 };
    RsShotList *l = make_list((RsRational){ 24000, 1001 }, 0, "10:00:00:00", cuts, 2, 200);
    l->height = 1080;
    char *ale = NULL, *mk = NULL;
    RS_CHECK_EQ_INT(rs_ale_write(l, &ale), 0);
    RS_CHECK_CONTAINS(ale, "Heading\r\nFIELD_DELIM\tTABS\r\nVIDEO_FORMAT\t1080\r\nAUDIO_FORMAT\t48khz\r\nFPS\t23.976\r\n");
    RS_CHECK_CONTAINS(ale, "Column\r\nName\tTracks\tStart\tEnd\tTape\tSource File\tTransition\tFrames\r\n\r\nData\r\n");
    /* Shot 2 is frames 116-149: 10:00:04:20 to 10:00:06:06 exclusive. */
    RS_CHECK_CONTAINS(ale, "A001C003_250101 shot 2\tV\t10:00:04:20\t10:00:06:06\tA001\tA001C003_250101.mov\tcut\t34\r\n");
    RS_CHECK_EQ_INT(rs_markers_write(l, "dit", &mk), 0);
    RS_CHECK_CONTAINS(mk, "dit\t10:00:04:20\tV1\tred\tcut into shot 2\t1\r\n");
    RS_CHECK_CONTAINS(mk, "dit\t10:00:06:06\tV1\tyellow\tdissolve into shot 3\t1\r\n");
    free(ale);
    free(mk);
    rs_shotlist_free(&l);
}

static void test_summary(void)
{
    const char *summary =
        "{\"frames\":190,\"rate\":{\"num\":25,\"den\":1},\"drop_frame\":false,\"timecode_format\":\"25\","
        "\"start_timecode\":\"10:00:00:00\",\"reel\":null,\"boundaries\":[],\"shots\":["
        "{\"shot\":1,\"in\":0,\"out\":115,\"transition_in\":null},"
        "{\"shot\":2,\"in\":116,\"out\":189,\"transition_in\":\"dissolve\"}]}";
    RsShotList *l = NULL;
    RS_CHECK_EQ_INT(rs_shotlist_from_summary(summary, "/x/city.mpg", NULL, &l), 0);
    if (l) {
        RS_CHECK_EQ_INT(l->nb_shots, 2);
        RS_CHECK_EQ_INT(l->start_tc, 900000);
        RS_CHECK_EQ_INT(l->shots[1].in, 116);
        RS_CHECK_EQ_INT(l->shots[1].transition, RS_TRANSITION_DISSOLVE);
        RS_CHECK_EQ_STR(l->clip, "city.mpg");
        RsEdit *e = NULL;
        RS_CHECK_EQ_INT(rs_edit_from_shots(l, NULL, 90000, &e), 0);
        if (e) {
            RS_CHECK_EQ_STR(e->events[0].reel, "city");
            RS_CHECK_EQ_INT(e->events[1].src_in, 900116);
            RS_CHECK_EQ_INT(e->events[1].rec_out, 90190);
        }
        rs_edit_free(&e);
    }
    rs_shotlist_free(&l);
    const char *gap = "{\"frames\":10,\"rate\":{\"num\":25,\"den\":1},\"start_timecode\":\"00:00:00:00\","
                      "\"shots\":[{\"in\":0,\"out\":3},{\"in\":5,\"out\":9}]}";
    RS_CHECK_EQ_INT(rs_shotlist_from_summary(gap, "a.mov", NULL, &l), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "$.shots[1]");
    RS_CHECK(l == NULL);
}

/* A dissolve the analyzer found becomes a CMX 3600 dissolve event, and reads back the same. */
static void test_dissolve_event(void)
{
    const char *summary =
        "{\"frames\":190,\"rate\":{\"num\":25,\"den\":1},\"drop_frame\":false,\"timecode_format\":\"25\","
        "\"start_timecode\":\"10:00:00:00\",\"reel\":null,\"boundaries\":["
        "{\"type\":\"cut\",\"start\":60,\"end\":60},{\"type\":\"dissolve\",\"start\":110,\"end\":121}],\"shots\":["
        "{\"shot\":1,\"in\":0,\"out\":59,\"transition_in\":null},"
        "{\"shot\":2,\"in\":60,\"out\":115,\"transition_in\":\"cut\"},"
        "{\"shot\":3,\"in\":116,\"out\":189,\"transition_in\":\"dissolve\"}]}";
    RsShotList *l = NULL;
    RsEdit *e = NULL, *back = NULL;
    char *edl = NULL, *otio = NULL;
    RS_CHECK_EQ_INT(rs_shotlist_from_summary(summary, "/x/city.mpg", NULL, &l), 0);
    if (!l)
        return;
    RS_CHECK_EQ_INT(l->shots[2].transition_start, 110);
    RS_CHECK_EQ_INT(l->shots[2].transition_frames, 12);
    RS_CHECK_EQ_INT(l->shots[1].transition_frames, 0);
    RS_CHECK_EQ_INT(rs_edit_from_shots(l, NULL, 90000, &e), 0);
    if (!e)
        goto end;
    RS_CHECK_EQ_INT(e->nb_events, 3);
    /* The outgoing shot ends where the dissolve starts (frame 110), the incoming one starts there. */
    RS_CHECK_EQ_INT(e->events[1].transition, RS_TRANSITION_CUT);
    RS_CHECK_EQ_INT(e->events[1].src_out, 900110);
    RS_CHECK_EQ_INT(e->events[2].transition, RS_TRANSITION_DISSOLVE);
    RS_CHECK_EQ_INT(e->events[2].transition_frames, 12);
    RS_CHECK_EQ_INT(e->events[2].src_in, 900110);
    RS_CHECK_EQ_INT(e->events[2].rec_in, 90110);
    RS_CHECK_EQ_INT(e->events[2].rec_out, 90190);
    RS_CHECK_EQ_INT(rs_edl_write(e, &edl), 0);
    RS_CHECK_CONTAINS(edl, "003  city     V     C        10:00:04:10 10:00:04:10 01:00:04:10 01:00:04:10\r\n"
                           "003  city     V     D    012 10:00:04:10 10:00:07:15 01:00:04:10 01:00:07:15\r\n");
    if (edl && rs_edl_read("city.edl", edl, strlen(edl), (RsRational){ 25, 1 }, &back) == 0)
        same_events(e, back, 1);
    else
        RS_CHECK(0);
    rs_edit_free(&back);
    RS_CHECK_EQ_INT(rs_otio_write(e, &otio), 0);
    if (otio && rs_otio_read("city.otio", otio, strlen(otio), &back) == 0)
        same_events(e, back, 1);
    else
        RS_CHECK(0);
    rs_edit_free(&back);
end:
    free(edl);
    free(otio);
    rs_edit_free(&e);
    rs_shotlist_free(&l);
}

static void edl_error(const char *text, const char *expect)
{
    RsEdit *e = NULL;
    RS_CHECK_EQ_INT(rs_edl_read("cut.edl", text, strlen(text), (RsRational){ 24, 1 }, &e), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), expect);
    RS_CHECK(e == NULL);
}

static void test_edl_errors(void)
{
    edl_error("TITLE: x\nFCM: NON-DROP FRAME\n\n001  A  V  C  01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n"
              "002  A  V  C  01:00:01:00 01:00:02:30 01:00:01:00 01:00:02:00\n",
              "cut.edl: line 5: ");
    edl_error("001  A  V  C  01:00:00:00 01:00:01:00 01:00:00:00\n", "cut.edl: line 1: an event needs 8 fields");
    edl_error("TITLE: x\nFCM: DROP FRAME\n", "cut.edl: line 2: FCM says drop frame");
    edl_error("001  A  V  X  01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n", "line 1: unknown transition 'X'");
    edl_error("\n\n001  A  V  C  01:00:01:00 01:00:00:00 01:00:00:00 01:00:00:00\n", "line 3: source out is before");
    edl_error("001  A  V  C  01:00:00:00 01:00:01:00 01:00:00:00 01:00:02:00\n", "line 1: record range and source");
    edl_error("001  A  V  D  01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n", "line 1: a dissolve or wipe needs");
    edl_error("hello\n", "line 1: not an EDL line: 'hello'");
    edl_error("001  A  V  C  01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n"
              "002  A  V  C  01:00:01:00 01:00:01:00 01:00:01:00 01:00:01:00\n"
              "002  B  V  D  030 02:00:00:00 02:00:01:00 01:00:01:00 01:00:02:00\n",
              "line 3: the dissolve or wipe (30 frames) lasts longer than its event (24)");
    edl_error("001  A  V  D  0x1 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n",
              "line 1: transition duration is not a frame count: '0x1'");
    /* An M2 speed change lets the lengths differ. */
    RsEdit *e = NULL;
    const char *m2 = "001  A  V  C  01:00:00:00 01:00:01:00 01:00:00:00 01:00:02:00\nM2   A       012.0    01:00:00:00\n";
    RS_CHECK_EQ_INT(rs_edl_read("m2.edl", m2, strlen(m2), (RsRational){ 24, 1 }, &e), 0);
    rs_edit_free(&e);
}

static void otio_error(const char *text, int code, const char *expect)
{
    RsEdit *e = NULL;
    RS_CHECK_EQ_INT(rs_otio_read("cut.otio", text, strlen(text), &e), code);
    RS_CHECK_CONTAINS(rs_error_message(), expect);
    RS_CHECK(e == NULL);
}

#define RT(r, v) "{\"OTIO_SCHEMA\":\"RationalTime.1\",\"rate\":" r ",\"value\":" v "}"
#define TR(r, s, d) "{\"OTIO_SCHEMA\":\"TimeRange.1\",\"start_time\":" RT(r, s) ",\"duration\":" RT(r, d) "}"

static void test_otio_errors(void)
{
    otio_error("{\"OTIO_SCHEMA\":\"Timeline.1\",\n \"tracks\": [1,]}", RS_EINVAL, "cut.otio: line 2, column 15: trailing comma");
    otio_error("{\"OTIO_SCHEMA\":\"Track.1\"}", RS_EINVAL, "cut.otio: $.OTIO_SCHEMA: Timeline.1 expected");
    otio_error("{\"OTIO_SCHEMA\":\"Timeline.1\",\"tracks\":{\"OTIO_SCHEMA\":\"Stack.1\",\"children\":[{\"OTIO_SCHEMA\":"
               "\"Track.1\",\"kind\":\"Video\",\"children\":[{\"OTIO_SCHEMA\":\"Clip.2\",\"source_range\":" TR("24.0", "0.0", "5.0")
               "},{\"OTIO_SCHEMA\":\"Clip.2\",\"source_range\":{\"OTIO_SCHEMA\":\"TimeRange.1\",\"start_time\":" RT("24.0", "0.0")
               ",\"duration\":{\"OTIO_SCHEMA\":\"RationalTime.1\",\"rate\":\"24\",\"value\":3.0}}}]}]}}",
               RS_EINVAL, "cut.otio: $.tracks.children[0].children[1].source_range.duration.rate: a number expected");
    otio_error("{\"OTIO_SCHEMA\":\"Timeline.1\",\"tracks\":{\"OTIO_SCHEMA\":\"Stack.1\",\"children\":[{\"OTIO_SCHEMA\":"
               "\"Track.1\",\"kind\":\"Video\",\"children\":[{\"OTIO_SCHEMA\":\"Clip.2\",\"source_range\":" TR("24.0", "0.5", "5.0")
               "}]}]}}",
               RS_EINVAL, "$.tracks.children[0].children[0].source_range.start_time.value: not a whole frame");
    otio_error("{\"OTIO_SCHEMA\":\"Timeline.1\",\"tracks\":{\"OTIO_SCHEMA\":\"Stack.1\",\"children\":[{\"OTIO_SCHEMA\":"
               "\"Track.1\",\"kind\":\"Video\",\"children\":[{\"OTIO_SCHEMA\":\"Clip.2\",\"source_range\":" TR("17.0", "0.0", "5.0")
               "}]}]}}",
               RS_EUNSUP, "rate 17 has no timecode format");
    otio_error("{\"OTIO_SCHEMA\":\"Timeline.1\",\"tracks\":{\"OTIO_SCHEMA\":\"Stack.1\",\"children\":[]}}", RS_EINVAL,
               "$.tracks.children: no video track");
}

/* OTIO's own CMX adapter centres a dissolve on the cut point: the events begin where the mix does. */
static void test_otio_centred_transition(void)
{
#define TRACK_OF(items) "{\"OTIO_SCHEMA\":\"Timeline.1\",\"tracks\":{\"OTIO_SCHEMA\":\"Stack.1\",\"children\":[" \
    "{\"OTIO_SCHEMA\":\"Track.1\",\"kind\":\"Video\",\"children\":[" items "]}]}}"
#define CLIP(s, d) "{\"OTIO_SCHEMA\":\"Clip.2\",\"source_range\":" TR("24.0", s, d) "}"
#define TRANS(a, b) "{\"OTIO_SCHEMA\":\"Transition.1\",\"transition_type\":\"SMPTE_Dissolve\"," \
    "\"in_offset\":" RT("24.0", a) ",\"out_offset\":" RT("24.0", b) "}"
    const char *text = TRACK_OF(CLIP("0.0", "48.0") "," TRANS("6.0", "6.0") "," CLIP("100.0", "48.0"));
    RsEdit *e = NULL;
    RS_CHECK_EQ_INT(rs_otio_read("centred.otio", text, strlen(text), &e), 0);
    if (e && e->nb_events == 2) {
        RS_CHECK_EQ_INT(e->events[0].rec_out, 42);
        RS_CHECK_EQ_INT(e->events[0].src_out, 42);
        RS_CHECK_EQ_INT(e->events[1].rec_in, 42);
        RS_CHECK_EQ_INT(e->events[1].src_in, 94);
        RS_CHECK_EQ_INT(e->events[1].rec_out, 96);
        RS_CHECK_EQ_INT(e->events[1].transition, RS_TRANSITION_DISSOLVE);
        RS_CHECK_EQ_INT(e->events[1].transition_frames, 12);
    } else
        RS_CHECK(0);
    rs_edit_free(&e);
    /* A mix reaching further back than the clip before it, or than the incoming media, is refused. */
    otio_error(TRACK_OF(CLIP("0.0", "4.0") "," TRANS("6.0", "6.0") "," CLIP("100.0", "48.0")), RS_EINVAL,
               "$.tracks.children[0].children[2]: a transition's in_offset reaches past");
    otio_error(TRACK_OF(CLIP("0.0", "48.0") "," TRANS("6.0", "6.0") "," CLIP("2.0", "48.0")), RS_EINVAL,
               "a transition's in_offset reaches past");
#undef TRACK_OF
#undef CLIP
#undef TRANS
}

int main(void)
{
    RS_RUN(test_round_trips);
    RS_RUN(test_csv);
    RS_RUN(test_ale_markers);
    RS_RUN(test_summary);
    RS_RUN(test_dissolve_event);
    RS_RUN(test_edl_errors);
    RS_RUN(test_otio_errors);
    RS_RUN(test_otio_centred_transition);
    return rs_test_end();
}
