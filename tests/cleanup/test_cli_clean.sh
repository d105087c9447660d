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

# A shot longer than --max-frames is cleaned in windows: with --max-distance within the context
# (a quarter of the window, shared out among refining passes: none here) the pictures are the whole
# shot's exactly.
ffmpeg -v error -f lavfi -i "testsrc2=size=128x72:rate=25" -frames:v 30 -pix_fmt yuv420p -c:v ffv1 "$TMP/long.mkv"
cat >"$TMP/long.json" <<'JSON'
{ "shapes": [ { "type": "ellipse", "keys": [ { "frame": 0, "ellipse": [20, 36, 10, 8] },
                                             { "frame": 29, "ellipse": [108, 36, 10, 8] } ] } ] }
JSON
expect_exit 0 "clean a 30-frame shot whole" "$RUSHES" --json clean "$TMP/long.mkv" --mask "$TMP/long.json" \
  --max-distance 2 --refine 0 --out "$TMP/whole.mkv"
check "the whole shot is one piece" contains "$TMP/out" '"windows": 0'
expect_exit 0 "clean it in windows of 10" "$RUSHES" --json clean "$TMP/long.mkv" --mask "$TMP/long.json" \
  --max-distance 2 --refine 0 --max-frames 10 --out "$TMP/win.mkv"
check "in windows" contains "$TMP/out" '"windows": 5'
check "never more than 10 frames held" contains "$TMP/out" '"frames_held": 10'
check "the windows give the whole shot's pictures" cmp <(ffmpeg -v error -i "$TMP/whole.mkv" -f framemd5 -) \
  <(ffmpeg -v error -i "$TMP/win.mkv" -f framemd5 -)
check "the manifest counts every frame" contains "$TMP/win.mkv.manifest.json" '"frames": 30'
check "the manifest records the windows" contains "$TMP/win.mkv.manifest.json" '"window_frames": 10'
check "a whole shot's manifest has no windows" bash -c "! grep -q window_frames '$TMP/whole.mkv.manifest.json'"
expect_exit 0 "windows with the default max distance" "$RUSHES" clean "$TMP/long.mkv" --mask "$TMP/long.json" \
  --max-frames 10 --out "$TMP/win2.mkv"
check "the human summary says so" contains "$TMP/out" 'cleaned in 5 windows of 10 frames'
check "30 frames written" test "$(ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 \
  "$TMP/win2.mkv")" = 30
ffmpeg -v error -f lavfi -i "testsrc2=size=128x72:rate=25" -frames:v 30 -pix_fmt yuv420p -color_range pc \
  -c:v ffv1 "$TMP/long_pc.mkv"
expect_exit 0 "a full-range shot in windows" "$RUSHES" -q clean "$TMP/long_pc.mkv" --mask "$TMP/long.json" \
  --max-frames 10 --out "$TMP/win_pc.mkv"
check "keeps its range" contains <(ffprobe -v error -show_entries stream=color_range -of csv=p=0 \
  "$TMP/win_pc.mkv") "^pc"
expect_exit 3 "a window under 8 frames refuses a longer shot" "$RUSHES" clean "$TMP/long.mkv" --scratches \
  --max-frames 7 --out "$TMP/x.mkv"
check "and says so" contains "$TMP/err" 'a window needs 8 frames at least'

# Nothing the job reads is ever replaced, and a job that fails leaves the file at its output as it was.
cp "$TMP/in.mkv" "$TMP/same.mkv"
expect_exit 2 "the shot as its own output is refused" "$RUSHES" clean "$TMP/same.mkv" --mask "$TMP/mask.json" \
  --out "$TMP/same.mkv"
check "and says so" contains "$TMP/err" 'the output is the shot'
check "the shot is untouched" cmp "$TMP/same.mkv" "$TMP/in.mkv"
expect_exit 2 "a review over the shot is refused" "$RUSHES" clean "$TMP/same.mkv" --mask "$TMP/mask.json" \
  --out "$TMP/x.mkv" --review "$TMP/same.mkv"
mkdir -p "$TMP/masks12"
ffmpeg -v error -f lavfi -i "color=black:size=128x72" -vf "drawbox=x=20:y=20:w=30:h=20:color=white:t=fill" \
  -frames:v 12 "$TMP/masks12/m_%04d.png"
cp "$TMP/in.mkv" "$TMP/prev.mkv"
expect_exit 3 "a mask that ends at frame 12 of 30 fails in the second window" "$RUSHES" clean "$TMP/long.mkv" \
  --mask "$TMP/masks12" --max-frames 8 --out "$TMP/prev.mkv"
check "and names the frame" contains "$TMP/err" 'no mask picture for frame 12'
check "the earlier file at the output is as it was" cmp "$TMP/prev.mkv" "$TMP/in.mkv"
check "no temporary file is left" bash -c "! ls -a '$TMP' | grep -q '^\.rushes-'"
echo "not a picture" >"$TMP/masks12/m_0003.png"
expect_exit 3 "a damaged mask picture fails" "$RUSHES" clean "$TMP/long.mkv" --mask "$TMP/masks12" \
  --out "$TMP/y.mkv"
check "and names its file and frame" contains "$TMP/err" 'frame 2, .*m_0003.png, cannot be decoded'
check "nothing is written" test ! -e "$TMP/y.mkv"

# A clip cut short is cleaned as far as it goes, and the output says so.
head -c $(( $(stat -c %s "$TMP/long.mkv") * 4 / 10 )) "$TMP/long.mkv" >"$TMP/cut.mkv"
expect_exit 0 "a clip cut short is cleaned" "$RUSHES" --json clean "$TMP/cut.mkv" --mask "$TMP/long.json" \
  --out "$TMP/cut_clean.mkv"
check "the JSON says the source ended early" contains "$TMP/out" '"source_truncated": true'
check "and counts the frames written" contains "$TMP/out" '"frames": 1[0-9],'
check "the manifest records it" contains "$TMP/cut_clean.mkv.manifest.json" '"truncated": true'
expect_exit 0 "a whole clip" "$RUSHES" --json clean "$TMP/long.mkv" --mask "$TMP/long.json" --out "$TMP/full.mkv"
check "is not reported short" contains "$TMP/out" '"source_truncated": false'

# An alpha channel is not carried: the job says so.
mkdir -p "$TMP/rgba"
ffmpeg -v error -f lavfi -i "testsrc2=size=128x72" -vf format=rgba -frames:v 4 "$TMP/rgba/p_%04d.png"
expect_exit 0 "RGBA pictures are cleaned" "$RUSHES" clean "$TMP/rgba" --mask "$TMP/mask.json" --out "$TMP/rgba_o.mkv"
check "with a warning that their alpha is dropped" contains "$TMP/err" 'alpha channel of its rgba pictures'

# A '%' in a movie's name is a character: the manifest hashes that file.
expect_exit 0 "a movie named with a %" "$RUSHES" -q clean "$TMP/in.mkv" --mask "$TMP/mask.json" --out "$TMP/take_%02d.mkv"
check "its manifest names the file itself" contains "$TMP/take_%02d.mkv.manifest.json" 'take_%02d.mkv'

echo "$checks checks, $fails failed"
[ "$fails" -eq 0 ]
