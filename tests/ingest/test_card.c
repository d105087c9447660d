/*
 * Card verification end to end on generated cards: first ingest, second
 * ingest, changed / deleted / unreadable files, tampered history, resume
 * after an interrupted run, cancel, and a history kept outside the card.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rushes/card.h"
#include "rushes/error.h"
#include "rushes/mhl.h"
#include "../rs_test.h"
#include "ingest_test.h"

#define ODD "Sound/Sc\xC3\xA8ne 12 take 3.wav" /* spaces and a non-ASCII name */

static void make_card(const char *root)
{
    unsigned char *p = pattern(3 << 20);
    /* Small enough for the sanitizer run; test_hash covers large files. */
    put_file(root, "CLIPS/A001C001_240501.mov", p, 3 << 20);
    put_file(root, "CLIPS/A001C002_240501.mov", p + 1, (3 << 20) - 1);
    put_file(root, "CLIPS/sub/deep/A001C003.mov", p, 9 << 10);
    put_file(root, "COPY/A001C001_copy.mov", p, 3 << 20); /* duplicate of the first clip */
    put_file(root, ODD, p + 7, 4096);
    put_file(root, "empty1.txt", "", 0);
    put_file(root, "empty2.txt", "", 0); /* empty files are never duplicates */
    put_text(root, "CLIPS/.DS_Store", "finder junk");
    put_text(root, "CLIPS/._A001C001_240501.mov", "appledouble");
    put_text(root, "Thumbs.db", "windows junk");
    put_text(root, "CLIPS/ascmhl/0001_other.mhl", "a nested history is not card content");
    free(p);
}

typedef struct Seen {
    int n;
    char last[512];
    int ordered;
    int abort_after;    /* stop the walk (like a crash) after this many files; 0: never */
    atomic_int *cancel_after_first;
    char committed[16][512];
    char hashes[16][RS_HASH_HEX_MAX];
    int resumed_asked;
    uint64_t progress_done, progress_total;
} Seen;

static int on_file(void *opaque, const RsCardFile *f)
{
    Seen *s = opaque;
    if (s->n && strcmp(s->last, f->path) >= 0)
        s->ordered = 0;
    snprintf(s->last, sizeof(s->last), "%s", f->path);
    if (s->n < 16) {
        snprintf(s->committed[s->n], sizeof(s->committed[0]), "%s", f->path);
        snprintf(s->hashes[s->n], sizeof(s->hashes[0]), "%s", f->hash);
    }
    s->n++;
    if (s->cancel_after_first)
        atomic_store(s->cancel_after_first, 1);
    if (s->abort_after && s->n == s->abort_after)
        return rs_error(RS_ESTORE, "store went away");
    return 0;
}

/* What a store would answer after an interrupted run: the hashes committed. */
static int known(void *opaque, const char *path, uint64_t size, int64_t mtime, char hex[RS_HASH_HEX_MAX])
{
    Seen *s = opaque;
    s->resumed_asked++;
    for (int i = 0; i < 16 && s->committed[i][0]; i++) {
        if (!strcmp(s->committed[i], path) && s->hashes[i][0]) {
            memcpy(hex, s->hashes[i], RS_HASH_HEX_MAX);
            return 1;
        }
    }
    return 0;
}

static void on_progress(void *opaque, uint64_t done, uint64_t total)
{
    Seen *s = opaque;
    s->progress_done = done;
    s->progress_total = total;
}

static const RsCardFile *find(const RsCardReport *r, const char *path)
{
    for (size_t i = 0; r && i < r->nfiles; i++)
        if (!strcmp(r->files[i].path, path))
            return &r->files[i];
    return NULL;
}

static int count_mhl(const char *dir)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s/ascmhl", dir);
    DIR *d = opendir(p);
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)))
        n += strlen(de->d_name) > 4 && !strcmp(de->d_name + strlen(de->d_name) - 4, ".mhl");
    if (d)
        closedir(d);
    return n;
}

