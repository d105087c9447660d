/* CSV shot list writer (rushes/interchange.h): RFC 4180, one row per shot. */
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "rushes/error.h"
#include "rushes/interchange.h"

int rs_shots_csv_write(const RsShotList *l, char **out)
{
    *out = NULL;
    if (rs_timecode_frames_per_day(&l->tc) < 0)
        return rs_error(RS_EINVAL, "CSV: the shot list has no valid timecode format");
    RsStrbuf b = { 0 };
    rs_strbuf_puts(&b, "shot,start_frame,end_frame,start_tc,end_tc,duration_frames,duration_tc,transition\r\n");
    for (int i = 0; i < l->nb_shots; i++) {
        const RsShot *s = &l->shots[i];
        char a[RS_TC_BUFSZ], z[RS_TC_BUFSZ], d[RS_TC_BUFSZ];
        rs_timecode_from_frames(&l->tc, l->start_tc + s->in, a);
        rs_timecode_from_frames(&l->tc, l->start_tc + s->out, z);
        /* A duration is a count, never drop-frame: written as a non-drop label at the same rate. */
        RsTimecodeFormat nd = l->tc;
        nd.drop = 0;
        rs_timecode_from_frames(&nd, s->out - s->in + 1, d);
        rs_strbuf_printf(&b, "%d,%lld,%lld,%s,%s,%lld,%s,%s\r\n", i + 1, (long long)s->in, (long long)s->out, a, z,
                         (long long)(s->out - s->in + 1), d, rs_transition_name(s->transition));
    }
    *out = rs_strbuf_take(&b);
    return *out ? 0 : RS_ENOMEM;
}
