/*
 * The audit log: append-only, each entry chained to the previous one by
 * hash, the head signed at checkpoints.
 *
 *   hash(i) = SHA-256(hash(i-1) as 64 hex digits || canonical(entry i))
 *
 * canonical() is every field in a fixed order as netstrings ("5:hello,"; a
 * NULL is "~,"), so no two entries serialise alike. The chain alone catches
 * an edited, deleted, inserted or reordered row; the Ed25519 signature over
 * (seq, hash) at each checkpoint catches a chain recomputed from scratch by
 * someone without the key, and a truncated tail. The latest checkpoint is
 * also written to PROJECT/keys/audit.head, so deleting the checkpoint rows
 * with the tail is caught too.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/strbuf.h"
#include "rushes/error.h"
#include "trust/trust_internal.h"

#define CHECKPOINT_EVERY 256
#define NFIELDS 10

static const char zero_hash[65] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void netstring(RsStrbuf *b, const char *s)
{
    if (!s)
        rs_strbuf_puts(b, "~,");
    else
        rs_strbuf_printf(b, "%zu:%s,", strlen(s), s);
}

/* f: seq, at, actor, role, action, target, inputs, outputs, params, result. */
static void chain_hash(const char *prev, const char *const f[NFIELDS], char out[65])
{
    RsStrbuf b = { 0 };
    rs_strbuf_puts(&b, prev);
    for (int i = 0; i < NFIELDS; i++)
        netstring(&b, f[i]);
    rs_trust_sha256_hex(b.s ? b.s : "", b.len, out);
    rs_strbuf_free(&b);
}

