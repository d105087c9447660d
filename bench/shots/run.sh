#!/usr/bin/env bash
# Shot-boundary benchmark: rushes' shots analyzer, FFmpeg's scdet filter at
# its best threshold (swept on the same set) and the classic HSV content
# detector (content_detect.c, PySceneDetect's ContentDetector defaults), on
# the same evaluation set in the same run; then the speed of the analyzer
# against decoding alone (`ffmpeg -threads 2 -f null`) on 1080p.
#
#   bench/shots/run.sh [BUILD_DIR] [EVAL_DIR] [EDITS]
#
# EVAL_DIR (default /tmp/rs-shots-eval) keeps the synthetic edits and their
# truth between runs; gen.py makes them from ../shared/media when missing
# (about 20 s an edit, under nice). RS_BENCH_NO_SPEED=1 skips the speed part;
# RS_BENCH_KEEP=DIR keeps the detections (results.json, real.json) there.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
eval_dir=${2:-/tmp/rs-shots-eval}
edits=${3:-30}
rushes=$build/tools/rushes
media=$here/../shared/media
[ -x "$rushes" ] || { echo "bench: $rushes not built (ninja -C $build)" >&2; exit 2; }
[ -d "$media" ] || { echo "bench: $media is missing (the evaluation set is made from it)" >&2; exit 2; }
# gen.py keeps the edits already made and adds the missing ones.
nice -n 10 python3 "$here/bench/shots/gen.py" "$media" "$eval_dir" "$edits"
tmp=$(mktemp -d /tmp/rs-bench-shots.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/content_detect" "$here/bench/shots/content_detect.c"

# detect BASE_DIR TRUTH.json > RESULTS.json: every method on every file of the truth.
detect() {
  python3 - "$1" "$2" "$rushes" "$tmp" <<'PY'
import json, subprocess, sys
d, truth, rushes, tmp = sys.argv[1:5]
res = {"rushes": {}, "content(27)": {}, "scdet": {}}
for f in json.load(open(truth)):
    p = f"{d}/{f}"
    out = json.loads(subprocess.run([rushes, "--progress=0", "shots", "--json", p], check=True,
                                    capture_output=True, text=True).stdout)
    res["rushes"][f] = [{"type": b["type"], "start": b["start"], "end": b["end"]}
                        for b in out[0]["shots"]["boundaries"]]
    dec = subprocess.Popen(["ffmpeg", "-v", "error", "-i", p, "-vf", "scale=256:144", "-f", "rawvideo",
                            "-pix_fmt", "rgb24", "-"], stdout=subprocess.PIPE)
    cuts = subprocess.run([f"{tmp}/content_detect", "256", "144"], stdin=dec.stdout, check=True,
                          capture_output=True, text=True).stdout.split()
    dec.wait()
    res["content(27)"][f] = [{"type": "cut", "start": int(c), "end": int(c)} for c in cuts]
    meta = subprocess.run(["ffmpeg", "-v", "error", "-i", p, "-vf", "scdet=threshold=100,metadata=print:file=-",
                           "-f", "null", "-"], check=True, capture_output=True, text=True).stdout
    res["scdet"][f] = {"scores": [float(l.split("=")[1]) for l in meta.splitlines()
                                  if l.startswith("lavfi.scd.score=")]}
json.dump(res, sys.stdout)
PY
}
echo "== synthetic edits ($eval_dir; bench/shots/TRUTH.md)"
detect "$eval_dir" "$eval_dir/truth.json" > "$tmp/results.json"
python3 "$here/bench/shots/score.py" "$eval_dir/truth.json" "$tmp/results.json"
for set in dev blind blind2 blind3 blind4; do
  echo "== the $set edits alone (bench/shots/TRUTH.md)"
  python3 "$here/bench/shots/score.py" "$eval_dir/truth.json" "$tmp/results.json" $set
done
echo "== real footage (bench/shots/truth_real.json, our annotation)"
detect "$media" "$here/bench/shots/truth_real.json" > "$tmp/real.json"
python3 "$here/bench/shots/score.py" "$here/bench/shots/truth_real.json" "$tmp/real.json"
[ -n "${RS_BENCH_KEEP:-}" ] && mkdir -p "$RS_BENCH_KEEP" && cp "$tmp/results.json" "$tmp/real.json" "$RS_BENCH_KEEP/"

[ "${RS_BENCH_NO_SPEED:-0}" = 1 ] && exit 0
echo "== speed: rushes shots vs ffmpeg -threads 2 -f null, 1080p H.264, best of 3 (wall / CPU seconds)"
ffmpeg -v error -f lavfi -i "testsrc2=size=1920x1080:rate=24,noise=alls=12:allf=t" -t 10 -c:v libx264 \
  -preset veryfast -crf 18 -pix_fmt yuv420p "$tmp/h264_1080p.mp4"
best() {
  local bw=1e9 bc=1e9
  for _ in 1 2 3; do
    local out w u s
    out=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 )
    read -r w u s <<<"$out"
    bw=$(echo "$w $bw" | awk '{print ($1<$2)?$1:$2}')
    bc=$(echo "$u $s $bc" | awk '{c=$1+$2; print (c<$3)?c:$3}')
  done
  echo "$bw $bc"
}
for f in "$tmp/h264_1080p.mp4" "$media/dvr-scan/traffic_camera.mp4"; do
  [ -f "$f" ] || continue
  read -r fw fc < <(best ffmpeg -v error -threads 2 -i "$f" -f null -)
  read -r rw rc < <(best "$rushes" --progress=0 shots --decode-threads 2 --json "$f")
  printf "%-22s ffmpeg %6.3f/%6.3f  rushes shots %6.3f/%6.3f  overhead wall %+5.1f%%  cpu %+5.1f%%\n" \
    "$(basename "$f")" "$fw" "$fc" "$rw" "$rc" "$(echo "$rw $fw" | awk '{print 100*($1/$2-1)}')" \
    "$(echo "$rc $fc" | awk '{print 100*($1/$2-1)}')"
done
