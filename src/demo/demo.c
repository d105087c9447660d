/*
 * rs_demo_generate(): plan the day, render the plates, then for every clip
 * render frames on one thread while this thread encodes the previous ones
 * (libx264 and prores_aw add their own threads), and write the recorder's
 * files and the truth.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rushes/demo.h"
#include "rushes/encode.h"
#include "rushes/error.h"
#include "demo/plan.h"
#include "demo/sound.h"
#include "demo/truth.h"

#define RING 3
#define MAX_PLATES 8
#define WAV_BLOCK 4800

typedef struct PlateEntry {
    int setup;
    DemoSet set;
    DemoPlate plate;
} PlateEntry;

typedef struct Gen {
    const RsDemoSettings *s;
    DemoDay day;
    DemoNoise noise;
    PlateEntry plates[MAX_PLATES];
    int nb_plates;
    int item, nb_items;
    RsDemoReport *rep;
    uint8_t *ring[RING];
    float *audio[4];
} Gen;

void rs_demo_default_settings(RsDemoSettings *s)
{
    memset(s, 0, sizeof(*s));
    s->seed = 1;
    s->width = 1280;
    s->height = 720;
    s->take_frames = 96;
    s->threads = 2;
}

void rs_demo_report_free(RsDemoReport **r)
{
    if (!r || !*r)
        return;
    free((*r)->output_dir);
    free((*r)->truth_path);
    free(*r);
    *r = NULL;
}

static int mkdir_p(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
        return rs_error(RS_EINVAL, "%s: path too long", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) < 0 && errno != EEXIST)
                return rs_error(errno == EACCES ? RS_EACCES : RS_EIO, "%s: cannot create folder: %s",
                                buf, strerror(errno));
            *p = c;
            if (!c)
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return rs_error(RS_EIO, "%s: not a folder", path);
    return 0;
}

static const DemoPlate *get_plate(Gen *g, int setup, const DemoSet *set, int *err)
{
    for (int i = 0; i < g->nb_plates; i++)
        if (g->plates[i].setup == setup && !memcmp(&g->plates[i].set, set, sizeof(*set)))
            return &g->plates[i].plate;
    /* The script has six set-ups; clips keep pointers into this array, so it never moves. */
    if (g->nb_plates == MAX_PLATES) {
        *err = rs_error(RS_ERANGE, "demo: more than %d camera set-ups", MAX_PLATES);
        return NULL;
    }
    PlateEntry *e = &g->plates[g->nb_plates];
    e->setup = setup;
    e->set = *set;
    DemoCamera cam = demo_setup_camera(setup, g->day.w, g->day.h);
    if ((*err = demo_plate_render(&e->plate, set, &cam, g->day.w, g->day.h, g->day.margin, &g->noise,
                                  g->s->threads > 1 ? g->s->threads : 1)) < 0)
        return NULL;
    g->nb_plates++;
    return &e->plate;
}

typedef struct Producer {
    pthread_mutex_t m;
    pthread_cond_t cv;
    const DemoShot *shot;
    int frames, produced, consumed, stop;
    uint8_t **ring;
} Producer;

static void frame_planes(const DemoShot *s, uint8_t *buf, uint8_t *planes[3], ptrdiff_t strides[3])
{
    size_t luma = (size_t)s->w * s->h;
    planes[0] = buf;
    planes[1] = buf + luma;
    planes[2] = buf + luma + luma / 4;
    strides[0] = s->w;
    strides[1] = strides[2] = s->w / 2;
}

static void *produce(void *arg)
{
    Producer *p = arg;
    for (int j = 0; j < p->frames; j++) {
        pthread_mutex_lock(&p->m);
        while (!p->stop && j - p->consumed >= RING)
            pthread_cond_wait(&p->cv, &p->m);
        int stop = p->stop;
        pthread_mutex_unlock(&p->m);
        if (stop)
            break;
        uint8_t *planes[3];
        ptrdiff_t strides[3];
        frame_planes(p->shot, p->ring[j % RING], planes, strides);
        demo_render_frame(p->shot, j, planes, strides);
        pthread_mutex_lock(&p->m);
        p->produced = j + 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->m);
    }
    return NULL;
}

static int progress(Gen *g, int64_t done, int64_t total)
{
    if (g->s->progress && g->s->progress(g->s->opaque, g->item, g->nb_items, done, total))
        return rs_error(RS_EINTR, "demo: cancelled");
    return 0;
}

