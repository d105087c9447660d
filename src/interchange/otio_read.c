/*
 * OpenTimelineIO reader (rushes/interchange.h): the first video track of a
 * Timeline.1, its clips, gaps and transitions, checked against the schema.
 * Errors name the JSON path at fault: "$.tracks.children[0].children[2]
 * .source_range.duration.rate: a number expected".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_read.h"
#include "rushes/error.h"
#include "rushes/interchange.h"

typedef struct Ctx {
    const char *name;
    char path[512];
    double rate;             /* the timeline's rate, from its first RationalTime */
    RsEdit *e;
    int cap;
} Ctx;

static int bad(const Ctx *c, const char *sub, const char *what)
{
    return rs_error(RS_EINVAL, "%s: %s%s: %s", c->name, c->path, sub ? sub : "", what);
}

/* Append ".key" or "[i]" to the path; returns the old length to restore it. */
static size_t enter(Ctx *c, const char *key, int index)
{
    size_t n = strlen(c->path);
    if (key)
        snprintf(c->path + n, sizeof(c->path) - n, ".%s", key);
    else
        snprintf(c->path + n, sizeof(c->path) - n, "[%d]", index);
    return n;
}

static const RsJsonValue *member(Ctx *c, const RsJsonValue *o, const char *key, RsJsonType type, int *ret)
{
    const RsJsonValue *m = rs_json_member(o, key);
    static const char *const names[] = { "null", "a boolean", "a number", "a string", "an array", "an object" };
    if (!m || m->type != type) {
        char sub[80];
        snprintf(sub, sizeof(sub), ".%s", key);
        char what[64];
        snprintf(what, sizeof(what), m ? "%s expected" : "missing (%s expected)", names[type]);
        *ret = bad(c, sub, what);
        return NULL;
    }
    return m;
}

static int schema_is(Ctx *c, const RsJsonValue *o, const char *prefix, int *is)
{
    int ret = 0;
    const RsJsonValue *s = member(c, o, "OTIO_SCHEMA", RS_JSON_STRING, &ret);
    if (!s)
        return ret;
    size_t n = strlen(prefix);
    *is = !strncmp(s->string, prefix, n) && s->string[n] == '.';
    return 0;
}

/* A RationalTime as a whole number of frames at the timeline's rate. */
static int rational_time(Ctx *c, const RsJsonValue *o, const char *key, int64_t *frames)
{
    int ret = 0, is = 0;
    const RsJsonValue *t = member(c, o, key, RS_JSON_OBJECT, &ret);
    if (!t)
        return ret;
    size_t back = enter(c, key, 0);
    if ((ret = schema_is(c, t, "RationalTime", &is)) < 0)
        goto end;
    if (!is) {
        ret = bad(c, ".OTIO_SCHEMA", "RationalTime.1 expected");
        goto end;
    }
    const RsJsonValue *rate = member(c, t, "rate", RS_JSON_NUMBER, &ret);
    const RsJsonValue *value = rate ? member(c, t, "value", RS_JSON_NUMBER, &ret) : NULL;
    if (!value)
        goto end;
    if (!(rate->number > 0)) {
        ret = bad(c, ".rate", "must be positive");
        goto end;
    }
    if (c->rate == 0)
        c->rate = rate->number;
    /* Any rate is allowed; the value is rescaled to the timeline's rate and must land on a frame. */
    double f = value->number * c->rate / rate->number;
    if (fabs(f - nearbyint(f)) > 1e-6 || fabs(f) > 9e15) {
        ret = bad(c, ".value", "not a whole frame at the timeline's rate");
        goto end;
    }
    *frames = (int64_t)nearbyint(f);
end:
    c->path[back] = 0;
    return ret;
}

