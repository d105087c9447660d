/*
 * Shot lists and edit lists (rushes/interchange.h): building a shot list
 * from the shots analyzer's summary, and laying it out as an edit list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_read.h"
#include "rushes/error.h"
#include "rushes/interchange.h"

const char *rs_transition_name(RsTransition t)
{
    static const char *const names[] = { "cut", "dissolve", "wipe", "fade_out", "fade_in", "fade_out_in" };
    return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

static int transition_from_name(const char *s, RsTransition *t)
{
    for (int i = RS_TRANSITION_CUT; i <= RS_TRANSITION_FADE_OUT_IN; i++)
        if (!strcmp(s, rs_transition_name((RsTransition)i))) {
            *t = (RsTransition)i;
            return 0;
        }
    return -1;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = 0;
}

static int get_int(const RsJsonValue *o, const char *key, const char *where, int64_t *v)
{
    const RsJsonValue *m = rs_json_member(o, key);
    if (!m || m->type != RS_JSON_NUMBER || !m->is_int)
        return rs_error(RS_EINVAL, "shots summary: %s.%s: an integer expected", where, key);
    *v = m->integer;
    return 0;
}

/*
 * The span of each gradual transition into a shot, from the summary's
 * boundaries: the one of the shot's transition type whose span holds the
 * shot's first frame (shots are split in the middle of a gradual one). An
 * old summary without boundaries leaves the spans unknown (0 frames).
 */
static int gradual_spans(const RsJsonValue *bounds, RsShotList *l)
{
    if (!bounds)
        return 0;
    if (bounds->type != RS_JSON_ARRAY)
        return rs_error(RS_EINVAL, "shots summary: $.boundaries: an array expected");
    for (int i = 1; i < l->nb_shots; i++) {
        RsShot *d = &l->shots[i];
        if (d->transition == RS_TRANSITION_CUT)
            continue;
        for (int k = 0; k < bounds->count; k++) {
            const RsJsonValue *b = &bounds->items[k], *t = rs_json_member(b, "type");
            RsTransition bt;
            char where[48];
            int64_t s = 0, e = -1;
            int ret;
            if (!t || t->type != RS_JSON_STRING || transition_from_name(t->string, &bt) < 0 || bt != d->transition)
                continue;
            snprintf(where, sizeof(where), "$.boundaries[%d]", k);
            if ((ret = get_int(b, "start", where, &s)) < 0 || (ret = get_int(b, "end", where, &e)) < 0)
                return ret;
            if (s <= d->in && d->in <= e + 1 && e >= s) {
                d->transition_start = s;
                d->transition_frames = e - s + 1;
                break;
            }
        }
    }
    return 0;
}

static int from_tree(const RsJsonValue *root, RsShotList *l)
{
    int ret;
    if (root->type != RS_JSON_OBJECT)
        return rs_error(RS_EINVAL, "shots summary: $: an object expected");
    if ((ret = get_int(root, "frames", "$", &l->frames)) < 0)
        return ret;
    const RsJsonValue *rate = rs_json_member(root, "rate"), *drop = rs_json_member(root, "drop_frame");
    const RsJsonValue *stc = rs_json_member(root, "start_timecode");
    if (!rate || rate->type != RS_JSON_OBJECT)
        return rs_error(RS_EINVAL, "shots summary: $.rate: the clip has no timecode rate");
    int64_t num = 0, den = 0;
    if ((ret = get_int(rate, "num", "$.rate", &num)) < 0 || (ret = get_int(rate, "den", "$.rate", &den)) < 0)
        return ret;
    if ((ret = rs_timecode_format_init(&l->tc, (RsRational){ num, den },
                                       drop && drop->type == RS_JSON_BOOL && drop->boolean)) < 0)
        return ret;
    if (!stc || stc->type != RS_JSON_STRING)
        return rs_error(RS_EINVAL, "shots summary: $.start_timecode: a label expected");
    if ((ret = rs_timecode_to_frames(&l->tc, stc->string, &l->start_tc)) < 0)
        return ret;
    const RsJsonValue *shots = rs_json_member(root, "shots");
    if (!shots || shots->type != RS_JSON_ARRAY)
        return rs_error(RS_EINVAL, "shots summary: $.shots: an array expected");
    l->shots = calloc((size_t)(shots->count ? shots->count : 1), sizeof(*l->shots));
    if (!l->shots)
        return RS_ENOMEM;
    for (int i = 0; i < shots->count; i++) {
        const RsJsonValue *s = &shots->items[i];
        RsShot *d = &l->shots[i];
        char where[48];
        snprintf(where, sizeof(where), "$.shots[%d]", i);
        if ((ret = get_int(s, "in", where, &d->in)) < 0 || (ret = get_int(s, "out", where, &d->out)) < 0)
            return ret;
        const RsJsonValue *t = rs_json_member(s, "transition_in");
        d->transition = RS_TRANSITION_CUT;
        if (t && t->type == RS_JSON_STRING && transition_from_name(t->string, &d->transition) < 0)
            return rs_error(RS_EINVAL, "shots summary: %s.transition_in: unknown transition '%s'", where,
                            t->string);
        int64_t prev_out = i ? l->shots[i - 1].out : -1;
        if (d->in != prev_out + 1 || d->out < d->in || d->out >= l->frames)
            return rs_error(RS_EINVAL, "shots summary: %s: frames %lld-%lld do not follow the shot before "
                            "within %lld frames", where, (long long)d->in, (long long)d->out,
                            (long long)l->frames);
        l->nb_shots++;
    }
    return gradual_spans(rs_json_member(root, "boundaries"), l);
}

