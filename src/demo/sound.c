/* Synthesis of a take's sound sources and microphone mixes; see sound.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rushes/error.h"
#include "demo/noise.h"
#include "demo/sound.h"

#define SINE_BITS 12
#define SINE_SIZE (1 << SINE_BITS)

static float white(uint32_t seed, int64_t at)
{
    return demo_hashf(seed ^ demo_hash((uint32_t)at ^ demo_hash((uint32_t)(at >> 32))));
}

/* The room: filtered noise (air, traffic far away) and a faint fridge hum. */
static void ambience(float *out, int64_t n, int64_t start, uint32_t seed, const float *sine)
{
    float lp = 0.0f, lp2 = 0.0f;
    uint32_t ph = (uint32_t)(start * 100 * 89478); /* 100 Hz, as 2^32 / 48000 per Hz */
    for (int64_t i = 0; i < n; i++) {
        float w = white(seed, start + i);
        lp += 0.02f * (w - lp);
        lp2 += 0.3f * (w - lp2);
        ph += 100u * 89478u;
        out[i] = 0.05f * lp + 0.004f * lp2 + 0.0015f * sine[ph >> (32 - SINE_BITS)];
    }
}

/* A line of dialogue: voiced syllables with vowel formants over a moving pitch. */
static void voice(float *out, int64_t n, int64_t v0, int64_t v1, uint32_t seed, const float *sine)
{
    static const float formants[5][3] = {
        { 730, 1090, 2440 }, { 530, 1840, 2480 }, { 270, 2290, 3010 }, { 570, 840, 2410 }, { 300, 870, 2240 },
    };
    DemoRng rng;
    demo_rng_init(&rng, seed, 0x701ce);
    if (v0 < 0)
        v0 = 0;
    if (v1 > n)
        v1 = n;
    uint32_t ph[16] = { 0 };
    for (int64_t i = v0; i < v1;) {
        int dur = demo_rng_int(&rng, DEMO_SR * 11 / 100, DEMO_SR * 28 / 100);
        int gap = demo_rng_int(&rng, DEMO_SR / 50, DEMO_SR / 8);
        if (demo_rng_int(&rng, 0, 5) == 0)
            gap += DEMO_SR / 4; /* a pause between phrases */
        const float *f = formants[demo_rng_int(&rng, 0, 4)];
        float f0a = demo_rng_float(&rng, 105.0f, 150.0f), f0b = f0a * demo_rng_float(&rng, 0.85f, 1.1f);
        float w[16], norm = 0.0f, fm = 0.5f * (f0a + f0b);
        for (int k = 0; k < 16; k++) {
            float fk = (float)(k + 1) * fm, a = 0.0f;
            for (int j = 0; j < 3; j++) {
                float d = (fk - f[j]) / (80.0f + 30.0f * (float)j);
                a += (j == 0 ? 1.0f : j == 1 ? 0.6f : 0.25f) / (1.0f + d * d);
            }
            w[k] = a / (float)(k + 1);
            norm += w[k];
        }
        float level = demo_rng_float(&rng, 0.18f, 0.3f) / norm;
        for (int s = 0; s < dur && i < v1; s++, i++) {
            float u = (float)s / (float)dur, f0 = f0a + (f0b - f0a) * u;
            float env = s < DEMO_SR / 60 ? (float)s / (DEMO_SR / 60.0f) : 1.0f;
            if (dur - s < DEMO_SR / 25)
                env *= (float)(dur - s) / (DEMO_SR / 25.0f);
            float acc = 0.0f;
            for (int k = 0; k < 16; k++) {
                ph[k] += (uint32_t)((float)(k + 1) * f0 * 89478.485f);
                acc += w[k] * sine[ph[k] >> (32 - SINE_BITS)];
            }
            float breath = s < DEMO_SR / 40 ? 0.04f * white(seed ^ 0xb7, i) : 0.0f;
            out[i] += level * env * acc + breath;
        }
        i += gap;
    }
}

/* The sticks: a sharp broadband crack with a short wooden ring. */
static void clap(float *out, int64_t n, int64_t at, uint32_t seed, const float *sine)
{
    float env = 1.0f, ring = 1.0f;
    uint32_t ph = 0;
    for (int j = 0; j < DEMO_SR / 20; j++, at++) {
        if (at >= 0 && at < n) {
            float crack = white(seed ^ 0xc1a9, j);
            crack = j < 3 ? (crack < 0 ? -1.0f : 1.0f) : crack;
            out[at] += 0.85f * (0.75f * crack * env + 0.35f * ring * sine[ph >> (32 - SINE_BITS)]);
        }
        env *= 0.9940f;  /* about 3.5 ms */
        ring *= 0.9974f; /* about 8 ms */
        ph += 1900u * 89478u;
    }
}

static void step(float *out, int64_t n, int64_t at, uint32_t seed, const float *sine, float level)
{
    float env = 1.0f, tick = 1.0f;
    uint32_t ph = 0;
    for (int j = 0; j < DEMO_SR / 10; j++, at++) {
        if (at >= 0 && at < n)
            out[at] += level * (0.6f * env * sine[ph >> (32 - SINE_BITS)] + 0.25f * tick * white(seed, j));
        env *= 0.99884f; /* about 18 ms */
        tick *= 0.9948f; /* about 4 ms */
        ph += 85u * 89478u;
    }
}

