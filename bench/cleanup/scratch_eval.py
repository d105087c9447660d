#!/usr/bin/python3
"""Vertical scratch detection and repair on real footage with known truth.

Clean clips from ../shared/media are scaled to 640x360 (FRAMES frames); four scratches are painted
on the luma of every frame (anti-aliased, so a line between two columns is split as on a scan):
bright 1 px +25, dark 2 px -30, bright 3 px +20 drifting 0.2 px a frame, dark 1 px -18 over the
middle 60 % of the height only. Then `rushes clean --scratches` is run on the scratched clip, and
also on the clean clip (anything found there is a false alarm).

    python3 bench/cleanup/scratch_eval.py BUILD_DIR [FRAMES] [MEDIA_DIR] [rushes clean options...]

Scores: which painted scratches were found (x, in the order above: most of their pixels masked)
and how many detections there were; scratch pixels (|scratched - truth| >= 3 levels), the share of them masked (recall), the
share of masked pixels within 2 px of a painted scratch (precision of the detections; the mask
has a 1 px margin by design), the scratches found, the PSNR of the scratch pixels against the
truth before and after the repair, and the pixels changed outside the mask (must be 0).
Needs python3-numpy and ffmpeg (bench only).
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

W, H = 640, 360
CLIPS = [("running_car (tracking shot)", "propainter/running_car.mp4", 0),
         ("traffic (fixed camera)", "dvr-scan/traffic_camera.mp4", 0),
         ("car_detection (fixed)", "intel-sample-videos/car-detection.mp4", 0),
         ("fire2 (handheld)", "moviepy/fire2.mp4", 1)]
# centre x at frame 0, width, contrast, drift px/frame, rows (fraction of height)
SCRATCHES = [(101.5, 1, 25, 0.0, (0, 1)), (233.0, 2, -30, 0.0, (0, 1)),
             (402.5, 3, 20, 0.2, (0, 1)), (517.5, 1, -18, 0.0, (0.2, 0.8))]


def read_yuv(path, frames):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-frames:v", str(frames), "-f", "rawvideo",
                          "-pix_fmt", "yuv420p", "-"], check=True, capture_output=True).stdout
    n = len(raw) // (W * H * 3 // 2)
    return np.frombuffer(raw[:n * W * H * 3 // 2], np.uint8).reshape(n, W * H * 3 // 2).copy()


def write_ffv1(path, frames):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{W}x{H}",
                    "-r", "25", "-i", "-", "-c:v", "ffv1", path], input=frames.tobytes(), check=True)


def paint(frames):
    out = frames.copy()
    near = np.zeros((len(frames), H, W), bool)
    which = np.full((len(frames), H, W), -1, np.int8)
    x = np.arange(W) + 0.0
    for t in range(len(frames)):
        y = out[t, :W * H].reshape(H, W).astype(np.float64)
        for k, (c0, width, contrast, drift, (r0, r1)) in enumerate(SCRATCHES):
            c = c0 + drift * t
            cover = np.clip(np.minimum(x + 1, c + width / 2) - np.maximum(x, c - width / 2), 0, 1)
            rows = slice(int(r0 * H), int(r1 * H))
            y[rows] += cover[None, :] * contrast
            near[t, rows, max(0, int(c - width / 2) - 2):int(c + width / 2) + 3] = True
            which[t, rows][:, cover > 0.2] = k
        out[t, :W * H] = np.clip(np.rint(y), 0, 255).astype(np.uint8).reshape(-1)
    return out, near, which


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 99.0 if mse == 0 else 10 * np.log10(255 ** 2 / mse)


def clean(rushes, src, out, masks):
    import json
    r = subprocess.run([rushes, "--json", "clean", src, "--scratches", "--out", out, "--mask-out", masks] + sys.argv[4:],
                       check=True, capture_output=True, text=True)
    return json.loads(r.stdout)


def main():
    build = sys.argv[1]
    frames = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    media = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "../../../shared/media")
    rushes = os.path.join(build, "tools/rushes")
    print("| clip | scratch px | recall | precision | painted found (detections) | found on the clean clip | "
          "PSNR before | PSNR after | PSNR of masked scratch px before -> after | changed outside mask |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="rs-scratch-eval.") as top:
        for k, (name, f, start) in enumerate(CLIPS):
            tmp = os.path.join(top, str(k))
            os.mkdir(tmp)
            path = os.path.join(media, f)
            if not os.path.exists(path):
                print(f"scratch_eval: {path} missing, skipped", file=sys.stderr)
                continue
            scaled = os.path.join(tmp, "truth.mkv")
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", str(start), "-i", path, "-frames:v", str(frames),
                            "-an", "-vf", f"scale={W}:{H}", "-c:v", "ffv1", "-pix_fmt", "yuv420p", scaled], check=True)
            truth = read_yuv(scaled, frames)
            bad, near, which = paint(truth)
            write_ffv1(os.path.join(tmp, "bad.mkv"), bad)
            st = clean(rushes, os.path.join(tmp, "bad.mkv"), os.path.join(tmp, "out.mkv"), os.path.join(tmp, "m"))
            st0 = clean(rushes, scaled, os.path.join(tmp, "out0.mkv"), os.path.join(tmp, "m0"))
            out = read_yuv(os.path.join(tmp, "out.mkv"), frames)
            # The masks written by --mask-out, read back through ffmpeg.
            raw = subprocess.run(["ffmpeg", "-v", "error", "-i", os.path.join(tmp, "m", "mask_%06d.png"), "-f",
                                  "rawvideo", "-pix_fmt", "gray", "-"], check=True, capture_output=True).stdout
            mask = np.frombuffer(raw, np.uint8).reshape(-1, H, W) >= 128
            ty, by, oy = (a[:, :W * H].reshape(-1, H, W) for a in (truth, bad, out))
            sc = np.abs(by.astype(int) - ty.astype(int)) >= 3
            recall = (sc & mask).sum() / max(1, sc.sum())
            precision = (mask & near).sum() / max(1, mask.sum())
            changed = (oy != by) & ~mask
            # A painted scratch is found when most of its pixels are masked.
            got = "".join("x" if (mask & (which == k)).sum() >= 0.5 * (which == k).sum() else "-"
                          for k in range(len(SCRATCHES)))
            rep = sc & mask
            print(f"| {name} | {sc.sum()} | {recall * 100:.1f} % | {precision * 100:.1f} % | {got} ({st['scratches']}) | "
                  f"{st0['scratches']} | {psnr(by[sc], ty[sc]):.2f} | {psnr(oy[sc], ty[sc]):.2f} | "
                  f"{psnr(by[rep], ty[rep]):.2f} -> {psnr(oy[rep], ty[rep]):.2f} | {int(changed.sum())} |", flush=True)


if __name__ == "__main__":
    main()
