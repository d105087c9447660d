/* Option tables: defaults, lookup and validated parsing from text. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rushes/error.h"
#include "rushes/options.h"

static void *field(void *obj, const RsOption *o)
{
    return (char *)obj + o->offset;
}

void rs_options_defaults(const RsOption *t, void *obj)
{
    for (; t->name; t++) {
        switch (t->type) {
        case RS_OPT_BOOL:   *(int *)field(obj, t) = (int)t->def.i; break;
        case RS_OPT_INT:    *(int64_t *)field(obj, t) = t->def.i; break;
        case RS_OPT_DOUBLE: *(double *)field(obj, t) = t->def.d; break;
        case RS_OPT_STRING:
        case RS_OPT_CHOICE: *(const char **)field(obj, t) = t->def.s; break;
        }
    }
}

const RsOption *rs_options_find(const RsOption *t, const char *name)
{
    for (; t->name; t++)
        if (!strcmp(t->name, name))
            return t;
    return NULL;
}

int rs_options_count(const RsOption *t)
{
    int n = 0;
    while (t[n].name)
        n++;
    return n;
}

static int choice_ok(const char *choices, const char *v)
{
    size_t n = strlen(v);
    const char *p = choices;
    while (p && *p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && !strncmp(p, v, n))
            return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

static int out_of_range(const RsOption *o, double v)
{
    return o->min != o->max && (v < o->min || v > o->max);
}

int rs_options_set(const RsOption *t, void *obj, const char *name, const char *value)
{
    const RsOption *o = rs_options_find(t, name);
    if (!o)
        return rs_error(RS_ENOENT, "unknown option '%s'", name);
    if (!value)
        return rs_error(RS_EINVAL, "option '%s' needs a value", name);

    char *end = NULL;
    switch (o->type) {
    case RS_OPT_BOOL:
        if (!strcmp(value, "1") || !strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "on"))
            *(int *)field(obj, o) = 1;
        else if (!strcmp(value, "0") || !strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "off"))
            *(int *)field(obj, o) = 0;
        else
            return rs_error(RS_EINVAL, "option '%s': '%s' is not a boolean (use true or false)", name, value);
        return 0;
    case RS_OPT_INT: {
        errno = 0;
        long long v = strtoll(value, &end, 10);
        if (!*value || *end || errno == ERANGE)
            return rs_error(RS_EINVAL, "option '%s': '%s' is not an integer", name, value);
        if (out_of_range(o, (double)v))
            return rs_error(RS_ERANGE, "option '%s': %lld is outside %.0f..%.0f", name, v, o->min, o->max);
        *(int64_t *)field(obj, o) = v;
        return 0;
    }
    case RS_OPT_DOUBLE: {
        errno = 0;
        double v = strtod(value, &end);
        if (!*value || *end || errno == ERANGE || !isfinite(v))
            return rs_error(RS_EINVAL, "option '%s': '%s' is not a number", name, value);
        if (out_of_range(o, v))
            return rs_error(RS_ERANGE, "option '%s': %g is outside %g..%g", name, v, o->min, o->max);
        *(double *)field(obj, o) = v;
        return 0;
    }
    case RS_OPT_STRING:
        *(const char **)field(obj, o) = value;
        return 0;
    case RS_OPT_CHOICE:
        if (!choice_ok(o->choices, value))
            return rs_error(RS_EINVAL, "option '%s': '%s' is not one of %s", name, value, o->choices);
        *(const char **)field(obj, o) = value;
        return 0;
    }
    return rs_error(RS_EINVAL, "option '%s' has an unknown type", name);
}
