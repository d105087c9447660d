#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "rushes/error.h"
#include "rushes/timecode.h"

typedef struct TcOpts {
    const char *rate;
    int drop;
    int frames;
} TcOpts;

static const RsOption tc_options[] = {
    { "rate", "frame rate: 23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60 or a fraction like 30000/1001",
      RS_OPT_STRING, offsetof(TcOpts, rate), .def.s = "24", .metavar = "RATE", .short_name = 'r' },
    { "drop", "drop-frame labels (29.97 and 59.94 only)", RS_OPT_BOOL, offsetof(TcOpts, drop) },
    { "frames", "the arguments are frame counts to label (default: labels to count)", RS_OPT_BOOL,
      offsetof(TcOpts, frames) },
    { NULL }
};

/* "29.97" and friends are the names people type; they stand for the exact NTSC fractions. */
static int parse_rate(const char *s, RsRational *r)
{
    static const struct { const char *name; int64_t num, den; } named[] = {
        { "23.976", 24000, 1001 }, { "23.98", 24000, 1001 }, { "29.97", 30000, 1001 },
        { "47.952", 48000, 1001 }, { "47.95", 48000, 1001 }, { "59.94", 60000, 1001 },
    };
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (!strcmp(s, named[i].name)) {
            *r = (RsRational){ named[i].num, named[i].den };
            return 0;
        }
    char *end;
    long long num = strtoll(s, &end, 10), den = 1;
    if (*end == '/')
        den = strtoll(end + 1, &end, 10);
    if (end == s || *end || num <= 0 || den <= 0)
        return rs_error(RS_EINVAL, "--rate '%s' is not a frame rate (try 24, 29.97 or 30000/1001)", s);
    *r = (RsRational){ num, den };
    return 0;
}

static int run_timecode(const RsGlobal *g, void *o, int argc, char **argv)
{
    const TcOpts *opts = o;
    RsRational rate;
    RsTimecodeFormat fmt;
    int ret = parse_rate(opts->rate, &rate);
    if (ret >= 0)
        ret = rs_timecode_format_init(&fmt, rate, opts->drop);
    if (ret < 0) {
        cli_fail(ret, NULL);
        return 2;
    }
    int failed = 0;
    RsJson j = { .pretty = 1 };
    rs_json_begin_array(&j, NULL);
    for (int i = 0; i < argc; i++) {
        char tc[RS_TC_BUFSZ];
        int64_t frame;
        if (opts->frames) {
            char *end;
            frame = strtoll(argv[i], &end, 10);
            if (end == argv[i] || *end) {
                fprintf(stderr, "rushes: timecode: '%s' is not a frame count\n", argv[i]);
                failed++;
                continue;
            }
            rs_timecode_from_frames(&fmt, frame, tc);
        } else {
            if ((ret = rs_timecode_to_frames(&fmt, argv[i], &frame)) < 0) {
                cli_fail(ret, "timecode");
                failed++;
                continue;
            }
            rs_timecode_from_frames(&fmt, frame, tc);
        }
        if (g->json) {
            rs_json_begin_object(&j, NULL);
            rs_json_string(&j, "input", argv[i]);
            rs_json_string(&j, "timecode", tc);
            rs_json_int(&j, "frame", frame);
            rs_json_string(&j, "format", rs_timecode_format_name(&fmt));
            rs_json_end_object(&j);
        } else {
            printf("%s\t%lld\n", tc, (long long)frame);
        }
    }
    rs_json_end_array(&j);
    char *s = rs_json_take(&j);
    if (g->json && s)
        cli_print_json(s);
    free(s);
    return failed ? 3 : 0;
}

const RsVerb cli_verb_timecode = {
    .name = "timecode",
    .summary = "convert SMPTE timecode labels to frame counts and back",
    .usage = "TC_OR_FRAME...",
    .description = "Prints each label with its frame count since 00:00:00:00. Drop-frame labels use ';'.\n"
                   "Example: rushes timecode --rate 29.97 --drop 01:00:00;00  ->  01:00:00;00  107892",
    .options = tc_options,
    .options_size = sizeof(TcOpts),
    .min_args = 1,
    .max_args = -1,
    .run = run_timecode,
};
