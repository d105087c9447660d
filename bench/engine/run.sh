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

# Best of $runs runs: prints "wall cpu" in seconds (cpu = user + system of the command).
# CPU time is the steadier figure on a shared machine; wall time is what a user waits.
best() {
  local bw="" bc=""
  for _ in $(seq "$runs"); do
    local out
    out=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 )
    read -r w u s <<<"$out"
    local c
    c=$(echo "$u $s" | awk '{print $1+$2}')
    bw=$(echo "$w ${bw:-1e9}" | awk '{print ($1<$2)?$1:$2}')
    bc=$(echo "$c ${bc:-1e9}" | awk '{print ($1<$2)?$1:$2}')
  done
  echo "$bw $bc"
}

printf "%-26s %7s %9s %9s %7s %9s %9s %7s\n" file frames ffmpeg_s rushes_s ratio ffm_cpu rs_cpu cpu_rat
for f in "${files[@]}"; do
  frames=$(ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets \
           -of csv=p=0 "$f")
  read -r fw fc < <(best ffmpeg -v error -threads 2 -i "$f" -f null -)
  read -r rw rc < <(best "$rushes" --progress=0 analyze --json "$f")
  printf "%-26s %7s %9.3f %9.3f %7.3f %9.3f %9.3f %7.3f\n" "$(basename "$f")" "$frames" "$fw" "$rw" \
    "$(echo "$fw $rw" | awk '{print $1/$2}')" "$fc" "$rc" "$(echo "$fc $rc" | awk '{print $1/$2}')"
done
echo "ratio = ffmpeg / rushes (wall, and CPU time); 1.0 means analysis costs nothing; target >= 0.9"
