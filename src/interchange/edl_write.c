/* CMX 3600 EDL writer (rushes/interchange.h). */
#include <stdio.h>
#include <stdlib.h>

#include "core/strbuf.h"
#include "rushes/error.h"
#include "rushes/interchange.h"

static void event_line(RsStrbuf *b, int num, const char *reel, const char *track, const char *trans,
                       const char *dur, const RsTimecodeFormat *f, int64_t si, int64_t so, int64_t ri,
                       int64_t ro)
{
    char t[4][RS_TC_BUFSZ];
    rs_timecode_from_frames(f, si, t[0]);
    rs_timecode_from_frames(f, so, t[1]);
    rs_timecode_from_frames(f, ri, t[2]);
    rs_timecode_from_frames(f, ro, t[3]);
    rs_strbuf_printf(b, "%03d  %-8s %-5s %-4s %3s %s %s %s %s\r\n", num, reel[0] ? reel : "AX", track, trans, dur,
                     t[0], t[1], t[2], t[3]);
}

int rs_edl_write(const RsEdit *e, char **out)
{
    *out = NULL;
    if (rs_timecode_frames_per_day(&e->tc) < 0)
        return rs_error(RS_EINVAL, "EDL: the list has no valid timecode format");
    RsStrbuf b = { 0 };
    rs_strbuf_printf(&b, "TITLE: %s\r\n", e->title[0] ? e->title : "rushes");
    rs_strbuf_printf(&b, "FCM: %s\r\n", e->tc.drop ? "DROP FRAME" : "NON-DROP FRAME");
    for (int i = 0; i < e->nb_events; i++) {
        const RsEditEvent *ev = &e->events[i];
        /* Event numbers wrap after 999 as CMX 3600 allows only three digits. */
        int num = (ev->number > 0 ? ev->number : i + 1) % 1000;
        rs_strbuf_puts(&b, "\r\n");
        if (ev->transition == RS_TRANSITION_DISSOLVE || ev->transition == RS_TRANSITION_WIPE) {
            /* The two-line form: where the outgoing source stands when the transition starts, then the incoming. */
            const RsEditEvent *prev = i ? &e->events[i - 1] : ev;
            char dur[8], code[8];
            snprintf(dur, sizeof(dur), "%03lld", (long long)(ev->transition_frames % 1000));
            snprintf(code, sizeof(code), "W%03d", ev->wipe_code % 1000);
            event_line(&b, num, prev->reel, prev->track, "C", "", &e->tc, prev->src_out, prev->src_out,
                       ev->rec_in, ev->rec_in);
            event_line(&b, num, ev->reel, ev->track, ev->transition == RS_TRANSITION_WIPE ? code : "D", dur,
                       &e->tc, ev->src_in, ev->src_out, ev->rec_in, ev->rec_out);
        } else {
            event_line(&b, num, ev->reel, ev->track, "C", "", &e->tc, ev->src_in, ev->src_out, ev->rec_in,
                       ev->rec_out);
        }
        if (ev->clip[0])
            rs_strbuf_printf(&b, "* FROM CLIP NAME: %s\r\n", ev->clip);
        if (ev->url[0])
            rs_strbuf_printf(&b, "* SOURCE FILE: %s\r\n", ev->url);
    }
    *out = rs_strbuf_take(&b);
    return *out ? 0 : RS_ENOMEM;
}
