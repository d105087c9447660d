#!/usr/bin/env python3
"""Build synthetic edits with known transitions from real single-shot clips.

Usage: gen.py MEDIA_DIR OUT_DIR [EDITS]

Each edit joins 13 segments of real footage (listed in SOURCES: stretches
that hold one shot, checked by eye on contact sheets) with hard cuts,
dissolves, wipes and fade-out/fade-in pairs through black or white
(FFmpeg's xfade). Two segments that follow each other never come from the
same source clip (GROUP), so every join shows a change of shot. Inside the
segments go the distractors: 1-3 frame flashes, a strobe, a partial muzzle
flash, a fast pan, a zoom and something dark sweeping past the lens; some
segments are letterboxed (2.39:1) or very dark, and one cut per edit joins
two letterboxed segments, another two dark ones. The truth goes to
OUT_DIR/truth.json: per edit the frame spans of every transition,
distractor and letterboxed or dark segment, 0-based, presentation order.

Every segment is rendered once to raw frames (so its frame count is its
size), each transition is rendered alone from the tail and head it mixes,
and the edit is the raw frames put end to end, encoded once: the positions
are counted, not assumed. Deterministic (one seeded generator per edit)
and resumable: truth.json is written after each edit, and edits already in
it are kept. Run it under `nice`: it keeps a core busy.
"""
import json
import os
import random
import subprocess
import sys

# (file under MEDIA_DIR, first frame, last frame, clip group): each stretch is
# one shot; stretches of one group show the same scene or come from one film.
SOURCES = [
    ("dvr-scan/traffic_camera.mp4", 0, 570, "traffic"),
    ("intel-sample-videos/car-detection.mp4", 0, 370, "cars"),
    ("intel-sample-videos/one-by-one-person-detection.mp4", 0, 1390, "person"),
    ("propainter/running_car.mp4", 0, 290, "running_car"),
    ("kivy-city/cityCC0.mpg", 0, 110, "city"),
    ("kivy-city/cityCC0.mpg", 122, 189, "city"),
    ("pyscenedetect/testvideo.mp4", 40, 170, "testvideo"),
    ("pyscenedetect/testvideo.mp4", 250, 320, "testvideo"),
    ("pyscenedetect/testvideo.mp4", 430, 520, "testvideo"),
    ("pyscenedetect/testvideo.mp4", 570, 650, "testvideo"),
    ("moviepy/video_with_failing_audio.mp4", 0, 100, "failing_audio"),
    ("moviepy/chaplin.mp4", 0, 240, "chaplin"),
    ("deflicker/Winter_Scenes_in_Holland.mp4", 0, 95, "holland"),
    ("pyscenedetect/issue-195-aspect-ratio.mp4", 0, 68, "bbc"),
    ("pyscenedetect/issue-195-aspect-ratio.mp4", 72, 168, "bbc"),
    ("pyscenedetect/issue-195-aspect-ratio.mp4", 172, 299, "bbc"),
    ("pyscenedetect/issue-195-aspect-ratio.mp4", 303, 419, "bbc"),
    ("pyscenedetect/issue-195-aspect-ratio.mp4", 486, 627, "bbc"),
    ("moviepy/big_buck_bunny_0_30.webm", 50, 281, "bunny"),
    ("moviepy/big_buck_bunny_0_30.webm", 285, 374, "bunny"),
    ("moviepy/big_buck_bunny_0_30.webm", 378, 549, "bunny"),
    ("moviepy/big_buck_bunny_0_30.webm", 553, 719, "bunny"),
    ("pyscenedetect/issue-134-rotate.mp4", 0, 88, "goldeneye"),
    ("pyscenedetect/issue-134-rotate.mp4", 92, 208, "goldeneye"),
    ("propainter/bmx-trees/%05d.jpg", 0, 79, "bmx"),
    ("propainter/tennis/%05d.png", 0, 69, "tennis"),
    ("old-films/003/%03d.png", 100, 154, "old_film"),
]
W, H, FPS = 640, 360, 25
FRAME = W * H * 3 // 2
BAR = (H - round(W / 2.39)) // 2          # letterbox bar height for 2.39:1
TRANSITIONS = ["cut", "dissolve", "cut", "wipe", "cut", "fade_out_in", "cut", "dissolve", "cut", "wipe",
               "cut", "dissolve"]
