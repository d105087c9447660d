#!/usr/bin/env bash
# Engine benchmark: the one-pass engine with every registered analyzer against
# the physical limit, `ffmpeg -threads 2 -i FILE -f null -`, on the same files
# in the same run. Prints wall times (best of N) and the ratio
# ffmpeg_time / rushes_time: 1.0 means analysis is free, the target is >= 0.9.
#
#   bench/engine/run.sh [BUILD_DIR] [SECONDS] [RUNS]
#
# Files: 1080p H.264 (x264, yuv420p) and 1080p ProRes 422 HQ (10-bit), made
# here from ffmpeg's testsrc2 plus noise so the encoders have real work.
# Real footage from ../shared/media is added when present.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
secs=${2:-10}
runs=${3:-3}
rushes=$build/tools/rushes
[ -x "$rushes" ] || { echo "bench: $rushes not built (ninja -C $build)" >&2; exit 2; }
tmp=$(mktemp -d /tmp/rs-bench-engine.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

src="testsrc2=size=1920x1080:rate=24,noise=alls=12:allf=t"
ffmpeg -v error -f lavfi -i "$src" -t "$secs" -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p \
  "$tmp/h264_1080p.mp4"
ffmpeg -v error -f lavfi -i "$src" -t "$secs" -c:v prores_ks -profile:v 3 -pix_fmt yuv422p10le \
  "$tmp/prores_hq_1080p.mov"
files=("$tmp/h264_1080p.mp4" "$tmp/prores_hq_1080p.mov")
shared=$here/../shared/media
for f in "$shared/dvr-scan/traffic_camera.mp4" "$shared/intel-sample-videos/car-detection.mp4"; do
  [ -f "$f" ] && files+=("$f")
done

best() { # best wall time of $runs runs of the command
  local b=""
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    b=$(echo "$t0 $t1 ${b:-1e9}" | awk '{d=$2-$1; print (d<$3)?d:$3}')
  done
  echo "$b"
}

printf "%-28s %8s %10s %10s %8s\n" file frames ffmpeg_s rushes_s ratio
for f in "${files[@]}"; do
  frames=$(ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets \
           -of csv=p=0 "$f")
  tf=$(best ffmpeg -v error -threads 2 -i "$f" -f null -)
  tr=$(best "$rushes" --progress=0 analyze --json "$f")
  printf "%-28s %8s %10.3f %10.3f %8.3f\n" "$(basename "$f")" "$frames" "$tf" "$tr" \
    "$(echo "$tf $tr" | awk '{print $1/$2}')"
done
