#!/usr/bin/env bash
# Trust through the command line: users and roles, consent refusals and
# revocation, audit tampering with the sqlite3 tool (edit, delete, swap,
# insert, truncate), manifest tampering, tokens, keys, and bad input to every
# trust verb.
. "$(dirname "$0")/lib.sh"
need_ffmpeg
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 not installed"; exit 77; }
cd "$TMP"
card="$TMP/card/A001"
mkdir -p "$card"
ffmpeg -v error -f lavfi -i testsrc2=size=160x120:rate=24 -t 1 -c:v libx264 -pix_fmt yuv420p "$card/A001C001.mov"
ffmpeg -v error -f lavfi -i testsrc2=size=160x120:rate=24 -t 1 -c:v libx264 -pix_fmt yuv420p "$card/A001C002.mov"
R() { "$RUSHES" --progress=0 "$@"; }
not_contains() { ! grep -q -- "$2" "$1"; }

expect_exit 0 "init makes the admin" env RUSHES_USER=boss "$RUSHES" init proj --title Trust
check "the admin is named" contains "$TMP/out" "admin: boss"
check "the key folder is owner-only" test "$(stat -c %a proj/keys)" = 700
check "the secret key is owner-only" test "$(stat -c %a proj/keys/*.sk)" = 600
cd proj
expect_exit 0 "ingest needs no consent" R ingest "$card" --day 1 --camera A
mhl=$(ls "$card"/ascmhl/0001_*.mhl)
check "the MHL generation has a signed manifest" test -f "$mhl.rushes-manifest.json"
expect_exit 0 "rushes verify accepts it" R verify "$mhl"

# --- users and roles
expect_exit 0 "add an editor" R user add ed --role editor
expect_exit 0 "add a viewer" R user add vi --role viewer
expect_exit 0 "add a vendor" R user add vfx --role vendor
expect_exit 3 "an unknown role is refused" R user add x --role god
check "naming the valid roles" contains "$TMP/err" "unknown role 'god' (valid: admin"
expect_exit 3 "an unknown acting user is refused" R --user nobody consent check
expect_exit 3 "an unknown acting user cannot ingest" R --user nobody ingest "$card" --day 1 --camera A
check "naming the user" contains "$TMP/err" "unknown user 'nobody'"
expect_exit 6 "an editor may not manage users" R --user ed user add y --role viewer
check "the refusal says who and what" contains "$TMP/err" "user 'ed' (editor) may not manage users"
expect_exit 6 "a viewer may not ingest" env RUSHES_USER=vi "$RUSHES" --progress=0 ingest "$card" --day 1 --camera A
expect_exit 6 "a viewer may not analyse" R --user vi analyze
expect_exit 6 "a viewer may not read the audit log" R --user vi audit verify
expect_exit 6 "an editor may not record consent" R --user ed consent add --subject X --use analysis
expect_exit 3 "role of an unknown user" R user role ghost editor
expect_exit 6 "the last admin cannot step down" R user role boss viewer
expect_exit 2 "user without a subcommand's arguments" R user add
expect_exit 0 "user list" R user list --json
check "lists the vendor" contains "$TMP/out" '"name":"vfx","role":"vendor"'

# --- consent
expect_exit 6 "analysis without consent is refused" R analyze
check "naming the clip, the use and the fix" contains "$TMP/err" \
  "clip A001/A001C001.mov: no subject is recorded for it, so nobody consented to analysis (record it with: rushes consent add"
check "nothing was analysed" test "$(sql rushes.db 'SELECT count(*) FROM analysis')" -eq 0
expect_exit 3 "a malformed date is refused" R consent add --subject "Actor 1" --use analysis --until 2026-13-01
check "naming the date" contains "$TMP/err" "'2026-13-01' is not a date"
expect_exit 3 "an unknown use is refused" R consent add --subject "Actor 1" --use dubbing
expect_exit 3 "an unknown clip is refused" R consent add --subject "Actor 1" --use analysis --clip A001/none.mov
expect_exit 2 "consent add without --use" R consent add --subject "Actor 1"
expect_exit 2 "a bad consent id" R consent revoke abc
expect_exit 3 "an unknown consent id" R consent revoke 99
expect_exit 0 "Actor 1 allows analysis of clip 1 only" \
  R consent add --subject "Actor 1" --use analysis --clip A001/A001C001.mov --contract REL-7