/* Night: steady rain on the window and thunder rolling in after the lightning. */
static void storm(float *out, int64_t n, int64_t start, int64_t thunder, uint32_t seed)
{
    float lp = 0.0f, brown = 0.0f, env = 0.0f;
    for (int64_t i = 0; i < n; i++) {
        float w = white(seed ^ 0x5a1, start + i);
        lp += 0.35f * (w - lp);
        float rain = 0.025f * (w - lp);
        if (demo_hash((uint32_t)(start + i) ^ seed) % 9000u == 0)
            rain += 0.08f * w; /* a heavier drop */
        brown = 0.997f * brown + 0.02f * w;
        if (thunder >= 0 && i >= thunder) {
            int64_t k = i - thunder;
            env = k < DEMO_SR / 5 ? (float)k / (DEMO_SR / 5.0f) : env * 0.99998f;
        }
        out[i] = rain + 0.9f * env * brown;
    }
}

int demo_sources_render(DemoSources *s, const DemoTake *tk, uint32_t seed)
{
    memset(s, 0, sizeof(*s));
    s->start = tk->rec_start;
    s->n = tk->rec_samples;
    float *sine = malloc(SINE_SIZE * sizeof(float));
    for (int k = 0; k < DEMO_NB_SRC; k++)
        s->src[k] = calloc((size_t)s->n, sizeof(float));
    for (int k = 0; k < DEMO_NB_SRC; k++) {
        if (!s->src[k] || !sine) {
            free(sine);
            demo_sources_free(s);
            return rs_error(RS_ENOMEM, "demo: out of memory for the sound of scene %d take %d",
                            tk->scene, tk->take);
        }
    }
    for (int i = 0; i < SINE_SIZE; i++)
        sine[i] = sinf(6.2831853f * (float)i / SINE_SIZE);

    int64_t origin = tk->origin - s->start;
    ambience(s->src[DEMO_SRC_AMB], s->n, s->start, seed, sine);
    voice(s->src[DEMO_SRC_VOICE], s->n, origin + (int64_t)(tk->voice_t0 * DEMO_SR),
          origin + (int64_t)(tk->voice_t1 * DEMO_SR), seed ^ (uint32_t)tk->scene * 977u, sine);
    clap(s->src[DEMO_SRC_CLAP], s->n, origin, seed, sine);
    if (tk->actor) {
        /* A footfall wherever the walk cycle crosses a multiple of pi. */
        float len = hypotf(tk->ax1 - tk->ax0, tk->az1 - tk->az0);
        int last = 0;
        for (float t = tk->walk_t0; t <= tk->walk_t1 + 0.05f; t += 0.001f) {
            int k = (int)(demo_walk_phase(len, tk->walk_t0, tk->walk_t1, t) / 3.14159265f);
            if (k != last) {
                step(s->src[DEMO_SRC_STEPS], s->n, origin + (int64_t)(t * DEMO_SR), seed ^ (uint32_t)k,
                     sine, 0.35f + 0.1f * demo_hashf(seed + (uint32_t)k));
                last = k;
            }
        }
    }
    if (tk->set.night)
        storm(s->src[DEMO_SRC_STORM], s->n, s->start,
              tk->thunder_t > -100.0f ? origin + (int64_t)(tk->thunder_t * DEMO_SR) : -1, seed);
    free(sine);
    return 0;
}

void demo_sources_free(DemoSources *s)
{
    for (int k = 0; k < DEMO_NB_SRC; k++)
        free(s->src[k]);
    memset(s, 0, sizeof(*s));
}

void demo_mic(const DemoSources *s, int mic, uint32_t seed, int64_t at, int n, float *out)
{
    /* Gains of room, voice, clap, steps, storm, and self-noise. */
    static const float gain[6][6] = {
        { 1.0f, 0.35f, 0.45f, 0.5f, 0.8f, 0.003f },    /* camera mic left */
        { 0.9f, 0.32f, 0.5f, 0.45f, 0.85f, 0.003f },   /* camera mic right */
        { 0.6f, 0.9f, 0.85f, 0.35f, 0.6f, 0.0006f },   /* boom */
        { 0.25f, 1.3f, 0.4f, 0.15f, 0.3f, 0.001f },    /* lav */
        { 0.45f, 1.0f, 0.6f, 0.25f, 0.45f, 0.0005f },  /* mix left */
        { 0.42f, 1.0f, 0.62f, 0.27f, 0.47f, 0.0005f }, /* mix right */
    };
    const float *g = gain[mic];
    int64_t off = at - s->start;
    for (int i = 0; i < n; i++) {
        int64_t k = off + i;
        float v = g[5] * white(seed ^ (uint32_t)mic * 0x9e37u, at + i);
        if (k >= 0 && k < s->n) {
            for (int j = 0; j < DEMO_NB_SRC; j++)
                v += g[j] * s->src[j][k];
        }
        out[i] = v;
    }
}
