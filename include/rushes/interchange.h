/*
 * rushes: shot lists and the edit interchange formats editors' tools read.
 *
 * Two data types:
 *  - RsShotList: the shots found in one clip (by the shots analyzer), with
 *    the clip's own timecode. rs_shotlist_from_summary() builds one from the
 *    analyzer's JSON summary.
 *  - RsEdit: an edit decision list: events that take a source range of a
 *    reel and place it at a record range. rs_edit_from_shots() lays a shot
 *    list out as one event per shot (subclips of the one clip, in order);
 *    the EDL and OTIO readers give one back from an editor's cut.
 *
 * Writers: CMX 3600 EDL, OpenTimelineIO (.otio JSON), CSV, Avid ALE and
 * marker lists. Readers: CMX 3600 EDL and OpenTimelineIO; they validate and
 * fail with RS_EINVAL naming the line (EDL) or the JSON path (OTIO) at fault.
 *
 * Frames and labels: every timecode here is a label frame count for the
 * format tc (rushes/timecode.h): the number of frames since 00:00:00:00 in
 * that format, so that the label text is rs_timecode_from_frames(). Out
 * points are exclusive, as NLEs expect (an event from 01:00:00:00 to
 * 01:00:01:00 at 24 fps holds 24 frames).
 *
 * Ownership: writers return a malloc'ed NUL-terminated text in *out that the
 * caller frees; readers return a structure freed with its _free() function.
 * Threading: no shared state; the per-thread error message says what failed.
 */
#ifndef RUSHES_INTERCHANGE_H
#define RUSHES_INTERCHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "timecode.h"

typedef enum RsTransition {
    RS_TRANSITION_CUT,
    RS_TRANSITION_DISSOLVE,
    RS_TRANSITION_WIPE,
    RS_TRANSITION_FADE_OUT,
    RS_TRANSITION_FADE_IN,
    RS_TRANSITION_FADE_OUT_IN,
} RsTransition;

/* "cut", "dissolve", "wipe", "fade_out", "fade_in", "fade_out_in"; "unknown" otherwise. */
RS_API const char *rs_transition_name(RsTransition t);

#define RS_INTERCHANGE_NAME_MAX 256

typedef struct RsShot {
    int64_t in, out;                 /* first and last frame of the shot, inclusive, 0-based in the clip */
    RsTransition transition;         /* how the shot begins; RS_TRANSITION_CUT for the first */
    int64_t transition_start;        /* a gradual transition into the shot: its first frame (0-based) */
    int64_t transition_frames;       /* and its length in frames; 0 for a cut or when not known */
} RsShot;

typedef struct RsShotList {
    char clip[RS_INTERCHANGE_NAME_MAX];    /* the clip's file name, for titles and clip names */
    char path[4096];                       /* the media's path as given, for OTIO's target_url */
    char reel[RS_INTERCHANGE_NAME_MAX];    /* reel/tape name from the media's metadata, "" when none */
    RsTimecodeFormat tc;                   /* the media's rate and drop-frame */
    int64_t start_tc;                      /* label frames of the clip's first frame */
    int64_t frames;                        /* frames in the clip */
    int width, height;                     /* picture size, 0 when unknown (ALE's VIDEO_FORMAT) */
    int nb_shots;
    RsShot *shots;
} RsShotList;

/*
 * Build a shot list from the shots analyzer's summary JSON (doc/shots.md)
 * for the clip at path, whose reel name is reel (NULL or "" for none: the
 * EDL then uses the clip name, shortened). Errors: RS_EINVAL naming the
 * member at fault (also when the clip has no timecode format: its rate is
 * not one of timecode.h's), RS_ENOMEM. *out is NULL on failure.
 */
RS_API int rs_shotlist_from_summary(const char *summary_json, const char *path, const char *reel,
                                    RsShotList **out);
RS_API void rs_shotlist_free(RsShotList **l);

typedef struct RsEditEvent {
    int number;                            /* EDL event number, 1-based */
    char reel[RS_INTERCHANGE_NAME_MAX];
    char track[8];                         /* "V", "A", "A2", "B", "AA/V" ... as in the EDL */
    char clip[RS_INTERCHANGE_NAME_MAX];    /* clip name ("* FROM CLIP NAME:" or the OTIO clip's name) */
    char url[4096];                        /* media path or URL, "" when unknown */
    RsTransition transition;               /* CUT, DISSOLVE or WIPE into this event */
    int64_t transition_frames;             /* 0 for a cut */
    int wipe_code;                         /* SMPTE wipe number for a wipe */
    int64_t src_in, src_out;               /* label frames; out exclusive */
    int64_t rec_in, rec_out;               /* label frames; out exclusive */
} RsEditEvent;

typedef struct RsEdit {
    char title[RS_INTERCHANGE_NAME_MAX];
    RsTimecodeFormat tc;                   /* rate and drop of every label in the list */
    int nb_events;
    RsEditEvent *events;
} RsEdit;

