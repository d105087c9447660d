/*
 * OpenTimelineIO writer (rushes/interchange.h): the JSON that OTIO's own
 * serializer writes for Timeline.1 > Stack.1 > Track.1 > Clip.2 / Gap.1 /
 * Transition.1, with RationalTime.1 at the media rate. Numbers are written
 * the way Python's json module writes floats (24.0, 23.976023976023978) so
 * that the files look like OTIO's and load with OTIO 0.15 and later.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "rushes/error.h"
#include "rushes/interchange.h"

static void number(RsJson *j, const char *key, double v)
{
    char buf[40];
    if (v == floor(v) && fabs(v) < 1e16) {
        /* Python writes whole floats as "90000.0", never in exponent form at this size. */
        snprintf(buf, sizeof(buf), "%.1f", v);
    } else {
        /* Python's repr: the shortest text that reads back the same double. */
        snprintf(buf, sizeof(buf), "%.17g", v);
        for (int prec = 1; prec < 17; prec++) {
            char t[40];
            snprintf(t, sizeof(t), "%.*g", prec, v);
            if (strtod(t, NULL) == v) {
                memcpy(buf, t, sizeof(t));
                break;
            }
        }
    }
    rs_json_raw(j, key, buf);
}

static void rational_time(RsJson *j, const char *key, double rate, int64_t value)
{
    rs_json_begin_object(j, key);
    rs_json_string(j, "OTIO_SCHEMA", "RationalTime.1");
    number(j, "rate", rate);
    number(j, "value", (double)value);
    rs_json_end_object(j);
}

static void time_range(RsJson *j, const char *key, double rate, int64_t start, int64_t duration)
{
    rs_json_begin_object(j, key);
    rs_json_string(j, "OTIO_SCHEMA", "TimeRange.1");
    rational_time(j, "duration", rate, duration);
    rational_time(j, "start_time", rate, start);
    rs_json_end_object(j);
}

static void item_common(RsJson *j, const char *schema, const char *name)
{
    rs_json_string(j, "OTIO_SCHEMA", schema);
    rs_json_begin_object(j, "metadata");
    rs_json_end_object(j);
    rs_json_string(j, "name", name);
}

static void empty_lists(RsJson *j)
{
    rs_json_begin_array(j, "effects");
    rs_json_end_array(j);
    rs_json_begin_array(j, "markers");
    rs_json_end_array(j);
    rs_json_bool(j, "enabled", 1);
}

static void gap(RsJson *j, double rate, int64_t frames)
{
    rs_json_begin_object(j, NULL);
    item_common(j, "Gap.1", "");
    time_range(j, "source_range", rate, 0, frames);
    empty_lists(j);
    rs_json_end_object(j);
}

static void transition(RsJson *j, double rate, const RsEditEvent *ev)
{
    rs_json_begin_object(j, NULL);
    item_common(j, "Transition.1", "");
    /* The mix starts at the cut point, where the CMX 3600 event and the shot
     * list's dissolve begin, and runs into the incoming clip; the outgoing
     * clip's media past its out point (its handle) is the other half. */
    rational_time(j, "in_offset", rate, 0);
    rational_time(j, "out_offset", rate, ev->transition_frames);
    rs_json_string(j, "transition_type",
                   ev->transition == RS_TRANSITION_DISSOLVE ? "SMPTE_Dissolve" : "Custom_Transition");
    rs_json_end_object(j);
}

static void clip(RsJson *j, double rate, const RsEditEvent *ev)
{
    rs_json_begin_object(j, NULL);
    rs_json_string(j, "OTIO_SCHEMA", "Clip.2");
    rs_json_begin_object(j, "metadata");
    rs_json_begin_object(j, "cmx_3600");
    rs_json_string(j, "reel", ev->reel);
    rs_json_end_object(j);
    rs_json_end_object(j);
    rs_json_string(j, "name", ev->clip[0] ? ev->clip : ev->reel);
    time_range(j, "source_range", rate, ev->src_in, ev->src_out - ev->src_in);
    empty_lists(j);
    rs_json_begin_object(j, "media_references");
    rs_json_begin_object(j, "DEFAULT_MEDIA");
    if (ev->url[0]) {
        rs_json_string(j, "OTIO_SCHEMA", "ExternalReference.1");
        rs_json_begin_object(j, "metadata");
        rs_json_end_object(j);
        rs_json_string(j, "name", "");
        rs_json_null(j, "available_range");
        rs_json_null(j, "available_image_bounds");
        char *url = malloc(strlen(ev->url) + 8);
        if (url) {
            /* An absolute path becomes a file URL, as OTIO's adapters write them. */
            sprintf(url, "%s%s", ev->url[0] == '/' ? "file://" : "", ev->url);
            rs_json_string(j, "target_url", url);
            free(url);
        }
    } else {
        rs_json_string(j, "OTIO_SCHEMA", "MissingReference.1");
        rs_json_begin_object(j, "metadata");
        rs_json_end_object(j);
        rs_json_string(j, "name", "");
        rs_json_null(j, "available_range");
        rs_json_null(j, "available_image_bounds");
    }
    rs_json_end_object(j);
    rs_json_end_object(j);
    rs_json_string(j, "active_media_reference_key", "DEFAULT_MEDIA");
    rs_json_end_object(j);
}

int rs_otio_write(const RsEdit *e, char **out)
{
    *out = NULL;
    if (rs_timecode_frames_per_day(&e->tc) < 0)
        return rs_error(RS_EINVAL, "OTIO: the list has no valid timecode format");
    const double rate = (double)e->tc.rate.num / (double)e->tc.rate.den;
    const int64_t start = e->nb_events ? e->events[0].rec_in : 0;
    for (int i = 1; i < e->nb_events; i++)
        if (e->events[i].rec_in < e->events[i - 1].rec_out)
            return rs_error(RS_EINVAL, "OTIO: event %d starts at record frame %lld, inside event %d",
                            e->events[i].number, (long long)e->events[i].rec_in, e->events[i - 1].number);
    RsJson j = { .pretty = 1 };
    rs_json_begin_object(&j, NULL);
    item_common(&j, "Timeline.1", e->title);
    rational_time(&j, "global_start_time", rate, start);
    rs_json_begin_object(&j, "tracks");
    item_common(&j, "Stack.1", "tracks");
    rs_json_null(&j, "source_range");
    empty_lists(&j);
    rs_json_begin_array(&j, "children");
    rs_json_begin_object(&j, NULL);
    item_common(&j, "Track.1", "V1");
    rs_json_null(&j, "source_range");
    empty_lists(&j);
    rs_json_begin_array(&j, "children");
    int64_t rec = start;
    for (int i = 0; i < e->nb_events; i++) {
        const RsEditEvent *ev = &e->events[i];
        if (ev->rec_in > rec)
            gap(&j, rate, ev->rec_in - rec);
        if (i && ev->transition != RS_TRANSITION_CUT && ev->transition_frames > 0)
            transition(&j, rate, ev);
        clip(&j, rate, ev);
        rec = ev->rec_out;
    }
    rs_json_end_array(&j);
    rs_json_string(&j, "kind", "Video");
    rs_json_end_object(&j);
    rs_json_end_array(&j);
    rs_json_end_object(&j);
    rs_json_end_object(&j);
    *out = rs_json_take(&j);
    return *out ? 0 : RS_ENOMEM;
}
