/*
 * The role matrix: the one table that says which role may do what. The
 * command line, the HTTP server and doc/trust.md all read it from here.
 */
#include <string.h>

#include "rushes/error.h"
#include "trust/trust_internal.h"

static const char *const role_names[RS_ROLE_COUNT] = {
    "admin", "supervisor", "editor", "artist", "vendor", "viewer",
};

static const char *const op_names[RS_OP_COUNT] = {
    "read", "ingest", "analyze", "clean", "colour", "train", "export", "consent", "users", "audit",
};

/* The same operations in words, for refusals. */
static const char *const op_words[RS_OP_COUNT] = {
    "read footage", "ingest", "analyse", "clean up", "grade (colour)", "train models", "export",
    "manage consent", "manage users and keys", "read the audit log",
};

static const char *const use_names[RS_USE_COUNT] = {
    "analysis", "cleanup", "colour", "training", "export",
};

/*
 * Rows are roles, columns operations, in enum order. A vendor's 1s hold only
 * for the clips assigned to it (checked by rs_trust_authorize). Training a
 * model on people's images is the admin's call alone; consent is recorded by
 * those who answer to the production for it (admin, supervisor).
 */
static const unsigned char matrix[RS_ROLE_COUNT][RS_OP_COUNT] = {
    /*               read ingest analyze clean colour train export consent users audit */
    /* admin      */ { 1,   1,     1,      1,    1,     1,    1,     1,      1,    1 },
    /* supervisor */ { 1,   1,     1,      1,    1,     0,    1,     1,      0,    1 },
    /* editor     */ { 1,   1,     1,      0,    0,     0,    1,     0,      0,    0 },
    /* artist     */ { 1,   0,     1,      1,    1,     0,    0,     0,      0,    0 },
    /* vendor     */ { 1,   0,     0,      1,    1,     0,    0,     0,      0,    0 },
    /* viewer     */ { 1,   0,     0,      0,    0,     0,    0,     0,      0,    0 },
};

static int lookup(const char *const *names, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (!strcmp(names[i], name))
            return i;
    return -1;
}

const char *rs_role_name(RsRole r)
{
    return (unsigned)r < RS_ROLE_COUNT ? role_names[r] : "";
}

int rs_role_from_name(const char *name, RsRole *r)
{
    int i = lookup(role_names, RS_ROLE_COUNT, name);
    if (i < 0)
        return rs_error(RS_EINVAL, "unknown role '%s' (valid: admin, supervisor, editor, artist, vendor, viewer)",
                        name ? name : "");
    *r = (RsRole)i;
    return 0;
}

const char *rs_op_name(RsOp op)
{
    return (unsigned)op < RS_OP_COUNT ? op_names[op] : "";
}

int rs_op_from_name(const char *name, RsOp *op)
{
    int i = lookup(op_names, RS_OP_COUNT, name);
    if (i < 0)
        return rs_error(RS_EINVAL, "unknown operation '%s' (valid: read, ingest, analyze, clean, colour, train, "
                        "export, consent, users, audit)", name ? name : "");
    *op = (RsOp)i;
    return 0;
}

const char *rs_use_name(RsUse u)
{
    return (unsigned)u < RS_USE_COUNT ? use_names[u] : "";
}

int rs_use_from_name(const char *name, RsUse *u)
{
    int i = lookup(use_names, RS_USE_COUNT, name);
    if (i < 0)
        return rs_error(RS_EINVAL, "unknown use '%s' (valid: analysis, cleanup, colour, training, export)",
                        name ? name : "");
    *u = (RsUse)i;
    return 0;
}

int rs_role_allows(RsRole role, RsOp op)
{
    return (unsigned)role < RS_ROLE_COUNT && (unsigned)op < RS_OP_COUNT && matrix[role][op];
}

int rs_trust_require(const RsActor *actor, RsOp op)
{
    if (!actor || !actor->user[0])
        return rs_error(RS_EDENIED, "no actor: every operation on a project names the user who performs it");
    if (!rs_role_allows(actor->role, op))
        return rs_error(RS_EDENIED, "user '%s' (%s) may not %s; ask an admin to change the role "
                        "(rushes user role %s ROLE)", actor->user, rs_role_name(actor->role), op_words[op],
                        actor->user);
    return 0;
}
