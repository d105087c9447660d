/*
 * OUTPUT.manifest.json: a record of a clean that a reviewer (and later a
 * signature, see the trust work) can check: every input with its hash, the
 * parameters, the software version and the output's hash. It is unsigned.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cleanup/manifest.h"
#include "core/json.h"
#include "media/sequence.h"
#include "rushes/error.h"
#include "rushes/hash.h"

static int hash_entry(RsJson *j, const char *role, const char *path)
{
    char hex[RS_HASH_HEX_MAX];
    uint64_t size = 0;
    int ret = rs_hash_file(path, RS_HASH_XXH64, hex, &size);
    if (ret < 0)
        return ret;
    rs_json_begin_object(j, NULL);
    if (role)
        rs_json_string(j, "role", role);
    rs_json_string(j, "path", path);
    rs_json_int(j, "bytes", (int64_t)size);
    rs_json_string(j, "xxh64", hex);
    rs_json_end_object(j);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder (a picture sequence) is listed file by file, sorted, so one changed frame shows. */
static int hash_path(RsJson *j, const char *role, const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
        if (strchr(path, '%')) {
            /* A printf pattern names files the decoder found; record the pattern itself. */
            rs_json_begin_object(j, NULL);
            rs_json_string(j, "role", role);
            rs_json_string(j, "pattern", path);
            rs_json_end_object(j);
            return 0;
        }
        return hash_entry(j, role, path);
    }
    DIR *d = opendir(path);
    if (!d)
        return rs_error(RS_EIO, "%s: cannot list the mask folder", path);
    char **names = NULL;
    int n = 0, cap = 0, ret = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **nn = realloc(names, sizeof(char *) * (cap = cap ? 2 * cap : 64));
            if (!nn) {
                ret = RS_ENOMEM;
                break;
            }
            names = nn;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        if (!(names[n] = malloc(len))) {
            ret = RS_ENOMEM;
            break;
        }
        snprintf(names[n++], len, "%s/%s", path, e->d_name);
    }
    closedir(d);
    if (ret >= 0)
        qsort(names, n, sizeof(char *), cmp_str);
    for (int i = 0; i < n && ret >= 0; i++)
        ret = hash_entry(j, role, names[i]);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return ret == RS_ENOMEM ? rs_error(RS_ENOMEM, "%s: out of memory", path) : ret;
}

/*
 * The output's files: the file, or every picture of a sequence (numbered
 * from 0, named as the encoder named them). A '%' in a movie's name is a
 * character, not a frame number.
 */
static int hash_output(RsJson *j, const char *output, int frames, int seq)
{
    if (!seq)
        return hash_entry(j, NULL, output);
    char path[4096];
    int ret = 0;
    for (int t = 0; t < frames && ret >= 0; t++)
        ret = rs_sequence_path(path, sizeof(path), output, t) < 0
                  ? rs_error(RS_EINVAL, "%s: no file name for picture %d", output, t)
                  : hash_entry(j, NULL, path);
    return ret;
}

void rs_clean_write_parameters(RsJson *j, const RsCleanJob *job, const char *codec)
{
    const RsCleanSettings *s = &job->fill;
    rs_json_string(j, "codec", codec);
    if (!strcmp(codec, "prores"))
        rs_json_int(j, "prores_profile", job->prores_profile ? job->prores_profile : 3);
    rs_json_int(j, "max_distance", s->max_distance);
    rs_json_int(j, "grow", s->grow);
    rs_json_int(j, "patch_size", s->patch_size);
    rs_json_int(j, "seam", s->seam);
    rs_json_int(j, "refine", s->refine);
    rs_json_int(j, "dust_threshold", job->dust);
    rs_json_int(j, "deflicker_window", job->deflicker);
    rs_json_int(j, "flow_patch_size", s->flow_patch_size);
    rs_json_int(j, "flow_patch_stride", s->flow_patch_stride);
    rs_json_int(j, "flow_iterations", s->flow_iterations);
    rs_json_int(j, "flow_finest_level", s->flow_finest_level);
    rs_json_int(j, "flow_median", s->flow_median);
    rs_json_int(j, "seed", s->seed);
    static const char *const models[] = { "translation", "similarity", "affine" };
    rs_json_string(j, "track_model",
                   job->track.model >= 0 && job->track.model <= 2 ? models[job->track.model] : "unknown");
    rs_json_int(j, "track_margin", job->track.margin);
    rs_json_int(j, "track_erode", job->track.erode);
    rs_json_int(j, "track_iterations", job->track.iterations);
    if (job->scratches) {
        rs_json_begin_object(j, "scratches");
        rs_json_int(j, "threshold", job->scratch.threshold);
        rs_json_int(j, "max_width", job->scratch.max_width);
        rs_json_int(j, "min_frames", job->scratch.min_frames);
        rs_json_double(j, "max_drift", job->scratch.max_drift);
        rs_json_double(j, "min_height", job->scratch.min_height);
        rs_json_double(j, "min_motion", job->scratch.min_motion);
        rs_json_double(j, "min_weave", job->scratch.min_weave);
        rs_json_int(j, "min_crossings", job->scratch.min_crossings);
        rs_json_int(j, "margin", job->scratch.margin);
        rs_json_end_object(j);
    }
}

