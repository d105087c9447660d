/*
 * The cost of the audit log: appending N entries (each its own transaction,
 * as the jobs do, with synchronous=FULL) and verifying the whole chain.
 * Usage: bench_audit [N] (default 10000). Prints one line per phase.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rushes/error.h"
#include "rushes/trust.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10000;
    char dir[] = "/tmp/rs-bench-audit.XXXXXX", proj[64];
    if (!mkdtemp(dir))
        return 1;
    snprintf(proj, sizeof(proj), "%s/p", dir);
    RsCatalog *c;
    if (rs_catalog_create(proj, "Bench", &c) < 0 || rs_trust_init(c, "boss") < 0) {
        fprintf(stderr, "%s\n", rs_error_message());
        return 1;
    }
    RsActor boss;
    rs_actor_resolve(c, "boss", &boss);
    double t0 = now();
    for (int i = 0; i < n; i++) {
        char target[32];
        snprintf(target, sizeof(target), "A001/C%04d.mov", i);
        RsAuditEntry e = { .action = "analysis", .target = target,
                           .inputs = "[{\"path\":\"A001/C0001.mov\",\"hash\":\"xxh64:0123456789abcdef\"}]",
                           .params = "{\"analyzers\":[\"stats\",\"fingerprint\"],\"consents\":[1]}", .result = "ok" };
        if (rs_audit_append(c, &boss, &e) < 0) {
            fprintf(stderr, "%s\n", rs_error_message());
            return 1;
        }
    }
    rs_audit_checkpoint(c);
    double t1 = now();
    RsAuditReport r;
    int ret = rs_audit_verify(c, &r);
    double t2 = now();
    printf("append: %d entries in %.3f s (%.1f us each, one transaction each, a signed checkpoint every 256)\n", n,
           t1 - t0, (t1 - t0) * 1e6 / n);
    printf("verify: %lld entries, %lld checkpoints in %.3f s (%s)\n", (long long)r.entries,
           (long long)r.checkpoints, t2 - t1, ret < 0 ? r.message : "intact");
    rs_catalog_close(&c);
    char cmd[96];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) != 0 || ret < 0;
}
