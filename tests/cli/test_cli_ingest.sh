#!/usr/bin/env bash
# The main path through the command line on a generated card full of bad
# input: init, ingest, ls, analyze, summary, re-ingest, changed and missing
# files; exit codes and messages that name the file.
. "$(dirname "$0")/lib.sh"
need_ffmpeg
cd "$TMP"
card="$TMP/card/A001"
mkdir -p "$card/CLIPS" "$card/with space é"
ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=24 -f lavfi -i sine=f=440:sample_rate=48000 -t 2 \
  -c:v libx264 -pix_fmt yuv420p -c:a aac -timecode 10:00:00:00 "$card/CLIPS/A001C001.mov"
ffmpeg -v error -f lavfi -i color=black:size=320x240:rate=24 -t 1 -c:v libx264 -pix_fmt yuv420p \
  "$card/with space é/A001C002 ü.mov"
cp "$card/CLIPS/A001C001.mov" "$card/CLIPS/A001C001_copy.mov"
: > "$card/CLIPS/empty.mov"
echo "garbage, not media" > "$card/CLIPS/fake.mov"
head -c 20000 "$card/CLIPS/A001C001.mov" > "$card/CLIPS/truncated.mov"
echo "camera report" > "$card/notes.txt"
mkdir -p "$card/SCAN_R1"
ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=24 -frames:v 10 -pix_fmt rgb48le "$card/SCAN_R1/R1.%04d.dpx"

expect_exit 2 "ingest without a project or --day is a usage error" "$RUSHES" ingest "$card"
expect_exit 3 "ingest outside a project says so" "$RUSHES" -P "$TMP/nowhere" ingest "$card" --day 1 --camera A
check "the message names the missing project" contains "$TMP/err" "not a rushes project"
expect_exit 0 "init" "$RUSHES" init proj --title "Test Film"
expect_exit 3 "init twice is refused" "$RUSHES" init proj
cd proj
expect_exit 2 "ingest needs --camera or --sound" "$RUSHES" ingest "$card" --day 1
expect_exit 2 "an unknown hash algorithm is a usage error" "$RUSHES" ingest "$card" --day 1 --camera A --hash crc
check "and the message lists the valid ones" contains "$TMP/err" "xxh64|xxh3"
expect_exit 1 "ingest of a card with unreadable media finishes with exit 1" \
  "$RUSHES" --progress=0 ingest "$card" --day 1 --camera A
check "the truncated clip is named with its fault" contains "$TMP/err" "truncated.mov: truncated or corrupt container"
check "the zero-byte clip is named" contains "$TMP/err" "empty.mov: empty file"
check "the fake clip is named" contains "$TMP/err" "fake.mov: not a media file"
check "an ASC MHL generation was written" test -f "$card/ascmhl/ascmhl_chain.xml"
check "every file is in the store" test "$(sql rushes.db 'SELECT count(*) FROM file')" -eq 17
check "the DPX frames are one clip" test "$(sql rushes.db "SELECT media_path || ':' || frames FROM clip WHERE codec = 'dpx'")" = "SCAN_R1:10"
check "the duplicate is recorded" test "$(sql rushes.db 'SELECT duplicate_of FROM file WHERE rel_path LIKE "%copy%"')" = "CLIPS/A001C001.mov"
check "timecode read into the store" test "$(sql rushes.db 'SELECT start_tc FROM clip WHERE frames = 48 LIMIT 1')" = "10:00:00:00"
check "the non-ASCII name survives" test "$(sql rushes.db "SELECT count(*) FROM file WHERE rel_path = 'with space é/A001C002 ü.mov'")" -eq 1

mkdir -p "$TMP/card/SOUND_001"
ffmpeg -v error -f lavfi -i sine=f=1000:sample_rate=48000 -t 1 -c:a pcm_s24le -write_bext 1 \
  -metadata time_reference=1728000000 "$TMP/card/SOUND_001/SC01_TK01.WAV"