static RsCardReport *verify(const char *root, RsCardSettings *s, Seen *seen, int expect)
{
    memset(seen, 0, offsetof(Seen, committed));
    seen->ordered = 1;
    s->on_file = on_file;
    s->progress = on_progress;
    s->opaque = seen;
    RsCardReport *r = NULL;
    int ret = rs_card_verify(root, s, &r);
    if (ret != expect)
        fprintf(stderr, "rs_card_verify: %d (%s), expected %d\n", ret, rs_error_message(), expect);
    RS_CHECK_EQ_INT(ret, expect);
    return r;
}

static void test_ingest_twice(void)
{
    char *root = tmpdir_make("card");
    make_card(root);
    RsCardSettings s;
    rs_card_default_settings(&s);
    RS_CHECK_EQ_INT(s.algo, RS_HASH_XXH64);
    RS_CHECK_EQ_INT(s.write_mhl, 1);
    Seen seen;
    RsCardReport *r = verify(root, &s, &seen, 0);
    if (!r)
        goto end;
    RS_CHECK_EQ_INT(r->nfiles, 7); /* junk and the nested ascmhl folder skipped */
    RS_CHECK_EQ_INT(r->count[RS_CARD_NEW], 7);
    RS_CHECK_EQ_INT(seen.n, 7);
    RS_CHECK(seen.ordered);
    RS_CHECK_EQ_INT(seen.progress_done, r->bytes_total);
    RS_CHECK_EQ_INT(r->bytes_total, 2 * (3 << 20) + (3 << 20) - 1 + (9 << 10) + 4096);
    RS_CHECK_EQ_INT(r->bytes_hashed, r->bytes_total);
    RS_CHECK(find(r, "CLIPS/.DS_Store") == NULL && find(r, "Thumbs.db") == NULL);
    RS_CHECK(find(r, "CLIPS/ascmhl/0001_other.mhl") == NULL);

    /* The hash is the file's hash, as rs_hash_file() gives it. */
    char path[4096], hex[RS_HASH_HEX_MAX];
    snprintf(path, sizeof(path), "%s/%s", root, ODD);
    RS_CHECK_EQ_INT(rs_hash_file(path, RS_HASH_XXH64, hex, NULL), 0);
    const RsCardFile *odd = find(r, ODD);
    RS_CHECK(odd && !strcmp(odd->hash, hex) && odd->status == RS_CARD_NEW);

    const RsCardFile *copy = find(r, "COPY/A001C001_copy.mov");
    RS_CHECK(copy && copy->duplicate_of && !strcmp(copy->duplicate_of, "CLIPS/A001C001_240501.mov"));
    RS_CHECK(find(r, "empty2.txt") && !find(r, "empty2.txt")->duplicate_of);
    RS_CHECK_EQ_INT(r->duplicates, 1);
    RS_CHECK(r->mhl_path && strstr(r->mhl_path, "/ascmhl/0001_rushes-card."));
    RS_CHECK_EQ_INT(r->mhl_seq, 1);
    RS_CHECK_EQ_INT(r->history_generations, 0);
    char *gen = r->mhl_path ? slurp(r->mhl_path, NULL) : NULL;
    RS_CHECK_CONTAINS(gen, "<xxh64 action=\"original\"");
    RS_CHECK_CONTAINS(gen, "<pattern>._*</pattern>");
    RS_CHECK_CONTAINS(gen, "Sc\xC3\xA8ne 12 take 3.wav</path>");
    if (gen && system("command -v xmllint >/dev/null 2>&1") == 0) {
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", r->mhl_path);
        RS_CHECK_EQ_INT(system(cmd), 0);
    }
    free(gen);
    rs_card_report_free(&r);
    RS_CHECK(r == NULL);

    /* Second ingest: everything verified, a second generation, and a chain
     * of two whose C4 IDs both verify. */
    r = verify(root, &s, &seen, 0);
    if (!r)
        goto end;
    RS_CHECK_EQ_INT(r->count[RS_CARD_VERIFIED], 7);
    RS_CHECK_EQ_INT(r->history_generations, 1);
    RS_CHECK_EQ_INT(r->mhl_seq, 2);
    odd = find(r, ODD);
    RS_CHECK(odd && odd->expected_seq == 1 && !strcmp(odd->expected, odd->hash));
    gen = r->mhl_path ? slurp(r->mhl_path, NULL) : NULL;
    RS_CHECK_CONTAINS(gen, "<xxh64 action=\"verified\"");
    RS_CHECK(gen && !strstr(gen, "action=\"original\""));
    free(gen);
    rs_card_report_free(&r);
    RsMhlHistory *h;
    RS_CHECK_EQ_INT(rs_mhl_history_read(root, &h), 0);
    RS_CHECK(h && h->ngens == 2 && h->nlatest == 7);
    rs_mhl_history_free(&h);

    /* Changed content (same size) is a mismatch, reported loudly, recorded
     * as failed, and still a mismatch on the next run. */
    unsigned char *p = pattern(9 << 10);
    p[100] ^= 1;
    put_file(root, "CLIPS/sub/deep/A001C003.mov", p, 9 << 10);
    free(p);
    snprintf(path, sizeof(path), "%s/empty1.txt", root);
    remove(path);
    for (int round = 0; round < 2; round++) {
        r = verify(root, &s, &seen, RS_EMISMATCH);
        if (!r)
            goto end;
        RS_CHECK_CONTAINS(rs_error_message(), "1 file(s) changed and 1 missing");
        const RsCardFile *f = find(r, "CLIPS/sub/deep/A001C003.mov");
        RS_CHECK(f && f->status == RS_CARD_MISMATCH);
        RS_CHECK(f && f->message && strstr(f->message, "CONTENT CHANGED") &&
                 strstr(f->message, "A001C003.mov"));
        f = find(r, "empty1.txt");
        RS_CHECK(f && f->status == RS_CARD_MISSING && strstr(f->message, "MISSING"));
        RS_CHECK_EQ_INT(r->count[RS_CARD_VERIFIED], 5);
        RS_CHECK_EQ_INT(seen.n, 7); /* the missing file is reported through on_file too */
        RS_CHECK(seen.ordered);
        gen = r->mhl_path ? slurp(r->mhl_path, NULL) : NULL;
        RS_CHECK_CONTAINS(gen, "<xxh64 action=\"failed\"");
        free(gen);
        rs_card_report_free(&r);
    }

    /* Editing a hash inside a generation breaks the chain: refused, naming
     * the file, and no new generation is stacked on it. */
    RS_CHECK_EQ_INT(count_mhl(root), 4);
    char g1[4096];
    DIR *d;
    snprintf(g1, sizeof(g1), "%s/ascmhl", root);
    if ((d = opendir(g1))) {
        struct dirent *de;
        while ((de = readdir(d)))
            if (!strncmp(de->d_name, "0002_", 5))
                snprintf(g1, sizeof(g1), "%s/ascmhl/%s", root, de->d_name);
        closedir(d);
    }
    size_t len;
    char *t = slurp(g1, &len);
    char *v = t ? strstr(t, "action=\"verified\"") : NULL;
    RS_CHECK(v != NULL);
    if (v) {
        v = strchr(v, '>') + 1;
        *v = *v == '0' ? '1' : '0';
        put_file("/", g1 + 1, t, len);
        r = verify(root, &s, &seen, RS_ETAMPER);
        RS_CHECK(r == NULL);
        RS_CHECK_CONTAINS(rs_error_message(), "0002_rushes-card.");
        RS_CHECK_EQ_INT(count_mhl(root), 4);
        RS_CHECK_EQ_INT(seen.n, 0);
    }
    free(t);
end:
    rmtree(root);
    free(root);
}

