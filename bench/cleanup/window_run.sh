#!/usr/bin/env bash
# Long shots: `rushes clean` on a real 1394-frame shot (intel-sample-videos, one-by-one-person-
# detection, scaled to 640x360 FFV1) whole, in windows of 300 frames (context 60 = max-distance:
# the whole shot's result) and in windows of 100 (context 24). Reports CPU time and peak RSS
# (/usr/bin/time -v), the fill's PSNR against the source pixels it replaced (they are real
# background or passers-by, so this is a yardstick, not a truth) and against the whole shot's fill.
# usage: nice bash bench/cleanup/window_run.sh [BUILD] [MEDIA]
set -eu
BUILD=${1:-build}
MEDIA=${2:-../shared/media}
R=$(realpath "$BUILD/tools/rushes")
T=$(mktemp -d /tmp/rs-window.XXXXXX)
trap 'rm -rf "$T"' EXIT
ffmpeg -v error -i "$MEDIA/intel-sample-videos/one-by-one-person-detection.mp4" -vf scale=640:360 \
  -pix_fmt yuv420p -c:v ffv1 "$T/long.mkv"
cat >"$T/mask.json" <<'JSON'
{ "shapes": [ { "type": "ellipse", "keys": [ { "frame": 0, "ellipse": [120, 200, 40, 30] },
  { "frame": 400, "ellipse": [520, 160, 40, 30] }, { "frame": 800, "ellipse": [120, 240, 40, 30] },
  { "frame": 1393, "ellipse": [500, 200, 40, 30] } ] },
  { "type": "rect", "keys": [ { "frame": 0, "rect": [300, 40, 60, 40] } ] } ] }
JSON
# Mean luma MSE of two files over all frames, scaled to the masked pixels (outside the mask both
# are the source exactly), as PSNR in dB.
psnr_mask() {
  local mse masked
  mse=$(ffmpeg -v error -i "$1" -i "$2" -lavfi "psnr=stats_file=-" -f null - 2>/dev/null |
        awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^mse_y:/) { split($i, a, ":"); s += a[2]; n++ } }
             END { printf "%.6f", s / n }')
  masked=$(grep -o '"masked_pixels": [0-9]*' "$3" | grep -o '[0-9]*$')
  awk -v m="$mse" -v k="$masked" 'BEGIN { f = 640 * 360 * 1394; if (m == 0) print "identical";
                                          else printf "%.2f dB", 10 * log(255 * 255 / (m * f / k)) / log(10) }'
}
for mf in 1500 300 100; do
  /usr/bin/time -v "$R" -q --json clean "$T/long.mkv" --mask "$T/mask.json" --out "$T/out_$mf.mkv" \
    --max-frames $mf --threads 2 >"$T/json_$mf.txt" 2>"$T/time_$mf.txt"
  cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$T/time_$mf.txt")
  rss=$(awk -F': ' '/Maximum resident/ { printf "%.0f", $2 / 1024 }' "$T/time_$mf.txt")
  win=$(grep -o '"windows": [0-9]*' "$T/json_$mf.txt" | grep -o '[0-9]*$')
  held=$(grep -o '"frames_held": [0-9]*' "$T/json_$mf.txt" | grep -o '[0-9]*$')
  echo "max-frames $mf: $win windows, $held frames held, CPU ${cpu} s, peak RSS ${rss} MB," \
       "fill vs source $(psnr_mask "$T/long.mkv" "$T/out_$mf.mkv" "$T/out_$mf.mkv.manifest.json")," \
       "vs whole shot $(psnr_mask "$T/out_1500.mkv" "$T/out_$mf.mkv" "$T/out_$mf.mkv.manifest.json")"
done
