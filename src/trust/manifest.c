/*
 * Signed sidecar manifests: FILE.rushes-manifest.json beside every output.
 *
 *   {"manifest":BODY,"signature":"128 hex digits"}
 *
 * BODY is compact JSON written by rushes in a fixed field order and is the
 * exact byte string signed with Ed25519, so verification needs no JSON
 * canonicalisation: it takes the bytes between the fixed prefix and the
 * signature. BODY starts with format, key_id and output_hash in fixed
 * positions so they are read back without a parser. doc/trust.md maps the
 * fields onto C2PA actions, ingredients and the CAWG assertion.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/json.h"
#include "rushes/error.h"
#include "trust/trust_internal.h"

#define PREFIX "{\"manifest\":"
#define SIG_KEY ",\"signature\":\""
#define BODY_HEAD "{\"format\":\"rushes-manifest/1\",\"key_id\":\""

int rs_trust_sha256_file(const char *path, char out[72], int64_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return rs_error(errno == ENOENT ? RS_ENOENT : RS_EIO, "%s: %s", path, strerror(errno));
    crypto_hash_sha256_state s;
    unsigned char buf[1 << 16], d[crypto_hash_sha256_BYTES];
    size_t n;
    *size = 0;
    crypto_hash_sha256_init(&s);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        crypto_hash_sha256_update(&s, buf, n);
        *size += (int64_t)n;
    }
    int err = ferror(f);
    fclose(f);
    if (err)
        return rs_error(RS_EIO, "%s: read failed", path);
    crypto_hash_sha256_final(&s, d);
    memcpy(out, "sha256:", 7);
    rs_trust_hex(d, sizeof(d), out + 7);
    return 0;
}

int rs_manifest_write(RsCatalog *c, const RsActor *by, const char *output, const RsManifestInfo *m)
{
    char hash[72], key_id[17], pub[65], now[32], sig[129], path[PATH_MAX];
    int64_t size;
    int ret = rs_trust_sodium();
    if (ret < 0 || (ret = rs_trust_sha256_file(output, hash, &size)) < 0 || (ret = rs_key_active(c, key_id, pub)) < 0)
        return ret;
    if (!m->operation || !m->c2pa_action)
        return rs_error(RS_EINVAL, "a manifest needs an operation and a C2PA action");
    if ((size_t)snprintf(path, sizeof(path), "%s%s", output, RS_MANIFEST_SUFFIX) >= sizeof(path))
        return rs_error(RS_EINVAL, "%s: path too long for a manifest", output);
    rs_utc_now(now);
    const char *base = strrchr(output, '/');
    RsJson j = { 0 };
    rs_json_begin_object(&j, NULL);
    rs_json_string(&j, "format", "rushes-manifest/1");
    rs_json_string(&j, "key_id", key_id);
    rs_json_string(&j, "output_hash", hash);
    rs_json_string(&j, "output_file", base ? base + 1 : output);
    rs_json_int(&j, "output_size", size);
    rs_json_string(&j, "operation", m->operation);
    rs_json_string(&j, "c2pa_action", m->c2pa_action);
    rs_json_raw(&j, "parameters", m->params ? m->params : "{}");
    rs_json_begin_array(&j, "inputs");
    for (int i = 0; i < m->nb_inputs; i++) {
        rs_json_begin_object(&j, NULL);
        rs_json_string(&j, "path", m->inputs[i].path);
        rs_json_string(&j, "hash", m->inputs[i].hash);
        rs_json_end_object(&j);
    }
    rs_json_end_array(&j);
    rs_json_begin_array(&j, "consents");
    for (int i = 0; i < m->nb_consents; i++)
        rs_json_int(&j, NULL, m->consents[i]);
    rs_json_end_array(&j);
    rs_json_begin_object(&j, "actor");
    rs_json_string(&j, "user", by && by->user[0] ? by->user : "system");
    rs_json_string(&j, "role", by && by->user[0] ? rs_role_name(by->role) : "system");
    rs_json_end_object(&j);
    char gen[64];
    snprintf(gen, sizeof(gen), "rushes %s", rs_version());
    rs_json_string(&j, "software", gen);
    rs_json_string(&j, "created_at", now);
    rs_json_string(&j, "public_key", pub);
    rs_json_end_object(&j);
    char *body = rs_json_take(&j);
    if (!body)
        return RS_ENOMEM;
    if ((ret = rs_trust_sign(c, body, strlen(body), key_id, sig)) < 0) {
        free(body);
        return ret;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        free(body);
        return rs_error(-errno, "%s: %s", path, strerror(errno));
    }
    fprintf(f, "%s%s%s%s\"}\n", PREFIX, body, SIG_KEY, sig);
    free(body);
    if (fclose(f))
        return rs_error(RS_EIO, "%s: write failed", path);
    return 0;
}

static char *read_all(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = malloc(max + 1);
    size_t n = s ? fread(s, 1, max, f) : 0;
    fclose(f);
    if (s)
        s[n] = '\0';
    return s;
}

/* Copy the string value starting at p (just after an opening quote) into out. */
static int take_string(const char *p, char *out, size_t n)
{
    const char *q = strchr(p, '"');
    if (!q || (size_t)(q - p) >= n)
        return -1;
    memcpy(out, p, (size_t)(q - p));
    out[q - p] = '\0';
    return 0;
}

