/* Writes OUT/truth.json for a planned demo day; the format is in doc/demo.md. */
#ifndef RS_DEMO_TRUTH_H
#define RS_DEMO_TRUTH_H

#include "demo/plan.h"

/* Write the truth of day d to path. 0 or RS_EIO naming path. */
int demo_truth_write(const DemoDay *d, const char *path);

#endif /* RS_DEMO_TRUTH_H */
