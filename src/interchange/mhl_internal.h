/* Pieces shared by the ASC MHL reader and writer. */
#ifndef RS_INTERCHANGE_MHL_INTERNAL_H
#define RS_INTERCHANGE_MHL_INTERNAL_H

#include <stddef.h>

#include "rushes/mhl.h"

#define RS_MHL_NS       "urn:ASC:MHL:v2.0"
#define RS_MHL_CHAIN_NS "urn:ASC:MHL:DIRECTORY:v2.0"

/* Larger files are refused: a generation for 100 000 clips is ~50 MB. */
#define RS_MHL_FILE_MAX ((size_t)512 << 20)

/* One <hashlist> of ascmhl_chain.xml. */
typedef struct RsMhlLink {
    int seq;
    char *file;
    char c4[RS_HASH_HEX_MAX];
} RsMhlLink;

/* Parse a chain file; *links is sorted by seq. Errors as for generations,
 * plus duplicate sequence numbers or file names. */
int rs_mhl_chain_parse(const char *name, const char *buf, size_t len,
                       RsMhlLink **links, size_t *nlinks);

void rs_mhl_chain_free(RsMhlLink **links, size_t nlinks);

/* Reads a whole file (up to RS_MHL_FILE_MAX) into a NUL-terminated buffer. */
int rs_mhl_read_file(const char *path, char **buf, size_t *len);

/* Writes "dir/name" to out; RS_ERANGE (naming the path) when it does not fit. */
int rs_mhl_join(char *out, size_t size, const char *dir, const char *name);

/* Maps an errno value to an RS_E* code. */
int rs_mhl_errno_code(int e);

/* NULL when path is a relative '/'-separated path an MHL may record (valid
 * UTF-8, no control characters, no empty, "." or ".." components), else a
 * static reason. */
const char *rs_mhl_check_relpath(const char *path);

/* The sequence number a generation file name starts with ("0007_..."), or 0. */
int rs_mhl_file_seq(const char *name);

#endif /* RS_INTERCHANGE_MHL_INTERNAL_H */