/* One unreadable thing never stops the walk; links never lead out. */
static void test_errors(void)
{
    char *root = tmpdir_make("card");
    char *outside = tmpdir_make("outside");
    char p[4096], q[4096];
    put_text(root, "a.mov", "aaaa");
    put_text(root, "z.mov", "zzzz");
    put_text(outside, "secret.mov", "not on the card");
    snprintf(p, sizeof(p), "%s/m_fifo", root);
    RS_CHECK_EQ_INT(mkfifo(p, 0600), 0);
    snprintf(p, sizeof(p), "%s/secret.mov", outside);
    snprintf(q, sizeof(q), "%s/n_link_out.mov", root);
    RS_CHECK_EQ_INT(symlink(p, q), 0);
    snprintf(q, sizeof(q), "%s/o_link_in.mov", root);
    RS_CHECK_EQ_INT(symlink("a.mov", q), 0);
    snprintf(q, sizeof(q), "%s/p_link_dir", root);
    RS_CHECK_EQ_INT(symlink(".", q), 0);
    put_text(root, "q_bad\nname.mov", "a name no MHL can hold");

    RsCardSettings s;
    rs_card_default_settings(&s);
    Seen seen;
    RsCardReport *r = verify(root, &s, &seen, RS_EPARTIAL);
    if (r) {
        RS_CHECK_EQ_INT(r->nfiles, 7);
        RS_CHECK_EQ_INT(r->count[RS_CARD_ERROR], 4);
        RS_CHECK_EQ_INT(r->count[RS_CARD_NEW], 3);
        const RsCardFile *f = find(r, "m_fifo");
        RS_CHECK(f && f->status == RS_CARD_ERROR && f->error == RS_EIO && strstr(f->message, "FIFO"));
        f = find(r, "n_link_out.mov");
        RS_CHECK(f && f->status == RS_CARD_ERROR && strstr(f->message, "out of the card"));
        f = find(r, "p_link_dir");
        RS_CHECK(f && f->status == RS_CARD_ERROR && strstr(f->message, "not followed"));
        f = find(r, "o_link_in.mov");
        RS_CHECK(f && f->status == RS_CARD_NEW && f->duplicate_of && !strcmp(f->duplicate_of, "a.mov"));
        f = find(r, "q_bad\nname.mov");
        RS_CHECK(f && f->status == RS_CARD_ERROR && f->error == RS_EUNSUP &&
                 strstr(f->message, "cannot be recorded in an ASC MHL"));
        RS_CHECK(find(r, "z.mov") && find(r, "z.mov")->status == RS_CARD_NEW);
        RS_CHECK_EQ_INT(r->mhl_seq, 1); /* the others are recorded all the same */
        RS_CHECK_CONTAINS(rs_error_message(), "4 file(s) could not be hashed");
        rs_card_report_free(&r);
    }
    snprintf(p, sizeof(p), "%s/does-not-exist", root);
    RS_CHECK_EQ_INT(rs_card_verify(p, &s, &r), RS_ENOENT);
    RS_CHECK_CONTAINS(rs_error_message(), "does-not-exist");
    RS_CHECK(r == NULL);
    rmtree(root);
    rmtree(outside);
    free(root);
    free(outside);
}