int rs_shotlist_from_summary(const char *summary_json, const char *path, const char *reel, RsShotList **out)
{
    *out = NULL;
    if (!summary_json)
        return rs_error(RS_EINVAL, "shots summary: no summary");
    RsJsonValue *root = NULL;
    int ret = rs_json_parse("shots summary", summary_json, strlen(summary_json), &root);
    if (ret < 0)
        return ret;
    RsShotList *l = calloc(1, sizeof(*l));
    if (!l) {
        rs_json_value_free(&root);
        return RS_ENOMEM;
    }
    copy_str(l->path, sizeof(l->path), path);
    const char *base = path ? strrchr(path, '/') : NULL;
    copy_str(l->clip, sizeof(l->clip), base ? base + 1 : path);
    copy_str(l->reel, sizeof(l->reel), reel);
    ret = from_tree(root, l);
    rs_json_value_free(&root);
    if (ret < 0) {
        rs_shotlist_free(&l);
        return ret;
    }
    *out = l;
    return 0;
}

void rs_shotlist_free(RsShotList **l)
{
    if (!l || !*l)
        return;
    free((*l)->shots);
    free(*l);
    *l = NULL;
}

/*
 * Shot i begins with a dissolve that can be an EDL dissolve: its span is
 * known, starts after the previous shot's first frame (the outgoing event
 * keeps a frame) and ends within shot i.
 */
static int dissolve_into(const RsShotList *l, int i)
{
    const RsShot *s = &l->shots[i];
    return s->transition == RS_TRANSITION_DISSOLVE && s->transition_frames > 0 &&
           s->transition_start > l->shots[i - 1].in && s->transition_start <= s->in &&
           s->transition_start + s->transition_frames <= s->out + 1;
}

int rs_edit_from_shots(const RsShotList *l, const char *title, int64_t record_start, RsEdit **out)
{
    *out = NULL;
    if (!l || l->nb_shots < 1)
        return rs_error(RS_EINVAL, "edit list: the shot list is empty");
    RsEdit *e = calloc(1, sizeof(*e));
    if (!e || !(e->events = calloc((size_t)l->nb_shots, sizeof(*e->events)))) {
        free(e);
        return RS_ENOMEM;
    }
    copy_str(e->title, sizeof(e->title), title && *title ? title : l->clip);
    e->tc = l->tc;
    int64_t rec = record_start;
    for (int i = 0; i < l->nb_shots; i++) {
        const RsShot *s = &l->shots[i];
        RsEditEvent *ev = &e->events[i];
        if (s->out < s->in) {
            rs_edit_free(&e);
            return rs_error(RS_EINVAL, "edit list: shot %d ends (%lld) before it starts (%lld)", i + 1,
                            (long long)s->out, (long long)s->in);
        }
        const int dis_in = i > 0 && dissolve_into(l, i), dis_out = i + 1 < l->nb_shots && dissolve_into(l, i + 1);
        ev->number = i + 1;
        if (l->reel[0]) {
            copy_str(ev->reel, sizeof(ev->reel), l->reel);
        } else {
            /* No reel in the metadata: the clip name without its extension stands in, as NLEs do. */
            copy_str(ev->reel, sizeof(ev->reel), l->clip);
            char *dot = strrchr(ev->reel, '.');
            if (dot && dot != ev->reel)
                *dot = 0;
        }
        copy_str(ev->track, sizeof(ev->track), "V");
        copy_str(ev->clip, sizeof(ev->clip), l->clip);
        copy_str(ev->url, sizeof(ev->url), l->path);
        ev->transition = dis_in ? RS_TRANSITION_DISSOLVE : RS_TRANSITION_CUT;
        ev->transition_frames = dis_in ? s->transition_frames : 0;
        /* Across a dissolve the outgoing event ends, and the incoming one starts, where it begins. */
        ev->src_in = l->start_tc + (dis_in ? s->transition_start : s->in);
        ev->src_out = l->start_tc + (dis_out ? l->shots[i + 1].transition_start : s->out + 1);
        ev->rec_in = rec;
        ev->rec_out = rec + (ev->src_out - ev->src_in);
        rec = ev->rec_out;
        e->nb_events++;
    }
    *out = e;
    return 0;
}

void rs_edit_free(RsEdit **e)
{
    if (!e || !*e)
        return;
    free((*e)->events);
    free(*e);
    *e = NULL;
}
