#!/usr/bin/env python3
"""Build synthetic edits with known transitions from real single-shot clips.

Usage: gen.py MEDIA_DIR OUT_DIR [EDITS]

Each edit joins segments of real footage (listed in SOURCES: stretches that
hold one shot, checked by eye on contact sheets) with hard cuts (concat),
dissolves of 6-30 frames, wipes and fade-out/fade-in pairs through black or
white (FFmpeg's xfade), and puts distractors inside segments: 1-3 frame
flashes, a partial muzzle flash, a fast pan and something dark sweeping
past the lens. The truth goes to OUT_DIR/truth.json: per edit the frame
spans of every transition and distractor, 0-based, presentation order.
Deterministic (one seeded generator per edit) and resumable: truth.json
is written after each edit, and edits already in it are kept.
"""
import json
import os
import random
import subprocess
import sys

# (file under MEDIA_DIR, first frame, last frame): each stretch is one shot.
SOURCES = [
    ("dvr-scan/traffic_camera.mp4", 0, 570),
    ("intel-sample-videos/car-detection.mp4", 0, 370),
    ("intel-sample-videos/one-by-one-person-detection.mp4", 0, 1390),
    ("propainter/running_car.mp4", 0, 290),
    ("kivy-city/cityCC0.mpg", 0, 110),
    ("kivy-city/cityCC0.mpg", 122, 189),
    ("pyscenedetect/testvideo.mp4", 40, 170),
    ("pyscenedetect/testvideo.mp4", 250, 320),
    ("pyscenedetect/testvideo.mp4", 430, 520),
    ("pyscenedetect/testvideo.mp4", 570, 650),
    ("moviepy/video_with_failing_audio.mp4", 0, 100),
    ("deflicker/Winter_Scenes_in_Holland.mp4", 0, 95),
]
W, H, FPS = 640, 360, 25
TRANSITIONS = ["cut", "dissolve", "cut", "wipe", "cut", "fade_out_in", "dissolve", "cut"]
WIPES = ["wipeleft", "wiperight", "wipeup", "wipedown", "slideleft"]


def segment_filter(idx, src, start, length, distractor, dstart, dlen):
    """Filter chain for input idx: trim, normalise, and maybe one distractor."""
    f = (f"[{idx}:v]trim=start_frame={start}:end_frame={start + length},setpts=N/({FPS}*TB),"
         f"fps={FPS},trim=end_frame={length},scale={2 * W}:{2 * H},setsar=1")
    a, b = dstart, dstart + dlen - 1
    if distractor == "pan":
        # A whip pan: the view slides 60 px a frame across a picture twice the size.
        f += f",crop={W}:{H}:x='if(between(n,{a},{b}),(n-{a})*60,if(gt(n,{b}),{dlen}*60,0))':y={H // 2}"
    else:
        f += f",crop={W}:{H}:{W // 2}:{H // 2}"
    if distractor == "flash":
        f += f",eq=brightness=0.6:contrast=0.6:enable='between(n,{a},{b})'"
    elif distractor == "muzzle":
        f += f",drawbox=x={W // 3}:y={H // 3}:w={W // 4}:h={H // 4}:color=white@0.95:t=fill:enable='between(n,{a},{b})'"
    elif distractor == "pass":
        # Something dark sweeping across the lens: a near-black bar crossing the frame in dlen
        # frames (overlay evaluates its position per frame; drawbox in FFmpeg 5.1 does not).
        f += (f"[v{idx}];color=c=0x101010:s={W // 2 + 40}x{H}:r={FPS}[bar{idx}];"
              f"[v{idx}][bar{idx}]overlay=x='(n-{a})*{W // dlen}-{W // 2}':y=0:eval=frame:shortest=1:"
              f"enable='between(n,{a},{b})'")
    return f + f",format=yuv420p,settb=1/{FPS}[s{idx}]"


def count_frames(path):
    r = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=nb_read_frames",
                        "-of", "csv=p=0", path], check=True, capture_output=True, text=True)
    return int(r.stdout.split(",")[0])


