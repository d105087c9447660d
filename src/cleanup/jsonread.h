/*
 * A small JSON reader for the cleanup inputs (shape masks): the whole text
 * becomes a tree of values. Errors name the file and the byte offset.
 */
#ifndef RS_CLEANUP_JSONREAD_H
#define RS_CLEANUP_JSONREAD_H

#include <stddef.h>

typedef enum JvType { JV_NULL, JV_BOOL, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT } JvType;

typedef struct Jv {
    JvType type;
    double num;          /* JV_NUMBER, JV_BOOL (0 or 1) */
    char *str;           /* JV_STRING */
    int n;               /* JV_ARRAY, JV_OBJECT: element count */
    struct Jv *items;    /* n values */
    char **keys;         /* JV_OBJECT: n keys */
} Jv;

/* Parse text (NUL-terminated); name is used in error messages. */
int jv_parse(const char *text, const char *name, Jv *out);
void jv_free(Jv *v);
/* The member key of an object, or NULL. */
const Jv *jv_get(const Jv *obj, const char *key);

#endif
