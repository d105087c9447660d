/* Listings of the trust tables, as JSON or as aligned text lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/strbuf.h"
#include "rushes/error.h"
#include "trust/trust_internal.h"

typedef struct Listing {
    const char *what;
    const char *sql;
    const char *header;   /* text mode: a printf format applied to every column as a string */
} Listing;

static const Listing listings[] = {
    { "users", "SELECT name, role, created_at, coalesce(removed_at, '') AS removed_at,"
               " CASE WHEN password_hash IS NULL THEN 'no' ELSE 'yes' END AS password FROM user ORDER BY id",
      "%-20s %-11s %-21s %-21s %s\n" },
    { "tokens", "SELECT api_token.id, user.name AS user, api_token.created_at,"
                " coalesce(api_token.expires_at, 'never') AS expires_at,"
                " coalesce(api_token.revoked_at, '') AS revoked_at FROM api_token"
                " JOIN user ON user.id = api_token.user_id ORDER BY api_token.id",
      "%-5s %-20s %-21s %-21s %s\n" },
    { "consent", "SELECT consent.id, subject.name AS subject, use, value, scope,"
                 " coalesce(valid_from, '') AS valid_from, coalesce(valid_until, '') AS valid_until,"
                 " coalesce(contract, '') AS contract, recorded_by, coalesce(revoked_at, '') AS revoked_at,"
                 " coalesce(constraint_text, '') AS constraint_text FROM consent"
                 " JOIN subject ON subject.id = consent.subject_id ORDER BY consent.id",
      "%-4s %-16s %-9s %-12s %-24s %-21s %-21s %-12s %-10s %-21s %s\n" },
    { "subjects", "SELECT subject.name, coalesce((SELECT group_concat(roll.name || '/' || file.rel_path, ', ')"
                  " FROM subject_clip l JOIN clip ON clip.id = l.clip_id JOIN file ON file.id = clip.file_id"
                  " JOIN roll ON roll.id = file.roll_id WHERE l.subject_id = subject.id), '(every clip)')"
                  " AS clips FROM subject ORDER BY id",
      "%-20s %s\n" },
    { "keys", "SELECT key_id, public_key, created_at, coalesce(retired_at, 'active') AS retired_at"
              " FROM signing_key ORDER BY rowid",
      "%-17s %-65s %-21s %s\n" },
};

int rs_trust_list(RsCatalog *c, const char *what, int json, char **out)
{
    const Listing *l = NULL;
    for (size_t i = 0; i < sizeof(listings) / sizeof(listings[0]); i++)
        if (what && !strcmp(listings[i].what, what))
            l = &listings[i];
    if (!l)
        return rs_error(RS_EINVAL, "nothing to list called '%s'", what ? what : "");
    if (json) {
        int ret = rs_catalog_query_json(c, l->sql, NULL, out);
        if (ret >= 0) {
            size_t n = strlen(*out);
            char *s = realloc(*out, n + 2);
            if (!s)
                return RS_ENOMEM;
            memcpy(s + n, "\n", 2);
            *out = s;
        }
        return ret;
    }
    sqlite3_stmt *st;
    int ret = rs_trust_prepare(c, l->sql, &st);
    if (ret < 0)
        return ret;
    RsStrbuf b = { 0 };
    const char *v[12] = { 0 };
    int n = sqlite3_column_count(st);
    for (int k = 0; k < n && k < 12; k++)
        v[k] = sqlite3_column_name(st, k);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    rs_strbuf_printf(&b, l->header, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int k = 0; k < n && k < 12; k++)
            v[k] = (const char *)sqlite3_column_text(st, k);
        rs_strbuf_printf(&b, l->header, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
    }
#pragma GCC diagnostic pop
    sqlite3_finalize(st);
    if (b.oom) {
        rs_strbuf_free(&b);
        return RS_ENOMEM;
    }
    *out = b.s ? b.s : strdup("");
    return *out ? 0 : RS_ENOMEM;
}