/* An ingest killed half way resumes: committed files are not read again. */
static void test_resume_and_cancel(void)
{
    char *root = tmpdir_make("card");
    make_card(root);
    RsCardSettings s;
    rs_card_default_settings(&s);
    Seen seen;
    memset(&seen, 0, sizeof(seen));
    seen.abort_after = 3;
    s.on_file = on_file;
    s.opaque = &seen;
    RsCardReport *r = NULL;
    seen.ordered = 1;
    RS_CHECK_EQ_INT(rs_card_verify(root, &s, &r), RS_ESTORE);
    RS_CHECK(r == NULL);
    RS_CHECK_EQ_INT(count_mhl(root), 0);

    Seen again = seen; /* the store's content: three committed files */
    again.abort_after = 0;
    s.known = known;
    RsCardSettings s2 = s;
    r = verify(root, &s2, &again, 0);
    if (r) {
        RS_CHECK_EQ_INT(again.resumed_asked, 7);
        int resumed = 0;
        for (size_t i = 0; i < r->nfiles; i++)
            resumed += r->files[i].resumed;
        RS_CHECK_EQ_INT(resumed, 3);
        RS_CHECK(find(r, seen.committed[0])->resumed);
        RS_CHECK_EQ_STR(find(r, seen.committed[0])->hash, seen.hashes[0]);
        RS_CHECK(r->bytes_hashed < r->bytes_total);
        RS_CHECK_EQ_INT(r->count[RS_CARD_NEW], 7);
        RS_CHECK_EQ_INT(r->mhl_seq, 1);
        rs_card_report_free(&r);
    }

    /* Cancel from another thread is a flag; here the callback raises it. */
    atomic_int cancel = 0;
    s.known = NULL;
    s.cancel = &cancel;
    memset(&seen, 0, sizeof(seen));
    seen.cancel_after_first = &cancel;
    s.opaque = &seen;
    RS_CHECK_EQ_INT(rs_card_verify(root, &s, &r), RS_EINTR);
    RS_CHECK_EQ_INT(seen.n, 1);
    RS_CHECK_EQ_INT(count_mhl(root), 1);
    rmtree(root);
    free(root);
}

