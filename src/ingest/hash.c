/*
 * Hash algorithms behind one incremental interface. The digests come from
 * well-kept libraries: libxxhash for the xxHash family, libavutil for MD5 and
 * SHA-1, libsodium for the SHA-512 inside a C4 ID. This file only adds the
 * text forms, which must match what xxhsum, md5sum, sha1sum and the ASC MHL
 * reference implementation print, byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include <libavutil/md5.h>
#include <libavutil/mem.h>
#include <libavutil/sha.h>
#include <sodium.h>
#include <xxhash.h>

#include "rushes/error.h"
#include "rushes/hash.h"

struct RsHasher {
    RsHashAlgo algo;
    union {
        XXH32_state_t *xxh32;
        XXH64_state_t *xxh64;
        XXH3_state_t *xxh3; /* both XXH3 widths share this state type */
        struct AVMD5 *md5;
        struct AVSHA *sha;
        crypto_hash_sha512_state *sha512;
    } u;
};

static const char *const algo_names[RS_HASH_COUNT] = {
    [RS_HASH_XXH64]  = "xxh64",
    [RS_HASH_XXH3]   = "xxh3",
    [RS_HASH_XXH128] = "xxh128",
    [RS_HASH_MD5]    = "md5",
    [RS_HASH_SHA1]   = "sha1",
    [RS_HASH_XXH32]  = "xxh32",
    [RS_HASH_C4]     = "c4",
};

static const int algo_hex_len[RS_HASH_COUNT] = {
    [RS_HASH_XXH64] = 16, [RS_HASH_XXH3] = 16, [RS_HASH_XXH128] = 32,
    [RS_HASH_MD5] = 32, [RS_HASH_SHA1] = 40, [RS_HASH_XXH32] = 8, [RS_HASH_C4] = 90,
};

const char *rs_hash_algo_name(RsHashAlgo a)
{
    return (unsigned)a < RS_HASH_COUNT ? algo_names[a] : "";
}

int rs_hash_algo_hex_len(RsHashAlgo a)
{
    return (unsigned)a < RS_HASH_COUNT ? algo_hex_len[a] : 0;
}

int rs_hash_algo_from_name(const char *name, RsHashAlgo *a)
{
    for (int i = 0; i < RS_HASH_COUNT; i++) {
        if (name && !strcmp(name, algo_names[i])) {
            *a = (RsHashAlgo)i;
            return 0;
        }
    }
    return rs_error(RS_EINVAL, "unknown hash algorithm \"%s\"; valid: "
                    "xxh64, xxh3, xxh128, md5, sha1, xxh32, c4", name ? name : "(null)");
}

static void to_hex(const uint8_t *d, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[2 * n] = '\0';
}

/*
 * A C4 ID is the SHA-512 digest read as one big-endian 512-bit number,
 * written in base 58 with the Bitcoin alphabet, left-padded with the zero
 * digit '1' to 88 digits, after the prefix "c4". 58^88 > 2^512, so 88
 * divisions by 58 always consume the whole number.
 */
static void c4_from_sha512(const uint8_t digest[64], char *out)
{
    static const char alphabet[] =
        "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    uint8_t num[64];
    memcpy(num, digest, 64);
    out[0] = 'c';
    out[1] = '4';
    for (int pos = 89; pos >= 2; pos--) {
        unsigned rem = 0;
        for (int i = 0; i < 64; i++) {
            unsigned cur = (rem << 8) | num[i];
            num[i] = (uint8_t)(cur / 58);
            rem = cur % 58;
        }
        out[pos] = alphabet[rem];
    }
    out[90] = '\0';
}

static int state_init(RsHasher *h)
{
    switch (h->algo) {
    case RS_HASH_XXH32:  return XXH32_reset(h->u.xxh32, 0) == XXH_OK ? 0 : RS_EINVAL;
    case RS_HASH_XXH64:  return XXH64_reset(h->u.xxh64, 0) == XXH_OK ? 0 : RS_EINVAL;
    case RS_HASH_XXH3:   return XXH3_64bits_reset(h->u.xxh3) == XXH_OK ? 0 : RS_EINVAL;
    case RS_HASH_XXH128: return XXH3_128bits_reset(h->u.xxh3) == XXH_OK ? 0 : RS_EINVAL;
    case RS_HASH_MD5:    av_md5_init(h->u.md5); return 0;
    case RS_HASH_SHA1:   return av_sha_init(h->u.sha, 160) < 0 ? RS_EINVAL : 0;
    case RS_HASH_C4:     return crypto_hash_sha512_init(h->u.sha512) ? RS_EINVAL : 0;
    default:             return RS_EINVAL;
    }
}

