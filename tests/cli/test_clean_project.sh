#!/usr/bin/env bash
# Clean-up of project footage follows the project's rules: refused without
# consent for clean-up, audited, and the render carries a signed manifest
# that `rushes verify` checks.
. "$(dirname "$0")/lib.sh"
need_ffmpeg
cd "$TMP"
mkdir -p card/A001
ffmpeg -v error -f lavfi -i "testsrc2=size=320x240:rate=24" -frames:v 24 -c:v libx264 -pix_fmt yuv420p \
  card/A001/A001C001.mov
cat > mask.json <<'JSON'
{ "shapes": [ { "type": "rect", "keys": [ { "frame": 0, "rect": [40, 40, 60, 40] } ] } ] }
JSON
"$RUSHES" -q init proj --title Clean
cd proj
"$RUSHES" -q --progress=0 ingest "$TMP/card/A001" --day 1 --camera A
expect_exit 6 "clean-up without consent is refused" \
  "$RUSHES" --progress=0 clean "$TMP/card/A001/A001C001.mov" --mask "$TMP/mask.json" --out "$TMP/out.mkv"
check "the refusal names the use" contains "$TMP/err" "cleanup"
check "nothing was written" test ! -e "$TMP/out.mkv"
expect_exit 0 "consent for clean-up" "$RUSHES" consent add --subject "Actor 1" --use cleanup --contract C-7
expect_exit 0 "a viewer may not clean" "$RUSHES" user add viewer1 --role viewer
expect_exit 6 "the viewer is refused" "$RUSHES" --user viewer1 --progress=0 clean "$TMP/card/A001/A001C001.mov" \
  --mask "$TMP/mask.json" --out "$TMP/out.mkv"
expect_exit 0 "the admin cleans" \
  "$RUSHES" --progress=0 clean "$TMP/card/A001/A001C001.mov" --mask "$TMP/mask.json" --out "$TMP/out.mkv"
check "the render is signed" test -f "$TMP/out.mkv.rushes-manifest.json"
check "the manifest relies on the consent record" contains "$TMP/out.mkv.rushes-manifest.json" "cleanup.render"
expect_exit 0 "rushes verify accepts the render" "$RUSHES" verify "$TMP/out.mkv"
expect_exit 0 "the audit log verifies" "$RUSHES" audit verify
expect_exit 0 "audit export" "$RUSHES" audit export
check "the refusal and the render are audited" contains "$TMP/out" '"result":"refused"'
check "the render's hash is in the log" contains "$TMP/out" 'cleanup.render'
printf 'X' | dd of="$TMP/out.mkv" bs=1 seek=4000 conv=notrunc 2>/dev/null
expect_exit 4 "a modified render fails verification" "$RUSHES" verify "$TMP/out.mkv"
# A file that is not project footage is cleaned as a standalone tool: no project rules, nothing signed.
expect_exit 0 "a file of no project is cleaned standalone" \
  "$RUSHES" --progress=0 clean "$TMP/out.mkv" --mask "$TMP/mask.json" --out "$TMP/out2.mkv" -P "$TMP/proj"
check "with the clean-up's own manifest" test -f "$TMP/out2.mkv.manifest.json"
check "and no signed one" test ! -e "$TMP/out2.mkv.rushes-manifest.json"
finish