int rs_clean_write_manifest(const RsManifestInfo *mi)
{
    const RsCleanJob *job = mi->job;
    RsJson j = { .pretty = 1 };
    rs_json_begin_object(&j, NULL);
    rs_json_string(&j, "manifest", "rushes.clean");
    rs_json_int(&j, "manifest_version", 1);
    rs_json_begin_object(&j, "software");
    rs_json_string(&j, "name", "rushes");
    rs_json_string(&j, "version", rs_version());
    rs_json_end_object(&j);
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    rs_json_string(&j, "created", when);
    rs_json_begin_array(&j, "inputs");
    int ret = hash_path(&j, "source", job->input);
    if (ret >= 0 && job->mask)
        ret = hash_path(&j, "mask", job->mask);
    rs_json_end_array(&j);
    /* What could be read of the shot: a damaged or cut-short source is cleaned as far as it goes,
     * and the record says so. */
    rs_json_begin_object(&j, "source_read");
    rs_json_int(&j, "frames", mi->frames);
    rs_json_bool(&j, "truncated", mi->stats->truncated);
    rs_json_int(&j, "damaged", mi->stats->damaged);
    rs_json_end_object(&j);
    rs_json_begin_object(&j, "parameters");
    rs_clean_write_parameters(&j, job, mi->codec);
    rs_json_end_object(&j);
    rs_json_begin_object(&j, "filled");
    rs_json_int(&j, "masked_pixels", mi->stats->masked);
    rs_json_int(&j, "from_other_frames", mi->stats->from_time);
    rs_json_int(&j, "carried", mi->stats->carried);
    rs_json_int(&j, "synthesised", mi->stats->synthesised);
    rs_json_int(&j, "unfilled", mi->stats->unfilled);
    rs_json_int(&j, "dust_pixels", mi->stats->dust);
    rs_json_int(&j, "tracked_shapes", mi->stats->tracked);
    rs_json_int(&j, "scratches", mi->stats->scratches);
    rs_json_int(&j, "scratch_pixels", mi->stats->scratch_pixels);
    /* A long shot's windows: what a rerun needs to give the same pictures when the context
     * is below max_distance (doc/cleanup.md "Long shots"). */
    if (mi->stats->windows) {
        rs_json_int(&j, "windows", mi->stats->windows);
        rs_json_int(&j, "window_frames", mi->stats->window);
        rs_json_int(&j, "context_frames", mi->stats->context);
    }
    rs_json_end_object(&j);
    if (job->deflicker) {
        /* The settings the job used (the defaults but for the window) and what they changed. */
        const RsDeflickerStats *d = &mi->stats->deflicker;
        RsDeflickerSettings ds;
        rs_deflicker_default_settings(&ds);
        rs_json_begin_object(&j, "deflicker");
        rs_json_int(&j, "window", job->deflicker);
        rs_json_int(&j, "regions_x", d->regions_x);
        rs_json_int(&j, "regions_y", d->regions_y);
        rs_json_double(&j, "max_gain", ds.max_gain);
        rs_json_double(&j, "max_offset", ds.max_offset);
        rs_json_double(&j, "mean_luma_change", d->mean_change);
        rs_json_double(&j, "mean_chroma_change", d->mean_chroma_change);
        rs_json_double(&j, "max_level_change", d->max_level_change);
        rs_json_double(&j, "max_gain_change", d->max_gain_change);
        rs_json_int(&j, "limited_region_frames", d->limited);
        rs_json_end_object(&j);
    }
    rs_json_begin_object(&j, "output");
    rs_json_int(&j, "frames", mi->frames);
    rs_json_int(&j, "width", mi->width);
    rs_json_int(&j, "height", mi->height);
    if (mi->bit_depth) {
        rs_json_int(&j, "bit_depth", mi->bit_depth);
        rs_json_string(&j, "chroma", mi->chroma);
    }
    rs_json_rational(&j, "frame_rate", mi->rate.num, mi->rate.den);
    rs_json_string(&j, "start_timecode", mi->timecode);
    rs_json_string(&j, "lossless", !strcmp(mi->codec, "ffv1") ? "yes" : "no");
    rs_json_begin_array(&j, "files");
    if (ret >= 0)
        ret = hash_output(&j, job->output, mi->frames, !strcmp(mi->codec, "png") || !strcmp(mi->codec, "exr"));
    rs_json_end_array(&j);
    rs_json_end_object(&j);
    /* The trust work signs manifests; until then this says so plainly. */
    rs_json_null(&j, "signature");
    rs_json_end_object(&j);
    char *text = rs_json_take(&j);
    if (ret < 0 || !text) {
        free(text);
        return ret < 0 ? ret : rs_error(RS_ENOMEM, "%s: out of memory for the manifest", job->output);
    }
    size_t len = strlen(job->output) + 16;
    char *path = malloc(len);
    FILE *f = path ? (snprintf(path, len, "%s.manifest.json", job->output), fopen(path, "w")) : NULL;
    if (!f) {
        ret = rs_error(RS_EIO, "%s.manifest.json: cannot create the manifest", job->output);
    } else {
        fputs(text, f);
        fputc('\n', f);
        if (fclose(f))
            ret = rs_error(RS_EIO, "%s: write failed", path);
    }
    free(path);
    free(text);
    return ret;
}