int rs_hasher_open(RsHasher **out, RsHashAlgo a)
{
    *out = NULL;
    if ((unsigned)a >= RS_HASH_COUNT)
        return rs_error(RS_EINVAL, "hash algorithm %d out of range", (int)a);
    RsHasher *h = calloc(1, sizeof(*h));
    if (!h)
        return rs_error(RS_ENOMEM, "out of memory for a %s hasher", algo_names[a]);
    h->algo = a;
    void *state = NULL;
    switch (a) {
    case RS_HASH_XXH32:  state = h->u.xxh32 = XXH32_createState(); break;
    case RS_HASH_XXH64:  state = h->u.xxh64 = XXH64_createState(); break;
    case RS_HASH_XXH3:
    case RS_HASH_XXH128: state = h->u.xxh3 = XXH3_createState(); break;
    case RS_HASH_MD5:    state = h->u.md5 = av_md5_alloc(); break;
    case RS_HASH_SHA1:   state = h->u.sha = av_sha_alloc(); break;
    case RS_HASH_C4:     state = h->u.sha512 = malloc(sizeof(*h->u.sha512)); break;
    default: break;
    }
    if (!state) {
        free(h);
        return rs_error(RS_ENOMEM, "out of memory for a %s hasher", algo_names[a]);
    }
    int ret = state_init(h);
    if (ret < 0) {
        rs_hasher_close(&h);
        return rs_error(ret, "cannot initialise a %s hasher", algo_names[a]);
    }
    *out = h;
    return 0;
}

void rs_hasher_update(RsHasher *h, const void *data, size_t len)
{
    switch (h->algo) {
    case RS_HASH_XXH32:  XXH32_update(h->u.xxh32, data, len); break;
    case RS_HASH_XXH64:  XXH64_update(h->u.xxh64, data, len); break;
    case RS_HASH_XXH3:   XXH3_64bits_update(h->u.xxh3, data, len); break;
    case RS_HASH_XXH128: XXH3_128bits_update(h->u.xxh3, data, len); break;
    case RS_HASH_MD5:    av_md5_update(h->u.md5, data, len); break;
    case RS_HASH_SHA1:   av_sha_update(h->u.sha, data, len); break;
    case RS_HASH_C4:     crypto_hash_sha512_update(h->u.sha512, data, len); break;
    default: break;
    }
}

void rs_hasher_final(RsHasher *h, char hex[RS_HASH_HEX_MAX])
{
    uint8_t d[64];
    switch (h->algo) {
    case RS_HASH_XXH32: {
        XXH32_canonical_t c;
        XXH32_canonicalFromHash(&c, XXH32_digest(h->u.xxh32));
        to_hex(c.digest, sizeof(c.digest), hex);
        break;
    }
    case RS_HASH_XXH64: {
        XXH64_canonical_t c;
        XXH64_canonicalFromHash(&c, XXH64_digest(h->u.xxh64));
        to_hex(c.digest, sizeof(c.digest), hex);
        break;
    }
    case RS_HASH_XXH3: {
        XXH64_canonical_t c;
        XXH64_canonicalFromHash(&c, XXH3_64bits_digest(h->u.xxh3));
        to_hex(c.digest, sizeof(c.digest), hex);
        break;
    }
    case RS_HASH_XXH128: {
        XXH128_canonical_t c;
        XXH128_canonicalFromHash(&c, XXH3_128bits_digest(h->u.xxh3));
        to_hex(c.digest, sizeof(c.digest), hex);
        break;
    }
    case RS_HASH_MD5:
        av_md5_final(h->u.md5, d);
        to_hex(d, 16, hex);
        break;
    case RS_HASH_SHA1:
        av_sha_final(h->u.sha, d);
        to_hex(d, 20, hex);
        break;
    case RS_HASH_C4:
        crypto_hash_sha512_final(h->u.sha512, d);
        c4_from_sha512(d, hex);
        break;
    default:
        hex[0] = '\0';
        break;
    }
    /* Cannot fail for a state that opened: every init above only fails on a
     * bad argument, which open already ruled out. */
    state_init(h);
}

void rs_hasher_close(RsHasher **hp)
{
    RsHasher *h = *hp;
    if (!h)
        return;
    switch (h->algo) {
    case RS_HASH_XXH32:  XXH32_freeState(h->u.xxh32); break;
    case RS_HASH_XXH64:  XXH64_freeState(h->u.xxh64); break;
    case RS_HASH_XXH3:
    case RS_HASH_XXH128: XXH3_freeState(h->u.xxh3); break;
    case RS_HASH_MD5:    av_free(h->u.md5); break;
    case RS_HASH_SHA1:   av_free(h->u.sha); break;
    case RS_HASH_C4:     free(h->u.sha512); break;
    default: break;
    }
    free(h);
    *hp = NULL;
}

int rs_hash_buffer(RsHashAlgo a, const void *data, size_t len, char hex[RS_HASH_HEX_MAX])
{
    RsHasher *h;
    int ret = rs_hasher_open(&h, a);
    if (ret < 0)
        return ret;
    rs_hasher_update(h, data, len);
    rs_hasher_final(h, hex);
    rs_hasher_close(&h);
    return 0;
}
