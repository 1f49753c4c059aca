#!/usr/bin/env bash
# End-to-end: a real slate window under a virtual display, driven with xdotool. It makes a
# project, imports a generated clip, adds it to the timeline, splits it at the playhead, undoes
# the split, exports, checks the file with ffprobe, and saves a screenshot of every step in
# $SHOTS (default e2e-shots/). Run it with `make e2e` (inside xvfb-run).
set -euo pipefail
export LANG=en_US.UTF-8
root=$(cd "$(dirname "$0")/.." && pwd)
slate="$root/bin/slate"
shots=${SHOTS:-$root/e2e-shots}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$shots"
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"

step() { echo "e2e: $*"; }
shot() { import -window root "$shots/$1.png"; step "screenshot $shots/$1.png"; }
fail() { echo "e2e FAILED: $*" >&2; shot failure || true; exit 1; }

step "making a clip and a project"
ffmpeg -nostdin -loglevel error -f lavfi -i "testsrc2=size=640x360:rate=24:duration=4" \
	-f lavfi -i "sine=frequency=440:duration=4" -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest "$work/clip.mp4"
"$slate" new "$work/film.slate" --size 640x360 --rate 24 >/dev/null
"$slate" import "$work/film.slate" "$work/clip.mp4" >/dev/null

step "starting the editor"
"$slate" open "$work/film.slate" >"$work/slate.log" 2>&1 &
pid=$!
win=$(xdotool search --sync --name "Slate" | head -n 1)
xdotool windowmove "$win" 0 0 windowsize --sync "$win" 1280 800
sleep 3
shot 01-opened

clips() { "$slate" info "$work/film.slate" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["clips"])'; }
click() { xdotool mousemove --sync "$1" "$2" click 1; sleep 1; }

step "selecting the clip in the bin and adding it to the timeline"
click 150 135          # first row of the media bin
click 228 371          # "Add to timeline"
[ "$(clips)" = 1 ] || fail "the timeline should hold 1 clip, holds $(clips)"
shot 02-added

step "moving the playhead into the clip and splitting there (Ctrl+K)"
click 400 409          # the ruler
xdotool key ctrl+k; sleep 1
[ "$(clips)" = 2 ] || fail "after the split the timeline should hold 2 clips, holds $(clips)"
shot 03-split

step "undoing the split (Ctrl+Z)"
xdotool key ctrl+z; sleep 1
[ "$(clips)" = 1 ] || fail "after undo the timeline should hold 1 clip, holds $(clips)"
shot 04-undone

step "exporting (Ctrl+E, then the dialog's Export button)"
xdotool key ctrl+e; sleep 2
shot 05-export-dialog
click 685 513
for _ in $(seq 60); do [ -f "$work/film.mp4" ] && break; sleep 1; done
sleep 2
shot 06-exported
[ -f "$work/film.mp4" ] || fail "no exported file after 60 s ($(tail -n 3 "$work/slate.log"))"
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames,width,height -of csv=p=0 "$work/film.mp4")
[ "$frames" = "640,360,96" ] || fail "exported file has width,height,frames = $frames, want 640,360,96"
audio=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name -of csv=p=0 "$work/film.mp4")
[ "$audio" = "aac" ] || fail "exported file has audio codec '$audio', want aac"

xdotool key ctrl+q; sleep 1
step "passed: screenshots in $shots"
