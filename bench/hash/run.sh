#!/usr/bin/env bash
# Compares rushes' file hashing (xxh64) with `xxhsum -H1` (xxHash 0.8.1) on
# the same files in the same run, and prints MB/s of each and the ratio
# rushes/xxhsum (higher is better; the target is >= 0.9).
#
#   bench/hash/run.sh [BUILD_DIR] [TOTAL_MIB] [ROUNDS]
#
# BUILD_DIR defaults to ./build (it must hold bench/bench_hash), TOTAL_MIB to
# 2048 (split over 4 files), ROUNDS to 3.
#
# Warm pass: the files are read from the page cache, which measures hashing
# and copying, not the disk. Cold-ish pass: before each timed run the files
# are evicted from this machine's page cache with `dd iflag=nocache count=0`
# (per file, no root-wide drop_caches), so the reads go to the block device;
# on a virtual machine the host may still cache them, so this is not a
# guaranteed cold read and the figure is reported as cold-ish. Both tools
# run alternately in every round so they see the same conditions; the best
# round of each counts.
set -euo pipefail

build=${1:-build}
total_mib=${2:-2048}
rounds=${3:-3}
bench="$build/bench/bench_hash"

if [ ! -x "$bench" ]; then
  echo "run.sh: $bench not found; build first (ninja -C $build)" >&2
  exit 2
fi
if ! command -v xxhsum >/dev/null; then
  echo "run.sh: xxhsum not found (Debian package xxhash)" >&2
  exit 2
fi

dir=$(mktemp -d /tmp/rushes-bench-hash.XXXXXX)
trap 'rm -rf "$dir"' EXIT

per=$((total_mib / 4))
for i in 1 2 3 4; do
  # Random data: a hash's speed does not depend on content, but a file of
  # zeros could be stored sparse and read faster than real footage.
  head -c $((per * 1048576)) /dev/urandom > "$dir/clip$i.mov"
done
files=("$dir"/clip*.mov)
bytes=$((per * 4 * 1048576))

now_ns() { date +%s%N; }
evict() { for f in "${files[@]}"; do dd if="$f" iflag=nocache count=0 status=none; done; }

# Prepares the cache for mode (cold or warm) and prints the ns "$@" takes.
time_ns() {
  local mode=$1 out=$2 t0 t1; shift 2
  if [ "$mode" = cold ]; then evict; else cat "${files[@]}" > /dev/null; fi
  t0=$(now_ns); "$@" "${files[@]}" > "$out" 2>/dev/null; t1=$(now_ns)
  echo $((t1 - t0))
}
min() { if [ "$1" -eq 0 ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi; }

mbps() { awk -v b="$bytes" -v ns="$1" 'BEGIN { printf "%.0f", b / 1e6 / (ns / 1e9) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "files:   4 x $per MiB ($bytes bytes), best of $rounds rounds each"
for mode in warm cold; do
  xxh=0 ours=0
  for _ in $(seq 1 "$rounds"); do
    xxh=$(min "$xxh" "$(time_ns "$mode" "$dir/xxhsum.out" xxhsum -H1)")
    ours=$(min "$ours" "$(time_ns "$mode" "$dir/ours.out" "$bench" -a xxh64)")
  done
  # The two tools must agree on every file, or the speed means nothing.
  if ! diff <(awk '{print $1}' "$dir/xxhsum.out") <(awk '{print $1}' "$dir/ours.out") > /dev/null; then
    echo "run.sh: hashes differ between xxhsum and rushes" >&2
    paste "$dir/xxhsum.out" "$dir/ours.out" >&2
    exit 1
  fi
  label=$([ "$mode" = warm ] && echo "warm (page cache)" || echo "cold-ish (evicted)")
  echo "$label:"
  echo "  xxhsum -H1:          $(mbps "$xxh") MB/s"
  echo "  rushes rs_hash_file: $(mbps "$ours") MB/s"
  echo "  ratio rushes/xxhsum: $(ratio "$xxh" "$ours")"
done
