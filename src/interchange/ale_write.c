/* Avid Log Exchange writer (rushes/interchange.h): one subclip row per shot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "rushes/error.h"
#include "rushes/interchange.h"

/* ALE's FPS field: the rate as Avid names it. */
static const char *ale_fps(const RsTimecodeFormat *tc)
{
    if (tc->rate.den == 1001)
        return tc->rate.num == 24000 ? "23.976" : tc->rate.num == 30000 ? "29.97" : tc->rate.num == 48000 ? "47.95"
               : "59.94";
    static const int fps[] = { 24, 25, 30, 48, 50, 60 };
    static const char *const names[] = { "24", "25", "30", "48", "50", "60" };
    for (int i = 0; i < 6; i++)
        if (tc->rate.num == fps[i])
            return names[i];
    return "24";
}

static const char *video_format(int height)
{
    switch (height) {
    case 1080: return "1080";
    case 720:  return "720";
    case 486:
    case 480:  return "NTSC";
    case 576:  return "PAL";
    default:   return "CUSTOM";
    }
}

/* ALE fields are tab-separated: a tab or line break inside a name would shift the columns. */
static void field(RsStrbuf *b, const char *s)
{
    for (; *s; s++)
        rs_strbuf_append(b, *s == '\t' || *s == '\n' || *s == '\r' ? " " : s, 1);
}

int rs_ale_write(const RsShotList *l, char **out)
{
    *out = NULL;
    if (rs_timecode_frames_per_day(&l->tc) < 0)
        return rs_error(RS_EINVAL, "ALE: the shot list has no valid timecode format");
    RsStrbuf b = { 0 };
    rs_strbuf_printf(&b, "Heading\r\nFIELD_DELIM\tTABS\r\nVIDEO_FORMAT\t%s\r\nAUDIO_FORMAT\t48khz\r\nFPS\t%s\r\n\r\n",
                     video_format(l->height), ale_fps(&l->tc));
    rs_strbuf_puts(&b, "Column\r\nName\tTracks\tStart\tEnd\tTape\tSource File\tTransition\tFrames\r\n\r\nData\r\n");
    char base[RS_INTERCHANGE_NAME_MAX];
    snprintf(base, sizeof(base), "%s", l->clip);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = 0;
    for (int i = 0; i < l->nb_shots; i++) {
        const RsShot *s = &l->shots[i];
        char a[RS_TC_BUFSZ], z[RS_TC_BUFSZ];
        rs_timecode_from_frames(&l->tc, l->start_tc + s->in, a);
        rs_timecode_from_frames(&l->tc, l->start_tc + s->out + 1, z);
        field(&b, base);
        rs_strbuf_printf(&b, " shot %d\tV\t%s\t%s\t", i + 1, a, z);
        field(&b, l->reel[0] ? l->reel : base);
        rs_strbuf_puts(&b, "\t");
        field(&b, l->clip);
        rs_strbuf_printf(&b, "\t%s\t%lld\r\n", rs_transition_name(s->transition), (long long)(s->out - s->in + 1));
    }
    *out = rs_strbuf_take(&b);
    return *out ? 0 : RS_ENOMEM;
}