# Edits 0-3 are for developing the detector (their errors may be looked at); 4-11 were
# blind until the first final measurement, whose misses led to two fixes; 12-17 were made
# after those fixes and not looked at before the second ("blind2"), whose errors led to a
# change of the fade rules; 18-23 were made after it ("blind3"), whose errors led to joining
# dissolve pieces up to 12 frames apart; 24 and later were made after that ("blind4").
DEV_EDITS = 4
BLIND_EDITS = 12
BLIND2_EDITS = 18
BLIND3_EDITS = 24
WIPES = ["wipeleft", "wiperight", "wipeup", "wipedown", "slideleft"]
KINDS = ["flash", "muzzle", "pan", "pass", "zoom", "strobe", None]
DLEN = {"flash": (1, 3), "muzzle": (1, 2), "pan": (8, 8), "pass": (7, 7), "zoom": (10, 20), "strobe": (7, 8),
        None: (0, 0)}


def distractor_filter(d, a, b):
    """Filters on the 2W x 2H picture that put distractor d on frames a..b and give W x H."""
    if d == "pan":
        # A whip pan: the view slides 60 px a frame across a picture twice the size.
        return f"crop={W}:{H}:x='if(between(n,{a},{b}),(n-{a})*60,if(gt(n,{b}),{b - a + 1}*60,0))':y={H // 2}"
    if d == "zoom":
        # A push-in to 1.5x over the distractor's frames, held after it.
        z = f"if(between(in,{a},{b}),1+0.5*(in-{a})/{b - a},if(gt(in,{b}),1.5,1))"
        return f"zoompan=z='{z}':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':d=1:s={W}x{H}:fps={FPS}"
    f = f"scale={W}:{H}"
    if d == "flash":
        f += f",eq=brightness=0.6:contrast=0.6:enable='between(n,{a},{b})'"
    elif d == "strobe":
        # Three flashes within the span: its first, middle and last frame.
        m = (a + b) // 2
        f += f",eq=brightness=0.6:contrast=0.6:enable='eq(n,{a})+eq(n,{m})+eq(n,{b})'"
    elif d == "muzzle":
        f += f",drawbox=x={W // 3}:y={H // 3}:w={W // 4}:h={H // 4}:color=white@0.95:t=fill:enable='between(n,{a},{b})'"
    elif d == "pass":
        # Something dark sweeping across the lens: a near-black bar crossing the frame in
        # b - a + 1 frames (overlay evaluates its position per frame; drawbox in 5.1 does not).
        f += (f"[p];color=c=0x101010:s={W // 2 + 40}x{H}:r={FPS}[bar];"
              f"[p][bar]overlay=x='(n-{a})*{W // (b - a + 1)}-{W // 2}':y=0:eval=frame:shortest=1:"
              f"enable='between(n,{a},{b})'")
    return f


def look_filter(look):
    if look == "letterbox":
        # 2.39:1 picture between black bars (the middle of the 16:9 picture).
        return f",crop={W}:{H - 2 * BAR}:0:{BAR},pad={W}:{H}:0:{BAR}:black"
    if look == "dark":
        # A night scene: the picture at 17 % of its level, with sensor noise.
        return (",lutyuv=y='16+(val-16)*0.17':u='128+(val-128)*0.17':v='128+(val-128)*0.17'"
                ",noise=c0s=8:c0f=t")
    return ""


RATES = {}


