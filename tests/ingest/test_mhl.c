/*
 * ASC MHL v2.0 files: writing generations and the chain, reading them back,
 * C4 checks of the chain, the merged "latest" view, and the messages for
 * malformed or tampered files.
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "rushes/error.h"
#include "rushes/mhl.h"
#include "../rs_test.h"
#include "ingest_test.h"

static RsMhlEntry entry(const char *path, int64_t size, RsHashAlgo a, const char *hex,
                        RsMhlAction act)
{
    RsMhlEntry e = { 0 };
    e.path = (char *)path;
    e.size = size;
    snprintf(e.lastmod, sizeof(e.lastmod), "2024-05-01T09:15:00+00:00");
    e.nhashes = 1;
    e.hashes[0].algo = a;
    e.hashes[0].action = act;
    snprintf(e.hashes[0].hex, sizeof(e.hashes[0].hex), "%s", hex);
    snprintf(e.hashes[0].hashdate, sizeof(e.hashes[0].hashdate), "2024-05-02T10:00:00+00:00");
    return e;
}

static const RsMhlWriteSettings ws = { .root_name = "A001_C002", .creation_time = 1714554900 };

/* Odd names survive the trip: spaces, non-ASCII, and XML's own characters. */
#define ODD_NAME "Sound Roll/sc\xC3\xA8ne 1 & <take> \"2\" 'x'.wav"

