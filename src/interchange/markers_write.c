/* Marker list writer (rushes/interchange.h): Avid Media Composer's marker text. */
#include <stdlib.h>

#include "core/strbuf.h"
#include "rushes/error.h"
#include "rushes/interchange.h"

static const char *colour(RsTransition t)
{
    switch (t) {
    case RS_TRANSITION_CUT:      return "red";
    case RS_TRANSITION_DISSOLVE:
    case RS_TRANSITION_WIPE:     return "yellow";
    default:                     return "blue";
    }
}

int rs_markers_write(const RsShotList *l, const char *user, char **out)
{
    *out = NULL;
    if (rs_timecode_frames_per_day(&l->tc) < 0)
        return rs_error(RS_EINVAL, "markers: the shot list has no valid timecode format");
    RsStrbuf b = { 0 };
    rs_strbuf_append(&b, "", 0);
    for (int i = 1; i < l->nb_shots; i++) {
        const RsShot *s = &l->shots[i];
        char tc[RS_TC_BUFSZ];
        rs_timecode_from_frames(&l->tc, l->start_tc + s->in, tc);
        rs_strbuf_printf(&b, "%s\t%s\tV1\t%s\t%s into shot %d\t1\r\n", user && *user ? user : "rushes", tc,
                         colour(s->transition), rs_transition_name(s->transition), i + 1);
    }
    *out = rs_strbuf_take(&b);
    return *out ? 0 : RS_ENOMEM;
}