def source_rate(path):
    """Frames per second of a source (its average for variable rate files)."""
    if path not in RATES:
        r = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                            "stream=avg_frame_rate", "-of", "csv=p=0", path], check=True, capture_output=True,
                           text=True).stdout.strip().split(",")[0].split("/")
        RATES[path] = float(r[0]) / float(r[1] if len(r) > 1 else 1)
    return RATES[path]


def render_segment(media, src, start, length, d, a, b, look, out, seek=True):
    """Render one segment to raw yuv420p at W x H, FPS; returns its frame count."""
    path = os.path.join(media, src[0])
    if "%" in src[0]:
        inp = ["-framerate", str(FPS), "-start_number", str(start), "-i", path]
        skip = 0
    else:
        # Seek close to the start (fast), then trim to the frame: the truth is counted on
        # what comes out, so where exactly the seek lands does not matter.
        lead = max(0, start - 20) if seek else 0
        inp = ["-ss", "%.4f" % (lead / source_rate(path)), "-i", path]
        skip = start - lead
    f = (f"[0:v]trim=start_frame={skip},setpts=N/({FPS}*TB),fps={FPS},trim=end_frame={length},"
         f"scale={2 * W}:{2 * H}:force_original_aspect_ratio=increase,crop={2 * W}:{2 * H},setsar=1,"
         f"{distractor_filter(d, a, b)}{look_filter(look)},format=yuv420p[o]")
    subprocess.run(["ffmpeg", "-v", "error", "-y", *inp, "-filter_complex", f, "-map", "[o]", "-an",
                    "-f", "rawvideo", "-pix_fmt", "yuv420p", out], check=True)
    return os.path.getsize(out) // FRAME


def render_transition(name, d, tail, head, out):
    """xfade d frames of tail into d frames of head; frame 0 of the result is still pure tail."""
    raw = ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{W}x{H}", "-r", str(FPS)]
    subprocess.run(["ffmpeg", "-v", "error", "-y", *raw, "-i", tail, *raw, "-i", head, "-filter_complex",
                    f"xfade=transition={name}:duration={d / FPS:.6f}:offset=0", "-f", "rawvideo", "-pix_fmt",
                    "yuv420p", out], check=True)
    n = os.path.getsize(out) // FRAME
    if n != d:
        raise RuntimeError(f"xfade gave {n} frames for {d}")


def copy_frames(src, first, count, dst):
    with open(src, "rb") as f:
        f.seek(first * FRAME)
        dst.write(f.read(count * FRAME))


def pick_sources(rng, n):
    """n stretches, no two neighbours from one clip group."""
    segs = []
    for _ in range(n):
        prev = segs[-1][3] if segs else None
        segs.append(rng.choice([s for s in SOURCES if s[3] != prev]))
    return segs