static void test_roundtrip(void)
{
    char *root = tmpdir_make("mhl");
    RsMhlEntry e[3] = {
        entry("CLIPS/A001C001.mov", 123456789, RS_HASH_XXH64, "0123456789abcdef", RS_MHL_ORIGINAL),
        entry(ODD_NAME, 0, RS_HASH_XXH64, "ef46db3751d8e999", RS_MHL_ORIGINAL),
        entry("two.bin", 3, RS_HASH_MD5, "900150983cd24fb0d6963f7d28e17f72", RS_MHL_ORIGINAL),
    };
    e[2].hashes[1] = e[2].hashes[0];
    e[2].hashes[1].algo = RS_HASH_SHA1;
    snprintf(e[2].hashes[1].hex, RS_HASH_HEX_MAX, "a9993e364706816aba3e25717850c26c9cd0d89d");
    e[2].nhashes = 2;

    char *path = NULL;
    RS_CHECK_EQ_INT(rs_mhl_write(root, &ws, e, 3, &path), 1);
    RS_CHECK(path != NULL);
    char want[4096];
    snprintf(want, sizeof(want), "%s/ascmhl/0001_A001_C002_2024-05-01_091500Z.mhl", root);
    RS_CHECK_EQ_STR(path, want);

    /* The chain records the C4 ID of the generation's bytes. */
    char c4[RS_HASH_HEX_MAX], chain[4096];
    RS_CHECK_EQ_INT(rs_hash_file(path, RS_HASH_C4, c4, NULL), 0);
    snprintf(chain, sizeof(chain), "%s/ascmhl/ascmhl_chain.xml", root);
    char *ct = slurp(chain, NULL);
    RS_CHECK_CONTAINS(ct, "<ascmhldirectory xmlns=\"urn:ASC:MHL:DIRECTORY:v2.0\">");
    RS_CHECK_CONTAINS(ct, "<hashlist sequencenr=\"1\">");
    RS_CHECK_CONTAINS(ct, "<path>0001_A001_C002_2024-05-01_091500Z.mhl</path>");
    RS_CHECK_CONTAINS(ct, c4);
    free(ct);

    char *gt = slurp(path, NULL);
    RS_CHECK_CONTAINS(gt, "<hashlist version=\"2.0\" xmlns=\"urn:ASC:MHL:v2.0\">");
    RS_CHECK_CONTAINS(gt, "<creationdate>2024-05-01T09:15:00+00:00</creationdate>");
    RS_CHECK_CONTAINS(gt, "\">rushes</tool>");
    RS_CHECK_CONTAINS(gt, "<process>in-place</process>");
    RS_CHECK_CONTAINS(gt, "<path size=\"123456789\" lastmodificationdate=\"2024-05-01T09:15:00+00:00\">"
                          "CLIPS/A001C001.mov</path>");
    RS_CHECK_CONTAINS(gt, "<xxh64 action=\"original\" hashdate=\"2024-05-02T10:00:00+00:00\">"
                          "0123456789abcdef</xxh64>");
    RS_CHECK_CONTAINS(gt, "&amp; &lt;take&gt; &quot;2&quot; &apos;x&apos;.wav</path>");
    /* Several formats in one <hash> are written sorted by name (md5 before sha1). */
    RS_CHECK(strstr(gt, "<md5 ") && strstr(gt, "<sha1 ") && strstr(gt, "<md5 ") < strstr(gt, "<sha1 "));
    free(gt);

    /* The shape is well-formed XML for an independent parser too. */
    char cmd[8300];
    if (system("command -v xmllint >/dev/null 2>&1") == 0) {
        snprintf(cmd, sizeof(cmd), "xmllint --noout '%s' '%s'", path, chain);
        RS_CHECK_EQ_INT(system(cmd), 0);
    } else {
        fprintf(stderr, "note: xmllint absent, independent well-formedness check skipped\n");
    }

    RsMhlHistory *h;
    RS_CHECK_EQ_INT(rs_mhl_history_read(root, &h), 0);
    if (h) {
        RS_CHECK_EQ_INT(h->ngens, 1);
        RS_CHECK_EQ_INT(h->nlatest, 3);
        RS_CHECK_EQ_STR(h->gens[0]->c4, c4);
        RS_CHECK_EQ_STR(h->gens[0]->tool_name, "rushes");
        RS_CHECK_EQ_STR(h->gens[0]->process, "in-place");
        const RsMhlEntry *f = rs_mhl_history_find(h, ODD_NAME);
        RS_CHECK(f != NULL);
        if (f) {
            RS_CHECK_EQ_INT(f->size, 0);
            RS_CHECK_EQ_INT(f->seq, 1);
            RS_CHECK_EQ_STR(f->hashes[0].hex, "ef46db3751d8e999");
            RS_CHECK_EQ_INT(f->hashes[0].action, RS_MHL_ORIGINAL);
        }
        f = rs_mhl_history_find(h, "two.bin");
        RS_CHECK(f && f->nhashes == 2 && rs_mhl_entry_hash(f, RS_HASH_SHA1));
        RS_CHECK(rs_mhl_history_find(h, "CLIPS") == NULL);
        rs_mhl_history_free(&h);
    }

    /* A second generation: chain of two, both C4 IDs verify. */
    RsMhlEntry v = entry("CLIPS/A001C001.mov", 123456789, RS_HASH_XXH64, "0123456789abcdef",
                         RS_MHL_VERIFIED);
    free(path);
    RS_CHECK_EQ_INT(rs_mhl_write(root, &ws, &v, 1, &path), 2);
    RS_CHECK_CONTAINS(path, "/ascmhl/0002_A001_C002_");
    RS_CHECK_EQ_INT(rs_mhl_history_read(root, &h), 0);
    if (h) {
        RS_CHECK_EQ_INT(h->ngens, 2);
        RS_CHECK_EQ_INT(h->gens[1]->seq, 2);
        const RsMhlEntry *f = rs_mhl_history_find(h, "CLIPS/A001C001.mov");
        RS_CHECK(f && f->seq == 2 && f->hashes[0].action == RS_MHL_VERIFIED);
        f = rs_mhl_history_find(h, "two.bin"); /* only in generation 1: still known */
        RS_CHECK(f && f->seq == 1);
        rs_mhl_history_free(&h);
    }
    free(path);
    rmtree(root);
    free(root);
}

