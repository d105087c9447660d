/*
 * Card verification: walk, hash, compare with the ASC MHL history, record a
 * new generation. The walk list and the history's latest entries are both
 * sorted by path, so one merge pass yields every file (on the card, in the
 * history, or both) in a deterministic order, which is the order in which
 * the caller's on_file() sees them and commits them.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rushes/card.h"
#include "rushes/error.h"
#include "rushes/mhl.h"
#include "ingest/card_walk.h"
#include "interchange/mhl_internal.h"

typedef struct Ctx {
    const char *root;
    const RsCardSettings *s;
    RsCardReport *r;
    uint64_t done;         /* bytes of progress reported so far */
    int64_t *hashed_at;    /* per report file: when its hash was taken */
    size_t *dup;           /* open-addressing table of report indexes + 1 */
    size_t dup_mask;
} Ctx;

const char *rs_card_status_name(RsCardStatus s)
{
    static const char *const names[RS_CARD_STATUS_COUNT] = {
        "new", "verified", "mismatch", "missing", "error",
    };
    return (unsigned)s < RS_CARD_STATUS_COUNT ? names[s] : "";
}

void rs_card_default_settings(RsCardSettings *s)
{
    memset(s, 0, sizeof(*s));
    s->algo = RS_HASH_XXH64;
    s->write_mhl = 1;
}

static int cancelled(const Ctx *c)
{
    return c->s->cancel && atomic_load(c->s->cancel);
}

static int on_progress(void *opaque, uint64_t bytes)
{
    Ctx *c = opaque;
    c->done += bytes;
    if (c->s->progress)
        c->s->progress(c->s->opaque, c->done, c->r->bytes_total);
    return cancelled(c) ? rs_error(RS_EINTR, "%s: verification cancelled", c->root) : 0;
}

/* The history's hash to compare with: the settings' algorithm when the
 * history has it (no extra work), else the strongest one it has. */
static const RsMhlHash *pick_expected(const RsMhlEntry *e, RsHashAlgo algo)
{
    static const RsHashAlgo pref[] = {
        RS_HASH_XXH64, RS_HASH_XXH128, RS_HASH_XXH3, RS_HASH_SHA1, RS_HASH_MD5,
        RS_HASH_C4, RS_HASH_XXH32,
    };
    const RsMhlHash *h = rs_mhl_entry_hash(e, algo);
    for (size_t i = 0; !h && i < sizeof(pref) / sizeof(pref[0]); i++)
        h = rs_mhl_entry_hash(e, pref[i]);
    return h;
}

static int valid_hex(const char *hex, RsHashAlgo a)
{
    size_t n = strnlen(hex, RS_HASH_HEX_MAX);
    if ((int)n != rs_hash_algo_hex_len(a))
        return 0;
    return a == RS_HASH_C4 ? !strncmp(hex, "c4", 2) : strspn(hex, "0123456789abcdef") == n;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    while (*s)
        h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
    return h;
}

/* Marks f as a duplicate of an earlier file with the same size and hash, or
 * remembers it as the first of its content. Empty files all share one hash
 * and are left out: flagging them would only be noise. */
static void find_duplicate(Ctx *c, size_t idx)
{
    RsCardFile *f = &c->r->files[idx];
    if (!f->size || !f->hash[0])
        return;
    for (size_t k = fnv1a(f->hash) & c->dup_mask;; k = (k + 1) & c->dup_mask) {
        if (!c->dup[k]) {
            c->dup[k] = idx + 1;
            return;
        }
        const RsCardFile *o = &c->r->files[c->dup[k] - 1];
        if (o->size == f->size && !strcmp(o->hash, f->hash)) {
            f->duplicate_of = o->path;
            c->r->duplicates++;
            return;
        }
    }
}

/* Hashes one file from the walk (or takes its hash from known()) and
 * compares it with its history entry, if any. A negative return aborts. */
