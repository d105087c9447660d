/* The clean job's parameters as JSON, shared by its sidecar and the signed project manifest. */
#ifndef RS_CLEANUP_PARAMS_H
#define RS_CLEANUP_PARAMS_H

#include "core/json.h"
#include "rushes/cleanup.h"

/*
 * The job's parameters, every one that changes the result, as members of the
 * object j is in: the unsigned sidecar and the signed project manifest write
 * the same list.
 */
void rs_clean_write_parameters(RsJson *j, const RsCleanJob *job, const char *codec);

#endif
