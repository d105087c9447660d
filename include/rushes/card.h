/*
 * rushes: verified ingest of a camera card or a sound folder. Every file is
 * hashed, compared with the card's ASC MHL history when it has one, and a
 * new generation is added to that history. doc/mhl.md has the details.
 *
 * What is walked: every regular file under the root, in byte order of the
 * relative path (strcmp), so results and callbacks come in the same order on
 * every run. Skipped: folders named "ascmhl" (MHL histories) and the files
 * operating systems drop on mounted media, which change whenever a card is
 * plugged in and would otherwise look like tampering: .DS_Store, ._*
 * (AppleDouble), .Spotlight-V100, .Trashes, .fseventsd, .TemporaryItems,
 * .DocumentRevisions-V100, Thumbs.db, desktop.ini, System Volume Information,
 * $RECYCLE.BIN. A symbolic link is followed only when it leads to a regular
 * file inside the root; any other link (to a folder, out of the root,
 * dangling) is reported with status ERROR and never followed. FIFOs,
 * sockets and devices are reported as ERROR without being opened.
 *
 * Threading: rs_card_verify() runs on, and calls every callback on, the
 * calling thread. Distinct cards may be verified concurrently.
 */
#ifndef RUSHES_CARD_H
#define RUSHES_CARD_H

#include <stdatomic.h>
#include <stdint.h>

#include "common.h"
#include "hash.h"

typedef enum RsCardStatus {
    RS_CARD_NEW = 0,   /* not in the history: hashed and recorded as "original" */
    RS_CARD_VERIFIED,  /* hashed again and equal to the history */
    RS_CARD_MISMATCH,  /* hashed again and different from the history: the card changed */
    RS_CARD_MISSING,   /* in the history, no longer on the card */
    RS_CARD_ERROR,     /* could not be hashed (unreadable, not a file, link leaving the card) */
    RS_CARD_STATUS_COUNT,
} RsCardStatus;

/* "new", "verified", "mismatch", "missing", "error"; a static string. */
RS_API const char *rs_card_status_name(RsCardStatus s);

typedef struct RsCardFile {
    char *path;                     /* relative to the root, '/'-separated */
    RsCardStatus status;
    uint64_t size;                  /* bytes hashed; for MISSING the size the history recorded */
    int64_t mtime_ns;               /* modification time, ns since the epoch; 0 for MISSING */
    char hash[RS_HASH_HEX_MAX];     /* in the settings' algo; "" for MISSING and ERROR */
    RsHashAlgo expected_algo;       /* algorithm of expected */
    char expected[RS_HASH_HEX_MAX]; /* the history's hash compared with; "" for NEW and ERROR */
    char actual[RS_HASH_HEX_MAX];   /* this run's hash in expected_algo (== hash when the
                                     * history used the settings' algo); "" when not hashed */
    int expected_seq;               /* generation that recorded expected, 0 when none */
    const char *duplicate_of;       /* an earlier file (in walk order) with the same size and
                                     * content, or NULL; empty files are never duplicates */
    int resumed;                    /* 1: the hash came from known(), the file was not read */
    int error;                      /* RS_E* code for ERROR, else 0 */
    char *message;                  /* for ERROR, MISMATCH and MISSING: one line naming the
                                     * file and what is wrong; NULL otherwise */
} RsCardFile;

typedef struct RsCardSettings {
    RsHashAlgo algo;        /* default RS_HASH_XXH64 */
    int write_mhl;          /* default 1: add a generation to the history */
    /* Folder holding the ascmhl/ history; NULL (default) is the root itself.
     * When the card is read-only (write-protected, or mounted read-only),
     * pass a writable folder, e.g. one in the project: the history there
     * describes the card with paths relative to the card root, and is read
     * from there on the next verification. */
    const char *mhl_root;

    /* Called once per file as it is done, in walk order (MISSING files
     * included, at their place in path order). f and its strings are valid
     * during the call only. The caller commits f to its store here: that is
     * what makes an ingest crash-safe and resumable. A negative return stops
     * the walk; rs_card_verify() then returns that value and writes no MHL. */
    int (*on_file)(void *opaque, const RsCardFile *f);

    /* Resume support: called before hashing a file. Returning 1 with hex set
     * (the settings' algo) means "this file of this size and mtime was hashed
     * by an interrupted run: use this hash, do not read it again"; 0 means
     * hash it. Not consulted when the history holds this file only in another
     * algorithm (it must be read anyway). May be NULL. */
    int (*known)(void *opaque, const char *path, uint64_t size, int64_t mtime_ns,
                 char hex[RS_HASH_HEX_MAX]);

    /* Progress in bytes over the whole card, called often while hashing. May be NULL. */
    void (*progress)(void *opaque, uint64_t done, uint64_t total);

    void *opaque;           /* passed to the callbacks */

    /* When not NULL and it becomes non-zero, the walk stops within one read
     * chunk, writes no MHL, and rs_card_verify() returns RS_EINTR. */
    const atomic_int *cancel;
} RsCardSettings;

typedef struct RsCardReport {
    char *root;                         /* the root as given */
    RsHashAlgo algo;
    RsCardFile *files;                  /* every file, in walk order */
    size_t nfiles;
    size_t count[RS_CARD_STATUS_COUNT]; /* files per status */
    size_t duplicates;                  /* files with duplicate_of set */
    uint64_t bytes_total;               /* size of every file found */
    uint64_t bytes_hashed;              /* bytes read this run (resumed files excluded) */
    int history_generations;            /* generations in the history before this run */
    char *mhl_path;                     /* the generation written, or NULL */
    int mhl_seq;                        /* its sequence number, 0 when none */
    int mhl_error;                      /* 0, or why writing the generation failed */
    char *mhl_message;                  /* message for mhl_error, else NULL */
} RsCardReport;

RS_API void rs_card_default_settings(RsCardSettings *s);

/*
 * Verify the card at root (a folder). One unreadable file never stops the
 * walk: it is reported with status ERROR and the walk goes on. After the
 * walk, when write_mhl is set and at least one file was hashed, a new
 * generation is written recording "original" for NEW files, "verified" for
 * VERIFIED ones and "failed" (with this run's hash) for MISMATCHes.
 *
 * Returns, when the walk completed (*out set, free with rs_card_report_free):
 *   0             every file NEW or VERIFIED, and the MHL written if asked;
 *   RS_EMISMATCH  at least one MISMATCH or MISSING file (checked first: it
 *                 matters most);
 *   the MHL write error (RS_EACCES, RS_EIO, ...) when the walk was clean but
 *                 the generation could not be written (also in mhl_error);
 *   RS_EPARTIAL   some files were ERROR, none mismatched.
 * The thread's error message summarises the outcome and names a file.
 *
 * Returns, with *out NULL and nothing written:
 *   RS_ETAMPER    the existing history does not verify (a generation was
 *                 edited, replaced or removed: the message names it);
 *   RS_EINVAL / RS_EUNSUP  the history is malformed (file and line named);
 *   RS_ENOENT / RS_EACCES / RS_EIO  the root cannot be read;
 *   RS_EINTR      cancelled; a callback's negative value when it aborted;
 *   RS_ENOMEM.
 */
RS_API int rs_card_verify(const char *root, const RsCardSettings *s, RsCardReport **out);

/* Frees *r and sets it to NULL; NULL is accepted. */
RS_API void rs_card_report_free(RsCardReport **r);

#endif /* RUSHES_CARD_H */
