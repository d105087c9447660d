/*
 * The shoot-day plan: which takes are performed when, which cameras and the
 * recorder roll on each, and where every planted event falls. Everything
 * here is decided from the seed before a pixel is rendered, so the truth
 * file is written from the same numbers that drive the rendering.
 */
#ifndef RS_DEMO_PLAN_H
#define RS_DEMO_PLAN_H

#include <stdint.h>

#include "rushes/common.h"
#include "rushes/demo.h"
#include "demo/render.h"

#define DEMO_MAX_TAKES 8
#define DEMO_MAX_CLIPS 12
#define DEMO_SR 48000

/* Camera set-ups, each a plate: the wide, camera B's medium, the close-up. */
enum { DEMO_SETUP_WIDE, DEMO_SETUP_MEDIUM, DEMO_SETUP_CLOSE, DEMO_NB_SETUPS };

typedef struct DemoTake {
    int scene, take;
    DemoSet set;
    int64_t origin;              /* the clap: samples since midnight */
    /* The action, in seconds from the clap (copied into each camera's shot). */
    int actor;
    float ax0, az0, ax1, az1, walk_t0, walk_t1;
    int ball;
    float bx0, bx1, bz, ball_t0, ball_t1;
    float voice_t0, voice_t1;    /* the actor's line */
    float thunder_t;             /* thunder after the lightning; < -100: none */
    /* The sound recorder's file for this take. */
    char wav_name[32];
    int64_t rec_start;           /* true start, samples since midnight */
    int64_t rec_samples;
    int rec_channels;
    int64_t time_reference;      /* written in bext: rec_start + the recorder's clock error */
} DemoTake;

typedef struct DemoClip {
    char dir[16];                /* card folder: "A001" */
    char name[48];               /* file name */
    char reel[16];
    char camera;                 /* 'A', 'B', or 'F' for the film scan */
    int setup[2];                /* camera set-up of the plate before and after a cut */
    const char *codec;           /* encoder name */
    RsRational rate;
    int tc_fps;                  /* nominal timecode rate: 24 for 23.976 */
    int frames;
    int64_t start_frame;         /* start timecode as frames since midnight at tc_fps */
    char timecode[16];           /* RS_TC_BUFSZ */
    int take;                    /* index into takes, -1: the scan */
    int audio_channels;
    const char *audio_codec;
    int clap_frame;              /* first frame with the sticks closed, -1: none */
    DemoShot shot;               /* plate pointers are set by the generator */
} DemoClip;

typedef struct DemoDay {
    int w, h, margin;
    uint32_t seed;
    int nb_takes, nb_clips;
    DemoTake takes[DEMO_MAX_TAKES];
    DemoClip clips[DEMO_MAX_CLIPS];
    int64_t clock_error;         /* recorder bext minus true time, samples */
    int continuity_take[2];      /* takes whose cup positions differ */
} DemoDay;

/* Plan the day for settings s (already validated). Never fails. */
void demo_plan(DemoDay *day, const RsDemoSettings *s);

/* The camera of a set-up at the output size. */
DemoCamera demo_setup_camera(int setup, int w, int h);

/* The cup's bounding box in a clip's frame, ignoring the handheld drift. */
void demo_cup_box(const DemoDay *day, const DemoClip *c, int box[4]);

#endif /* RS_DEMO_PLAN_H */