static int head(RsCatalog *c, int64_t *seq, char hash[65])
{
    sqlite3_stmt *st;
    int ret = rs_trust_prepare(c, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &st);
    if (ret < 0)
        return ret;
    *seq = 0;
    memcpy(hash, zero_hash, 65);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        snprintf(hash, 65, "%s", (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    return 0;
}

static int append(RsCatalog *c, const RsActor *by, const RsAuditEntry *e)
{
    int64_t seq;
    char prev[65], hash[65], seqs[24], now[32];
    int ret = head(c, &seq, prev);
    if (ret < 0)
        return ret;
    snprintf(seqs, sizeof(seqs), "%lld", (long long)(seq + 1));
    rs_utc_now(now);
    const char *f[NFIELDS] = {
        seqs, now, by && by->user[0] ? by->user : "system", by && by->user[0] ? rs_role_name(by->role) : "system",
        e->action, e->target, e->inputs, e->outputs, e->params, e->result ? e->result : "ok",
    };
    chain_hash(prev, f, hash);
    sqlite3_stmt *st;
    if ((ret = rs_trust_prepare(c, "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, seq + 1);
    for (int i = 1; i < NFIELDS; i++)
        sqlite3_bind_text(st, i + 1, f[i], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, prev, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, hash, -1, SQLITE_STATIC);
    if ((ret = rs_trust_step_done(c, st, "appending to the audit log")) < 0)
        return ret;
    return (seq + 1) % CHECKPOINT_EVERY ? 0 : rs_audit_checkpoint(c);
}

int rs_audit_append(RsCatalog *c, const RsActor *by, const RsAuditEntry *e)
{
    if (!e || !e->action || !*e->action)
        return rs_error(RS_EINVAL, "an audit entry needs an action");
    /* Inside a caller's transaction the entry commits with the change it records. */
    if (!sqlite3_get_autocommit(c->db))
        return append(c, by, e);
    int ret = rs_catalog_begin(c);
    if (ret < 0)
        return ret;
    if ((ret = append(c, by, e)) < 0) {
        rs_catalog_rollback(c);
        return ret;
    }
    return rs_catalog_commit(c);
}

int rs_trust_audit_simple(RsCatalog *c, const RsActor *by, const char *action, const char *target,
                          const char *params, const char *result)
{
    RsAuditEntry e = { .action = action, .target = target, .params = params, .result = result };
    return rs_audit_append(c, by, &e);
}

static void checkpoint_message(int64_t seq, const char *hash, char *out, size_t n)
{
    snprintf(out, n, "rushes-audit-checkpoint/1\n%lld\n%s\n", (long long)seq, hash);
}

static void head_path(RsCatalog *c, char *out, size_t n)
{
    snprintf(out, n, "%s/keys/audit.head", rs_catalog_dir(c));
}

int rs_audit_checkpoint(RsCatalog *c)
{
    int64_t seq;
    char hash[65], msg[160], key_id[17], sig[129], now[32], path[PATH_MAX];
    int ret = head(c, &seq, hash);
    if (ret < 0 || !seq)
        return ret;
    sqlite3_stmt *st;
    if ((ret = rs_trust_prepare(c, "SELECT 1 FROM audit_checkpoint WHERE seq = ?", &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, seq);
    int done = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (done)
        return 0;
    checkpoint_message(seq, hash, msg, sizeof(msg));
    if ((ret = rs_trust_sign(c, msg, strlen(msg), key_id, sig)) < 0)
        return ret;
    rs_utc_now(now);
    if ((ret = rs_trust_prepare(c, "INSERT OR IGNORE INTO audit_checkpoint VALUES (?, ?, ?, ?, ?)", &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, key_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, sig, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    if ((ret = rs_trust_step_done(c, st, "signing an audit checkpoint")) < 0)
        return ret;
    /*
     * Rewritten whole and renamed, so a crash leaves the old head or the new
     * one. Two processes checkpointing at once may leave the older of two
     * heads: still a valid signed pair, only a less recent one.
     */
    head_path(c, path, sizeof(path));
    char tmp[PATH_MAX + 8];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return rs_error(RS_EIO, "%s: cannot write the audit head", tmp);
    fprintf(f, "%lld %s %s %s\n", (long long)seq, hash, key_id, sig);
    if (fclose(f) || rename(tmp, path))
        return rs_error(RS_EIO, "%s: cannot write the audit head", path);
    return 0;
}

/* Keep the earliest problem: verification names the first bad entry. */
static void bad(RsAuditReport *r, int64_t seq, const char *msg)
{
    if (r->first_bad && r->first_bad <= seq)
        return;
    r->first_bad = seq;
    snprintf(r->message, sizeof(r->message), "%s", msg);
}

/* The hash recorded for seq, "" when there is no such entry. */
static void entry_hash(RsCatalog *c, int64_t seq, char out[65])
{
    sqlite3_stmt *st;
    out[0] = '\0';
    if (rs_trust_prepare(c, "SELECT hash FROM audit WHERE seq = ?", &st) < 0)
        return;
    sqlite3_bind_int64(st, 1, seq);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, 65, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static void check_checkpoint(RsCatalog *c, RsAuditReport *r, int64_t seq, const char *hash, const char *key_id,
                             const char *sig, int64_t prev_cp, int64_t last_seq, const char *where)
{
    char msg[160], have[65], text[1024];
    checkpoint_message(seq, hash, msg, sizeof(msg));
    if (rs_trust_check_sig(c, key_id, msg, strlen(msg), sig) < 0) {
        snprintf(text, sizeof(text), "%s at entry %lld: %s", where, (long long)seq, rs_error_message());
        bad(r, seq, text);
        return;
    }
    if (seq > last_seq) {
        snprintf(text, sizeof(text), "entry %lld is missing: the log was truncated after entry %lld, but %s "
                 "signed entries up to %lld", (long long)(last_seq + 1), (long long)last_seq, where, (long long)seq);
        bad(r, last_seq + 1, text);
        return;
    }
    entry_hash(c, seq, have);
    /* When the chain walk already named a bad entry up to here, it is more precise than this range. */
    if (strcmp(have, hash) && !(r->first_bad && r->first_bad <= seq)) {
        snprintf(text, sizeof(text), "entries %lld to %lld were rewritten: %s signed entry %lld with another "
                 "hash", (long long)(prev_cp + 1), (long long)seq, where, (long long)seq);
        bad(r, prev_cp + 1, text);
    }
}

int rs_audit_verify(RsCatalog *c, RsAuditReport *r)
{
    memset(r, 0, sizeof(*r));
    sqlite3_stmt *st;
    int ret = rs_trust_prepare(c, "SELECT seq, at, actor, role, action, target, inputs, outputs, params, result,"
                                  " prev_hash, hash FROM audit ORDER BY seq", &st);
    if (ret < 0)
        return ret;
    char prev[65], text[512];
    memcpy(prev, zero_hash, 65);
    int64_t expect = 1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        const char *f[NFIELDS];
        char seqs[24], want[65];
        snprintf(seqs, sizeof(seqs), "%lld", (long long)seq);
        f[0] = seqs;
        for (int i = 1; i < NFIELDS; i++)
            f[i] = (const char *)sqlite3_column_text(st, i);
        const char *prev_hash = (const char *)sqlite3_column_text(st, 10);
        const char *hash = (const char *)sqlite3_column_text(st, 11);
        r->entries++;
        if (seq != expect) {
            snprintf(text, sizeof(text), "entry %lld is missing: the log goes from entry %lld to %lld (deleted)",
                     (long long)expect, (long long)(expect - 1), (long long)seq);
            bad(r, expect, text);
        } else if (!prev_hash || strcmp(prev_hash, prev)) {
            snprintf(text, sizeof(text), "entry %lld does not follow entry %lld (inserted, reordered, or the entry "
                     "before it was replaced)", (long long)seq, (long long)(seq - 1));
            bad(r, seq, text);
        } else {
            chain_hash(prev, f, want);
            if (!hash || strcmp(hash, want)) {
                snprintf(text, sizeof(text), "entry %lld was edited: its content does not match its hash",
                         (long long)seq);
                bad(r, seq, text);
            }
        }
        snprintf(prev, sizeof(prev), "%s", hash ? hash : "");
        expect = seq + 1;
    }
    sqlite3_finalize(st);
    int64_t last_seq = expect - 1, prev_cp = 0;

    if ((ret = rs_trust_prepare(c, "SELECT seq, hash, key_id, signature FROM audit_checkpoint ORDER BY seq",
                                &st)) < 0)
        return ret;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        r->checkpoints++;
        check_checkpoint(c, r, seq, (const char *)sqlite3_column_text(st, 1),
                         (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
                         prev_cp, last_seq, "the signed checkpoint");
        prev_cp = seq;
    }
    sqlite3_finalize(st);
    r->unsigned_tail = last_seq > prev_cp ? last_seq - prev_cp : 0;

    char path[PATH_MAX], line[512], hash[80], key_id[40], sig[160];
    long long hseq;
    head_path(c, path, sizeof(path));
    FILE *f = fopen(path, "r");
    if (f) {
        if (fgets(line, sizeof(line), f) && sscanf(line, "%lld %79s %39s %159s", &hseq, hash, key_id, sig) == 4) {
            /* Checked even when it repeats the last checkpoint, so a forged head file shows too. */
            check_checkpoint(c, r, hseq, hash, key_id, sig, hseq > prev_cp ? prev_cp : hseq - 1, last_seq,
                             "the signed head (keys/audit.head)");
        } else {
            bad(r, prev_cp + 1, "keys/audit.head is not a signed audit head");
        }
        fclose(f);
    } else if (r->checkpoints) {
        bad(r, prev_cp + 1, "keys/audit.head is missing while the log has signed checkpoints");
    }
    if (r->first_bad)
        return rs_error(RS_ETAMPER, "audit log: %s", r->message);
    snprintf(r->message, sizeof(r->message), "%lld entries, %lld signed checkpoints%s", (long long)r->entries,
             (long long)r->checkpoints, r->unsigned_tail ? ", the latest entries not yet signed" : "");
    return 0;
}

int rs_audit_export(RsCatalog *c, int64_t from_seq, char **jsonl)
{
    static const char *const names[] = {
        "seq", "at", "actor", "role", "action", "target", "inputs", "outputs", "params", "result", "prev_hash",
        "hash",
    };
    sqlite3_stmt *st;
    int ret = rs_trust_prepare(c, "SELECT seq, at, actor, role, action, target, inputs, outputs, params, result,"
                                  " prev_hash, hash FROM audit WHERE seq >= ? ORDER BY seq", &st);
    if (ret < 0)
        return ret;
    sqlite3_bind_int64(st, 1, from_seq);
    RsStrbuf out = { 0 };
    while (sqlite3_step(st) == SQLITE_ROW) {
        RsJson j = { 0 };
        rs_json_begin_object(&j, NULL);
        rs_json_int(&j, names[0], sqlite3_column_int64(st, 0));
        for (int i = 1; i < 12; i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            /* inputs, outputs and params hold JSON written by rushes itself. */
            if (v && i >= 6 && i <= 8)
                rs_json_raw(&j, names[i], v);
            else
                rs_json_string(&j, names[i], v);
        }
        rs_json_end_object(&j);
        char *line = rs_json_take(&j);
        if (line) {
            rs_strbuf_puts(&out, line);
            rs_strbuf_puts(&out, "\n");
        }
        free(line);
    }
    sqlite3_finalize(st);
    *jsonl = out.oom ? (rs_strbuf_free(&out), NULL) : out.s ? out.s : strdup("");
    return *jsonl ? 0 : RS_ENOMEM;
}
