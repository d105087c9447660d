/* The clean job's sidecar: what went in, with which parameters, what came out. */
#ifndef RS_CLEANUP_MANIFEST_H
#define RS_CLEANUP_MANIFEST_H

#include "cleanup/params.h"
#include "rushes/cleanup.h"

typedef struct RsManifestInfo {
    const RsCleanJob *job;
    const char *codec;
    int frames, width, height;
    RsRational rate;
    const char *timecode;
    const RsCleanStats *stats;
    int bit_depth;              /* of the samples filled and written (0: not recorded) */
    const char *chroma;         /* "4:2:0", "4:2:2", "4:4:4" */
} RsManifestInfo;

/* Hash the input, the mask and the output (xxh64) and write OUTPUT.manifest.json. */
int rs_clean_write_manifest(const RsManifestInfo *mi);

#endif