static int time_range(Ctx *c, const RsJsonValue *o, const char *key, int64_t *start, int64_t *dur)
{
    int ret = 0;
    const RsJsonValue *r = member(c, o, key, RS_JSON_OBJECT, &ret);
    if (!r)
        return ret;
    size_t back = enter(c, key, 0);
    if ((ret = rational_time(c, r, "start_time", start)) >= 0 && (ret = rational_time(c, r, "duration", dur)) >= 0 &&
        *dur < 0)
        ret = bad(c, ".duration", "negative duration");
    c->path[back] = 0;
    return ret;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/*
 * tin is the transition's in_offset: the frames of the mix before the cut
 * point. A CMX 3600 event begins where its dissolve begins, so the incoming
 * event starts tin frames earlier (on the handle of its media) and the
 * outgoing one ends there.
 */
static int add_clip(Ctx *c, const RsJsonValue *o, int64_t *rec, RsTransition t, int64_t tframes, int64_t tin)
{
    int ret = 0;
    int64_t start, dur;
    if ((ret = time_range(c, o, "source_range", &start, &dur)) < 0)
        return ret;
    RsEditEvent *prev = c->e->nb_events ? &c->e->events[c->e->nb_events - 1] : NULL;
    if (tin > 0 && (!prev || prev->rec_out != *rec || prev->rec_out - prev->rec_in <= tin || start < tin))
        return bad(c, NULL, "a transition's in_offset reaches past the clip before it or its media");
    if (c->e->nb_events == c->cap) {
        int cap = c->cap ? 2 * c->cap : 32;
        RsEditEvent *v = realloc(c->e->events, (size_t)cap * sizeof(*v));
        if (!v)
            return RS_ENOMEM;
        c->e->events = v;
        c->cap = cap;
    }
    RsEditEvent *ev = &c->e->events[c->e->nb_events++];
    memset(ev, 0, sizeof(*ev));
    ev->number = c->e->nb_events;
    copy_str(ev->track, sizeof(ev->track), "V");
    const RsJsonValue *name = rs_json_member(o, "name");
    if (name && name->type == RS_JSON_STRING)
        copy_str(ev->clip, sizeof(ev->clip), name->string);
    const RsJsonValue *reel = rs_json_member(rs_json_member(rs_json_member(o, "metadata"), "cmx_3600"), "reel");
    if (reel && reel->type == RS_JSON_STRING)
        copy_str(ev->reel, sizeof(ev->reel), reel->string);
    /* The active media reference (Clip.2), or the single one (Clip.1). */
    const RsJsonValue *ref = rs_json_member(o, "media_reference");
    const RsJsonValue *refs = rs_json_member(o, "media_references");
    const RsJsonValue *key = rs_json_member(o, "active_media_reference_key");
    if (refs && key && key->type == RS_JSON_STRING) {
        ref = rs_json_member(refs, key->string);
        if (!ref) {
            size_t back = enter(c, "active_media_reference_key", 0);
            ret = bad(c, NULL, "names no entry of media_references");
            c->path[back] = 0;
            return ret;
        }
    }
    const RsJsonValue *url = rs_json_member(ref, "target_url");
    if (url && url->type == RS_JSON_STRING)
        copy_str(ev->url, sizeof(ev->url), strncmp(url->string, "file://", 7) ? url->string : url->string + 7);
    ev->transition = t;
    ev->transition_frames = tframes;
    ev->src_in = start - tin;
    ev->src_out = start + dur;
    ev->rec_in = *rec - tin;
    ev->rec_out = *rec + dur;
    if (tin > 0) {
        prev = &c->e->events[c->e->nb_events - 2];
        prev->rec_out -= tin;
        prev->src_out -= tin;
    }
    *rec += dur;
    return 0;
}

static int read_track(Ctx *c, const RsJsonValue *track, int64_t rec)
{
    int ret = 0;
    const RsJsonValue *kids = member(c, track, "children", RS_JSON_ARRAY, &ret);
    if (!kids)
        return ret;
    RsTransition pending = RS_TRANSITION_CUT;
    int64_t pending_frames = 0, pending_in = 0;
    size_t back = enter(c, "children", 0);
    for (int i = 0; i < kids->count && ret >= 0; i++) {
        const RsJsonValue *it = &kids->items[i];
        size_t b2 = enter(c, NULL, i);
        int is_clip = 0, is_gap = 0, is_tr = 0;
        if (it->type != RS_JSON_OBJECT)
            ret = bad(c, NULL, "an object expected");
        else if ((ret = schema_is(c, it, "Clip", &is_clip)) >= 0 && (ret = schema_is(c, it, "Gap", &is_gap)) >= 0 &&
                 (ret = schema_is(c, it, "Transition", &is_tr)) >= 0) {
            if (is_clip) {
                ret = add_clip(c, it, &rec, pending, pending_frames, pending_in);
                pending = RS_TRANSITION_CUT;
                pending_frames = pending_in = 0;
            } else if (is_gap) {
                int64_t s, d;
                if ((ret = time_range(c, it, "source_range", &s, &d)) >= 0)
                    rec += d;
            } else if (is_tr) {
                int64_t a, b;
                const RsJsonValue *type = member(c, it, "transition_type", RS_JSON_STRING, &ret);
                if (type && (ret = rational_time(c, it, "in_offset", &a)) >= 0 &&
                    (ret = rational_time(c, it, "out_offset", &b)) >= 0) {
                    pending = strcmp(type->string, "SMPTE_Dissolve") ? RS_TRANSITION_WIPE : RS_TRANSITION_DISSOLVE;
                    pending_frames = a + b;
                    pending_in = a;
                }
            }
            /* Other items (nested stacks, effects) take no record time rushes can place; they are refused. */
            else
                ret = bad(c, ".OTIO_SCHEMA", "Clip, Gap or Transition expected");
        }
        c->path[b2] = 0;
    }
    c->path[back] = 0;
    return ret;
}

static int read_timeline(Ctx *c, const RsJsonValue *root)
{
    int ret = 0, is = 0;
    if (root->type != RS_JSON_OBJECT)
        return bad(c, NULL, "an object expected");
    if ((ret = schema_is(c, root, "Timeline", &is)) < 0)
        return ret;
    if (!is)
        return bad(c, ".OTIO_SCHEMA", "Timeline.1 expected");
    const RsJsonValue *name = rs_json_member(root, "name");
    if (name && name->type == RS_JSON_STRING)
        copy_str(c->e->title, sizeof(c->e->title), name->string);
    int64_t start = 0;
    const RsJsonValue *gst = rs_json_member(root, "global_start_time");
    if (gst && gst->type != RS_JSON_NULL && (ret = rational_time(c, root, "global_start_time", &start)) < 0)
        return ret;
    const RsJsonValue *stack = member(c, root, "tracks", RS_JSON_OBJECT, &ret);
    if (!stack)
        return ret;
    size_t back = enter(c, "tracks", 0);
    const RsJsonValue *tracks = member(c, stack, "children", RS_JSON_ARRAY, &ret);
    if (tracks) {
        size_t b2 = enter(c, "children", 0);
        int found = 0;
        for (int i = 0; i < tracks->count && ret >= 0 && !found; i++) {
            const RsJsonValue *t = &tracks->items[i];
            const RsJsonValue *kind = rs_json_member(t, "kind");
            if (t->type == RS_JSON_OBJECT && kind && kind->type == RS_JSON_STRING && !strcmp(kind->string, "Video")) {
                size_t b3 = enter(c, NULL, i);
                ret = read_track(c, t, start);
                c->path[b3] = 0;
                found = 1;
            }
        }
        if (ret >= 0 && !found)
            ret = bad(c, NULL, "no video track");
        c->path[b2] = 0;
    }
    c->path[back] = 0;
    return ret;
}

/* The exact fraction behind a float rate: NTSC rates come as 24000/1001 and friends. */
static int exact_rate(double r, RsRational *q)
{
    static const int64_t nums[] = { 24000, 30000, 48000, 60000 };
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
        if (fabs(r - nums[i] / 1001.0) < 1e-3) {
            *q = (RsRational){ nums[i], 1001 };
            return 0;
        }
    if (fabs(r - nearbyint(r)) < 1e-6 && r >= 1 && r <= 1000) {
        *q = (RsRational){ (int64_t)nearbyint(r), 1 };
        return 0;
    }
    return -1;
}

int rs_otio_read(const char *name, const char *text, size_t len, RsEdit **out)
{
    *out = NULL;
    Ctx c = { .name = name ? name : "OTIO", .path = "$" };
    RsJsonValue *root = NULL;
    int ret = rs_json_parse(c.name, text, len, &root);
    if (ret < 0)
        return ret;
    if (!(c.e = calloc(1, sizeof(*c.e)))) {
        rs_json_value_free(&root);
        return RS_ENOMEM;
    }
    ret = read_timeline(&c, root);
    rs_json_value_free(&root);
    if (ret >= 0) {
        RsRational q;
        /* A timeline without times has no rate to speak of; 24 is OTIO's own default. */
        /* OTIO files carry no drop-frame flag; OTIO itself infers drop-frame labels for 29.97 and 59.94. */
        int drop = exact_rate(c.rate ? c.rate : 24.0, &q) >= 0 && q.den == 1001 && (q.num == 30000 || q.num == 60000);
        if (exact_rate(c.rate ? c.rate : 24.0, &q) < 0 || rs_timecode_format_init(&c.e->tc, q, drop) < 0)
            ret = rs_error(RS_EUNSUP, "%s: rate %g has no timecode format", c.name, c.rate);
    }
    if (ret < 0) {
        rs_edit_free(&c.e);
        return ret;
    }
    *out = c.e;
    return 0;
}
