/*
 * CMX 3600 EDL reader (rushes/interchange.h). Line by line: TITLE and FCM
 * headers, event lines of eight or nine fields, and the comments that name
 * clips and files. Every error names the line.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rushes/error.h"
#include "rushes/interchange.h"

typedef struct Reader {
    const char *name;
    int line;
    RsTimecodeFormat ndf, df;
    int have_df;
    int fcm_drop;           /* -1 unknown */
    RsEdit *e;
    int cap;
    int *lines;             /* the line of each event, for late checks */
    uint8_t *speed;         /* an M2 line changes the event's speed */
} Reader;

static int bad(const Reader *r, const char *what, const char *text)
{
    return rs_error(RS_EINVAL, "%s: line %d: %s%s%s%s", r->name, r->line, what, text ? " '" : "",
                    text ? text : "", text ? "'" : "");
}

static void copy_str(char *dst, size_t size, const char *src, size_t n)
{
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static int label(Reader *r, const char *tok, int64_t *v)
{
    int drop = strchr(tok, ';') || strchr(tok, '.') || strchr(tok, ',');
    if (drop && !r->have_df)
        return bad(r, "drop-frame label at a rate without drop-frame timecode:", tok);
    int ret = rs_timecode_to_frames(drop ? &r->df : &r->ndf, tok, v);
    if (ret < 0)
        return rs_error(RS_EINVAL, "%s: line %d: %s", r->name, r->line, rs_error_message());
    return 0;
}

static int push(Reader *r, RsEditEvent **ev)
{
    if (r->e->nb_events == r->cap) {
        int cap = r->cap ? 2 * r->cap : 32;
        RsEditEvent *v = realloc(r->e->events, (size_t)cap * sizeof(*v));
        if (!v)
            return RS_ENOMEM;
        r->e->events = v;
        int *l = realloc(r->lines, (size_t)cap * sizeof(*l));
        if (!l)
            return RS_ENOMEM;
        r->lines = l;
        uint8_t *s = realloc(r->speed, (size_t)cap);
        if (!s)
            return RS_ENOMEM;
        r->speed = s;
        r->cap = cap;
    }
    *ev = &r->e->events[r->e->nb_events];
    memset(*ev, 0, sizeof(**ev));
    r->lines[r->e->nb_events] = r->line;
    r->speed[r->e->nb_events] = 0;
    r->e->nb_events++;
    return 0;
}

static int event_line(Reader *r, char **tok, int n)
{
    if (n != 8 && n != 9)
        return bad(r, "an event needs 8 fields (9 with a transition duration)", NULL);
    RsEditEvent *ev;
    int ret;
    const char *trans = tok[3];
    RsTransition t;
    int wipe = 0;
    if (!strcmp(trans, "C"))
        t = RS_TRANSITION_CUT;
    else if (!strcmp(trans, "D"))
        t = RS_TRANSITION_DISSOLVE;
    else if (trans[0] == 'W' && isdigit((unsigned char)trans[1])) {
        t = RS_TRANSITION_WIPE;
        wipe = atoi(trans + 1);
    } else if (trans[0] == 'K')
        t = RS_TRANSITION_CUT;    /* a key is laid on top; its timing is that of a cut here */
    else
        return bad(r, "unknown transition", trans);
    if ((t == RS_TRANSITION_CUT && trans[0] == 'C') != (n == 8))
        return bad(r, n == 8 ? "a dissolve or wipe needs its duration" : "a cut has no duration:", n == 8 ? NULL : tok[4]);
    int64_t dur = 0;
    if (n == 9) {
        char *end;
        dur = strtoll(tok[4], &end, 10);
        if (*end || dur < 0 || end == tok[4])
            return bad(r, "transition duration is not a frame count:", tok[4]);
    }
    int64_t tc[4];
    for (int i = 0; i < 4; i++)
        if ((ret = label(r, tok[n - 4 + i], &tc[i])) < 0)
            return ret;
    if (tc[1] < tc[0])
        return bad(r, "source out is before source in:", tok[n - 3]);
    if (tc[3] < tc[2])
        return bad(r, "record out is before record in:", tok[n - 1]);
    if (dur > tc[3] - tc[2]) {
        char what[128];
        snprintf(what, sizeof(what), "the dissolve or wipe (%lld frames) lasts longer than its event (%lld)",
                 (long long)dur, (long long)(tc[3] - tc[2]));
        return bad(r, what, NULL);
    }
    int num = atoi(tok[0]);
    /* The first line of a two-line transition only says where the outgoing source stands: fold it in. */
    if (t != RS_TRANSITION_CUT && r->e->nb_events > 0) {
        RsEditEvent *prev = &r->e->events[r->e->nb_events - 1];
        if (prev->number == num && prev->src_in == prev->src_out && prev->rec_in == prev->rec_out)
            r->e->nb_events--;
    }
    if ((ret = push(r, &ev)) < 0)
        return ret;
    ev->number = num;
    copy_str(ev->reel, sizeof(ev->reel), tok[1], strlen(tok[1]));
    copy_str(ev->track, sizeof(ev->track), tok[2], strlen(tok[2]));
    ev->transition = t;
    ev->transition_frames = dur;
    ev->wipe_code = wipe;
    ev->src_in = tc[0];
    ev->src_out = tc[1];
    ev->rec_in = tc[2];
    ev->rec_out = tc[3];
    return 0;
}

static int parse_line(Reader *r, char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    if (!n)
        return 0;
    RsEditEvent *last = r->e->nb_events ? &r->e->events[r->e->nb_events - 1] : NULL;
    if (!strncmp(s, "TITLE:", 6)) {
        const char *t = s + 6;
        while (*t == ' ')
            t++;
        copy_str(r->e->title, sizeof(r->e->title), t, strlen(t));
        return 0;
    }
    if (!strncmp(s, "FCM:", 4)) {
        const char *t = s + 4;
        while (*t == ' ')
            t++;
        if (!strcmp(t, "DROP FRAME")) {
            if (!r->have_df)
                return bad(r, "FCM says drop frame but the rate has no drop-frame timecode", NULL);
            r->fcm_drop = 1;
        } else if (!strcmp(t, "NON-DROP FRAME")) {
            r->fcm_drop = 0;
        } else {
            return bad(r, "FCM must be DROP FRAME or NON-DROP FRAME, not", t);
        }
        return 0;
    }
    if (s[0] == '*') {
        static const char *const keys[] = { "FROM CLIP NAME:", "SOURCE FILE:" };
        const char *t = s + 1;
        while (*t == ' ')
            t++;
        for (int k = 0; k < 2; k++)
            if (!strncmp(t, keys[k], strlen(keys[k])) && last) {
                const char *v = t + strlen(keys[k]);
                while (*v == ' ')
                    v++;
                if (k == 0)
                    copy_str(last->clip, sizeof(last->clip), v, strlen(v));
                else
                    copy_str(last->url, sizeof(last->url), v, strlen(v));
            }
        return 0;
    }
    if (!strncmp(s, "M2", 2)) {
        /* A speed change: the record range no longer lasts as long as the source range. */
        if (last)
            r->speed[r->e->nb_events - 1] = 1;
        return 0;
    }
    if (isdigit((unsigned char)s[0])) {
        char *tok[10] = { NULL };
        int nt = 0;
        for (char *p = strtok(s, " \t"); p; p = strtok(NULL, " \t")) {
            if (nt == 10)
                return bad(r, "too many fields for an event", NULL);
            tok[nt++] = p;
        }
        for (const char *d = tok[0]; d && *d; d++)
            if (!isdigit((unsigned char)*d))
                return bad(r, "event number is not a number:", tok[0]);
        return event_line(r, tok, nt);
    }
    /* Other notes (SPLIT:, AUD, FINAL CUT PRO notes) carry nothing rushes reads. */
    if (isupper((unsigned char)s[0]))
        return 0;
    return bad(r, "not an EDL line:", s);
}

int rs_edl_read(const char *name, const char *text, size_t len, RsRational rate, RsEdit **out)
{
    *out = NULL;
    Reader r = { .name = name ? name : "EDL", .fcm_drop = -1 };
    int ret = rs_timecode_format_init(&r.ndf, rate, 0);
    if (ret < 0)
        return ret;
    r.have_df = rs_timecode_format_init(&r.df, rate, 1) >= 0;
    if (!(r.e = calloc(1, sizeof(*r.e))))
        return RS_ENOMEM;
    char *line = malloc(len + 1);
    if (!line) {
        free(r.e);
        return RS_ENOMEM;
    }
    size_t pos = 0;
    while (pos < len && ret >= 0) {
        size_t end = pos;
        while (end < len && text[end] != '\n' && text[end] != '\r')
            end++;
        r.line++;
        if (memchr(text + pos, 0, end - pos)) {
            ret = bad(&r, "NUL byte in the text", NULL);
            break;
        }
        memcpy(line, text + pos, end - pos);
        line[end - pos] = 0;
        ret = parse_line(&r, line);
        if (end < len && text[end] == '\r' && end + 1 < len && text[end + 1] == '\n')
            end++;
        pos = end + 1;
    }
    for (int i = 0; ret >= 0 && i < r.e->nb_events; i++) {
        const RsEditEvent *ev = &r.e->events[i];
        if (!r.speed[i] && ev->rec_out - ev->rec_in != ev->src_out - ev->src_in) {
            r.line = r.lines[i];
            ret = bad(&r, "record range and source range differ in length (and no M2 speed change)", NULL);
        }
    }
    r.e->tc = r.fcm_drop == 1 ? r.df : r.ndf;
    free(line);
    free(r.lines);
    free(r.speed);
    if (ret < 0) {
        rs_edit_free(&r.e);
        return ret;
    }
    *out = r.e;
    return 0;
}
