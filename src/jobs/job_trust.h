/* What the jobs record for trust: audit entries and manifests (job_trust.c). */
#ifndef RS_JOBS_JOB_TRUST_H
#define RS_JOBS_JOB_TRUST_H

#include "rushes/jobs.h"

/*
 * Audit one clip's use: inputs = the clip's file by hash, params = the
 * analyzers (JSON array, may be NULL) and the consent records relied on.
 */
int rs_job_audit_clip(RsCatalog *c, const RsActor *actor, const char *action, int64_t clip_id,
                      const char *analyzers_json, const RsConsentDecision *why, const char *result);

/*
 * Audit an ingest run (inputs: the run's files by hash; output: the MHL
 * generation by hash) and sign the generation with a sidecar manifest.
 */
int rs_job_audit_ingest(RsCatalog *c, const RsIngestSettings *s, const char *root, int64_t run_id, int64_t roll_id,
                        const RsIngestReport *rep, int result);

#endif
