#!/usr/bin/env bash
# Deflicker evaluation, side by side with FFmpeg's deflicker filter.
#
#   bench/deflicker/run.sh [BUILD_DIR] [FRAMES]
#
# (a) Clean real clips (two fixed cameras and a tracking shot) at 640x360 get an
#     intended change (a light switched on over the left of the picture at
#     the middle frame, kept) and synthetic flicker (global gain +-8 % and
#     offset +-4, a regional gain tilt up to +-6 % each way, chroma offsets
#     +-3); see bench_deflicker.c. Scores against the truth: luma and chroma
#     PSNR, the flicker left (mean |2nd temporal difference| of the error's
#     region means, 8-bit levels) and the share of the intended step kept.
#     FFmpeg's deflicker is tried in all its modes and sizes 5, 9, 15, 25; the
#     best by luma PSNR is shown (and the best by flicker left).
# (a2) The same clips with a fade to black and back (12-frame S-curves from
#     frame 30, 4 frames black) instead of the light, with the same flicker and
#     without: a fade must pass (the largest error of a frame's mean luma, and
#     without flicker the output should be the input).
# (b) The real flickering film (no truth): the flicker index before and after.
# (c) Speed at 1080p: the library alone (bench_deflicker speed) and the CLI.
# Everything runs under nice; it needs only ffmpeg and the build.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
frames=${2:-96}
rushes=$build/tools/rushes
bd=$build/bench/bench_deflicker
[ -x "$rushes" ] && [ -x "$bd" ] || { echo "bench: build first (ninja -C $build)" >&2; exit 2; }
media=${RS_SHARED_MEDIA:-$here/../shared/media}
tmp=$(mktemp -d /tmp/rs-bench-deflicker.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
N="nice -n 10"
W=640 H=360
step=$((frames / 2))
raw() { $N ffmpeg -v error -y -f rawvideo -pix_fmt yuv420p -s ${W}x${H} -r 25 "$@"; }

echo "(a) synthetic flicker on real clips, ${frames} frames ${W}x${H}, intended step at frame $step"
echo
echo "| clip | method | luma PSNR dB | chroma PSNR dB | flicker left | step kept % |"
echo "|---|---|---|---|---|---|"
clips=()
for spec in "traffic (fixed):dvr-scan/traffic_camera.mp4:0" "car_detection (fixed):intel-sample-videos/car-detection.mp4:0" \
            "running_car (tracking):propainter/running_car.mp4:0"; do
  IFS=: read -r name file start <<<"$spec"
  [ -f "$media/$file" ] || { echo "bench: $media/$file missing, skipped" >&2; continue; }
  $N ffmpeg -v error -ss "$start" -i "$media/$file" -frames:v "$frames" -an -vf "scale=$W:$H" \
    -pix_fmt yuv420p -f rawvideo -y "$tmp/clean.yuv"
  cp "$tmp/clean.yuv" "$tmp/clean_${#clips[@]}.yuv"
  clips+=("$name")
  $N "$bd" synth $W $H "$tmp/clean.yuv" "$tmp/truth.yuv" "$tmp/flick.yuv" $step 7
  raw -i "$tmp/flick.yuv" -c:v ffv1 "$tmp/flick.mkv"
  input=$($bd score $W $H "$tmp/truth.yuv" "$tmp/flick.yuv" $step)
  echo "| $name | input (flickered) | $(echo "$input" | sed 's/ / | /g') |"
  for win in 15 9 25; do
    $N "$rushes" -q clean "$tmp/flick.mkv" --deflicker --deflicker-window $win --threads 2 --out "$tmp/out.mkv"
    $N ffmpeg -v error -y -i "$tmp/out.mkv" -pix_fmt yuv420p -f rawvideo "$tmp/out.yuv"
    label="rushes --deflicker"; [ $win = 15 ] || label="rushes --deflicker-window $win"
    echo "| $name | $label | $($bd score $W $H "$tmp/truth.yuv" "$tmp/out.yuv" $step | sed 's/ / | /g') |"
  done
  best="" bestf=""
  for mode in am gm hm qm cm pm median; do
    for size in 5 9 15 25; do
      raw -i "$tmp/flick.yuv" -vf "deflicker=s=$size:m=$mode" -f rawvideo "$tmp/ff.yuv"
      r=$($bd score $W $H "$tmp/truth.yuv" "$tmp/ff.yuv" $step)
      echo "$mode $size $r" >>"$tmp/ff_$name.txt"
    done
  done
  best=$(sort -k3,3 -g -r "$tmp/ff_$name.txt" | head -1)
  # The least flicker among the settings that do not lower the PSNR (some modes wreck the picture).
  bestf=$(awk -v p="${input%% *}" '$3 >= p' "$tmp/ff_$name.txt" | sort -k5,5 -g | head -1)
  read -r m s r <<<"$best"
  echo "| $name | ffmpeg deflicker m=$m s=$s (best PSNR) | $(echo "$r" | sed 's/ / | /g') |"
  [ -n "$bestf" ] && read -r m s r <<<"$bestf" && echo "| $name | ffmpeg deflicker m=$m s=$s (least flicker) | $(echo "$r" | sed 's/ / | /g') |"
  # What each does to the same shot without flicker (only the intended step): ideally nothing.
  raw -i "$tmp/truth.yuv" -c:v ffv1 "$tmp/truth.mkv"
  $N "$rushes" -q clean "$tmp/truth.mkv" --deflicker --threads 2 --out "$tmp/out.mkv"
  $N ffmpeg -v error -y -i "$tmp/out.mkv" -pix_fmt yuv420p -f rawvideo "$tmp/out.yuv"
  echo "| $name, no flicker | rushes --deflicker | $($bd score $W $H "$tmp/truth.yuv" "$tmp/out.yuv" $step | sed 's/ / | /g') |"
  read -r m s r <<<"$best"
  raw -i "$tmp/truth.yuv" -vf "deflicker=s=$s:m=$m" -f rawvideo "$tmp/ff.yuv"
  echo "| $name, no flicker | ffmpeg deflicker m=$m s=$s | $($bd score $W $H "$tmp/truth.yuv" "$tmp/ff.yuv" $step | sed 's/ / | /g') |"
done

echo
echo "(a2) a fade to black and back (12-frame S-curves from frame 30, 4 frames black), with and without the flicker"
echo
echo "| clip | method | luma PSNR dB | chroma PSNR dB | flicker left | worst frame mean error |"
echo "|---|---|---|---|---|---|"
for i in "${!clips[@]}"; do
  name=${clips[$i]}
  $N "$bd" fade $W $H "$tmp/clean_$i.yuv" "$tmp/truth.yuv" "$tmp/flick.yuv" 30 11
  raw -i "$tmp/flick.yuv" -c:v ffv1 "$tmp/flick.mkv"
  raw -i "$tmp/truth.yuv" -c:v ffv1 "$tmp/truth.mkv"
  echo "| $name, fade | input (flickered) | $($bd fadescore $W $H "$tmp/truth.yuv" "$tmp/flick.yuv" | sed 's/ / | /g') |"
  $N "$rushes" -q clean "$tmp/flick.mkv" --deflicker --threads 2 --out "$tmp/out.mkv"
  $N ffmpeg -v error -y -i "$tmp/out.mkv" -pix_fmt yuv420p -f rawvideo "$tmp/out.yuv"
  echo "| $name, fade | rushes --deflicker | $($bd fadescore $W $H "$tmp/truth.yuv" "$tmp/out.yuv" | sed 's/ / | /g') |"
  raw -i "$tmp/flick.yuv" -vf "deflicker=s=5:m=am" -f rawvideo "$tmp/ff.yuv"
  echo "| $name, fade | ffmpeg deflicker m=am s=5 | $($bd fadescore $W $H "$tmp/truth.yuv" "$tmp/ff.yuv" | sed 's/ / | /g') |"
  $N "$rushes" -q clean "$tmp/truth.mkv" --deflicker --threads 2 --out "$tmp/out.mkv"
  $N ffmpeg -v error -y -i "$tmp/out.mkv" -pix_fmt yuv420p -f rawvideo "$tmp/out.yuv"
  echo "| $name, fade, no flicker | rushes --deflicker | $($bd fadescore $W $H "$tmp/truth.yuv" "$tmp/out.yuv" | sed 's/ / | /g') |"
  raw -i "$tmp/truth.yuv" -vf "deflicker=s=5:m=am" -f rawvideo "$tmp/ff.yuv"
  echo "| $name, fade, no flicker | ffmpeg deflicker m=am s=5 | $($bd fadescore $W $H "$tmp/truth.yuv" "$tmp/ff.yuv" | sed 's/ / | /g') |"
done

echo
echo "(b) the real film, flicker index (mean |2nd temporal difference| of 8x4 region means, 8-bit levels)"
echo
film=$media/deflicker/Winter_Scenes_in_Holland.mp4
if [ -f "$film" ]; then
  $N ffmpeg -v error -i "$film" -vf scale=$W:$H -pix_fmt yuv420p -f rawvideo "$tmp/film.yuv"
  echo "| method | flicker index |"
  echo "|---|---|"
  echo "| input | $($bd index $W $H "$tmp/film.yuv") |"
  $N "$rushes" -q clean "$film" --deflicker --threads 2 --out "$tmp/film_out.mkv"
  $N ffmpeg -v error -y -i "$tmp/film_out.mkv" -pix_fmt yuv420p -f rawvideo "$tmp/film_out.yuv"
  echo "| rushes --deflicker | $($bd index $W $H "$tmp/film_out.yuv") |"
  cp "$tmp/film_out.mkv.manifest.json" "$tmp/film15.json"
  $N "$rushes" -q clean "$film" --deflicker --deflicker-window 25 --threads 2 --out "$tmp/film_out.mkv"
  $N ffmpeg -v error -y -i "$tmp/film_out.mkv" -pix_fmt yuv420p -f rawvideo "$tmp/film_out.yuv"
  echo "| rushes --deflicker-window 25 | $($bd index $W $H "$tmp/film_out.yuv") |"
  for cfg in "am:5" "am:15" "am:25" "median:15"; do
    IFS=: read -r m s <<<"$cfg"
    raw -i "$tmp/film.yuv" -vf "deflicker=s=$s:m=$m" -f rawvideo "$tmp/ff.yuv"
    echo "| ffmpeg deflicker m=$m s=$s | $($bd index $W $H "$tmp/ff.yuv") |"
  done
  echo
  echo "manifest of rushes --deflicker on the film: $(grep -E '"(mean_luma_change|max_level_change|limited_region_frames)"' \
    "$tmp/film15.json" | tr -d ' \n')"
fi

echo
echo "(c) speed at 1920x1080"
if [ -f "$media/propainter/running_car.mp4" ]; then
  $N ffmpeg -v error -i "$media/propainter/running_car.mp4" -frames:v 48 -an -vf scale=1920:1080 \
    -pix_fmt yuv420p -f rawvideo "$tmp/car1080.yuv"
  $N "$bd" speed 1920 1080 "$tmp/car1080.yuv" 15 1
  $N "$bd" speed 1920 1080 "$tmp/car1080.yuv" 15 2
  $N ffmpeg -v error -y -f rawvideo -pix_fmt yuv420p -s 1920x1080 -r 25 -i "$tmp/car1080.yuv" -c:v ffv1 "$tmp/car1080.mkv"
  TIMEFORMAT='%R %U %S'
  t=$( { time $N "$rushes" -q clean "$tmp/car1080.mkv" --deflicker --threads 2 --out "$tmp/o1080.mkv"; } 2>&1 )
  read -r wall user sys <<<"$t"
  echo "rushes clean --deflicker (decode, deflicker, FFV1 encode), 48 frames: wall ${wall} s, cpu ${user} s user + ${sys} s sys"
  t=$( { time $N ffmpeg -v error -y -f rawvideo -pix_fmt yuv420p -s 1920x1080 -r 25 -i "$tmp/car1080.yuv" \
    -vf deflicker=s=15 -f null -; } 2>&1 )
  read -r wall user sys <<<"$t"
  echo "ffmpeg deflicker s=15, 48 frames: wall ${wall} s, cpu ${user} s user"
fi
