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

# A long shot with a cut inside: 30 frames of one picture, 24 of another, both flickering. With
# --max-frames 16 it is cleaned in windows (the deflicker holds what it needs ahead on its own) and
# the pictures are the whole shot's, bit for bit, with the dust pass too (without refining passes,
# whose reach a window of 16 frames could not hold: test_clean_window.c covers them).
ffmpeg -v error -f lavfi -i "testsrc2=size=128x72:rate=25" -f lavfi -i "mandelbrot=size=128x72:rate=25" \
  -filter_complex "[0]trim=end_frame=30,setpts=N/25/TB[a];[1]trim=end_frame=24,setpts=N/25/TB[b];[a][b]concat=n=2,\
eq=brightness='0.05*sin(n*2.1)':eval=frame,format=yuv420p" -c:v ffv1 "$TMP/long.mkv"
expect_exit 0 "a 54-frame shot with a cut, whole" "$RUSHES" -v clean "$TMP/long.mkv" --deflicker --dust \
  --refine 0 --out "$TMP/whole.mkv"
check "the cut is found" contains "$TMP/err" "1 cut inside the shot"
expect_exit 0 "the same in windows of 16 frames" "$RUSHES" --json clean "$TMP/long.mkv" --deflicker --dust \
  --refine 0 --max-frames 16 --out "$TMP/win.mkv"
check "in windows" contains "$TMP/out" '"windows": [1-9]'
check "the windows give the whole shot's pictures" cmp <(ffmpeg -v error -i "$TMP/whole.mkv" -f framemd5 -) \
  <(ffmpeg -v error -i "$TMP/win.mkv" -f framemd5 -)
check "every frame written" contains <(ffprobe -v error -count_frames -show_entries stream=nb_read_frames \
  -of csv=p=0 "$TMP/win.mkv") "54"
check "and deflickered" bash -c "! cmp -s <(ffmpeg -v error -i '$TMP/long.mkv' -f framemd5 -) \
  <(ffmpeg -v error -i '$TMP/win.mkv' -f framemd5 -)"
expect_exit 3 "what the deflicker holds ahead counts against --max-memory" "$RUSHES" clean "$TMP/long.mkv" \
  --deflicker --max-memory 1 --out "$TMP/x.mkv"
check "and it says so" contains "$TMP/err" "deflicker holds"

echo "$checks checks, $fails failed"
[ "$fails" -eq 0 ]
