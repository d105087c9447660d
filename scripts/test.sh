#!/usr/bin/env bash
# Installs what is missing, builds rushes twice (release with warnings as errors,
# and debug under AddressSanitizer + UBSan) and runs the whole test suite in
# both. Ends with one line: "N passed, N failed, N skipped". Exit 0 only when
# nothing failed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
summary_py='
import json, sys
p = f = s = 0
for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line).get("result")
        if r in ("OK", "EXPECTEDFAIL"): p += 1
        elif r == "SKIP": s += 1
        else: f += 1
print(f"{p} {f} {s}")
'

run_suite() {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" -Dwerror=true "$@" >/dev/null
  else
    meson configure "$dir" -Dwerror=true "$@" >/dev/null
  fi
  ninja -C "$dir" -j"$jobs"
  # The suite's own exit status is read from the log below, so that both
  # builds always run and the closing line counts them together.
  meson test -C "$dir" --print-errorlogs --num-processes "$jobs" || true
}

echo "== release build, warnings as errors"
run_suite build-test --buildtype=release
echo "== debug build under AddressSanitizer and UndefinedBehaviorSanitizer"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
run_suite build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

read -r passed failed skipped < <(python3 -c "$summary_py" \
  build-test/meson-logs/testlog.json build-asan/meson-logs/testlog.json)
echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
