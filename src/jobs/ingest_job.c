/*
 * The ingest job: a card becomes a roll of a shoot day in the store.
 *
 * The card walk (src/ingest/card.c) hashes and verifies; this file decides
 * what the store records. Each file is one transaction: the file row, its
 * event, and its clip metadata. The store is a second witness beside the MHL
 * history: a file whose hash differs from what the store recorded at its
 * first ingest is a mismatch even when the card's history was removed.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/catalog_internal.h"
#include "core/json.h"
#include "jobs/job_trust.h"
#include "rushes/card.h"
#include "rushes/error.h"
#include "rushes/jobs.h"
#include "rushes/log.h"
#include "rushes/media.h"

typedef struct Ingest {
    RsCatalog *c;
    const RsIngestSettings *s;
    RsIngestReport *rep;
    RsHashAlgo algo;
    int64_t roll_id;
    int64_t run_id;
    const char *root;
    int resuming;
} Ingest;

void rs_ingest_default_settings(RsIngestSettings *s)
{
    memset(s, 0, sizeof(*s));
    s->day = 1;
    s->write_mhl = 1;
}

/* Files rushes reads as clips; anything else on a card is kept and hashed but not probed. */
static int is_media_name(const char *path)
{
    static const char *const ext[] = {
        "mov", "mp4", "m4v", "mxf", "mkv", "avi", "mts", "m2ts", "mpg", "mpeg", "webm", "ts", "y4m",
        "wav", "bwf", "aif", "aiff", "mp3", "aac", "m4a", "flac", "ogg", "opus", NULL
    };
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return 0;
    for (int i = 0; ext[i]; i++)
        if (!strcasecmp(dot + 1, ext[i]))
            return 1;
    return 0;
}

static int step_done(RsCatalog *c, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : rs_catalog_error(c, what);
}

static int prepare(RsCatalog *c, const char *sql, sqlite3_stmt **st)
{
    return sqlite3_prepare_v2(c->db, sql, -1, st, NULL) == SQLITE_OK ? 0 : rs_catalog_error(c, "ingest");
}

