/*
 * The clean-up passes share one way of running work on threads: a counter of
 * jobs the workers take from until none is left, on nt threads of which the
 * caller's is one.
 */
#ifndef RS_CLEANUP_WORKERS_H
#define RS_CLEANUP_WORKERS_H

/* The most threads a pass runs. */
#define RS_MAX_WORKERS 16

/*
 * The threads a pass runs: requested (0 or less: one per online core), within
 * 1..RS_MAX_WORKERS and at most jobs (jobs <= 0: no such limit).
 */
int rs_worker_count(int requested, int jobs);

/*
 * Run fn(arg) on nt threads (1..RS_MAX_WORKERS), the caller's among them, and
 * return when all have returned. fn must take its work from state in arg
 * shared by all of them, so a thread that fails to start only costs speed.
 */
void rs_run_workers(void *(*fn)(void *), void *arg, int nt);

#endif