/*
 * Lay the shots of l out as a list: one event per shot, source in/out the
 * shot's own labels, record time from record_start (label frames, e.g.
 * 01:00:00:00) with no gaps. A shot that begins with a dissolve of known
 * span (transition_frames > 0, the span reaching from after the previous
 * shot's first frame to within the shot) becomes a dissolve event of that
 * many frames: the outgoing event ends where the dissolve starts and the
 * incoming one starts there, so that the dissolve, conformed from the clip's
 * own (already mixed) frames, gives back the clip. Every other boundary is a
 * cut (a wipe's SMPTE pattern and a fade's colour source are not known).
 * Errors: RS_EINVAL for an empty or inconsistent list, RS_ENOMEM.
 */
RS_API int rs_edit_from_shots(const RsShotList *l, const char *title, int64_t record_start, RsEdit **out);
RS_API void rs_edit_free(RsEdit **e);

/*
 * CMX 3600: "TITLE:", "FCM: DROP FRAME" or "FCM: NON-DROP FRAME", then
 * events "NNN  REEL     V     C        SRC_IN SRC_OUT REC_IN REC_OUT"
 * (dissolves and wipes as the two-line form with the duration in frames),
 * each followed by "* FROM CLIP NAME:" when it has a clip name. Reel names
 * longer than 8 characters or with spaces are written as they are (modern
 * NLEs read them); an empty reel is written "AX". Errors: RS_EINVAL for a
 * label format that is not valid, RS_ENOMEM.
 */
RS_API int rs_edl_write(const RsEdit *e, char **out);

/*
 * Read a CMX 3600 EDL. The rate is not in the file: rate gives it (drop
 * frame comes from FCM lines and from ';' in labels, and must agree with
 * rate). Accepts TITLE, FCM, events with C, D, W### and K transitions, the
 * "* FROM CLIP NAME:", "* SOURCE FILE:" comments (others are skipped), and
 * M2 / blank lines. Errors: RS_EINVAL "name: line N: ..." for a malformed
 * line, a bad label, an out before its in, or a record range that does not
 * last as long as its source range; RS_ENOMEM.
 */
RS_API int rs_edl_read(const char *name, const char *text, size_t len, RsRational rate, RsEdit **out);

/*
 * OpenTimelineIO JSON as OTIO writes it (Timeline.1 > Stack.1 > Track.1 >
 * Clip.2 with an ExternalReference.1, RationalTime.1 / TimeRange.1 at the
 * media rate), loadable by OTIO 0.15 and later. Record gaps become Gap.1
 * items; the reel goes to the clip's metadata as cmx_3600.reel, as OTIO's
 * CMX adapter does. Transitions are written as Transition.1 items
 * (SMPTE_Dissolve / Custom_Transition for wipes) centred on the cut.
 */
RS_API int rs_otio_write(const RsEdit *e, char **out);

/*
 * Read an OTIO timeline: the first video track's clips, gaps and
 * transitions. Errors: RS_EINVAL "name: $.tracks.children[0].children[3]
 * .source_range.duration.rate: ..." naming the JSON path at fault (or the
 * line and column for text that is not JSON), RS_EUNSUP for a rate with no
 * timecode format, RS_ENOMEM. The rate is the first RationalTime's (times
 * at other rates are rescaled and must land on whole frames). OTIO has no
 * drop-frame flag: 29.97 and 59.94 read as drop-frame, as OTIO's own
 * to_timecode() infers.
 */
RS_API int rs_otio_read(const char *name, const char *text, size_t len, RsEdit **out);

/*
 * CSV (RFC 4180, comma, CRLF): a header line, then one row per shot:
 * shot,start_frame,end_frame,start_tc,end_tc,duration_frames,duration_tc,transition.
 * end_frame and end_tc are the last frame of the shot (inclusive).
 */
RS_API int rs_shots_csv_write(const RsShotList *l, char **out);

/*
 * Avid Log Exchange (ALE): the Heading section (FIELD_DELIM TABS,
 * VIDEO_FORMAT from the picture height, AUDIO_FORMAT 48khz, FPS), the
 * Column section (Name, Tracks, Start, End, Tape, Source File, Transition,
 * Frames) and the Data section with one row per shot, so Media Composer
 * logs each shot as a subclip of the clip. End is exclusive (the frame after
 * the shot's last), as Avid writes it; labels use ';' at drop-frame rates.
 */
RS_API int rs_ale_write(const RsShotList *l, char **out);

/*
 * Markers as Avid Media Composer imports them (Tools > Markers > Import):
 * one tab-separated line per shot change: user, timecode, track (V1),
 * colour (red for cuts, yellow for gradual transitions, blue for fades),
 * comment (the transition and the shot number), duration in frames (1).
 * Labels are the clip's own timecode.
 */
RS_API int rs_markers_write(const RsShotList *l, const char *user, char **out);

#endif /* RUSHES_INTERCHANGE_H */
