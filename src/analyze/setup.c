/* Choosing analyzers and applying "analyzer.option=value" overrides. */
#include <stdlib.h>
#include <string.h>

#include "analyze/engine_internal.h"
#include "core/json.h"
#include "rushes/error.h"

char *rs_options_json(const RsOption *t, const void *obj)
{
    RsJson j = { 0 };
    rs_json_begin_object(&j, NULL);
    for (; t && t->name; t++) {
        const char *f = (const char *)obj + t->offset;
        switch (t->type) {
        case RS_OPT_BOOL:   rs_json_bool(&j, t->name, *(const int *)f); break;
        case RS_OPT_INT:    rs_json_int(&j, t->name, *(const int64_t *)f); break;
        case RS_OPT_DOUBLE: rs_json_double(&j, t->name, *(const double *)f); break;
        case RS_OPT_STRING:
        case RS_OPT_CHOICE: rs_json_string(&j, t->name, *(const char *const *)f); break;
        }
    }
    rs_json_end_object(&j);
    return rs_json_take(&j);
}

void rs_engine_setup_free(RsAnalyzerSetup **setup, int count)
{
    if (!*setup)
        return;
    for (int i = 0; i < count; i++)
        free((*setup)[i].opts);
    free(*setup);
    *setup = NULL;
}

static int apply_override(RsAnalyzerSetup *setup, int count, const char *spec)
{
    const char *dot = strchr(spec, '.');
    const char *eq = dot ? strchr(dot, '=') : NULL;
    if (!dot || !eq)
        return rs_error(RS_EINVAL, "analyzer option '%s' is not of the form analyzer.option=value", spec);
    char name[64], opt[64];
    size_t nlen = (size_t)(dot - spec), olen = (size_t)(eq - dot - 1);
    if (nlen >= sizeof(name) || olen >= sizeof(opt))
        return rs_error(RS_EINVAL, "analyzer option '%s' is too long", spec);
    memcpy(name, spec, nlen);
    name[nlen] = '\0';
    memcpy(opt, dot + 1, olen);
    opt[olen] = '\0';
    for (int i = 0; i < count; i++) {
        if (strcmp(setup[i].analyzer->name, name))
            continue;
        if (!setup[i].analyzer->options)
            return rs_error(RS_EINVAL, "analyzer '%s' has no options (in '%s')", name, spec);
        int ret = rs_options_set(setup[i].analyzer->options, setup[i].opts, opt, eq + 1);
        if (ret == RS_ENOENT)
            return rs_error(RS_EINVAL, "analyzer '%s' has no option '%s'", name, opt);
        return ret;
    }
    return rs_error(RS_EINVAL, "analyzer option '%s' names analyzer '%s', which is not selected", spec, name);
}

int rs_engine_setup(const RsEngineSettings *s, RsAnalyzerSetup **out, int *count)
{
    const RsAnalyzer *const *all = rs_analyzers();
    int n = 0;
    if (s->analyzers) {
        while (s->analyzers[n])
            n++;
    } else {
        while (all[n])
            n++;
    }
    if (n == 0)
        return rs_error(RS_EINVAL, "no analyzer selected");

    RsAnalyzerSetup *setup = calloc((size_t)n, sizeof(*setup));
    if (!setup)
        return RS_ENOMEM;
    int ret = 0;
    for (int i = 0; i < n; i++) {
        const RsAnalyzer *a = s->analyzers ? rs_analyzer_find(s->analyzers[i]) : all[i];
        if (!a) {
            ret = rs_error(RS_EINVAL, "unknown analyzer '%s'", s->analyzers[i]);
            goto fail;
        }
        for (int k = 0; k < i; k++)
            if (setup[k].analyzer == a) {
                ret = rs_error(RS_EINVAL, "analyzer '%s' selected twice", a->name);
                goto fail;
            }
        setup[i].analyzer = a;
        setup[i].opts = calloc(1, a->options_size ? a->options_size : 1);
        if (!setup[i].opts) {
            ret = RS_ENOMEM;
            goto fail;
        }
        if (a->options)
            rs_options_defaults(a->options, setup[i].opts);
    }
    for (int k = 0; s->options && s->options[k]; k++)
        if ((ret = apply_override(setup, n, s->options[k])) < 0)
            goto fail;
    *out = setup;
    *count = n;
    return 0;
fail:
    rs_engine_setup_free(&setup, n);
    return ret;
}

int rs_engine_check_settings(const RsEngineSettings *s)
{
    RsAnalyzerSetup *setup = NULL;
    int n = 0;
    int ret = rs_engine_setup(s, &setup, &n);
    rs_engine_setup_free(&setup, n);
    return ret;
}
