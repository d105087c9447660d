/*
 * rushes: option tables. One table per analyzer or command drives the
 * command-line flags, the JSON API parameters, validation and the docs.
 *
 *   typedef struct { int64_t block; double thresh; const char *algo; } MyOpts;
 *   static const RsOption my_opts[] = {
 *       { "block", "block size in pixels", RS_OPT_INT, offsetof(MyOpts, block),
 *         .def.i = 16, .min = 4, .max = 64 },
 *       { NULL }
 *   };
 */
#ifndef RUSHES_OPTIONS_H
#define RUSHES_OPTIONS_H

#include "common.h"

typedef enum RsOptionType {
    RS_OPT_BOOL,     /* int: 0 or 1; "--name" alone sets it */
    RS_OPT_INT,      /* int64_t */
    RS_OPT_DOUBLE,   /* double */
    RS_OPT_STRING,   /* const char *; borrowed from the caller, not copied */
    RS_OPT_CHOICE,   /* const char *; one of the '|'-separated words in choices */
} RsOptionType;

typedef struct RsOption {
    const char *name;        /* long name without dashes; NULL ends a table */
    const char *help;        /* one line */
    RsOptionType type;
    size_t offset;           /* offsetof() into the settings struct */
    union {
        int64_t i;
        double d;
        const char *s;
    } def;
    double min, max;         /* inclusive range for numbers; min == max means unbounded */
    const char *choices;     /* RS_OPT_CHOICE: "xxh64|xxh3|md5" */
    const char *metavar;     /* shown in help: "N", "PATH"; NULL picks one from the type */
    char short_name;         /* optional single-letter flag, 0 for none */
} RsOption;

/* Write every option's default into obj. */
RS_API void rs_options_defaults(const RsOption *table, void *obj);

/* Find an option by long name; NULL when absent. */
RS_API const RsOption *rs_options_find(const RsOption *table, const char *name);

/*
 * Parse value (borrowed; strings keep pointing into it) into obj for the
 * option called name. Errors: RS_ENOENT for an unknown name, RS_EINVAL or
 * RS_ERANGE with a message naming the option, the value and what was expected.
 */
RS_API int rs_options_set(const RsOption *table, void *obj, const char *name, const char *value);

/* Number of options in a table. */
RS_API int rs_options_count(const RsOption *table);

#endif /* RUSHES_OPTIONS_H */