def build(media, out, n, rng, truth):
    nseg = len(TRANSITIONS) + 1
    srcs = pick_sources(rng, nseg)
    # One cut joins two letterboxed segments, another two dark ones; a few more segments
    # are letterboxed or dark on their own.
    cuts = [i for i, t in enumerate(TRANSITIONS) if t == "cut"]
    lb, dk = rng.sample(cuts, 2)
    while abs(lb - dk) < 2:
        lb, dk = rng.sample(cuts, 2)
    looks = [None] * nseg
    looks[lb] = looks[lb + 1] = "letterbox"
    looks[dk] = looks[dk + 1] = "dark"
    for i in rng.sample([i for i in range(nseg) if looks[i] is None], 2):
        looks[i] = rng.choice(["letterbox", "dark"])
    # Plan first: lengths (within the stretch), transition lengths of at
    # most a quarter of either segment, then each distractor in the middle that no
    # transition touches (3 frames clear of either).
    lens, starts = [], []
    for src in srcs:
        # Source frames are played one per output frame (setpts before fps).
        length = rng.randint(70, 130)
        start = rng.randint(src[1], max(src[1], src[2] + 1 - length))
        lens.append(min(length, src[2] + 1 - start))
        starts.append(start)
    durs = []
    for i, t in enumerate(TRANSITIONS):
        d = {"cut": 0, "dissolve": rng.randint(6, 30), "wipe": rng.randint(6, 20),
             "fade_out_in": rng.randint(16, 30)}[t]
        durs.append(min(d, lens[i] // 4, lens[i + 1] // 4))
    segs, files, dists = [], [], []
    for i, src in enumerate(srcs):
        head, tail = (durs[i - 1] if i else 0), (durs[i] if i < len(durs) else 0)
        d = KINDS[(i + n) % len(KINDS)]
        dlen = rng.randint(*DLEN[d])
        dstart = rng.randint(head + 3, max(head + 3, lens[i] - tail - 3 - dlen)) if d else 0
        tmp = os.path.join(out, f"seg{i}.yuv")
        args = (media, src, starts[i], lens[i], d, dstart, dstart + dlen - 1, looks[i], tmp)
        real = render_segment(*args)
        if real != lens[i]:
            # Seeking in some containers (MPEG-PS) lands late: decode from the start instead.
            real = render_segment(*args, seek=False)
        if real != lens[i]:
            raise RuntimeError(f"{src[0]} from {starts[i]}: {real} frames, not {lens[i]}")
        segs.append([src[0], starts[i], real, looks[i]])
        files.append(tmp)
        dists.append((d, dstart, dlen))
    events = []
    name = f"edit{n:02d}.mp4"
    raw = os.path.join(out, "edit.yuv")
    pos = 0
    with open(raw, "wb") as dst:
        for i in range(nseg):
            head = durs[i - 1] if i else 0
            tail = durs[i] if i < len(TRANSITIONS) else 0
            seg_first = pos - head            # where the segment's frame 0 lies in the edit
            d, dstart, dlen = dists[i]
            if d:
                events.append({"type": d, "start": seg_first + dstart, "end": seg_first + dstart + dlen - 1})
            if segs[i][3]:
                events.append({"type": segs[i][3], "start": seg_first, "end": seg_first + segs[i][2] - 1})
            own = segs[i][2] - head - tail
            copy_frames(files[i], head, own, dst)
            pos += own
            if i == len(TRANSITIONS):
                break
            t = TRANSITIONS[i]
            if t == "cut":
                events.append({"type": "cut", "start": pos, "end": pos})
                continue
            xname = {"dissolve": "fade", "wipe": rng.choice(WIPES),
                     "fade_out_in": rng.choice(["fadeblack", "fadewhite"])}[t]
            a, b, x = (os.path.join(out, p) for p in ("tail.yuv", "head.yuv", "mix.yuv"))
            with open(a, "wb") as fa:
                copy_frames(files[i], segs[i][2] - tail, tail, fa)
            with open(b, "wb") as fb:
                copy_frames(files[i + 1], 0, tail, fb)
            render_transition(xname, tail, a, b, x)
            copy_frames(x, 0, tail, dst)
            for p in (a, b, x):
                os.remove(p)
            # Frame 0 of the mix is still the outgoing picture: the mix is the frames after it.
            events.append({"type": t, "start": pos + 1, "end": pos + tail - 1, "xfade": xname})
            pos += tail
    total = os.path.getsize(raw) // FRAME
    assert total == pos, (total, pos)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{W}x{H}",
                    "-r", str(FPS), "-i", raw, "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-g", "50",
                    "-pix_fmt", "yuv420p", os.path.join(out, name)], check=True)
    for p in files + [raw]:
        os.remove(p)
    truth[name] = {"set": ("dev" if n < DEV_EDITS else "blind" if n < BLIND_EDITS else
                                    "blind2" if n < BLIND2_EDITS else "blind3" if n < BLIND3_EDITS else "blind4"), "frames": total, "segments": segs, "events": sorted(events, key=lambda e: e["start"])}


def main():
    media, out = sys.argv[1], sys.argv[2]
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 30
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
