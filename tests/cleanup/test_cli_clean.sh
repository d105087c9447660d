#!/usr/bin/env bash
# rushes clean from the command line: outputs, manifest, --json, usage errors.
. "$(dirname "$0")/../cli/lib.sh"
need_ffmpeg

ffmpeg -v error -f lavfi -i "testsrc2=size=128x72:rate=25" -frames:v 6 -pix_fmt yuv420p -c:v ffv1 \
  -timecode 10:00:00:00 "$TMP/in.mkv"
cat >"$TMP/mask.json" <<'JSON'
{ "shapes": [ { "type": "ellipse", "keys": [ { "frame": 0, "ellipse": [30, 36, 10, 8] },
                                             { "frame": 5, "ellipse": [90, 36, 10, 8] } ] } ] }
JSON

expect_exit 0 "clean to FFV1" "$RUSHES" clean "$TMP/in.mkv" --mask "$TMP/mask.json" --out "$TMP/out.mkv"
check "output written" test -s "$TMP/out.mkv"
check "manifest written" contains "$TMP/out.mkv.manifest.json" '"xxh64"'
check "manifest names the mask" contains "$TMP/out.mkv.manifest.json" "mask.json"
check "timecode kept" contains <(ffprobe -v error -show_entries format_tags=timecode:stream_tags=timecode \
  "$TMP/out.mkv") "10:00:00:00"
check "size kept" contains <(ffprobe -v error -show_entries stream=width,height -of csv=p=0 "$TMP/out.mkv") "128,72"
expect_exit 0 "clean --json" "$RUSHES" --json clean "$TMP/in.mkv" --mask "$TMP/mask.json" --out "$TMP/o2.mkv"
check "--json reports the masked pixels" contains "$TMP/out" '"masked_pixels"'
expect_exit 0 "clean to ProRes" "$RUSHES" -q clean "$TMP/in.mkv" --mask "$TMP/mask.json" --out "$TMP/out.mov"
check "ProRes written" contains <(ffprobe -v error -show_entries stream=codec_name "$TMP/out.mov") "prores"
expect_exit 2 "no --mask is a usage error" "$RUSHES" clean "$TMP/in.mkv" --out "$TMP/x.mkv"
expect_exit 2 "an .mp4 output is refused" "$RUSHES" clean "$TMP/in.mkv" --mask "$TMP/mask.json" --out "$TMP/x.mp4"
echo '{ "shapes": [ { "type": "rect", "keys": [ { "frame": 0, "rect": [1, 2] } ] } ] }' >"$TMP/bad.json"
expect_exit 2 "a malformed mask is refused" "$RUSHES" clean "$TMP/in.mkv" --mask "$TMP/bad.json" --out "$TMP/x.mkv"
check "the message names the mask and the field" contains "$TMP/err" 'bad.json: shapes\[0\].keys\[0\]'

echo "$checks checks, $fails failed"
[ "$fails" -eq 0 ]