int rs_manifest_verify(RsCatalog *c, const char *public_hex, const char *file, char *detail, size_t dn)
{
    char path[PATH_MAX], key_id[17], want[80], have[72], sig[129];
    int64_t size;
    int ret = rs_trust_sodium();
    if (ret < 0)
        return ret;
    if (detail && dn)
        detail[0] = '\0';
    snprintf(path, sizeof(path), "%s%s", file, RS_MANIFEST_SUFFIX);
    char *text = read_all(path, 1 << 20);
    if (!text)
        return rs_error(RS_ENOENT, "%s: no manifest (%s)", file, strerror(errno));
    size_t len = strlen(text);
    char *sigp = strstr(text, SIG_KEY);
    char *last = sigp;
    while (last && (last = strstr(last + 1, SIG_KEY)))
        sigp = last;
    if (strncmp(text, PREFIX, strlen(PREFIX)) || !sigp || len < strlen(PREFIX) + strlen(BODY_HEAD)) {
        free(text);
        return rs_error(RS_ETAMPER, "%s: not a rushes manifest", path);
    }
    char *body = text + strlen(PREFIX);
    const char *kp = body + strlen(BODY_HEAD);
    const char *hp = strncmp(body, BODY_HEAD, strlen(BODY_HEAD)) ? NULL : kp + 16;
    if (!hp || take_string(kp, key_id, sizeof(key_id)) || strncmp(hp, "\",\"output_hash\":\"", 17) ||
        take_string(hp + 17, want, sizeof(want)) || take_string(sigp + strlen(SIG_KEY), sig, sizeof(sig))) {
        free(text);
        return rs_error(RS_ETAMPER, "%s: the manifest's fields are damaged", path);
    }
    /* Nothing outside the signed body may change either: the signature in lowercase hex, then the end. */
    const char *tail = sigp + strlen(SIG_KEY) + strlen(sig);
    if (strlen(sig) != 128 || strspn(sig, "0123456789abcdef") != 128 || (strcmp(tail, "\"}\n") && strcmp(tail, "\"}"))) {
        free(text);
        return rs_error(RS_ETAMPER, "%s: the manifest's signature or its end was modified", path);
    }
    *sigp = '\0';
    size_t body_len = (size_t)(sigp - body);
    if (public_hex)
        ret = rs_trust_check_sig_pub(public_hex, body, body_len, sig);
    else if (c)
        ret = rs_trust_check_sig(c, key_id, body, body_len, sig);
    else
        ret = rs_error(RS_EINVAL, "verifying a manifest needs the project or a public key");
    free(text);
    if (ret < 0)
        return rs_error(ret, "%s: the manifest was modified or not signed by this project: %s", path,
                        rs_error_message());
    if ((ret = rs_trust_sha256_file(file, have, &size)) < 0)
        return ret;
    if (strcmp(have, want))
        return rs_error(RS_ETAMPER, "%s: the file was modified after it was signed (manifest %s, file now %s)",
                        file, want, have);
    if (detail)
        snprintf(detail, dn, "%s: signed by key %s, content matches (%s)", file, key_id, want);
    return 0;
}
