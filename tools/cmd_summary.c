#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rushes/error.h"
#include "rushes/jobs.h"

static int run_summary(const RsGlobal *g, void *o, int argc, char **argv)
{
    RsCatalog *c;
    int ret = cli_open_project(g, &c);
    if (ret < 0)
        return rs_error_exit_code(ret);
    /* The summary covers the whole project, so a vendor (who sees only its assigned clips) may not read it. */
    RsActor me;
    if ((ret = cli_actor(g, c, &me)) < 0) {
        rs_catalog_close(&c);
        return rs_error_exit_code(ret);
    }
    if (me.role == RS_ROLE_VENDOR) {
        ret = rs_error(RS_EDENIED, "user '%s' is a vendor and sees only its assigned clips: use rushes ls", me.user);
        cli_fail(ret, "summary");
        rs_catalog_close(&c);
        return rs_error_exit_code(ret);
    }
    RsProjectSummary *s = NULL;
    if ((ret = rs_project_summary(c, &s)) < 0) {
        rs_catalog_close(&c);
        return rs_error_exit_code(cli_fail(ret, "summary"));
    }
    int errors = 0;
    for (int i = 0; i < s->nb_findings; i++)
        errors += !strcmp(s->findings[i].severity, "error");
    if (g->json) {
        char *json = rs_project_summary_json(s);
        if (json)
            cli_print_json(json);
        free(json);
    } else {
        int64_t sec = s->duration_us / 1000000;
        printf("%s (%s)\n", s->title, s->project);
        printf("  %lld shoot day(s), %lld camera roll(s), %lld sound roll(s)\n", (long long)s->shoot_days,
               (long long)s->camera_rolls, (long long)s->sound_rolls);
        printf("  %lld files, %.1f MB: %lld intact, %lld changed, %lld missing\n", (long long)s->files,
               s->bytes / 1e6, (long long)s->files_verified, (long long)s->files_mismatched,
               (long long)s->files_missing);
        printf("  %lld video clips (%lld frames), %lld sound files, %lld:%02lld:%02lld of media\n",
               (long long)s->video_clips, (long long)s->video_frames, (long long)s->audio_clips,
               (long long)(sec / 3600), (long long)(sec / 60 % 60), (long long)(sec % 60));
        printf("  %lld clips analysed (%lld frames), %lld not yet\n", (long long)s->clips_analyzed,
               (long long)s->frames_analyzed, (long long)s->clips_not_analyzed);
        if (s->nb_findings)
            printf("\nFindings:\n");
        for (int i = 0; i < s->nb_findings; i++) {
            const RsFinding *f = &s->findings[i];
            char range[48] = "";
            if (f->start_frame >= 0)
                snprintf(range, sizeof(range), " frames %lld-%lld", (long long)f->start_frame,
                         (long long)f->end_frame);
            printf("  %-7s %-18s %s/%s%s: %s\n", f->severity, f->kind, f->roll, f->file, range, f->message);
        }
    }
    rs_project_summary_free(&s);
    rs_catalog_close(&c);
    /* Errors among the findings make the exit status say so, for scripts and CI. */
    return errors ? 1 : 0;
}

const RsVerb cli_verb_summary = {
    .name = "summary",
    .summary = "the project at a glance and every finding to look at",
    .description = "Counts of days, rolls, files and clips; the verification state; and the findings\n"
                   "most severe first. Exits 1 when any finding is an error.",
    .min_args = 0,
    .max_args = 0,
    .run = run_summary,
};