/* A read-only card keeps its history elsewhere; and a history in another
 * algorithm is verified in that algorithm while the new one is added. */
static void test_mhl_root_and_algos(void)
{
    char *root = tmpdir_make("card");
    char *proj = tmpdir_make("project");
    put_text(root, "A.mov", "abc");
    RsCardSettings s;
    rs_card_default_settings(&s);
    s.mhl_root = proj;
    s.algo = RS_HASH_MD5;
    Seen seen;
    RsCardReport *r = verify(root, &s, &seen, 0);
    RS_CHECK(r && find(r, "A.mov") && !strcmp(find(r, "A.mov")->hash, "900150983cd24fb0d6963f7d28e17f72"));
    RS_CHECK(r && r->mhl_path && !strncmp(r->mhl_path, proj, strlen(proj)));
    rs_card_report_free(&r);
    RS_CHECK_EQ_INT(count_mhl(root), 0);
    RS_CHECK_EQ_INT(count_mhl(proj), 1);

    s.algo = RS_HASH_XXH64;
    r = verify(root, &s, &seen, 0);
    if (r) {
        const RsCardFile *f = find(r, "A.mov");
        RS_CHECK(f && f->status == RS_CARD_VERIFIED && f->expected_algo == RS_HASH_MD5);
        RS_CHECK(f && !strcmp(f->hash, "44bc2cf5ad770999") && !strcmp(f->actual, f->expected));
        char *gen = r->mhl_path ? slurp(r->mhl_path, NULL) : NULL;
        RS_CHECK_CONTAINS(gen, "<md5 action=\"verified\"");
        RS_CHECK_CONTAINS(gen, "<xxh64 action=\"original\"");
        free(gen);
        rs_card_report_free(&r);
    }
    /* Third run: xxh64 is now in the history and is used directly. */
    r = verify(root, &s, &seen, 0);
    RS_CHECK(r && find(r, "A.mov")->expected_algo == RS_HASH_XXH64);
    rs_card_report_free(&r);

    s.write_mhl = 0;
    s.mhl_root = NULL;
    r = verify(root, &s, &seen, 0);
    RS_CHECK(r && !r->mhl_path && r->count[RS_CARD_NEW] == 1);
    rs_card_report_free(&r);
    RS_CHECK_EQ_INT(count_mhl(root), 0);
    rmtree(root);
    rmtree(proj);
    free(root);
    free(proj);
}

int main(void)
{
    RS_RUN(test_ingest_twice);
    RS_RUN(test_errors);
    RS_RUN(test_resume_and_cancel);
    RS_RUN(test_mhl_root_and_algos);
    return rs_test_end();
}