static int check_file(Ctx *c, RsCardFile *f, const RsMhlHash *exp)
{
    const RsCardSettings *s = c->s;
    char hex[RS_HASH_COUNT][RS_HASH_HEX_MAX];
    unsigned algos = RS_HASH_BIT(s->algo) | (exp ? RS_HASH_BIT(exp->algo) : 0);
    uint64_t base = c->done;
    int ret;

    if (s->known && algos == RS_HASH_BIT(s->algo)) {
        char k[RS_HASH_HEX_MAX] = "";
        if ((ret = s->known(s->opaque, f->path, f->size, f->mtime_ns, k)) < 0)
            return ret;
        if (ret == 1 && valid_hex(k, s->algo)) {
            memcpy(hex[s->algo], k, sizeof(k));
            f->resumed = 1;
        }
    }
    if (!f->resumed) {
        char *abs;
        if (asprintf(&abs, "%s/%s", c->root, f->path) < 0)
            return rs_error(RS_ENOMEM, "%s: out of memory", c->root);
        uint64_t size;
        ret = rs_hash_file_multi(abs, algos, hex, &size, on_progress, c);
        free(abs);
        if (ret < 0 && cancelled(c))
            return RS_EINTR;
        if (ret < 0) {
            f->status = RS_CARD_ERROR;
            f->error = ret;
            f->message = strdup(rs_error_message());
            c->done = base + f->size;
            return f->message ? 0 : rs_error(RS_ENOMEM, "%s: out of memory", c->root);
        }
        f->size = size;
        c->r->bytes_hashed += size;
    }
    c->done = base + f->size;
    if (s->progress)
        s->progress(s->opaque, c->done, c->r->bytes_total);

    memcpy(f->hash, hex[s->algo], RS_HASH_HEX_MAX);
    if (!exp) {
        f->status = RS_CARD_NEW;
        memcpy(f->actual, f->hash, RS_HASH_HEX_MAX);
        return 0;
    }
    memcpy(f->actual, hex[exp->algo], RS_HASH_HEX_MAX);
    if (!strcmp(f->actual, f->expected)) {
        f->status = RS_CARD_VERIFIED;
        return 0;
    }
    f->status = RS_CARD_MISMATCH;
    if (asprintf(&f->message, "%s/%s: CONTENT CHANGED: %s is %s but generation %d of the "
                 "ASC MHL history recorded %s", c->root, f->path, rs_hash_algo_name(exp->algo),
                 f->actual, f->expected_seq, f->expected) < 0) {
        f->message = NULL;
        return rs_error(RS_ENOMEM, "%s: out of memory", c->root);
    }
    return 0;
}

/* Fills the next report slot from a walk item and/or a history entry. */
static int process(Ctx *c, RsWalkItem *it, const RsMhlEntry *h)
{
    RsCardReport *r = c->r;
    size_t idx = r->nfiles;
    RsCardFile *f = &r->files[idx];
    memset(f, 0, sizeof(*f));
    f->expected_algo = c->s->algo;
    const RsMhlHash *exp = h ? pick_expected(h, c->s->algo) : NULL;
    if (exp) {
        f->expected_algo = exp->algo;
        memcpy(f->expected, exp->hex, RS_HASH_HEX_MAX);
        f->expected_seq = h->seq;
    }
    int ret = 0;
    if (!it) {
        if (!(f->path = strdup(h->path)))
            return rs_error(RS_ENOMEM, "%s: out of memory", c->root);
        f->status = RS_CARD_MISSING;
        f->size = h->size > 0 ? (uint64_t)h->size : 0;
        if (asprintf(&f->message, "%s/%s: MISSING: recorded in generation %d of the ASC MHL "
                     "history but not on the card", c->root, f->path, h->seq) < 0) {
            f->message = NULL;
            ret = rs_error(RS_ENOMEM, "%s: out of memory", c->root);
        }
    } else {
        f->path = it->path;
        it->path = NULL;
        f->size = it->size;
        f->mtime_ns = it->mtime_ns;
        const char *why = c->s->write_mhl ? rs_mhl_check_relpath(f->path) : NULL;
        if (it->error) {
            f->status = RS_CARD_ERROR;
            f->error = it->error;
            f->message = it->message;
            it->message = NULL;
        } else if (why) {
            /* Said before hashing, and loudly: a file the MHL cannot name
             * would otherwise be verified today and untracked tomorrow. */
            f->status = RS_CARD_ERROR;
            f->error = RS_EUNSUP;
            if (asprintf(&f->message, "%s/%s: this file name cannot be recorded in an ASC MHL "
                         "(%s); rename it or verify with write_mhl off", c->root, f->path, why) < 0) {
                f->message = NULL;
                ret = rs_error(RS_ENOMEM, "%s: out of memory", c->root);
            }
        } else {
            ret = check_file(c, f, exp);
        }
    }
    r->nfiles++; /* counted even on failure, so that the report frees it */
    if (ret < 0)
        return ret;
    c->hashed_at[idx] = (int64_t)time(NULL);
    r->count[f->status]++;
    find_duplicate(c, idx);
    return c->s->on_file ? c->s->on_file(c->s->opaque, f) : 0;
}

