/*
 * rushes: the jobs a user runs on a project: ingest a card, analyse the new
 * clips, summarise. Each job commits its work unit by unit, so it can be
 * killed at any moment and rerun to pick up where it stopped.
 */
#ifndef RUSHES_JOBS_H
#define RUSHES_JOBS_H

#include "analyze.h"
#include "catalog.h"
#include "media.h"
#include "trust.h"

/* Media info as JSON (caller frees). */
RS_API char *rs_media_info_json(const RsMediaInfo *info);

/* ---- ingest ---- */

typedef struct RsIngestSettings {
    const char *source;          /* the card or folder */
    int64_t day;                 /* shoot day number, >= 1 */
    const char *camera;          /* camera letter or name for a camera roll; NULL for sound */
    int sound;                   /* 1 for a sound roll */
    const char *roll;            /* roll name; NULL = the source folder's name */
    const char *algo;            /* hash algorithm name; NULL = "xxh64" */
    int write_mhl;               /* add an ASC MHL generation (default 1) */
    /* Called for every file as it is committed: its path in the card, status name
     * ("new", "verified", "mismatch", "missing", "error"), and a message for problems. */
    void (*on_file)(void *opaque, const char *path, const char *status, const char *message);
    void (*progress)(void *opaque, uint64_t done, uint64_t total);   /* bytes */
    void *opaque;
    /* Who ingests (needs the ingest role; no consent is needed to copy and verify).
     * NULL is refused with RS_EDENIED. Borrowed for the call. */
    const RsActor *actor;
} RsIngestSettings;

typedef struct RsIngestReport {
    int64_t run_id;
    int resumed;                 /* 1 when this run finished an interrupted one */
    int files, new_files, verified, mismatched, missing, errors, duplicates, resumed_files;
    int clips, unreadable;       /* media clips registered; media files that could not be read */
    uint64_t bytes_hashed;
    char mhl_path[4096];         /* the generation written, "" when none */
} RsIngestReport;

RS_API void rs_ingest_default_settings(RsIngestSettings *s);

/*
 * Register a shoot day's card: hash every file, verify against the card's ASC
 * MHL history and against the store, write a new MHL generation, read each
 * media file's metadata into the store. Each file is committed as it is done;
 * a killed ingest is resumed by running it again (files already committed by
 * the interrupted run are not read again). A changed file is reported and
 * recorded as a mismatch, never silently replaced.
 *
 * Returns 0 when every file is new or verified; RS_EMISMATCH when any file
 * changed or went missing; RS_EPARTIAL when some files could not be read or
 * some media could not be parsed; RS_EINVAL for bad settings (naming them);
 * RS_ETAMPER when the card's MHL history does not verify; RS_EDENIED when
 * the actor may not ingest. Each run appends an audit entry (inputs and the
 * MHL generation by hash) and signs it; the MHL generation written gets a
 * signed sidecar manifest (FILE.rushes-manifest.json, see trust.h).
 */
RS_API int rs_ingest_job(RsCatalog *c, const RsIngestSettings *s, RsIngestReport *report);

/* ---- analyze ---- */

typedef struct RsAnalyzeJobSettings {
    RsEngineSettings engine;     /* analyzers, options, threads; progress is per clip */
    int force;                   /* redo clips that already have current results */
    /* Called before each clip: index in the batch, batch size, the clip's path. */
    void (*on_clip)(void *opaque, int i, int n, const char *path);
    /* Called after each clip with its outcome (0 or a negative code; the message is rs_error_message()). */
    void (*on_clip_done)(void *opaque, const char *path, int result, int64_t frames, double seconds);
    void *opaque;
    /* Who analyses: needs the analyze role, and every clip needs consent for
     * "analysis" (rs_trust_authorize). NULL is refused with RS_EDENIED. */
    const RsActor *actor;
} RsAnalyzeJobSettings;

typedef struct RsAnalyzeJobReport {
    int clips_done, clips_failed, clips_skipped;
    int64_t frames;
    int clips_refused;           /* refused by consent or a vendor's assignment; never decoded */
} RsAnalyzeJobReport;

RS_API void rs_analyze_job_default_settings(RsAnalyzeJobSettings *s);

/*
 * Analyse every clip of the project that lacks current results from the
 * selected analyzers (a result is current when it was made by the same
 * analyzer version with the same parameters). Each clip's results are
 * committed in one transaction. A clip that fails is recorded as failed and
 * the batch goes on; the return is then RS_EPARTIAL. A clip without consent
 * for analysis is refused before a frame is read (on_clip_done gets
 * RS_EDENIED with the reason) and the batch goes on; the return is then
 * RS_EDENIED when no clip failed otherwise. Each clip analysed or refused is
 * an audit entry; the log is signed when the job ends.
 */
RS_API int rs_analyze_job(RsCatalog *c, const RsAnalyzeJobSettings *s, RsAnalyzeJobReport *report);

/* Store one clip's analysis (used by the job; exposed for tools that analyse elsewhere). */
RS_API int rs_catalog_store_analysis(RsCatalog *c, int64_t clip_id, const RsClipAnalysis *a);

/* ---- summary ---- */

/*
 * The project at a glance: counts of days, rolls,
 * files, clips and their duration; the verification state; analysis coverage;
 * and every finding a person should look at, most severe first (mismatched or
 * missing files, unreadable clips, decode damage, failed analyses, black and
 * frozen runs, silent audio channels). Format: doc/json.md ("summary").
 */
typedef struct RsFinding {
    char severity[8];            /* "error", "warning", "info" */
    char kind[32];               /* "checksum_mismatch", "unreadable", "black", ... */
    char *roll;
    char *file;                  /* path inside the roll */
    int64_t start_frame, end_frame;  /* -1 when the finding is about the whole file */
    char *message;
} RsFinding;

typedef struct RsProjectSummary {
    char *title;
    char *project;
    int64_t shoot_days, camera_rolls, sound_rolls;
    int64_t files, bytes, files_verified, files_mismatched, files_missing;
    int64_t video_clips, audio_clips, video_frames, duration_us;
    int64_t clips_analyzed, clips_not_analyzed, frames_analyzed;
    int nb_findings;
    RsFinding *findings;
} RsProjectSummary;

RS_API int rs_project_summary(RsCatalog *c, RsProjectSummary **out);
RS_API char *rs_project_summary_json(const RsProjectSummary *s);
RS_API void rs_project_summary_free(RsProjectSummary **s);

/* ---- clean-up on project footage ---- */

struct RsCleanJob;
struct RsCleanStats;

/*
 * The clip of the project whose media is path (after realpath), 0 when path
 * is not project footage; *clip_id is set either way. RS_ENOENT when path does
 * not exist.
 */
RS_API int rs_project_clip_by_path(RsCatalog *c, const char *path, int64_t *clip_id);

/*
 * rs_clean_file() under the project's rules, when job->input is one of its
 * clips: the actor's role and every subject's consent for "cleanup" are
 * checked before a frame is read (RS_EDENIED with the reason otherwise), the
 * run is audited (the clip by hash in, the render by hash out, the consent
 * records relied on), and the render gets a signed manifest sidecar
 * (OUT.rushes-manifest.json) besides the clean-up's own OUT.manifest.json.
 * A file that is not project footage is refused: clean it outside a project.
 */
RS_API int rs_clean_project_file(RsCatalog *c, const RsActor *actor, const struct RsCleanJob *job,
                                 struct RsCleanStats *stats);

#endif /* RUSHES_JOBS_H */