/* A "failed" record is the bad content: the reference stays the last good hash. */
static void test_latest_skips_failed(void)
{
    char *root = tmpdir_make("mhl");
    RsMhlEntry a = entry("x.mov", 10, RS_HASH_XXH64, "1111111111111111", RS_MHL_ORIGINAL);
    RsMhlEntry b = entry("x.mov", 10, RS_HASH_XXH64, "2222222222222222", RS_MHL_FAILED);
    RsMhlEntry c = entry("y.mov", 10, RS_HASH_XXH64, "3333333333333333", RS_MHL_FAILED);
    RS_CHECK_EQ_INT(rs_mhl_write(root, &ws, &a, 1, NULL), 1);
    RS_CHECK_EQ_INT(rs_mhl_write(root, &ws, &b, 1, NULL), 2);
    RS_CHECK_EQ_INT(rs_mhl_write(root, &ws, &c, 1, NULL), 3);
    RsMhlHistory *h;
    RS_CHECK_EQ_INT(rs_mhl_history_read(root, &h), 0);
    if (h) {
        const RsMhlEntry *f = rs_mhl_history_find(h, "x.mov");
        RS_CHECK(f && !strcmp(f->hashes[0].hex, "1111111111111111") && f->seq == 1);
        RS_CHECK(rs_mhl_history_find(h, "y.mov") == NULL);
        rs_mhl_history_free(&h);
    }
    rmtree(root);
    free(root);
}

static void test_tamper(void)
{
    char *root = tmpdir_make("mhl");
    RsMhlEntry a = entry("x.mov", 10, RS_HASH_XXH64, "1111111111111111", RS_MHL_ORIGINAL);
    char *path, *path2;
    RS_CHECK_EQ_INT(rs_mhl_write(root, &ws, &a, 1, &path), 1);
    RS_CHECK_EQ_INT(rs_mhl_write(root, &ws, &a, 1, &path2), 2);

    /* Edit one hash digit in generation 1, keeping the XML valid. */
    size_t len;
    char *t = slurp(path, &len);
    char *digit = strstr(t, "1111111111111111");
    RS_CHECK(digit != NULL);
    *digit = '9';
    put_file("/", path + 1, t, len);
    RsMhlHistory *h = (RsMhlHistory *)1;
    RS_CHECK_EQ_INT(rs_mhl_history_read(root, &h), RS_ETAMPER);
    RS_CHECK(h == NULL);
    RS_CHECK_CONTAINS(rs_error_message(), "0001_A001_C002_2024-05-01_091500Z.mhl");
    RS_CHECK_CONTAINS(rs_error_message(), "C4 ID");
    *digit = '1';
    put_file("/", path + 1, t, len);
    RS_CHECK_EQ_INT(rs_mhl_history_read(root, &h), 0);
    rs_mhl_history_free(&h);
    free(t);

    /* A generation listed in the chain but deleted. */
    char *keep = slurp(path2, &len);
    remove(path2);
    RS_CHECK_EQ_INT(rs_mhl_history_read(root, &h), RS_ETAMPER);
    RS_CHECK_CONTAINS(rs_error_message(), "0002_A001_C002");
    RS_CHECK_CONTAINS(rs_error_message(), "missing");
    put_file("/", path2 + 1, keep, len);
    free(keep);

    /* The chain deleted while generations remain. */
    char chain[4096];
    snprintf(chain, sizeof(chain), "%s/ascmhl/ascmhl_chain.xml", root);
    char *ct = slurp(chain, &len);
    remove(chain);
    RS_CHECK_EQ_INT(rs_mhl_history_read(root, &h), RS_ETAMPER);
    RS_CHECK_CONTAINS(rs_error_message(), "ascmhl_chain.xml: missing");
    put_file("/", chain + 1, ct, len);

    /* A generation file the chain does not list (a crash between the two
     * renames) is ignored, and the next number goes past it. */
    char orphan[4096];
    snprintf(orphan, sizeof(orphan), "%s/ascmhl/0003_A001_C002_2024-05-01_091500Z.mhl", root);
    put_text("/", orphan + 1, "not even XML");
    RS_CHECK_EQ_INT(rs_mhl_history_read(root, &h), 0);
    RS_CHECK(h && h->ngens == 2);
    rs_mhl_history_free(&h);
    RS_CHECK_EQ_INT(rs_mhl_write(root, &ws, &a, 1, NULL), 4);
    free(ct);
    free(path);
    free(path2);
    rmtree(root);
    free(root);
}