/* Records this run in a new generation: "original" for new files,
 * "verified" for matches, and for a mismatch every hash as "failed", so that
 * the changed content never becomes the reference for the next run. */
static void write_generation(Ctx *c)
{
    RsCardReport *r = c->r;
    RsMhlEntry *e = calloc(r->nfiles ? r->nfiles : 1, sizeof(*e));
    size_t n = 0;
    if (!e) {
        r->mhl_error = rs_error(RS_ENOMEM, "%s: out of memory", c->root);
        r->mhl_message = strdup(rs_error_message());
        return;
    }
    for (size_t i = 0; i < r->nfiles; i++) {
        const RsCardFile *f = &r->files[i];
        if (f->status != RS_CARD_NEW && f->status != RS_CARD_VERIFIED &&
            f->status != RS_CARD_MISMATCH)
            continue;
        RsMhlEntry *m = &e[n++];
        m->path = f->path;
        m->size = (int64_t)f->size;
        rs_mhl_format_date(f->mtime_ns / 1000000000, m->lastmod);
        RsMhlAction act = f->status == RS_CARD_NEW ? RS_MHL_ORIGINAL :
                          f->status == RS_CARD_MISMATCH ? RS_MHL_FAILED :
                          f->expected_algo == c->s->algo ? RS_MHL_VERIFIED : RS_MHL_ORIGINAL;
        RsMhlHash *hs = &m->hashes[m->nhashes++];
        hs->algo = c->s->algo;
        hs->action = act;
        memcpy(hs->hex, f->hash, RS_HASH_HEX_MAX);
        rs_mhl_format_date(c->hashed_at[i], hs->hashdate);
        if (f->status != RS_CARD_NEW && f->expected_algo != c->s->algo) {
            RsMhlHash *h2 = &m->hashes[m->nhashes++];
            *h2 = *hs;
            h2->algo = f->expected_algo;
            h2->action = f->status == RS_CARD_MISMATCH ? RS_MHL_FAILED : RS_MHL_VERIFIED;
            memcpy(h2->hex, f->actual, RS_HASH_HEX_MAX);
        }
    }
    if (n) {
        char *real = realpath(r->root, NULL);
        RsMhlWriteSettings ws = { .root_name = real ? basename(real) : NULL };
        ws.ignore = rs_card_ignore_patterns(&ws.nignore);
        const char *dir = c->s->mhl_root ? c->s->mhl_root : r->root;
        int ret = rs_mhl_write(dir, &ws, e, n, &r->mhl_path);
        if (ret > 0) {
            r->mhl_seq = ret;
        } else {
            r->mhl_error = ret;
            r->mhl_message = strdup(rs_error_message());
        }
        free(real);
    }
    free(e);
}