expect_exit 6 "analysis runs on the consented clip and refuses the other" R analyze --json
check "one analysed" contains "$TMP/out" '"clips_analyzed": 1'
check "one refused" contains "$TMP/out" '"clips_refused": 1'
check "the refusal names the subject" contains "$TMP/err" \
  "clip A001/A001C002.mov: no consent for analysis from subject 'Actor 1' (record it with: rushes consent add --subject 'Actor 1' --use analysis --clip 'A001/A001C002.mov')"
expect_exit 0 "consent for the whole project" R consent add --subject "Actor 1" --use analysis,colour
expect_exit 0 "now every clip may be analysed" R consent check --use analysis
expect_exit 0 "analyze" R analyze --json
check "the rest analysed" contains "$TMP/out" '"clips_analyzed": 1'
id=$(sql rushes.db "SELECT id FROM consent WHERE scope = 'project' AND use = 'analysis'")
expect_exit 0 "revoke the project-wide consent" R consent revoke "$id" --reason "withdrawn"
expect_exit 6 "revocation stops later use" R consent check --use analysis --clip A001/A001C002.mov
check "saying it was revoked" contains "$TMP/out" "was revoked at"
expect_exit 6 "the vendor may not colour an unassigned clip" R --user vfx consent check --use colour
expect_exit 0 "assign a clip to the vendor" R user assign vfx A001/A001C002.mov
expect_exit 0 "the vendor may colour its clip" R --user vfx consent check --use colour --clip A001/A001C002.mov
expect_exit 0 "the vendor lists its clips" R --user vfx ls --json
check "it sees its clip" contains "$TMP/out" '"file":"A001C002.mov"'
check "and not the other" not_contains "$TMP/out" '"file":"A001C001.mov"'
expect_exit 0 "the admin lists every clip" R ls --json
check "both clips" contains "$TMP/out" '"file":"A001C001.mov"'
expect_exit 3 "ls as an unknown user" R --user nobody ls
expect_exit 6 "the vendor may not read the project-wide summary" R --user vfx summary
expect_exit 0 "the audit records the refusals" R audit export
check "a refused analysis entry" contains "$TMP/out" '"action":"analysis","target":"A001/A001C002.mov"'
check "with its inputs by hash" contains "$TMP/out" '{"path":"A001/A001C001.mov","hash":"xxh64:'