static int encode_clip(Gen *g, DemoClip *c, const DemoSources *src, const char *path)
{
    RsEncoderSettings es;
    rs_encoder_default_settings(&es);
    char model[32], desc[64];
    es.video_codec = c->codec;
    es.width = g->day.w;
    es.height = g->day.h;
    es.frame_rate = c->rate;
    es.threads = g->s->threads;
    es.crf = 23;
    es.start_timecode = c->timecode;
    es.reel_name = c->reel;
    es.camera_make = "Rushes Demo";
    snprintf(model, sizeof(model), c->camera == 'F' ? "Film Scanner" : "Demo Camera %c", c->camera);
    es.camera_model = model;
    char id[2] = { c->camera, 0 };
    es.camera_id = id;
    if (c->take >= 0)
        snprintf(desc, sizeof(desc), "SCENE %d TAKE %d", g->day.takes[c->take].scene, g->day.takes[c->take].take);
    else
        snprintf(desc, sizeof(desc), "FILM SCAN");
    es.description = desc;
    if (c->audio_channels && src) {
        es.audio_channels = c->audio_channels;
        es.audio_codec = c->audio_codec;
    }
    RsEncoder *enc;
    int ret = rs_encoder_open(&enc, path, &es);
    if (ret < 0)
        return ret;

    Producer p = { .shot = &c->shot, .frames = c->frames, .ring = g->ring };
    pthread_mutex_init(&p.m, NULL);
    pthread_cond_init(&p.cv, NULL);
    pthread_t tid;
    int threaded = pthread_create(&tid, NULL, produce, &p) == 0;
    uint32_t mic_seed = c->shot.seed;
    for (int j = 0; j < c->frames && ret >= 0; j++) {
        uint8_t *planes[3];
        ptrdiff_t strides[3];
        frame_planes(&c->shot, g->ring[j % RING], planes, strides);
        if (threaded) {
            pthread_mutex_lock(&p.m);
            while (p.produced <= j)
                pthread_cond_wait(&p.cv, &p.m);
            pthread_mutex_unlock(&p.m);
        } else {
            demo_render_frame(&c->shot, j, planes, strides);
        }
        ret = rs_encoder_write_video(enc, (const uint8_t *const *)planes, strides);
        if (ret >= 0 && es.audio_channels) {
            int64_t at = c->shot.first_sample + (int64_t)j * c->shot.spf;
            demo_mic(src, DEMO_MIC_CAM_L, mic_seed, at, c->shot.spf, g->audio[0]);
            demo_mic(src, DEMO_MIC_CAM_R, mic_seed, at, c->shot.spf, g->audio[1]);
            ret = rs_encoder_write_audio(enc, (const float *const *)g->audio, c->shot.spf);
        }
        pthread_mutex_lock(&p.m);
        p.consumed = j + 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.m);
        if (ret >= 0)
            ret = progress(g, j + 1, c->frames);
    }
    if (threaded) {
        pthread_mutex_lock(&p.m);
        p.stop = 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.m);
        pthread_join(tid, NULL);
    }
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.m);
    if (ret < 0)
        rs_encoder_discard(&enc);
    else
        ret = rs_encoder_close(&enc);
    if (ret >= 0) {
        g->rep->nb_clips++;
        g->rep->video_frames += c->frames;
        if (es.audio_channels)
            g->rep->audio_samples += (int64_t)c->frames * c->shot.spf;
    }
    return ret;
}

static int write_clip(Gen *g, DemoClip *c, const DemoSources *src)
{
    int ret;
    for (int k = 0; k < 2; k++)
        if (!(c->shot.plate[k] = get_plate(g, c->setup[k], &c->shot.set[k], &ret)))
            return ret;
    char path[4200];
    snprintf(path, sizeof(path), "%s/day01/%s", g->s->output_dir, c->dir);
    if ((ret = mkdir_p(path)) < 0)
        return ret;
    snprintf(path, sizeof(path), "%s/day01/%s/%s", g->s->output_dir, c->dir, c->name);
    ret = encode_clip(g, c, src, path);
    g->item++;
    return ret;
}

static int write_wav(Gen *g, const DemoTake *tk, const DemoSources *src)
{
    static const int mics[4] = { DEMO_MIC_BOOM, DEMO_MIC_LAV, DEMO_MIC_MIX_L, DEMO_MIC_MIX_R };
    char path[4200], desc[256], otime[16];
    snprintf(path, sizeof(path), "%s/day01/SOUND_001", g->s->output_dir);
    int ret = mkdir_p(path);
    if (ret < 0)
        return ret;
    snprintf(path, sizeof(path), "%s/day01/SOUND_001/%s", g->s->output_dir, tk->wav_name);
    /* The description carries the scene and take the way recorders write them. */
    snprintf(desc, sizeof(desc), "sSCENE=%d\r\nsTAKE=%02d\r\nsSPEED=%s\r\nsTRK1=BOOM\r\nsTRK2=LAV\r\n%s",
             tk->scene, tk->take, tk->scene == 3 ? "025.000-ND" : "023.976-ND",
             tk->rec_channels == 4 ? "sTRK3=MIX L\r\nsTRK4=MIX R\r\n" : "");
    int64_t sec = tk->time_reference / DEMO_SR;
    snprintf(otime, sizeof(otime), "%02d:%02d:%02d", (int)(sec / 3600 % 24), (int)(sec / 60 % 60), (int)(sec % 60));
    RsEncoderSettings es;
    rs_encoder_default_settings(&es);
    es.audio_channels = tk->rec_channels;
    es.audio_codec = "pcm_s24le";
    es.time_reference = tk->time_reference;
    es.description = desc;
    es.camera_make = "Rushes Demo Recorder";
    es.origination_date = "2025-06-12";
    es.origination_time = otime;
    RsEncoder *enc;
    if ((ret = rs_encoder_open(&enc, path, &es)) < 0)
        return ret;
    uint32_t seed = demo_hash3(g->day.seed, (uint32_t)tk->scene, (uint32_t)tk->take);
    for (int64_t done = 0; done < tk->rec_samples && ret >= 0;) {
        int n = tk->rec_samples - done < WAV_BLOCK ? (int)(tk->rec_samples - done) : WAV_BLOCK;
        for (int ch = 0; ch < tk->rec_channels; ch++)
            demo_mic(src, mics[ch], seed, tk->rec_start + done, n, g->audio[ch]);
        ret = rs_encoder_write_audio(enc, (const float *const *)g->audio, n);
        done += n;
        if (ret >= 0)
            ret = progress(g, done, tk->rec_samples);
    }
    if (ret < 0)
        rs_encoder_discard(&enc);
    else
        ret = rs_encoder_close(&enc);
    if (ret >= 0) {
        g->rep->nb_sound_files++;
        g->rep->audio_samples += tk->rec_samples;
    }
    g->item++;
    return ret;
}

