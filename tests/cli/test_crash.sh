#!/usr/bin/env bash
# Crash safety: kill a real ingest and a real analysis with SIGKILL in the
# middle, check the store is consistent, rerun, and check that the rerun
# finishes the job without redoing what was committed.
. "$(dirname "$0")/lib.sh"
need_ffmpeg
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 not installed"; exit 77; }
cd "$TMP"
"$RUSHES" init proj --title Crash >/dev/null
db="$TMP/proj/rushes.db"

# Wait until the query returns at least $2, then SIGKILL $3. Fails if the process ended first.
kill_when() {
  local q=$1 want=$2 pid=$3
  for _ in $(seq 2000); do
    kill -0 "$pid" 2>/dev/null || return 1
    local n
    n=$(sqlite3 "$db" "$q" 2>/dev/null || echo 0)
    if [ "${n:-0}" -ge "$want" ]; then kill -9 "$pid"; wait "$pid" 2>/dev/null; return 0; fi
    sleep 0.01
  done
  return 1
}

# --- ingest: many files, so that each one's commit makes the run long enough to interrupt.
card="$TMP/card/A002"
mkdir -p "$card"
for i in $(seq -w 1 800); do head -c 4096 /dev/urandom > "$card/f$i.bin"; done
"$RUSHES" -P proj --progress=0 ingest "$card" --day 2 --camera A >/dev/null 2>&1 &
pid=$!
check "the ingest was killed in the middle" kill_when "SELECT count(*) FROM file" 100 $pid
done_before=$(sqlite3 "$db" "SELECT count(*) FROM file")
check "some but not all files were committed ($done_before)" test "$done_before" -gt 0 -a "$done_before" -lt 800
check "the store is consistent after SIGKILL" test "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok
check "the run is left open" test "$(sqlite3 "$db" "SELECT status FROM ingest_run")" = running
check "no MHL generation was written by the killed run" test ! -d "$card/ascmhl"
expect_exit 0 "the rerun completes" "$RUSHES" -P proj --progress=0 --json ingest "$card" --day 2 --camera A
check "it resumed the interrupted run" contains "$TMP/out" '"resumed": true'
check "it is the same run" test "$(sqlite3 "$db" "SELECT count(*) FROM ingest_run")" -eq 1
check "every file is recorded once" test "$(sqlite3 "$db" "SELECT count(*) FROM file")" -eq 800
check "each file has exactly one event" \
  test "$(sqlite3 "$db" "SELECT count(*) FROM file_event")" -eq 800
hashed=$(sed -n 's/.*"bytes_hashed": \([0-9]*\).*/\1/p' "$TMP/out")
check "files committed before the kill were not read again ($hashed < $((800 * 4096)))" \
  test "$hashed" -le $(((800 - done_before) * 4096))
check "the MHL generation covers the whole card" \
  test "$(grep -c '<path' "$card"/ascmhl/0001_*.mhl)" -eq 800

# --- analysis: clips long enough that the kill lands between two of them.
rolls="$TMP/card/B001"
mkdir -p "$rolls"
for i in 1 2 3 4 5 6; do
  ffmpeg -v error -f lavfi -i "testsrc2=size=640x360:rate=24,noise=alls=10:allf=t" -t 8 -c:v libx264 \
    -preset ultrafast -pix_fmt yuv420p "$rolls/B001C00$i.mp4"
done
"$RUSHES" -P proj --progress=0 -q ingest "$rolls" --day 2 --camera B
"$RUSHES" -P proj -q consent add --subject "Test Actor" --use analysis
"$RUSHES" -P proj --progress=0 analyze --threads 2 >/dev/null 2>&1 &
pid=$!
check "the analysis was killed in the middle" \
  kill_when "SELECT count(DISTINCT clip_id) FROM analysis WHERE status = 'complete'" 1 $pid
before=$(sqlite3 "$db" "SELECT count(DISTINCT clip_id) FROM analysis WHERE status = 'complete'")
check "some clips were committed ($before of 6)" test "$before" -ge 1 -a "$before" -lt 6
check "the store is consistent after SIGKILL" test "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok
check "no clip has half its results" test "$(sqlite3 "$db" \
  "SELECT count(*) FROM analysis a WHERE a.analyzer = 'stats' AND NOT EXISTS
   (SELECT 1 FROM analysis b WHERE b.clip_id = a.clip_id AND b.analyzer = 'fingerprint')")" -eq 0
check "every committed analysis is in the audit log, and only those" test "$(sqlite3 "$db" \
  "SELECT count(*) FROM audit WHERE action = 'analysis' AND result = 'ok'")" -eq "$before"
expect_exit 0 "the rerun completes" "$RUSHES" -P proj --progress=0 --json analyze
check "it skipped the committed clips" contains "$TMP/out" "\"clips_skipped\": $before"
check "and analysed the rest" contains "$TMP/out" "\"clips_analyzed\": $((6 - before))"
check "every clip has its frames" test "$(sqlite3 "$db" \
  "SELECT count(*) FROM clip_frames WHERE frames = 192")" -eq 6
finish