static const char *good_head =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<hashlist version=\"2.0\" xmlns=\"urn:ASC:MHL:v2.0\">\n"
    "  <creatorinfo>\n"
    "    <creationdate>2020-01-16T09:15:00+00:00</creationdate>\n"
    "    <hostname>dit-cart</hostname>\n"
    "    <tool version=\"1.0\">sometool</tool>\n"
    "  </creatorinfo>\n"
    "  <processinfo>\n"
    "    <process>in-place</process>\n";

/* The shape other tools write: root hash, directory hashes, ignore list,
 * uppercase hex. Directory hashes are skipped, files are read. */
static void test_parse_other_tool(void)
{
    char text[4096];
    snprintf(text, sizeof(text), "%s"
             "    <roothash>\n      <content><xxh64 hashdate=\"2020-01-16T09:15:00+00:00\">"
             "7a82373c131cf40a</xxh64></content>\n"
             "      <structure><xxh64>1131a950fcc55e4b</xxh64></structure>\n    </roothash>\n"
             "    <ignore><pattern>.DS_Store</pattern><pattern>ascmhl/</pattern></ignore>\n"
             "  </processinfo>\n  <hashes>\n"
             "    <hash><path size=\"5\" lastmodificationdate=\"2020-01-15T13:30:00+00:00\">"
             "Clips/A003C011.mov</path>\n"
             "      <md5 action=\"original\">9290A2CA3F586CB53DA7CB516610FED2</md5>\n"
             "      <xxh64 action=\"original\" hashdate=\"2020-01-16T09:15:00+00:00\">"
             "52392f79a36d6571</xxh64></hash>\n"
             "    <directoryhash><path>Clips</path><content><xxh64>f2afc6434255a53d</xxh64>"
             "</content><structure><xxh64>a25d5ca89c95f9e2</xxh64></structure></directoryhash>\n"
             "    <hash><path>Sidecar.txt</path><xxh64>e5dda75a353d8b34</xxh64></hash>\n"
             "  </hashes>\n</hashlist>\n", good_head);
    RsMhlGeneration *g;
    RS_CHECK_EQ_INT(rs_mhl_generation_parse("other.mhl", text, strlen(text), &g), 0);
    if (!g)
        return;
    RS_CHECK_EQ_INT(g->nentries, 2);
    RS_CHECK_EQ_STR(g->tool_name, "sometool");
    RS_CHECK_EQ_STR(g->hostname, "dit-cart");
    RS_CHECK_EQ_INT(g->nignore, 2);
    RS_CHECK_EQ_STR(g->entries[0].path, "Clips/A003C011.mov");
    RS_CHECK_EQ_INT(g->entries[0].size, 5);
    RS_CHECK_EQ_INT(g->entries[0].nhashes, 2);
    const RsMhlHash *md5 = rs_mhl_entry_hash(&g->entries[0], RS_HASH_MD5);
    RS_CHECK(md5 && !strcmp(md5->hex, "9290a2ca3f586cb53da7cb516610fed2"));
    RS_CHECK_EQ_INT(g->entries[1].size, -1);
    RS_CHECK_EQ_INT(g->entries[1].hashes[0].action, RS_MHL_ACTION_NONE);
    rs_mhl_generation_free(&g);

    /* A namespace prefix instead of the default namespace is the same document. */
    const char *pre = "<m:hashlist version=\"2.0\" xmlns:m=\"urn:ASC:MHL:v2.0\"><m:creatorinfo>"
                      "<m:creationdate>2020</m:creationdate><m:hostname>h</m:hostname>"
                      "<m:tool>t</m:tool></m:creatorinfo><m:processinfo><m:process>transfer"
                      "</m:process></m:processinfo></m:hashlist>";
    RS_CHECK_EQ_INT(rs_mhl_generation_parse("p.mhl", pre, strlen(pre), &g), 0);
    RS_CHECK(g && g->nentries == 0 && !strcmp(g->process, "transfer"));
    rs_mhl_generation_free(&g);
}