static int check_settings(const RsDemoSettings *s)
{
    if (!s || !s->output_dir || !*s->output_dir)
        return rs_error(RS_EINVAL, "demo: no output folder");
    if (s->width < 160 || s->height < 90 || s->width > 3840 || s->height > 2160 ||
        (s->width | s->height) & 1)
        return rs_error(RS_EINVAL, "demo: size %dx%d must be even, 160x90 to 3840x2160",
                        s->width, s->height);
    if (s->take_frames < 48 || s->take_frames > 24 * 60)
        return rs_error(RS_EINVAL, "demo: take_frames %d must be 48 to 1440", s->take_frames);
    if (s->threads < 0 || s->threads > 64)
        return rs_error(RS_EINVAL, "demo: threads %d must be 0 to 64", s->threads);
    return 0;
}

static int generate(Gen *g)
{
    const RsDemoSettings *s = g->s;
    DemoDay *d = &g->day;
    int ret = mkdir_p(s->output_dir);
    if (ret < 0)
        return ret;
    demo_plan(d, s);
    demo_noise_init(&g->noise, s->seed);
    g->nb_items = d->nb_clips + d->nb_takes;
    size_t frame = (size_t)d->w * d->h * 3 / 2;
    for (int i = 0; i < RING; i++)
        if (!(g->ring[i] = malloc(frame)))
            return rs_error(RS_ENOMEM, "demo: out of memory");
    for (int i = 0; i < 4; i++)
        if (!(g->audio[i] = malloc(WAV_BLOCK * sizeof(float))))
            return rs_error(RS_ENOMEM, "demo: out of memory");

    for (int ti = 0; ti < d->nb_takes && ret >= 0; ti++) {
        DemoSources src;
        if ((ret = demo_sources_render(&src, &d->takes[ti], demo_hash3(s->seed, (uint32_t)ti, 0x50d))) < 0)
            break;
        for (int i = 0; i < d->nb_clips && ret >= 0; i++)
            if (d->clips[i].take == ti)
                ret = write_clip(g, &d->clips[i], &src);
        if (ret >= 0)
            ret = write_wav(g, &d->takes[ti], &src);
        demo_sources_free(&src);
    }
    for (int i = 0; i < d->nb_clips && ret >= 0; i++)
        if (d->clips[i].take < 0)
            ret = write_clip(g, &d->clips[i], NULL);
    if (ret >= 0)
        ret = demo_truth_write(d, g->rep->truth_path);
    return ret;
}

int rs_demo_generate(const RsDemoSettings *s, RsDemoReport **out)
{
    if (out)
        *out = NULL;
    int ret = check_settings(s);
    if (ret < 0)
        return ret;
    Gen *g = calloc(1, sizeof(*g));
    RsDemoReport *rep = calloc(1, sizeof(*rep));
    size_t len = strlen(s->output_dir) + 16;
    if (g && rep) {
        rep->output_dir = strdup(s->output_dir);
        rep->truth_path = malloc(len);
    }
    if (!g || !rep || !rep->output_dir || !rep->truth_path) {
        free(g);
        rs_demo_report_free(&rep);
        return rs_error(RS_ENOMEM, "demo: out of memory");
    }
    snprintf(rep->truth_path, len, "%s/truth.json", s->output_dir);
    g->s = s;
    g->rep = rep;
    ret = generate(g);
    for (int i = 0; i < g->nb_plates; i++)
        demo_plate_free(&g->plates[i].plate);
    for (int i = 0; i < RING; i++)
        free(g->ring[i]);
    for (int i = 0; i < 4; i++)
        free(g->audio[i]);
    free(g);
    if (ret < 0 || !out)
        rs_demo_report_free(&rep);
    else
        *out = rep;
    return ret;
}
