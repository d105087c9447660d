#!/usr/bin/env bash
# Compares rushes' file hashing (xxh64) with `xxhsum -H1` on the same files in
# the same run, and prints MB/s of each and the ratio ours/xxhsum.
#
#   bench/hash/run.sh [BUILD_DIR] [TOTAL_MIB] [ROUNDS]
#
# BUILD_DIR defaults to ./build (it must hold bench/bench_hash), TOTAL_MIB to
# 2048 (split over 4 files), ROUNDS to 3 (the best round of each tool counts).
#
# The files are written once and then read from the page cache: this measures
# the hashing and copying path, not the disk. Dropping the caches for a cold
# pass needs root and a quiet machine and is not reliable here, so no cold
# figure is claimed. Both tools run alternately so that they see the same
# cache state.
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

# Warm the page cache once so both tools start from the same state.
cat "${files[@]}" > /dev/null

best_ours=0 best_xxh=0
for r in $(seq 1 "$rounds"); do
  t0=$(now_ns); xxhsum -H1 "${files[@]}" > "$dir/xxhsum.out"; t1=$(now_ns)
  t=$((t1 - t0)); [ "$best_xxh" -eq 0 ] || [ "$t" -lt "$best_xxh" ] && best_xxh=$t
  t0=$(now_ns); "$bench" -a xxh64 "${files[@]}" > "$dir/ours.out" 2>/dev/null; t1=$(now_ns)
  t=$((t1 - t0)); [ "$best_ours" -eq 0 ] || [ "$t" -lt "$best_ours" ] && best_ours=$t
done

# The two tools must agree on every file, or the speed means nothing.
if ! diff <(awk '{print $1}' "$dir/xxhsum.out") <(awk '{print $1}' "$dir/ours.out") > /dev/null; then
  echo "run.sh: hashes differ between xxhsum and rushes" >&2
  paste "$dir/xxhsum.out" "$dir/ours.out" >&2
  exit 1
fi

mbps() { awk -v b="$bytes" -v ns="$1" 'BEGIN { printf "%.0f", b / 1e6 / (ns / 1e9) }'; }
echo "files:   4 x $per MiB ($bytes bytes), page cache warm, best of $rounds rounds"
echo "xxhsum:  $(mbps "$best_xxh") MB/s   (xxhsum -H1, $(xxhsum --version 2>&1 | head -1 | awk '{print $2}'))"
echo "rushes:  $(mbps "$best_ours") MB/s   (rs_hash_file, xxh64)"
awk -v a="$best_xxh" -v b="$best_ours" 'BEGIN { printf "ratio:   %.2f (rushes / xxhsum, higher is better)\n", a / b }'