typedef struct Bad {
    const char *body; /* appended after good_head */
    int code;
    const char *msg;
} Bad;

static void test_malformed(void)
{
    static const Bad bad[] = {
        /* Line 12: the mismatched end tag. */
        { "  </processinfo>\n  <hashes>\n    <hash><path>a</path><xxh64>0123456789abcdef</xxh64>\n"
          "    </hashes>\n</hashlist>\n", RS_EINVAL, "bad.mhl:13: end tag </hashes> does not match <hash>" },
        { "  </processinfo>\n  <hashes>\n    <hash><path>../etc/passwd</path><xxh64>0123456789abcdef"
          "</xxh64></hash>\n  </hashes>\n</hashlist>\n", RS_EINVAL, "bad.mhl:12: path \"../etc/passwd\"" },
        { "  </processinfo>\n  <hashes>\n    <hash><path>a</path><xxh64>0123</xxh64></hash>\n"
          "  </hashes>\n</hashlist>\n", RS_EINVAL, "has 4 characters, expected 16" },
        { "  </processinfo>\n  <hashes>\n    <hash><path>a</path><xxh64>0123456789abcdeg</xxh64></hash>\n"
          "  </hashes>\n</hashlist>\n", RS_EINVAL, "is not hexadecimal" },
        { "  </processinfo>\n  <hashes>\n    <hash><path>a</path><xxh64 action=\"copied\">"
          "0123456789abcdef</xxh64></hash>\n  </hashes>\n</hashlist>\n", RS_EINVAL, "copied" },
        { "  </processinfo>\n  <hashes>\n    <hash><path>a</path></hash>\n  </hashes>\n</hashlist>\n",
          RS_EINVAL, "bad.mhl:12: <hash> without a hash value for a" },
        { "  </processinfo>\n  <hashes>\n    <hash><xxh64>0123456789abcdef</xxh64></hash>\n"
          "  </hashes>\n</hashlist>\n", RS_EINVAL, "hash value before <path>" },
        { "  </processinfo>\n  <hashes>\n    <hash><path>a</path><sha256>00</sha256></hash>\n"
          "  </hashes>\n</hashlist>\n", RS_EINVAL, "unexpected <sha256>" },
        { "  </processinfo>\n  <hashes>\n    <hash><path size=\"-1\">a</path><md5>"
          "900150983cd24fb0d6963f7d28e17f72</md5></hash>\n  </hashes>\n</hashlist>\n",
          RS_EINVAL, "size is not a byte count" },
    };
    char text[4096];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(text, sizeof(text), "%s%s", good_head, bad[i].body);
        RsMhlGeneration *g = (RsMhlGeneration *)1;
        int ret = rs_mhl_generation_parse("bad.mhl", text, strlen(text), &g);
        if (ret != bad[i].code || !strstr(rs_error_message(), bad[i].msg))
            fprintf(stderr, "case %zu: ret %d, message \"%s\"\n", i, ret, rs_error_message());
        RS_CHECK_EQ_INT(ret, bad[i].code);
        RS_CHECK_CONTAINS(rs_error_message(), bad[i].msg);
        RS_CHECK(g == NULL);
    }
    RsMhlGeneration *g;
    const char *v1 = "<hashlist version=\"1.1\" xmlns=\"urn:ASC:MHL:v2.0\"/>";
    RS_CHECK_EQ_INT(rs_mhl_generation_parse("v.mhl", v1, strlen(v1), &g), RS_EUNSUP);
    const char *ns = "<hashlist version=\"2.0\" xmlns=\"urn:other\"/>";
    RS_CHECK_EQ_INT(rs_mhl_generation_parse("n.mhl", ns, strlen(ns), &g), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "n.mhl:1: <hashlist> is not in namespace urn:ASC:MHL:v2.0");
    const char *old = "<hashlist version=\"1.1\"><creatorinfo/></hashlist>";
    RS_CHECK_EQ_INT(rs_mhl_generation_parse("o.mhl", old, strlen(old), &g), RS_EINVAL);
    const char *noci = "<hashlist version=\"2.0\" xmlns=\"urn:ASC:MHL:v2.0\">\n<processinfo/></hashlist>";
    RS_CHECK_EQ_INT(rs_mhl_generation_parse("c.mhl", noci, strlen(noci), &g), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "c.mhl:1: <hashlist> without <creatorinfo>");
}

