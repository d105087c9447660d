#!/usr/bin/env bash
# rushes clean --track-only / --mask-out / --review / --scratches from the command line.
. "$(dirname "$0")/../cli/lib.sh"
need_ffmpeg

# A square moving right 4 pixels a frame over a still pattern.
ffmpeg -v error -f lavfi -i "testsrc2=size=160x96:rate=25" -f lavfi -i "color=c=white:size=24x24:rate=25" \
  -filter_complex "[0][1]overlay=x='20+4*n':y=36" -frames:v 8 -pix_fmt yuv420p -c:v ffv1 "$TMP/in.mkv"
cat >"$TMP/mask.json" <<'JSON'
{ "shapes": [ { "type": "rect", "track": true, "keys": [ { "frame": 0, "rect": [18, 34, 28, 28] } ] } ] }
JSON

expect_exit 0 "track only" "$RUSHES" clean "$TMP/in.mkv" --mask "$TMP/mask.json" --track-only \
  --mask-out "$TMP/masks" --review "$TMP/review.mkv"
check "one mask per frame" test -s "$TMP/masks/mask_000007.png"
check "no ninth mask" test ! -e "$TMP/masks/mask_000008.png"
check "the review is FFV1" contains <(ffprobe -v error -show_entries stream=codec_name "$TMP/review.mkv") "ffv1"
check "the masks are PNGs ffmpeg reads" contains <(ffprobe -v error -show_entries stream=codec_name,width,height \
  -of csv=p=0 "$TMP/masks/mask_000007.png") "png,160,96"
# The tracked square's mask on the last frame covers x = 48..72 (the square moved 28 pixels).
ffmpeg -v error -i "$TMP/masks/mask_000007.png" -vf "crop=1:1:60:48" -f rawvideo -pix_fmt gray "$TMP/in_px"
ffmpeg -v error -i "$TMP/masks/mask_000007.png" -vf "crop=1:1:30:48" -f rawvideo -pix_fmt gray "$TMP/out_px"
check "the mask followed the square" test "$(od -An -tu1 "$TMP/in_px" | tr -d ' ')" = 255
check "and left where it was" test "$(od -An -tu1 "$TMP/out_px" | tr -d ' ')" = 0
expect_exit 0 "the written masks are a mask again" "$RUSHES" -q clean "$TMP/in.mkv" --mask "$TMP/masks" \
  --out "$TMP/out.mkv"
expect_exit 0 "scratches with --json" "$RUSHES" --json clean "$TMP/in.mkv" --scratches --out "$TMP/o2.mkv"
check "--json reports the scratches" contains "$TMP/out" '"scratches": 0'
check "the manifest records the scratch settings" contains "$TMP/o2.mkv.manifest.json" '"min_crossings"'
expect_exit 2 "--track-only needs --mask-out or --review" "$RUSHES" clean "$TMP/in.mkv" --mask "$TMP/mask.json" \
  --track-only
expect_exit 2 "the review is an .mkv" "$RUSHES" clean "$TMP/in.mkv" --mask "$TMP/mask.json" --track-only \
  --review "$TMP/r.mp4"
check "the message names the review" contains "$TMP/err" 'r.mp4: the review is an .mkv'

echo "$checks checks, $fails failed"
[ "$fails" -eq 0 ]