expect_exit 0 "a sound folder of the same day" "$RUSHES" --progress=0 ingest "$TMP/card/SOUND_001" --day 1 --sound
check "one shoot day holds both rolls" test "$(sql rushes.db 'SELECT count(*) FROM shoot_day')" -eq 1
check "two rolls, one of them sound" test "$(sql rushes.db "SELECT group_concat(kind, ',') FROM roll")" = "camera,sound"
check "the BWF time reference is read" \
  test "$(sql rushes.db "SELECT bwf_time_reference FROM clip WHERE kind = 'audio'")" = 1728000000
expect_exit 3 "a camera roll cannot be re-ingested as sound" "$RUSHES" --progress=0 ingest "$card" --day 1 --sound
check "the message says why" contains "$TMP/err" "is a camera roll"
expect_exit 0 "ls --json" "$RUSHES" ls --json
check "ls lists the clip with its timecode" contains "$TMP/out" '"start_tc":"10:00:00:00"'
expect_exit 6 "analysis without consent is refused, before a frame is read" "$RUSHES" --progress=0 analyze
check "the refusal names the clip, the use and the command that records it" \
  contains "$TMP/err" "clip A001/CLIPS/A001C001.mov: no subject is recorded for it, so nobody consented to analysis (record it with: rushes consent add"
check "no analysis was stored" test "$(sql rushes.db 'SELECT count(*) FROM analysis')" -eq 0
expect_exit 0 "record the actor's consent to analysis" "$RUSHES" consent add --subject "Test Actor" --use analysis \
  --contract "REL-001"
expect_exit 0 "analyze" "$RUSHES" --progress=0 analyze
check "three clips, the DPX sequence and one sound file were analysed" contains "$TMP/out" "Analysed 5 clips"
expect_exit 0 "analyze again redoes nothing" "$RUSHES" --progress=0 analyze --json
check "all five were current" contains "$TMP/out" '"clips_skipped": 5'
expect_exit 0 "analyze with other parameters redoes the affected analyzer" \
  "$RUSHES" --progress=0 analyze --json --analyzers stats --set stats.black_pct=3
check "the four picture clips were redone" contains "$TMP/out" '"clips_analyzed": 4'
expect_exit 2 "an unknown analyzer option is refused" "$RUSHES" --progress=0 analyze --set stats.nope=1
check "naming the option" contains "$TMP/err" "analyzer 'stats' has no option 'nope'"

expect_exit 1 "summary exits 1 when it lists errors" "$RUSHES" summary --json
check "the summary flags the truncated clip" contains "$TMP/out" '"file": "CLIPS/truncated.mov"'
check "the summary finds the black clip" contains "$TMP/out" '"kind": "black"'

expect_exit 0 "ingesting the unchanged card again verifies it" "$RUSHES" --progress=0 ingest "$card" --day 1 --camera A
printf 'X' | dd of="$card/notes.txt" bs=1 seek=2 conv=notrunc 2>/dev/null
rm "$card/with space é/A001C002 ü.mov"
expect_exit 4 "a changed and a missing file fail verification" \
  "$RUSHES" --progress=0 ingest "$card" --day 1 --camera A
check "the changed file is named" contains "$TMP/err" "notes.txt"
check "the missing file is named" contains "$TMP/err" "A001C002 ü.mov"
check "the original hash is kept, not replaced" \
  test "$(sql rushes.db "SELECT count(DISTINCT hash) FROM file WHERE rel_path = 'notes.txt'")" -eq 1
check "the store records the mismatch" test "$(sql rushes.db "SELECT status FROM file WHERE rel_path = 'notes.txt'")" = mismatch
# The store is a witness of its own: without the card's history the change is still caught.
rm -rf "$card/ascmhl"
expect_exit 4 "a change is caught by the store even without the MHL history" \
  "$RUSHES" --progress=0 ingest "$card" --day 1 --camera A
expect_exit 0 "the store passes an integrity check" sqlite3 rushes.db "PRAGMA integrity_check"
check "integrity ok" contains "$TMP/out" "^ok$"
finish
