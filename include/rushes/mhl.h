/*
 * rushes: ASC MHL v2.0 histories (the American Society of Cinematographers'
 * Media Hash List), read and written. doc/mhl.md describes the files.
 *
 * A history lives in a folder named "ascmhl" inside the folder it describes
 * (the "root", e.g. a camera card), or inside another folder chosen when the
 * root is read-only. It holds numbered generation files
 * "0001_<root>_<YYYY-MM-DD>_<HHMMSS>Z.mhl", one per verification pass, and
 * "ascmhl_chain.xml", which lists each generation with the C4 ID of its
 * bytes so that an edited or replaced generation is detected.
 *
 * Threading: no global state; a history object is used by one thread at a
 * time. Two processes must not write generations into one history at once.
 */
#ifndef RUSHES_MHL_H
#define RUSHES_MHL_H

#include <stdint.h>

#include "common.h"
#include "hash.h"

#define RS_MHL_DIR       "ascmhl"
#define RS_MHL_CHAIN     "ascmhl_chain.xml"
#define RS_MHL_DATE_MAX  40   /* an xs:dateTime as written, with its NUL */

typedef enum RsMhlAction {
    RS_MHL_ACTION_NONE = 0, /* no action attribute (allowed by the schema) */
    RS_MHL_ORIGINAL,        /* first hash of this file in this history */
    RS_MHL_VERIFIED,        /* the file was hashed again and matched */
    RS_MHL_FAILED,          /* the file was hashed again and did not match */
} RsMhlAction;

/* "original", "verified", "failed", or "" for RS_MHL_ACTION_NONE. */
RS_API const char *rs_mhl_action_name(RsMhlAction a);

typedef struct RsMhlHash {
    RsHashAlgo algo;
    RsMhlAction action;
    char hex[RS_HASH_HEX_MAX];          /* lowercase for the hex formats */
    char hashdate[RS_MHL_DATE_MAX];     /* "" when absent */
} RsMhlHash;

/* One <hash> element: a file and its hashes, at most one per algorithm. */
typedef struct RsMhlEntry {
    char *path;                         /* relative to the root, '/'-separated UTF-8 */
    int64_t size;                       /* bytes; -1 when absent */
    char lastmod[RS_MHL_DATE_MAX];      /* lastmodificationdate; "" when absent */
    int nhashes;
    RsMhlHash hashes[RS_HASH_COUNT];
    int seq;                            /* generation it was read from; 0 when written */
} RsMhlEntry;

/* The hash of algo in e, or NULL. */
RS_API const RsMhlHash *rs_mhl_entry_hash(const RsMhlEntry *e, RsHashAlgo algo);

/* One generation file, parsed. Directory hashes (<directoryhash>,
 * <roothash>) and <metadata> are skipped: rushes verifies files. */
typedef struct RsMhlGeneration {
    int seq;                            /* sequence number from the chain; 0 when parsed alone */
    char *file;                         /* file name inside ascmhl/, or the name given to parse */
    char c4[RS_HASH_HEX_MAX];           /* C4 ID of the file's bytes (verified against the chain) */
    char creationdate[RS_MHL_DATE_MAX];
    char *hostname;
    char *tool_name, *tool_version;     /* tool_version "" when absent */
    char *process;                      /* "in-place", "transfer", "flatten" */
    char **ignore;                      /* ignore patterns, nignore of them */
    size_t nignore;
    RsMhlEntry *entries;                /* in file order */
    size_t nentries;
} RsMhlGeneration;

/*
 * Parse one generation from len bytes of buf; name is used in messages.
 * Returns 0 and sets *out (free with rs_mhl_generation_free()), or
 * RS_EINVAL for malformed XML or a document that is not an ASC MHL v2.0
 * hashlist (the message names the file and line), RS_EUNSUP for another MHL
 * version, RS_ENOMEM. Does not touch the file system.
 */
RS_API int rs_mhl_generation_parse(const char *name, const char *buf, size_t len,
                                   RsMhlGeneration **out);

RS_API void rs_mhl_generation_free(RsMhlGeneration **g);

/* A whole history, every generation verified against the chain. */
typedef struct RsMhlHistory {
    char *dir;                          /* the ascmhl folder read */
    RsMhlGeneration **gens;             /* in sequence order */
    int ngens;
    /* One entry per path seen in any generation, sorted by path (strcmp):
     * for each algorithm the hash from the latest generation whose action
     * is not "failed" (a failed record is the bad content, never the
     * reference). Paths with no such hash are left out. seq is the latest
     * generation that gave one of these hashes. */
    RsMhlEntry *latest;
    size_t nlatest;
} RsMhlHistory;

/*
 * Read the history in mhl_root/ascmhl. A missing ascmhl folder (or an
 * empty one) is an empty history: returns 0 with ngens == 0.
 *
 * Every generation listed in the chain is read, its C4 ID computed over its
 * bytes and compared with the chain; generation files present but not in the
 * chain (left by a crash between writing a generation and updating the
 * chain) are logged as warnings and ignored.
 *
 * Errors: RS_ETAMPER when a generation's C4 ID differs from the chain, a
 * listed generation is missing, or generation files exist without a chain
 * (the message names the generation file); RS_EINVAL / RS_EUNSUP for
 * malformed files (file and line named); RS_EIO, RS_EACCES, RS_ENOMEM.
 * On success *out is set; free with rs_mhl_history_free().
 */
RS_API int rs_mhl_history_read(const char *mhl_root, RsMhlHistory **out);

/* The latest entry for path (relative, '/'-separated), or NULL. */
RS_API const RsMhlEntry *rs_mhl_history_find(const RsMhlHistory *h, const char *path);

RS_API void rs_mhl_history_free(RsMhlHistory **h);

typedef struct RsMhlWriteSettings {
    const char *root_name;      /* names the file; the basename of the root */
    const char *process;        /* NULL: "in-place" (the files were hashed where they are) */
    const char *const *ignore;  /* ignore patterns recorded in <processinfo> */
    size_t nignore;
    int64_t creation_time;      /* seconds since the epoch; 0: now */
} RsMhlWriteSettings;

/*
 * Write a new generation holding entries into mhl_root/ascmhl (created if
 * needed) and append it to ascmhl_chain.xml with its C4 ID. Each entry's
 * hashes are written with their action and hashdate; entry paths must be
 * relative, '/'-separated, valid UTF-8 without control characters.
 *
 * Both files are written to a temporary file, flushed to disk and renamed
 * into place, so a crash leaves either the previous history or a complete
 * generation (at worst one not yet in the chain, which readers ignore).
 *
 * On success returns the new sequence number (>= 1) and, when path_out is
 * not NULL, sets *path_out to the generation's path (free() it). Errors:
 * RS_EINVAL (bad entry path, named), RS_EACCES / RS_EIO (naming the file),
 * RS_EEXIST (a generation of that name appeared meanwhile), RS_ENOMEM, and
 * the errors of reading the existing chain.
 */
RS_API int rs_mhl_write(const char *mhl_root, const RsMhlWriteSettings *s,
                        const RsMhlEntry *entries, size_t nentries, char **path_out);

/* Format t (seconds since the epoch) as an xs:dateTime in UTC,
 * "2024-05-01T09:15:00+00:00". */
RS_API void rs_mhl_format_date(int64_t t, char out[RS_MHL_DATE_MAX]);

#endif /* RUSHES_MHL_H */
