/*
 * rushes: content hashes of files, as written in ASC MHL histories.
 *
 * Every algorithm has one text form, the one ASC MHL and the usual command
 * line tools print: lowercase hexadecimal digits of the canonical
 * (big-endian) digest, exactly what `xxhsum -H1`, `md5sum` or `sha1sum`
 * print, or a 90-character C4 ID ("c4" followed by base58 digits of the
 * SHA-512 digest, SMPTE ST 2114).
 *
 * Threading: the functions here keep no global state; an RsHasher is used by
 * one thread at a time. rs_hash_file*() may run concurrently on distinct files.
 */
#ifndef RUSHES_HASH_H
#define RUSHES_HASH_H

#include <stdint.h>

#include "common.h"

/* Room for the longest text form (a C4 ID, 90 characters) and its NUL. */
#define RS_HASH_HEX_MAX 91

typedef enum RsHashAlgo {
    RS_HASH_XXH64 = 0, /* the default, and the ASC MHL convention: 16 hex digits */
    RS_HASH_XXH3,      /* XXH3, 64 bits: 16 hex digits */
    RS_HASH_XXH128,    /* XXH3, 128 bits: 32 hex digits */
    RS_HASH_MD5,       /* 32 hex digits */
    RS_HASH_SHA1,      /* 40 hex digits */
    RS_HASH_XXH32,     /* 8 hex digits; read in older histories */
    RS_HASH_C4,        /* C4 ID, 90 characters; also names MHL generations */
    RS_HASH_COUNT,
} RsHashAlgo;

/* A set of algorithms: bit (1u << algo) set for each one wanted. */
#define RS_HASH_BIT(a) (1u << (unsigned)(a))

/* The ASC MHL element name of a: "xxh64", "xxh3", "xxh128", "md5", "sha1",
 * "xxh32", "c4"; "" for a value out of range. A static string. */
RS_API const char *rs_hash_algo_name(RsHashAlgo a);

/* Length of the text form of a (16 for xxh64, 90 for c4), 0 when out of range. */
RS_API int rs_hash_algo_hex_len(RsHashAlgo a);

/*
 * Look up an algorithm by its MHL name (case-sensitive, as in MHL files).
 * Returns 0 and sets *a, or RS_EINVAL with a message naming the bad name and
 * listing the valid ones.
 */
RS_API int rs_hash_algo_from_name(const char *name, RsHashAlgo *a);

/* An incremental hasher: open, update any number of times, final. */
typedef struct RsHasher RsHasher;

/* Returns 0 and sets *out, RS_EINVAL for an unknown algo, RS_ENOMEM. */
RS_API int rs_hasher_open(RsHasher **out, RsHashAlgo a);

RS_API void rs_hasher_update(RsHasher *h, const void *data, size_t len);

/* Writes the text form with its NUL and resets h, ready for new data. */
RS_API void rs_hasher_final(RsHasher *h, char hex[RS_HASH_HEX_MAX]);

/* Frees h and sets *h to NULL; a NULL *h is accepted. */
RS_API void rs_hasher_close(RsHasher **h);

/* The hash of one buffer. Returns 0, RS_EINVAL or RS_ENOMEM. */
RS_API int rs_hash_buffer(RsHashAlgo a, const void *data, size_t len, char hex[RS_HASH_HEX_MAX]);

/*
 * Called after each chunk of a file is hashed with the number of bytes in
 * that chunk. Returning a negative RS_E* code stops the hashing, and the
 * hashing function returns that code.
 */
typedef int (*RsHashProgress)(void *opaque, uint64_t bytes);

/*
 * Hash the file at path with algorithm a. On success returns 0, writes the
 * text form to hex and the number of bytes read to *size (size may be NULL).
 * Regular files and block devices are hashed; anything else (a directory, a
 * FIFO, a socket) is refused with RS_EIO without being opened for reading,
 * so a FIFO never blocks.
 *
 * Errors name the file: RS_ENOENT (no such file), RS_EACCES (permission),
 * RS_EIO (not a regular file, or a read failed: the message carries
 * strerror), RS_ENOMEM, RS_EINVAL (unknown algo).
 *
 * I/O: the file is read sequentially in 1 MiB aligned chunks, hashed as they
 * arrive, with the kernel told so (posix_fadvise SEQUENTIAL) so its readahead
 * fetches the next part while this thread hashes. No thread is started.
 */
RS_API int rs_hash_file(const char *path, RsHashAlgo a, char hex[RS_HASH_HEX_MAX], uint64_t *size);

/*
 * Hash the file at path with every algorithm in the set algos (a mask of
 * RS_HASH_BIT()) in one read. hex[algo] receives the text form of each
 * algorithm in the set; other rows are left untouched. progress may be NULL.
 * Errors as rs_hash_file(), plus whatever progress returned.
 */
RS_API int rs_hash_file_multi(const char *path, unsigned algos,
                              char hex[RS_HASH_COUNT][RS_HASH_HEX_MAX], uint64_t *size,
                              RsHashProgress progress, void *opaque);

#endif /* RUSHES_HASH_H */