# --- tokens
expect_exit 3 "a token with a malformed expiry" R token create --expires 2026-13-01
expect_exit 3 "a token for an unknown user" R token create --for ghost
expect_exit 0 "a token for ed" R token create --for ed --expires 2999-01-01 --json
tok=$(sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p' "$TMP/out")
expect_exit 0 "the token acts as ed" R token check "$tok"
check "as the editor" contains "$TMP/out" "ed editor"
sql rushes.db "UPDATE api_token SET expires_at = '2001-01-01T00:00:00Z'"
expect_exit 6 "an expired token is refused" R token check "$tok"
check "saying it expired" contains "$TMP/err" "expired at 2001-01-01"
expect_exit 0 "another token" R token create --for ed --json
tok=$(sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p' "$TMP/out")
tid=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$TMP/out")
expect_exit 0 "revoke it" R token revoke "$tid"
expect_exit 6 "a revoked token is refused" R token check "$tok"
expect_exit 2 "a bad token id" R token revoke x1

# --- audit log
expect_exit 0 "the audit log verifies" R audit verify
expect_exit 0 "audit show" R audit show
check "shows the consent revocation" contains "$TMP/out" "consent.revoke"
cp rushes.db "$TMP/good.db"
cp keys/audit.head "$TMP/good.head"
restore() { cp "$TMP/good.db" rushes.db; rm -f rushes.db-wal rushes.db-shm; cp "$TMP/good.head" keys/audit.head; }
tamper() { # tamper "what" "SQL" FIRST_BAD "words"
  restore
  sql rushes.db "$2"
  expect_exit 4 "audit verify catches $1" R audit verify --json
  check "$1: first bad entry is $3" contains "$TMP/out" "\"first_bad\":$3,"
  check "$1: the message says $4" contains "$TMP/err" "$4"
}
n=$(sql rushes.db "SELECT max(seq) FROM audit")
tamper "an edited entry" "UPDATE audit SET target = 'someone else' WHERE seq = 5" 5 "entry 5 was edited"
tamper "a deleted entry" "DELETE FROM audit WHERE seq = 6" 6 "entry 6 is missing"
tamper "swapped entries" "UPDATE audit SET seq = -1 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 4;
  UPDATE audit SET seq = 4 WHERE seq = -1" 3 "entry 3 does not follow entry 2"
tamper "an inserted entry" "UPDATE audit SET seq = seq + 1000 WHERE seq >= 8; UPDATE audit SET seq = seq - 999 WHERE seq >= 1000;
  INSERT INTO audit SELECT 8, at, actor, role, 'forged', target, inputs, outputs, params, result, hash, hash FROM audit WHERE seq = 7" \
  8 "entry 8 was edited"
tamper "a truncated tail" "DELETE FROM audit WHERE seq > $((n - 3))" $((n - 2)) "truncated after entry $((n - 3))"
tamper "a truncated tail and its checkpoints" \
  "DELETE FROM audit WHERE seq > $((n - 3)); DELETE FROM audit_checkpoint WHERE seq > $((n - 3))" $((n - 2)) "keys/audit.head"
restore
# Change the first digit of the head's hash to another digit.
awk '{ d = substr($2, 1, 1) == "0" ? "1" : "0"; $2 = d substr($2, 2); print }' "$TMP/good.head" > keys/audit.head
expect_exit 4 "audit verify catches a forged head file" R audit verify
check "naming it" contains "$TMP/err" "keys/audit.head"
restore
expect_exit 0 "the untouched copy verifies again" R audit verify

# --- manifests and keys
cp "$mhl" "$TMP/mhl.bak"; cp "$mhl.rushes-manifest.json" "$TMP/man.bak"
echo "<!-- edited -->" >> "$mhl"
expect_exit 4 "a modified output is caught" R verify "$mhl"
check "saying the file changed" contains "$TMP/err" "the file was modified after it was signed"
cp "$TMP/mhl.bak" "$mhl"
sed -i 's/"operation":"ingest.mhl"/"operation":"ingest.mhx"/' "$mhl.rushes-manifest.json"
expect_exit 4 "a modified manifest is caught" R verify "$mhl"
check "saying the manifest changed" contains "$TMP/err" "the manifest was modified"
cp "$TMP/man.bak" "$mhl.rushes-manifest.json"
expect_exit 0 "export the public key" R key export
cp "$TMP/out" "$TMP/pub.key"
expect_exit 0 "verify with the exported key, outside the project" "$RUSHES" -P /nonexistent verify --key "$TMP/pub.key" "$mhl"
expect_exit 0 "rotate the key" R key rotate
expect_exit 0 "the old manifest still verifies after rotation" R verify "$mhl"
expect_exit 0 "the audit log still verifies after rotation" R audit verify
echo "new take" > "$card/notes.txt"
expect_exit 0 "a second ingest is signed with the new key" R ingest "$card" --day 1 --camera A
mhl2=$(ls "$card"/ascmhl/0002_*.mhl)
expect_exit 0 "the project verifies the new generation" R verify "$mhl2"
expect_exit 4 "the old exported public key does not verify the new signature" R verify --key "$TMP/pub.key" "$mhl2"
expect_exit 3 "a missing key file for verify --key" R verify --key "$TMP/none.key" "$mhl"
expect_exit 3 "a file without a manifest" R verify rushes.db
expect_exit 2 "audit with an unknown subcommand" R audit frobnicate
expect_exit 2 "audit show from entry 0" R audit show --from 0
expect_exit 2 "key with an unknown subcommand" R key forge
expect_exit 2 "verify without a file" R verify
expect_exit 2 "token with an unknown subcommand" R token steal
expect_exit 2 "consent with an unknown subcommand" R consent forget
expect_exit 2 "user with an unknown subcommand" R user promote ed
expect_exit 3 "assign an unknown clip" R user assign vfx A001/none.mov
expect_exit 3 "assign to a non-vendor" R user assign ed A001/A001C001.mov

# A project from before trust (no users, no key) is adopted by the first command run on it.
cp -r "$TMP/proj" "$TMP/old"
sql "$TMP/old/rushes.db" "DELETE FROM audit; DELETE FROM audit_checkpoint; DELETE FROM api_token;
  DELETE FROM vendor_clip; DELETE FROM user; DELETE FROM signing_key"
rm -rf "$TMP/old/keys"
expect_exit 0 "an old project is adopted" env RUSHES_USER=newboss "$RUSHES" -P "$TMP/old" audit verify
check "with a warning that says so" contains "$TMP/err" "'newboss' becomes its admin"
check "and a fresh key" test "$(stat -c %a "$TMP/old/keys"/*.sk)" = 600

rm -f keys/*.sk
expect_exit 3 "a missing signing key is named" R consent add --subject "Actor 2" --use analysis
check "naming the key file" contains "$TMP/err" "signing key"
finish