def build(media, out, n, rng, truth):
    segs = []
    for k in range(len(TRANSITIONS) + 1):
        path, first, last = rng.choice(SOURCES)
        length = rng.randint(45, 80)
        start = rng.randint(first, max(first, last - length))
        length = min(length, last - start + 1)
        segs.append((path, start, length))
    inputs, chains, events = [], [], []
    kinds = ["flash", "muzzle", "pan", "pass", None]
    seg_dist = []
    for i, (path, start, length) in enumerate(segs):
        d = kinds[(i + n) % len(kinds)]
        dlen = {"flash": rng.randint(1, 3), "muzzle": rng.randint(1, 2), "pan": 8, "pass": 7, None: 0}[d]
        dstart = rng.randint(length // 2 - 6, length // 2 + 2)
        # Each segment is rendered alone (lossless) and its frames counted, so
        # the truth holds whatever the decoder of a source does at its edges.
        tmp = os.path.join(out, f"seg{i}.nut")
        f = segment_filter(0, path, start, length, d, dstart, dlen)
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", os.path.join(media, path), "-filter_complex", f,
                        "-map", "[s0]", "-an", "-c:v", "ffv1", tmp], check=True)
        real = count_frames(tmp)
        segs[i] = (path, start, real)
        inputs += ["-i", tmp]
        chains.append(f"[{i}:v]settb=1/{FPS},fps={FPS}[s{i}]")
        seg_dist.append((d, dstart, dlen))
    # Joins are made one at a time and the result counted each time: positions
    # are taken from the end of the joined file (the new segment's tail is
    # intact), so they hold even where xfade drops or repeats a frame.
    acc = os.path.join(out, "acc0.nut")
    os.replace(inputs[1], acc)
    inputs[1] = acc
    cur_len = segs[0][2]
    if seg_dist[0][0]:
        events.append({"type": seg_dist[0][0], "start": seg_dist[0][1], "end": seg_dist[0][1] + seg_dist[0][2] - 1})
    for i, t in enumerate(TRANSITIONS):
        nxt, nlen = inputs[2 * (i + 1) + 1], segs[i + 1][2]
        head = f"[0:v]settb=1/{FPS},fps={FPS}[a];[1:v]settb=1/{FPS},fps={FPS}[b];"
        if t == "cut":
            graph = head + "[a][b]concat=n=2:v=1:a=0[j]"
            d = 0
        else:
            d = {"dissolve": rng.randint(6, 30), "wipe": rng.randint(6, 20), "fade_out_in": rng.randint(16, 30)}[t]
            d = min(d, nlen - 10, segs[i][2] - 10)
            name = {"dissolve": "fade", "wipe": rng.choice(WIPES),
                    "fade_out_in": rng.choice(["fadeblack", "fadewhite"])}[t]
            graph = head + f"[a][b]xfade=transition={name}:duration={d / FPS:.6f}:offset={(cur_len - d) / FPS:.6f}[j]"
        nacc = os.path.join(out, f"acc{i + 1}.nut")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", acc, "-i", nxt, "-filter_complex",
                        graph + f";[j]setpts=N/({FPS}*TB)[o]", "-map", "[o]", "-c:v", "ffv1", nacc], check=True)
        os.remove(acc)
        acc = nacc
        total = count_frames(acc)
        seg_off = total - nlen            # first frame of the new segment in the joined file
        if t == "cut":
            events.append({"type": "cut", "start": seg_off, "end": seg_off})
        else:
            # xfade shows pure A at the offset and pure B d frames later: the mix is in between.
            events.append({"type": t, "start": seg_off + 1, "end": seg_off + d - 1, "xfade": name})
        dd = seg_dist[i + 1]
        if dd[0]:
            events.append({"type": dd[0], "start": seg_off + dd[1], "end": seg_off + dd[1] + dd[2] - 1})
        cur_len = total
    name = f"edit{n:02d}.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", acc, "-c:v", "libx264", "-preset", "veryfast",
                    "-crf", "26", "-g", "50", "-pix_fmt", "yuv420p", os.path.join(out, name)], check=True)
    os.remove(acc)
    for i in range(1, len(segs)):
        os.remove(os.path.join(out, f"seg{i}.nut"))
    truth[name] = {"frames": cur_len, "segments": [list(s) for s in segs],
                   "events": sorted(events, key=lambda e: e["start"])}


def main():
    media, out = sys.argv[1], sys.argv[2]
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    os.makedirs(out, exist_ok=True)
    tpath = os.path.join(out, "truth.json")
    truth = json.load(open(tpath)) if os.path.exists(tpath) else {}
    for n in range(edits):
        # One generator per edit: an interrupted run resumes where it stopped, with the same edits.
        if f"edit{n:02d}.mp4" in truth:
            continue
        build(media, out, n, random.Random(20261121 + n), truth)
        with open(tpath + ".tmp", "w") as f:
            json.dump(truth, f, indent=1)
        os.replace(tpath + ".tmp", tpath)


if __name__ == "__main__":
    main()
