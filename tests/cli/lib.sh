# Shared helpers for the command-line tests: each check prints ok/FAIL and the
# script exits 1 when any failed. Sourced by the test scripts.
set -u
RUSHES=$(realpath "${1:?usage: test.sh PATH_TO_RUSHES}")
fails=0
checks=0
TMP=$(mktemp -d /tmp/rs-cli.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

check() { # check "description" command...
  local what=$1; shift
  checks=$((checks + 1))
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}

expect_exit() { # expect_exit CODE "description" command...
  local want=$1 what=$2; shift 2
  checks=$((checks + 1))
  "$@" >"$TMP/out" 2>"$TMP/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then echo "ok   $what (exit $got)"
  else echo "FAIL $what: exit $got, expected $want"; sed 's/^/     /' "$TMP/err" | head -20; fails=$((fails + 1)); fi
}

contains() { grep -q -- "$2" "$1"; }

need_ffmpeg() { command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg not installed"; exit 77; }; }

sql() { sqlite3 "$1" "$2"; }

finish() {
  echo "$checks checks, $fails failed"
  [ "$fails" -eq 0 ]
}
