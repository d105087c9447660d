/* Media info as JSON: the format is documented in doc/json.md ("probe"). */
#include "core/json.h"
#include "rushes/jobs.h"

static void opt_string(RsJson *j, const char *key, const char *v)
{
    if (v && *v)
        rs_json_string(j, key, v);
    else
        rs_json_null(j, key);
}

char *rs_media_info_json(const RsMediaInfo *m)
{
    RsJson j = { .pretty = 0 };
    rs_json_begin_object(&j, NULL);
    rs_json_string(&j, "path", m->path);
    rs_json_string(&j, "format", m->format);
    if (m->duration_us >= 0)
        rs_json_int(&j, "duration_us", m->duration_us);
    else
        rs_json_null(&j, "duration_us");
    rs_json_int(&j, "bit_rate", m->bit_rate);
    rs_json_bool(&j, "image_sequence", m->is_image_sequence);
    opt_string(&j, "start_timecode", m->start_timecode);
    rs_json_bool(&j, "drop_frame", m->tc_drop);
    if (m->bwf_time_reference >= 0)
        rs_json_int(&j, "bwf_time_reference", m->bwf_time_reference);
    else
        rs_json_null(&j, "bwf_time_reference");
    opt_string(&j, "reel", m->reel);
    opt_string(&j, "camera", m->camera);
    rs_json_begin_array(&j, "video");
    for (int i = 0; i < m->nb_video; i++) {
        const RsVideoInfo *v = &m->video[i];
        rs_json_begin_object(&j, NULL);
        rs_json_int(&j, "index", v->index);
        rs_json_string(&j, "codec", v->codec);
        opt_string(&j, "profile", v->profile);
        rs_json_string(&j, "pix_fmt", v->pix_fmt);
        rs_json_int(&j, "width", v->width);
        rs_json_int(&j, "height", v->height);
        rs_json_int(&j, "bit_depth", v->bit_depth);
        rs_json_rational(&j, "frame_rate", v->frame_rate.num, v->frame_rate.den);
        rs_json_bool(&j, "vfr", v->vfr);
        rs_json_rational(&j, "time_base", v->time_base.num, v->time_base.den);
        rs_json_rational(&j, "sar", v->sar.num, v->sar.den);
        rs_json_int(&j, "rotation", v->rotation);
        rs_json_int(&j, "start_pts", v->start_pts);
        rs_json_int(&j, "duration_ts", v->duration_ts);
        rs_json_int(&j, "frame_count", v->frame_count);
        opt_string(&j, "color_range", v->color_range);
        opt_string(&j, "color_space", v->color_space);
        opt_string(&j, "color_primaries", v->color_primaries);
        opt_string(&j, "color_trc", v->color_trc);
        opt_string(&j, "field_order", v->field_order);
        rs_json_end_object(&j);
    }
    rs_json_end_array(&j);
    rs_json_begin_array(&j, "audio");
    for (int i = 0; i < m->nb_audio; i++) {
        const RsAudioInfo *a = &m->audio[i];
        rs_json_begin_object(&j, NULL);
        rs_json_int(&j, "index", a->index);
        rs_json_string(&j, "codec", a->codec);
        rs_json_int(&j, "sample_rate", a->sample_rate);
        rs_json_int(&j, "channels", a->channels);
        opt_string(&j, "layout", a->layout);
        rs_json_int(&j, "bits_per_sample", a->bits_per_sample);
        rs_json_rational(&j, "time_base", a->time_base.num, a->time_base.den);
        rs_json_int(&j, "start_pts", a->start_pts);
        rs_json_int(&j, "duration_ts", a->duration_ts);
        rs_json_end_object(&j);
    }
    rs_json_end_array(&j);
    rs_json_begin_object(&j, "tags");
    for (int i = 0; i < m->nb_tags; i++)
        rs_json_string(&j, m->tags[i].key, m->tags[i].value);
    rs_json_end_object(&j);
    rs_json_end_object(&j);
    return rs_json_take(&j);
}
