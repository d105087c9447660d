/* Signed manifests: verify, modified output, modified manifest, wrong key, rotation, key file faults. */
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "trust_test.h"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s = calloc(1, 1 << 16);
    if (f && s)
        s[fread(s, 1, (1 << 16) - 1, f)] = '\0';
    if (f)
        fclose(f);
    return s;
}

static void test_manifest(void)
{
    char dir[64], out[128], man[192], keyfile[192], detail[512], key_id[17], pub[65], newid[17];
    RsCatalog *c = tt_project(dir);
    RS_CHECK(c != NULL);
    if (!c)
        return;
    RsActor boss = tt_actor(c, "boss");
    snprintf(out, sizeof(out), "%s/grade.cdl", dir);
    snprintf(man, sizeof(man), "%s%s", out, RS_MANIFEST_SUFFIX);
    write_file(out, "<ColorDecisionList/>\n");
    RsManifestItem in[] = { { "A001/C001.mov", "xxh64:0123456789abcdef" } };
    int64_t consents[] = { 7 };
    RsManifestInfo m = { .operation = "colour.cdl", .c2pa_action = "c2pa.color_adjustments",
                         .params = "{\"slope\":[1,1,1]}", .inputs = in, .nb_inputs = 1, .consents = consents,
                         .nb_consents = 1 };
    RS_CHECK_EQ_INT(rs_manifest_write(c, &boss, out, &m), 0);
    RS_CHECK_EQ_INT(rs_manifest_verify(c, NULL, out, detail, sizeof(detail)), 0);
    char *text = slurp(man);
    RS_CHECK_CONTAINS(text, "\"inputs\":[{\"path\":\"A001/C001.mov\",\"hash\":\"xxh64:0123456789abcdef\"}]");
    RS_CHECK_CONTAINS(text, "\"consents\":[7]");
    RS_CHECK_CONTAINS(text, "\"actor\":{\"user\":\"boss\",\"role\":\"admin\"}");

    /* The public key alone verifies it too; another key does not. */
    RS_CHECK_EQ_INT(rs_key_active(c, key_id, pub), 0);
    RS_CHECK_EQ_INT(rs_manifest_verify(NULL, pub, out, detail, sizeof(detail)), 0);
    unsigned char opk[32], osk[64];
    char other[65];
    crypto_sign_keypair(opk, osk);
    for (int i = 0; i < 32; i++)
        snprintf(other + 2 * i, 3, "%02x", opk[i]);
    RS_CHECK_EQ_INT(rs_manifest_verify(NULL, other, out, detail, sizeof(detail)), RS_ETAMPER);

    /* Rotation keeps old manifests verifiable. */
    RS_CHECK_EQ_INT(rs_key_rotate(c, &boss, newid), 0);
    RS_CHECK(strcmp(newid, key_id));
    RS_CHECK_EQ_INT(rs_manifest_verify(c, NULL, out, detail, sizeof(detail)), 0);
    RS_CHECK_CONTAINS(detail, key_id);

    /* A modified manifest: one parameter changed. */
    char *p = strstr(text, "[1,1,1]");
    RS_CHECK(p != NULL);
    if (p)
        p[1] = '2';
    write_file(man, text);
    RS_CHECK_EQ_INT(rs_manifest_verify(c, NULL, out, detail, sizeof(detail)), RS_ETAMPER);
    RS_CHECK_CONTAINS(rs_error_message(), "the manifest was modified");
    if (p)
        p[1] = '1';
    write_file(man, text);
    RS_CHECK_EQ_INT(rs_manifest_verify(c, NULL, out, detail, sizeof(detail)), 0);

    /* Every byte of the manifest matters: flip one bit, or the letter case, of each in turn. */
    size_t len = strlen(text);
    int caught = 0;
    for (size_t i = 0; i < len; i++)
        for (int k = 0; k < 2; k++) {
            char save = text[i];
            text[i] = (char)(save ^ (k ? 0x20 : 0x01));
            write_file(man, text);
            caught += rs_manifest_verify(c, NULL, out, detail, sizeof(detail)) < 0;
            text[i] = save;
        }
    RS_CHECK_EQ_INT(caught, (int)(2 * len));
    write_file(man, text);
    RS_CHECK_EQ_INT(rs_manifest_verify(c, NULL, out, detail, sizeof(detail)), 0);
    free(text);

    /* A modified output. */
    write_file(out, "<ColorDecisionList>changed</ColorDecisionList>\n");
    RS_CHECK_EQ_INT(rs_manifest_verify(c, NULL, out, detail, sizeof(detail)), RS_ETAMPER);
    RS_CHECK_CONTAINS(rs_error_message(), "the file was modified after it was signed");

    /* No manifest; not a manifest. */
    RS_CHECK_EQ_INT(rs_manifest_verify(c, NULL, man, detail, sizeof(detail)), RS_ENOENT);
    write_file(man, "{}");
    RS_CHECK_EQ_INT(rs_manifest_verify(c, NULL, out, detail, sizeof(detail)), RS_ETAMPER);

    /* Key file faults: readable by others, then missing. */
    snprintf(keyfile, sizeof(keyfile), "%s/p/keys/%s.sk", dir, newid);
    struct stat stt;
    RS_CHECK(!stat(keyfile, &stt) && (stt.st_mode & 0777) == 0600);
    chmod(keyfile, 0644);
    RS_CHECK_EQ_INT(rs_manifest_write(c, &boss, out, &m), RS_EACCES);
    RS_CHECK_CONTAINS(rs_error_message(), "readable by others");
    unlink(keyfile);
    RS_CHECK_EQ_INT(rs_manifest_write(c, &boss, out, &m), RS_ENOENT);
    RS_CHECK_CONTAINS(rs_error_message(), "missing");
    tt_cleanup(&c, dir);
}

int main(void)
{
    RS_RUN(test_manifest);
    return rs_test_end();
}