/* The return value and the thread's message, as card.h documents them. */
static int outcome(const RsCardReport *r)
{
    const RsCardFile *first[RS_CARD_STATUS_COUNT] = { 0 };
    for (size_t i = r->nfiles; i-- > 0;)
        first[r->files[i].status] = &r->files[i];
    size_t bad = r->count[RS_CARD_MISMATCH] + r->count[RS_CARD_MISSING];
    if (bad) {
        const RsCardFile *f = first[RS_CARD_MISMATCH] ? first[RS_CARD_MISMATCH]
                                                       : first[RS_CARD_MISSING];
        return rs_error(RS_EMISMATCH, "%s: %zu file(s) changed and %zu missing since the ASC "
                        "MHL history; first: %s", r->root, r->count[RS_CARD_MISMATCH],
                        r->count[RS_CARD_MISSING], f->message);
    }
    if (r->mhl_error)
        return rs_error(r->mhl_error, "%s", r->mhl_message ? r->mhl_message : "MHL not written");
    if (r->count[RS_CARD_ERROR])
        return rs_error(RS_EPARTIAL, "%s: %zu file(s) could not be hashed; first: %s", r->root,
                        r->count[RS_CARD_ERROR], first[RS_CARD_ERROR]->message);
    rs_error_clear();
    return 0;
}

int rs_card_verify(const char *root, const RsCardSettings *s, RsCardReport **out)
{
    RsCardSettings defaults;
    RsMhlHistory *hist = NULL;
    RsWalkItem *items = NULL;
    size_t nitems = 0;
    Ctx c = { .root = root };
    int ret;

    *out = NULL;
    if (!s) {
        rs_card_default_settings(&defaults);
        s = &defaults;
    }
    c.s = s;
    if ((unsigned)s->algo >= RS_HASH_COUNT)
        return rs_error(RS_EINVAL, "hash algorithm %d out of range", (int)s->algo);
    if ((ret = rs_mhl_history_read(s->mhl_root ? s->mhl_root : root, &hist)) < 0)
        return ret;
    if ((ret = rs_card_walk(root, &items, &nitems)) < 0)
        goto end;

    size_t cap = nitems + hist->nlatest, tab = 16;
    while (tab < 2 * cap)
        tab *= 2;
    c.r = calloc(1, sizeof(*c.r));
    c.hashed_at = calloc(cap ? cap : 1, sizeof(*c.hashed_at));
    c.dup = calloc(tab, sizeof(*c.dup));
    c.dup_mask = tab - 1;
    if (!c.r || !c.hashed_at || !c.dup || !(c.r->root = strdup(root)) ||
        !(c.r->files = calloc(cap ? cap : 1, sizeof(*c.r->files)))) {
        ret = rs_error(RS_ENOMEM, "%s: out of memory", root);
        goto end;
    }
    c.r->algo = s->algo;
    c.r->history_generations = hist->ngens;
    for (size_t i = 0; i < nitems; i++)
        c.r->bytes_total += items[i].size;

    size_t i = 0, j = 0;
    while (i < nitems || j < hist->nlatest) {
        if (j < hist->nlatest && rs_card_path_skipped(hist->latest[j].path)) {
            j++;
            continue;
        }
        if (cancelled(&c)) {
            ret = rs_error(RS_EINTR, "%s: verification cancelled", root);
            goto end;
        }
        int cmp = i == nitems ? 1 : j == hist->nlatest ? -1
                : strcmp(items[i].path, hist->latest[j].path);
        ret = process(&c, cmp <= 0 ? &items[i] : NULL, cmp >= 0 ? &hist->latest[j] : NULL);
        if (ret < 0)
            goto end;
        i += cmp <= 0;
        j += cmp >= 0;
    }
    if (s->write_mhl)
        write_generation(&c);
    ret = outcome(c.r);
    *out = c.r;
    c.r = NULL;
end:
    rs_card_report_free(&c.r);
    free(c.hashed_at);
    free(c.dup);
    rs_card_walk_free(&items, nitems);
    rs_mhl_history_free(&hist);
    return ret;
}

void rs_card_report_free(RsCardReport **rp)
{
    RsCardReport *r = *rp;
    if (!r)
        return;
    for (size_t i = 0; r->files && i < r->nfiles; i++) {
        free(r->files[i].path);
        free(r->files[i].message);
    }
    free(r->files);
    free(r->root);
    free(r->mhl_path);
    free(r->mhl_message);
    free(r);
    *rp = NULL;
}
