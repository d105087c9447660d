#!/usr/bin/env bash
# Clean-up evaluation on real footage with known truth under the mask, side
# by side with FFmpeg's delogo (rectangles) and frame-by-frame OpenCV
# Telea/NS inpainting, then the speed of `rushes clean` at 1080p (mask, dust with
# a mask, dust with scratches) and of the flow alone (bench_flow). See
# bench/cleanup/eval.py for the scores.
#
#   bench/cleanup/run.sh [BUILD_DIR] [FRAMES] [SIZE]
#
# Bench-only dependencies (not needed to build or test rushes):
#   apt-get install -y python3-opencv python3-numpy
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
frames=${2:-30}
size=${3:-640x360}
rushes=$build/tools/rushes
py=/usr/bin/python3
[ -x "$rushes" ] || { echo "bench: $rushes not built (ninja -C $build)" >&2; exit 2; }
if ! $py -c "import cv2, numpy" 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y python3-opencv python3-numpy >/dev/null; fi
  $py -c "import cv2, numpy" || { echo "bench: needs python3-opencv and python3-numpy" >&2; exit 2; }
fi
media=$here/../shared/media
tmp=$(mktemp -d /tmp/rs-bench-clean.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

echo "| clip | mask (area) | method | PSNR dB | SSIM | temporal err | notes |"
echo "|---|---|---|---|---|---|---|"
for spec in "running_car:propainter/running_car.mp4:0" "traffic:dvr-scan/traffic_camera.mp4:0" \
            "car_detection:intel-sample-videos/car-detection.mp4:0" "fire2_handheld:moviepy/fire2.mp4:1"; do
  IFS=: read -r name file start <<<"$spec"
  [ -f "$media/$file" ] || { echo "bench: $media/$file missing, skipped" >&2; continue; }
  ffmpeg -v error -ss "$start" -i "$media/$file" -frames:v "$frames" -an -vf "scale=${size/x/:}" \
    -c:v ffv1 -pix_fmt yuv420p "$tmp/$name.mkv"
  $py "$here/bench/cleanup/eval.py" "$rushes" "$tmp/$name.mkv" "$name" "$tmp"
done
# ProPainter's video-completion protocol: running_car under its static masks (nine squares,
# a watermark), every frame, at the masks' own sizes.
if [ -f "$media/propainter/running_car.mp4" ]; then
  for spec in "square:432x240" "logo:1296x720"; do
    IFS=: read -r kind sz <<<"$spec"
    ffmpeg -v error -i "$media/propainter/running_car.mp4" -frames:v "$frames" -an -vf "scale=${sz/x/:}" \
      -c:v ffv1 -pix_fmt yuv420p "$tmp/running_car_$kind.mkv"
    RS_EVAL_KINDS=$kind RS_EVAL_NO_DUST=1 RS_SHARED_MEDIA=$media \
      $py "$here/bench/cleanup/eval.py" "$rushes" "$tmp/running_car_$kind.mkv" "running_car $sz" "$tmp"
  done
fi

# Speed at 1080p: a static rectangle and a moving ellipse, 8 % of the frame together.
if [ -f "$media/propainter/running_car.mp4" ]; then
  ffmpeg -v error -i "$media/propainter/running_car.mp4" -frames:v 24 -an -vf scale=1920:1080 \
    -c:v ffv1 -pix_fmt yuv420p "$tmp/car1080.mkv"
  cat >"$tmp/mask1080.json" <<'JSON'
{ "shapes": [
  { "type": "rect", "keys": [ { "frame": 0, "rect": [1300, 120, 360, 240] } ] },
  { "type": "ellipse", "keys": [ { "frame": 0, "ellipse": [400, 600, 180, 140] },
                                 { "frame": 23, "ellipse": [900, 560, 180, 140] } ] } ] }
JSON
  # CPU seconds are user + system: on a shared machine they say more than the wall time.
  TIMEFORMAT='%R %U %S'
  echo
  # The physical limit first: decoding the same file and nothing else.
  t=$( { time ffmpeg -v error -i "$tmp/car1080.mkv" -f null -; } 2>&1 )
  read -r dwall duser dsys <<<"$t"
  echo "1080p decode alone (ffmpeg -f null), 24 frames: wall ${dwall} s, cpu $(echo "$duser + $dsys" | bc) s"
  for args in "--mask $tmp/mask1080.json" "--mask $tmp/mask1080.json --refine 0" \
              "--dust --mask $tmp/mask1080.json" "--dust --scratches"; do
    # shellcheck disable=SC2086
    t=$( { time "$rushes" -q clean "$tmp/car1080.mkv" $args --out "$tmp/o1080.mkv"; } 2>&1 )
    read -r wall user sys <<<"$t"
    echo "1080p clean ${args//$tmp\//}, 24 frames: wall ${wall} s ($(echo "24 / $wall" | bc -l | cut -c1-5) fps," \
         "$(echo "$wall / $dwall" | bc -l | cut -c1-5) x the decode), cpu $(echo "$user + $sys" | bc) s," \
         "load $(cut -d' ' -f1 /proc/loadavg)"
  done
fi
echo
"$build/bench/bench_flow"

# Mask tracking against DAVIS ground truth, and scratches painted on clean footage.
echo
$py "$here/bench/cleanup/track_eval.py" "$build" "$media"
echo
$py "$here/bench/cleanup/scratch_eval.py" "$build" 40 "$media"
