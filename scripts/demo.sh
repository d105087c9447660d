#!/usr/bin/env bash
# The main job on generated demo footage, on a fresh Debian 12 machine as root:
# install what is missing, build, film the demo shoot day, then
#   rushes init -> ingest every card (with ASC MHL) -> analyze -> clean the film scan
#   (flicker, dust and scratch, signed) -> audit verify -> summary.
# Usage: scripts/demo.sh [WORK_DIR]   (default: ./demo-out)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=${1:-$root/demo-out}

bash scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build --buildtype=release >/dev/null
ninja -C build
rushes=$root/build/tools/rushes

rm -rf "$work"
mkdir -p "$work"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "rushes demo: filming the demo shoot day"
"$rushes" demo "$work/footage"
step "rushes init"
"$rushes" init "$work/project" --title "Demo Feature"
cd "$work/project"
step "rushes ingest: camera A, camera B, the film scan and the sound recorder (day 1)"
"$rushes" ingest "$work/footage/day01/A001" --day 1 --camera A
"$rushes" ingest "$work/footage/day01/B001" --day 1 --camera B
"$rushes" ingest "$work/footage/day01/SCAN_001" --day 1 --camera SCAN
"$rushes" ingest "$work/footage/day01/SOUND_001" --day 1 --sound
step "rushes ls"
"$rushes" ls
step "rushes consent: the demo's invented actor allowed analysis of the whole project"
"$rushes" consent add --subject "Demo Actor" --use analysis --contract "DEMO-RELEASE-1"
step "rushes analyze: every analyzer, one decode per clip"
"$rushes" analyze
step "rushes clean: flicker, dust and the scratch on the film scan, once the actor allowed cleanup"
"$rushes" consent add --subject "Demo Actor" --use cleanup --roll SCAN_001 --contract "DEMO-RELEASE-1"
"$rushes" clean "$work/footage/day01/SCAN_001/R001_FILMSCAN_0001.mov" --deflicker --dust --scratches \
  --review "$work/scan_review.mkv" --out "$work/scan_clean.mkv"
"$rushes" verify "$work/scan_clean.mkv"
step "rushes audit verify: the signed log of who did what"
"$rushes" audit verify
step "rushes summary"
# Findings of severity 'error' make summary exit 1; the demo has none, so any is a real failure.
"$rushes" summary
printf '\nProject: %s  (try: cd %s && %s ls --json)\n' "$work/project" "$work/project" "$rushes"