/* The id of the shoot day, created when first seen (days without an episode; episodes come later). */
static int ensure_day(Ingest *in, int64_t *day_id)
{
    RsCatalog *c = in->c;
    sqlite3_stmt *st;
    int ret;
    /* UNIQUE does not hold for NULL episode ids in SQLite, so look up before inserting. */
    if ((ret = prepare(c, "SELECT id FROM shoot_day WHERE episode_id IS NULL AND number = ?"
                          " AND title_id = (SELECT min(id) FROM title)", &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, in->s->day);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *day_id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return 0;
    }
    sqlite3_finalize(st);
    if ((ret = prepare(c, "INSERT INTO shoot_day (title_id, number) SELECT min(id), ? FROM title", &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, in->s->day);
    if ((ret = step_done(c, st, "creating the shoot day")) < 0)
        return ret;
    *day_id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

/* The roll row of this card, created when first seen. */
static int ensure_roll(Ingest *in, const char *name)
{
    RsCatalog *c = in->c;
    sqlite3_stmt *st;
    int64_t day_id;
    int ret = ensure_day(in, &day_id);
    if (ret < 0)
        return ret;
    if ((ret = prepare(c, "SELECT id, kind FROM roll WHERE day_id = ? AND name = ?", &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, day_id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        in->roll_id = sqlite3_column_int64(st, 0);
        const char *kind = (const char *)sqlite3_column_text(st, 1);
        int is_sound = !strcmp(kind, "sound");
        if (is_sound != !!in->s->sound) {
            ret = rs_error(RS_EINVAL, "roll '%s' of day %lld is a %s roll; it cannot be ingested as %s", name,
                           (long long)in->s->day, kind, in->s->sound ? "sound" : "camera");
            sqlite3_finalize(st);
            return ret;
        }
        sqlite3_finalize(st);
        /* The same card may come back mounted elsewhere: remember where it is now. */
        if ((ret = prepare(c, "UPDATE roll SET source_path = ? WHERE id = ?", &st)) < 0)
            return ret;
        sqlite3_bind_text(st, 1, in->root, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, in->roll_id);
        return step_done(c, st, "updating the roll");
    }
    sqlite3_finalize(st);
    if ((ret = prepare(c, "INSERT INTO roll (day_id, kind, name, camera, source_path) VALUES (?, ?, ?, ?, ?)",
                       &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, day_id);
    sqlite3_bind_text(st, 2, in->s->sound ? "sound" : "camera", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, in->s->camera, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, in->root, -1, SQLITE_STATIC);
    if ((ret = step_done(c, st, "creating the roll")) < 0)
        return ret;
    in->roll_id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

/* Resume an interrupted run of this roll, or start a new one. */
static int start_run(Ingest *in)
{
    RsCatalog *c = in->c;
    sqlite3_stmt *st;
    int ret;
    if ((ret = prepare(c, "SELECT id FROM ingest_run WHERE roll_id = ? AND status = 'running' AND algo = ?"
                          " ORDER BY id DESC LIMIT 1", &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, in->roll_id);
    sqlite3_bind_text(st, 2, rs_hash_algo_name(in->algo), -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        in->run_id = sqlite3_column_int64(st, 0);
        in->resuming = 1;
        sqlite3_finalize(st);
        return 0;
    }
    sqlite3_finalize(st);
    char now[32];
    rs_utc_now(now);
    if ((ret = prepare(c, "INSERT INTO ingest_run (roll_id, source_path, algo, started_at, status)"
                          " VALUES (?, ?, ?, ?, 'running')", &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, in->roll_id);
    sqlite3_bind_text(st, 2, in->root, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, rs_hash_algo_name(in->algo), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    if ((ret = step_done(c, st, "starting the ingest run")) < 0)
        return ret;
    in->run_id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

static int known(void *opaque, const char *path, uint64_t size, int64_t mtime_ns, char hex[RS_HASH_HEX_MAX])
{
    Ingest *in = opaque;
    if (!in->resuming)
        return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(in->c->db, "SELECT hash FROM file WHERE roll_id = ? AND rel_path = ? AND size = ?"
                                      " AND mtime_ns = ? AND last_run = ? AND hash_algo = ? AND status = 'ok'",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(st, 1, in->roll_id);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)size);
    sqlite3_bind_int64(st, 4, mtime_ns);
    sqlite3_bind_int64(st, 5, in->run_id);
    sqlite3_bind_text(st, 6, rs_hash_algo_name(in->algo), -1, SQLITE_STATIC);
    int found = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(hex, RS_HASH_HEX_MAX, "%s", sqlite3_column_text(st, 0));
        found = 1;
    }
    sqlite3_finalize(st);
    return found;
}

static int set_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
    return v && *v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

/* The value of tag key (any case) in m, or NULL. */
static const char *tag(const RsMediaInfo *m, const char *key)
{
    for (int i = 0; i < m->nb_tags; i++)
        if (!strcasecmp(m->tags[i].key, key))
            return m->tags[i].value;
    return NULL;
}

/* Copy the word after the label (up to white space) into out. */
static void word_after(const char *p, char *out, size_t n)
{
    size_t k = 0;
    while (*p == ' ' || *p == '=' || *p == ':')
        p++;
    while (*p && *p != ' ' && *p != '\r' && *p != '\n' && *p != '\t' && k + 1 < n)
        out[k++] = *p++;
    out[k] = '\0';
}

/*
 * The slate's scene and take, where the file says them: "scene"/"take" tags
 * (camera metadata), the sound recorder's bext description lines
 * "sSCENE=12A" and "sTAKE=3" (the convention recorders share), or a comment
 * "SCENE 12A TAKE 3". Empty when nothing says.
 */
static void slate_of(const RsMediaInfo *m, char scene[64], char take[32])
{
    const char *v;
    scene[0] = take[0] = '\0';
    if ((v = tag(m, "scene")))
        snprintf(scene, 64, "%s", v);
    if ((v = tag(m, "take")))
        snprintf(take, 32, "%s", v);
    const char *texts[] = { tag(m, "comment"), tag(m, "description"), NULL };
    for (int i = 0; texts[i]; i++) {
        const char *s = texts[i], *p;
        if (!scene[0] && ((p = strstr(s, "sSCENE=")) || (p = strcasestr(s, "SCENE "))))
            word_after(strchr(p, '=') && strchr(p, '=') < p + 7 ? strchr(p, '=') + 1 : p + 6, scene, 64);
        if (!take[0] && ((p = strstr(s, "sTAKE=")) || (p = strcasestr(s, "TAKE "))))
            word_after(strchr(p, '=') && strchr(p, '=') < p + 6 ? strchr(p, '=') + 1 : p + 5, take, 32);
    }
    /* "02" and "2" are the same take. */
    while (take[0] == '0' && take[1])
        memmove(take, take + 1, strlen(take));
}

/*
 * Read a media file's metadata into a clip row. A file that cannot be parsed
 * gets a row saying why. media_rel is the folder of an image sequence (the
 * clip then hangs on its first frame's file), NULL for an ordinary file.
 */
static int register_clip(Ingest *in, int64_t file_id, const char *abs, const char *media_rel)
{
    RsCatalog *c = in->c;
    RsMediaInfo *m = NULL;
    int pr = rs_media_probe(abs, &m);
    char *json = pr >= 0 ? rs_media_info_json(m) : NULL;
    sqlite3_stmt *st;
    int ret = prepare(c, "INSERT OR REPLACE INTO clip (file_id, kind, container, codec, profile, pix_fmt, width,"
                         " height, bit_depth, rate_num, rate_den, vfr, sar_num, sar_den, rotation, frames, duration_us,"
                         " start_tc, tc_drop, reel, camera, audio_codec, audio_channels, audio_layout, sample_rate,"
                         " bwf_time_reference, probe_error, probe_json, media_path, scene, take) VALUES (?1, ?2, ?3,"
                         " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,"
                         " ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)",
                      &st);
    if (ret < 0)
        goto end;
    sqlite3_bind_int64(st, 1, file_id);
    set_text_or_null(st, 29, media_rel);
    if (pr < 0) {
        sqlite3_bind_text(st, 2, "none", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 27, rs_error_message(), -1, SQLITE_TRANSIENT);
        in->rep->unreadable++;
        rs_log(RS_LOG_WARNING, "%s", rs_error_message());
    } else {
        sqlite3_bind_text(st, 2, m->nb_video ? "video" : m->nb_audio ? "audio" : "none", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, m->format, -1, SQLITE_TRANSIENT);
        if (m->nb_video) {
            const RsVideoInfo *v = &m->video[0];
            sqlite3_bind_text(st, 4, v->codec, -1, SQLITE_TRANSIENT);
            set_text_or_null(st, 5, v->profile);
            sqlite3_bind_text(st, 6, v->pix_fmt, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(st, 7, v->width);
            sqlite3_bind_int(st, 8, v->height);
            sqlite3_bind_int(st, 9, v->bit_depth);
            sqlite3_bind_int64(st, 10, v->frame_rate.num);
            sqlite3_bind_int64(st, 11, v->frame_rate.den);
            sqlite3_bind_int(st, 12, v->vfr);
            sqlite3_bind_int64(st, 13, v->sar.num);
            sqlite3_bind_int64(st, 14, v->sar.den);
            sqlite3_bind_int(st, 15, v->rotation);
            if (v->frame_count >= 0)
                sqlite3_bind_int64(st, 16, v->frame_count);
        } else if (m->nb_audio) {
            sqlite3_bind_text(st, 4, m->audio[0].codec, -1, SQLITE_TRANSIENT);
        }
        if (m->duration_us >= 0)
            sqlite3_bind_int64(st, 17, m->duration_us);
        set_text_or_null(st, 18, m->start_timecode);
        sqlite3_bind_int(st, 19, m->tc_drop);
        set_text_or_null(st, 20, m->reel);
        set_text_or_null(st, 21, m->camera);
        if (m->nb_audio) {
            sqlite3_bind_text(st, 22, m->audio[0].codec, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(st, 23, m->audio[0].channels);
            set_text_or_null(st, 24, m->audio[0].layout);
            sqlite3_bind_int(st, 25, m->audio[0].sample_rate);
        } else {
            sqlite3_bind_int(st, 23, 0);
        }
        if (m->bwf_time_reference >= 0)
            sqlite3_bind_int64(st, 26, m->bwf_time_reference);
        set_text_or_null(st, 28, json);
        char scene[64], take[32];
        slate_of(m, scene, take);
        set_text_or_null(st, 30, scene);
        set_text_or_null(st, 31, take);
        in->rep->clips++;
    }
    ret = step_done(c, st, "registering a clip");
end:
    free(json);
    rs_media_info_free(&m);
    return ret;
}

static int has_clip(RsCatalog *c, int64_t file_id)
{
    sqlite3_stmt *st;
    int found = 0;
    if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM clip WHERE file_id = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, file_id);
        found = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
    }
    return found;
}

/* Write one file's outcome; called inside the file's transaction. */
static int record_file(Ingest *in, const RsCardFile *f, const char **status_out, char *msg, size_t msgsz)
{
    RsCatalog *c = in->c;
    sqlite3_stmt *st;
    int ret;
    const char *algo = rs_hash_algo_name(in->algo);
    int64_t file_id = 0;
    char stored_hash[RS_HASH_HEX_MAX] = "", stored_algo[16] = "";
    const char *status = rs_card_status_name(f->status);
    snprintf(msg, msgsz, "%s", f->message ? f->message : "");

    if ((ret = prepare(c, "SELECT id, hash, hash_algo FROM file WHERE roll_id = ? AND rel_path = ?", &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, in->roll_id);
    sqlite3_bind_text(st, 2, f->path, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        file_id = sqlite3_column_int64(st, 0);
        snprintf(stored_hash, sizeof(stored_hash), "%s", sqlite3_column_text(st, 1));
        snprintf(stored_algo, sizeof(stored_algo), "%s", sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);

    /* The store's own record: the hash taken at first ingest never changes. */
    const char *db_status = "ok";
    switch (f->status) {
    case RS_CARD_NEW:
    case RS_CARD_VERIFIED:
        if (file_id && !strcmp(stored_algo, algo) && *stored_hash && strcmp(stored_hash, f->hash)) {
            db_status = "mismatch";
            status = "mismatch";
            snprintf(msg, msgsz, "%s/%s: content changed since it was ingested (%s was %s, now %s)", in->root,
                     f->path, algo, stored_hash, f->hash);
        }
        break;
    case RS_CARD_MISMATCH: db_status = "mismatch"; break;
    case RS_CARD_MISSING:  db_status = "missing"; break;
    default:               db_status = "error"; break;
    }
    *status_out = status;

    if (!file_id) {
        /* First sight. For a mismatch against the DIT's history, the history's hash is the original. */
        const char *first_hash = f->status == RS_CARD_MISMATCH || f->status == RS_CARD_MISSING ? f->expected : f->hash;
        const char *first_algo = f->status == RS_CARD_MISMATCH || f->status == RS_CARD_MISSING
                                     ? rs_hash_algo_name(f->expected_algo) : algo;
        if ((ret = prepare(c, "INSERT INTO file (roll_id, rel_path, size, mtime_ns, hash_algo, hash, status,"
                              " duplicate_of, first_run, last_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st)) < 0)
            return ret;
        sqlite3_bind_int64(st, 1, in->roll_id);
        sqlite3_bind_text(st, 2, f->path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)f->size);
        sqlite3_bind_int64(st, 4, f->mtime_ns);
        sqlite3_bind_text(st, 5, first_algo, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, first_hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, db_status, -1, SQLITE_STATIC);
        set_text_or_null(st, 8, f->duplicate_of);
        sqlite3_bind_int64(st, 9, in->run_id);
        sqlite3_bind_int64(st, 10, in->run_id);
        if ((ret = step_done(c, st, "recording a file")) < 0)
            return ret;
        file_id = sqlite3_last_insert_rowid(c->db);
    } else {
        if ((ret = prepare(c, "UPDATE file SET status = ?, last_run = ?, duplicate_of = ?,"
                              " size = CASE WHEN ? = 'ok' THEN ? ELSE size END,"
                              " mtime_ns = CASE WHEN ? = 'ok' THEN ? ELSE mtime_ns END WHERE id = ?", &st)) < 0)
            return ret;
        sqlite3_bind_text(st, 1, db_status, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, in->run_id);
        set_text_or_null(st, 3, f->duplicate_of);
        sqlite3_bind_text(st, 4, db_status, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)f->size);
        sqlite3_bind_text(st, 6, db_status, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, f->mtime_ns);
        sqlite3_bind_int64(st, 8, file_id);
        if ((ret = step_done(c, st, "updating a file")) < 0)
            return ret;
    }

    char now[32];
    rs_utc_now(now);
    if ((ret = prepare(c, "INSERT INTO file_event (file_id, run_id, rel_path, status, hash, detail, at)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?)", &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_int64(st, 2, in->run_id);
    sqlite3_bind_text(st, 3, f->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, status, -1, SQLITE_STATIC);
    set_text_or_null(st, 5, f->hash);
    set_text_or_null(st, 6, msg);
    sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
    if ((ret = step_done(c, st, "recording a file event")) < 0)
        return ret;

    if (!strcmp(db_status, "ok") && is_media_name(f->path) && !has_clip(c, file_id)) {
        char abs[PATH_MAX * 2];
        snprintf(abs, sizeof(abs), "%s/%s", in->root, f->path);
        if ((ret = register_clip(in, file_id, abs, NULL)) < 0)
            return ret;
    }
    return 0;
}

static int on_file(void *opaque, const RsCardFile *f)
{
    Ingest *in = opaque;
    const char *status = NULL;
    char msg[1024];
    if (f->resumed) {
        /* Committed by the interrupted run this one resumes: nothing to redo. */
        in->rep->files++;
        in->rep->resumed_files++;
        in->rep->duplicates += f->duplicate_of != NULL;
        in->rep->new_files += f->status == RS_CARD_NEW;
        in->rep->verified += f->status == RS_CARD_VERIFIED;
        return 0;
    }
    int ret = rs_catalog_begin(in->c);
    if (ret < 0)
        return ret;
    if ((ret = record_file(in, f, &status, msg, sizeof(msg))) < 0) {
        rs_catalog_rollback(in->c);
        return ret;
    }
    if ((ret = rs_catalog_commit(in->c)) < 0)
        return ret;
    RsIngestReport *r = in->rep;
    r->files++;
    r->duplicates += f->duplicate_of != NULL;
    if (!strcmp(status, "new"))
        r->new_files++;
    else if (!strcmp(status, "verified"))
        r->verified++;
    else if (!strcmp(status, "mismatch"))
        r->mismatched++;
    else if (!strcmp(status, "missing"))
        r->missing++;
    else
        r->errors++;
    if (in->s->on_file)
        in->s->on_file(in->s->opaque, f->path, status, msg);
    return 0;
}

static int is_image_name(const char *path)
{
    static const char *const ext[] = { "dpx", "exr", "tif", "tiff", "png", "jpg", "jpeg", NULL };
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return 0;
    for (int i = 0; ext[i]; i++)
        if (!strcasecmp(dot + 1, ext[i]))
            return 1;
    return 0;
}

/*
 * Scans and renders come as folders of numbered frames: each folder of image
 * files that reads as one sequence becomes one clip, hung on its first
 * frame's file. A folder of unrelated stills is left as files.
 */
static int register_sequences(Ingest *in)
{
    RsCatalog *c = in->c;
    sqlite3_stmt *st;
    int ret = prepare(c, "SELECT f.id, f.rel_path FROM file f WHERE f.roll_id = ? AND f.status = 'ok'"
                         " ORDER BY f.rel_path", &st);
    if (ret < 0)
        return ret;
    sqlite3_bind_int64(st, 1, in->roll_id);
    char dir[PATH_MAX] = "", seen_dir[PATH_MAX] = "";
    int64_t first_id = 0;
    int count = 0;
    for (int more = 1; more;) {
        int rc = sqlite3_step(st);
        more = rc == SQLITE_ROW;
        const char *rel = more ? (const char *)sqlite3_column_text(st, 1) : NULL;
        if (more && !is_image_name(rel))
            continue;
        char d[PATH_MAX] = "";
        if (more) {
            const char *slash = strrchr(rel, '/');
            snprintf(d, sizeof(d), "%.*s", slash ? (int)(slash - rel) : 0, rel);
        }
        if (more && count && !strcmp(d, dir)) {
            count++;
            continue;
        }
        /* A folder's run of images ended: register it when it holds several frames. */
        if (count >= 2 && strcmp(dir, seen_dir)) {
            char abs[PATH_MAX * 2];
            snprintf(abs, sizeof(abs), "%s%s%s", in->root, dir[0] ? "/" : "", dir);
            RsMediaInfo *m = NULL;
            int ok = rs_media_probe(abs, &m) >= 0 && m->is_image_sequence;
            rs_media_info_free(&m);
            if (ok && !has_clip(c, first_id)) {
                if ((ret = rs_catalog_begin(c)) < 0)
                    break;
                if ((ret = register_clip(in, first_id, abs, dir[0] ? dir : ".")) < 0) {
                    rs_catalog_rollback(c);
                    break;
                }
                if ((ret = rs_catalog_commit(c)) < 0)
                    break;
            } else if (!ok) {
                rs_log(RS_LOG_INFO, "%s: images that do not form one sequence; kept as files", abs);
            }
            snprintf(seen_dir, sizeof(seen_dir), "%s", dir);
        }
        if (more) {
            snprintf(dir, sizeof(dir), "%s", d);
            first_id = sqlite3_column_int64(st, 0);
            count = 1;
        }
    }
    sqlite3_finalize(st);
    return ret;
}

/* The card callbacks take the Ingest; the caller's progress takes its own opaque. */
static void card_progress(void *opaque, uint64_t done, uint64_t total)
{
    Ingest *in = opaque;
    in->s->progress(in->s->opaque, done, total);
}

static int finish_run(Ingest *in, const char *status, const RsCardReport *card)
{
    RsJson j = { 0 };
    RsIngestReport *r = in->rep;
    rs_json_begin_object(&j, NULL);
    rs_json_int(&j, "files", r->files);
    rs_json_int(&j, "new", r->new_files);
    rs_json_int(&j, "verified", r->verified);
    rs_json_int(&j, "mismatch", r->mismatched);
    rs_json_int(&j, "missing", r->missing);
    rs_json_int(&j, "error", r->errors);
    rs_json_int(&j, "duplicates", r->duplicates);
    rs_json_int(&j, "clips", r->clips);
    rs_json_int(&j, "unreadable", r->unreadable);
    rs_json_int(&j, "bytes_hashed", card ? (int64_t)card->bytes_hashed : 0);
    rs_json_end_object(&j);
    char *report = rs_json_take(&j);
    char now[32];
    rs_utc_now(now);
    sqlite3_stmt *st;
    int ret = prepare(in->c, "UPDATE ingest_run SET status = ?, finished_at = ?, mhl_path = ?, report = ?"
                             " WHERE id = ?", &st);
    if (ret >= 0) {
        sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
        set_text_or_null(st, 3, card ? card->mhl_path : NULL);
        sqlite3_bind_text(st, 4, report, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, in->run_id);
        ret = step_done(in->c, st, "finishing the ingest run");
    }
    free(report);
    return ret;
}

int rs_ingest_job(RsCatalog *c, const RsIngestSettings *s, RsIngestReport *rep)
{
    memset(rep, 0, sizeof(*rep));
    /* Ingest reads no frames, so it needs the role but no consent. */
    int ret = rs_trust_require(s->actor, RS_OP_INGEST);
    if (ret < 0)
        return ret;
    if (!s->source || !*s->source)
        return rs_error(RS_EINVAL, "ingest needs a card or folder");
    if (s->day < 1)
        return rs_error(RS_EINVAL, "shoot day %lld is not valid (days are numbered from 1)", (long long)s->day);
    if (!s->sound && (!s->camera || !*s->camera))
        return rs_error(RS_EINVAL, "%s: say which camera (--camera A) or that it is sound (--sound)", s->source);
    if (s->sound && s->camera)
        return rs_error(RS_EINVAL, "%s: a roll is either a camera's (--camera) or sound (--sound), not both",
                        s->source);
    char root[PATH_MAX];
    struct stat stt;
    if (!realpath(s->source, root))
        return rs_error(-errno, "%s: %s", s->source, strerror(errno));
    if (stat(root, &stt) || !S_ISDIR(stt.st_mode))
        return rs_error(RS_EINVAL, "%s: not a folder (ingest takes a card or a folder of media)", s->source);

    Ingest in = { .c = c, .s = s, .rep = rep, .root = root };
    ret = rs_hash_algo_from_name(s->algo ? s->algo : "xxh64", &in.algo);
    if (ret < 0)
        return ret;
    const char *roll = s->roll && *s->roll ? s->roll : strrchr(root, '/') + 1;
    if (!*roll)
        roll = "root";

    if ((ret = rs_catalog_begin(c)) < 0)
        return ret;
    if ((ret = ensure_roll(&in, roll)) < 0 || (ret = start_run(&in)) < 0) {
        rs_catalog_rollback(c);
        return ret;
    }
    if ((ret = rs_catalog_commit(c)) < 0)
        return ret;
    rep->run_id = in.run_id;
    rep->resumed = in.resuming;

    /* The history lives on the card; a read-only card keeps it in the project instead. */
    char mhl_root[PATH_MAX + 64];
    RsCardSettings cs;
    rs_card_default_settings(&cs);
    cs.algo = in.algo;
    cs.write_mhl = s->write_mhl;
    if (s->write_mhl && access(root, W_OK)) {
        snprintf(mhl_root, sizeof(mhl_root), "%s/mhl/day%03lld/%s", rs_catalog_dir(c), (long long)s->day, roll);
        for (char *p = mhl_root + strlen(rs_catalog_dir(c)) + 1; *p; p++)
            if (*p == '/') {
                *p = '\0';
                mkdir(mhl_root, 0755);
                *p = '/';
            }
        mkdir(mhl_root, 0755);
        cs.mhl_root = mhl_root;
        rs_log(RS_LOG_INFO, "%s is read-only: its ASC MHL history is kept in %s", root, mhl_root);
    }
    cs.on_file = on_file;
    cs.known = known;
    cs.progress = s->progress ? card_progress : NULL;
    cs.opaque = &in;
    RsCardReport *card = NULL;
    char saved[1024] = "";
    ret = rs_card_verify(root, &cs, &card);
    snprintf(saved, sizeof(saved), "%s", rs_error_message());
    if (!card) {
        /* The walk did not complete (tampered history, unreadable root, store failure): the run stays
         * open so that a rerun resumes it, unless the history itself is bad. */
        if (ret == RS_ETAMPER || ret == RS_EINVAL || ret == RS_EUNSUP)
            finish_run(&in, "failed", NULL);
        rs_job_audit_ingest(c, s, root, in.run_id, in.roll_id, rep, ret);
        return rs_error(ret, "%s", saved);
    }
    rep->bytes_hashed = card->bytes_hashed;
    int sret = register_sequences(&in);
    if (sret < 0) {
        rs_card_report_free(&card);
        return sret;
    }
    if (card->mhl_path)
        snprintf(rep->mhl_path, sizeof(rep->mhl_path), "%s", card->mhl_path);
    int fret = finish_run(&in, "complete", card);
    rs_card_report_free(&card);
    if (fret < 0)
        return fret;
    if ((fret = rs_job_audit_ingest(c, s, root, in.run_id, in.roll_id, rep, ret)) < 0)
        return fret;
    if (rep->mismatched || rep->missing)
        return rs_error(RS_EMISMATCH, "%s: %d file(s) changed and %d missing since they were recorded", root,
                        rep->mismatched, rep->missing);
    if (ret < 0 && ret != RS_EPARTIAL)
        return rs_error(ret, "%s", saved);
    if (rep->errors || rep->unreadable)
        return rs_error(RS_EPARTIAL, "%s: %d file(s) could not be read, %d media file(s) could not be parsed",
                        root, rep->errors, rep->unreadable);
    return 0;
}
