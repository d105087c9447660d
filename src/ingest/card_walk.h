/* Listing the files of a card: see card.h for what is walked and skipped. */
#ifndef RS_INGEST_CARD_WALK_H
#define RS_INGEST_CARD_WALK_H

#include <stddef.h>
#include <stdint.h>

typedef struct RsWalkItem {
    char *path;       /* relative to the root, '/'-separated */
    uint64_t size;
    int64_t mtime_ns;
    int error;        /* 0, or why this entry cannot be hashed (RS_E*) */
    char *message;    /* for error: names the file and the reason */
} RsWalkItem;

/*
 * Lists every file under root, sorted by path (strcmp). Entries that cannot
 * be hashed (unreadable folders, links leaving the root, FIFOs, ...) are
 * listed with error set; only a root that cannot be opened, or ENOMEM, fails
 * the walk.
 */
int rs_card_walk(const char *root, RsWalkItem **items, size_t *nitems);

void rs_card_walk_free(RsWalkItem **items, size_t nitems);

/* 1 when some component of relpath is skipped by the walk (a junk name or a
 * folder called "ascmhl"): such paths in a history are never "missing". */
int rs_card_path_skipped(const char *relpath);

/* The skipped names as ASC MHL ignore patterns, recorded in each generation. */
const char *const *rs_card_ignore_patterns(size_t *n);

#endif /* RS_INGEST_CARD_WALK_H */
