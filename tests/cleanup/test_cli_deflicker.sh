#!/usr/bin/env bash
# rushes clean --deflicker from the command line: output, manifest, usage errors.
. "$(dirname "$0")/../cli/lib.sh"
need_ffmpeg

# A test pattern whose brightness jumps from frame to frame: flicker to remove.
ffmpeg -v error -f lavfi -i "testsrc2=size=160x96:rate=25" -frames:v 16 \
  -vf "eq=brightness='0.06*sin(n*2.1)':eval=frame" -pix_fmt yuv420p -c:v ffv1 "$TMP/in.mkv"

expect_exit 0 "deflicker alone" "$RUSHES" clean "$TMP/in.mkv" --deflicker --deflicker-window 5 --out "$TMP/out.mkv"
check "output written" test -s "$TMP/out.mkv"
check "the summary says it" contains "$TMP/out" "deflicker: mean luma change"
check "manifest records the window" contains "$TMP/out.mkv.manifest.json" '"deflicker_window": 5'
check "manifest says how much changed" contains "$TMP/out.mkv.manifest.json" '"mean_luma_change"'
check "frames kept" contains <(ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 \
  "$TMP/out.mkv") "16"
expect_exit 0 "--json" "$RUSHES" --json clean "$TMP/in.mkv" --deflicker --out "$TMP/o2.mkv"
check "--json reports the change" contains "$TMP/out" '"deflicker_mean_change"'
# 10-bit 4:2:2 is deflickered at its own depth and written back as it came.
ffmpeg -v error -f lavfi -i "testsrc2=size=160x96:rate=25" -frames:v 12 \
  -vf "eq=brightness='0.06*sin(n*2.1)':eval=frame" -pix_fmt yuv422p10le -c:v ffv1 "$TMP/in10.mkv"
expect_exit 0 "deflicker 10-bit 4:2:2" "$RUSHES" -q clean "$TMP/in10.mkv" --deflicker --deflicker-window 5 \
  --out "$TMP/out10.mkv"
check "10-bit 4:2:2 kept" contains <(ffprobe -v error -show_entries stream=pix_fmt -of csv=p=0 "$TMP/out10.mkv") \
  "yuv422p10le"
check "its manifest says how much changed" contains "$TMP/out10.mkv.manifest.json" '"mean_luma_change"'
expect_exit 2 "an even window is refused" "$RUSHES" clean "$TMP/in.mkv" --deflicker --deflicker-window 4 \
  --out "$TMP/x.mkv"
check "the message names the window" contains "$TMP/err" "window 4"

echo "$checks checks, $fails failed"
[ "$fails" -eq 0 ]