/* A malformed generation whose chain entry is right (written by a broken
 * tool, not tampered): reading the history names its path and line. */
static void test_malformed_in_history(void)
{
    char *root = tmpdir_make("mhl");
    char text[2048], gen[4096], c4[RS_HASH_HEX_MAX], chain[4096];
    snprintf(text, sizeof(text), "%s  </processinfo>\n  <hashes>\n    <hash><path>a</path>"
             "<xxh64>0123456789abcdef</xxh64>\n  </hashes>\n</hashlist>\n", good_head);
    snprintf(gen, sizeof(gen), "%s/ascmhl/0001_x_2020-01-16_091500Z.mhl", root);
    put_text("/", gen + 1, text);
    RS_CHECK_EQ_INT(rs_hash_buffer(RS_HASH_C4, text, strlen(text), c4), 0);
    snprintf(chain, sizeof(chain), "<?xml version=\"1.0\"?>\n<ascmhldirectory xmlns="
             "\"urn:ASC:MHL:DIRECTORY:v2.0\"><hashlist sequencenr=\"1\"><path>"
             "0001_x_2020-01-16_091500Z.mhl</path><c4>%s</c4></hashlist></ascmhldirectory>", c4);
    put_text(root, "ascmhl/ascmhl_chain.xml", chain);
    RsMhlHistory *h;
    RS_CHECK_EQ_INT(rs_mhl_history_read(root, &h), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "0001_x_2020-01-16_091500Z.mhl:13: end tag </hashes>");

    /* A malformed chain is named with its line too. */
    put_text(root, "ascmhl/ascmhl_chain.xml", "<ascmhldirectory xmlns=\"urn:ASC:MHL:DIRECTORY:v2.0\">\n"
             "<hashlist sequencenr=\"0\"><path>a.mhl</path><c4>c4</c4></hashlist>\n</ascmhldirectory>");
    RS_CHECK_EQ_INT(rs_mhl_history_read(root, &h), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "ascmhl_chain.xml:2: <hashlist> needs a sequencenr");
    rmtree(root);
    free(root);
}

static void test_write_refuses(void)
{
    char *root = tmpdir_make("mhl");
    RsMhlEntry e = entry("a/../b", 1, RS_HASH_XXH64, "0123456789abcdef", RS_MHL_ORIGINAL);
    RS_CHECK_EQ_INT(rs_mhl_write(root, &ws, &e, 1, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "a/../b");
    e.path = "bad\nname";
    RS_CHECK_EQ_INT(rs_mhl_write(root, &ws, &e, 1, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "control character");
    /* Nothing half-written was left behind. */
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/ascmhl", root);
    struct stat st;
    RS_CHECK(stat(dir, &st) < 0);
    rmtree(root);
    free(root);
}

int main(void)
{
    RS_RUN(test_roundtrip);
    RS_RUN(test_latest_skips_failed);
    RS_RUN(test_tamper);
    RS_RUN(test_parse_other_tool);
    RS_RUN(test_malformed);
    RS_RUN(test_malformed_in_history);
    RS_RUN(test_write_refuses);
    return rs_test_end();
}
