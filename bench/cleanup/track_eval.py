#!/usr/bin/python3
"""Mask tracking against DAVIS ground truth (bmx-trees, tennis in ../shared/media/propainter).

The ground-truth mask of frame 0 is keyed as polygons (its outlines, or their convex hulls), then
`rushes clean --track-only --mask-out` tracks them through the shot; every frame's tracked mask is
compared with that frame's ground truth. The baseline is the same key held still (not tracked).

    python3 bench/cleanup/track_eval.py BUILD_DIR [MEDIA_DIR]

Scores per clip and variant: mean and minimum IoU, mean coverage of the true object
(|tracked & truth| / |truth|), the share of frames covering >= 95 % of it (what removal needs: a
mask may be generous, it must not miss the object), and the mean area of the mask over the truth's.
Needs python3-opencv and python3-numpy (bench only).
"""
import json
import os
import subprocess
import sys
import tempfile

import cv2
import numpy as np


def outlines(mask, hull):
    """Polygons of the outer outlines of a 0/255 mask, at most 256 points each."""
    cs, _ = cv2.findContours((mask >= 128).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    polys = []
    for c in cs:
        if cv2.contourArea(c) < 12:
            continue
        if hull:
            c = cv2.convexHull(c)
        eps = 0.5
        p = cv2.approxPolyDP(c, eps, True)
        while len(p) > 256:
            eps *= 1.5
            p = cv2.approxPolyDP(c, eps, True)
        if len(p) >= 3:
            # Contour points are pixel indices; the rasteriser takes pixel centres at +0.5.
            polys.append([float(v) + 0.5 for v in p.reshape(-1)])
    return polys


def hull64(mask):
    """The convex hull of the whole mask as 64 points evenly spaced along it, from its topmost point."""
    pts = cv2.findNonZero(mask.astype(np.uint8))
    h = cv2.convexHull(pts).reshape(-1, 2).astype(np.float64) + 0.5
    h = np.roll(h, -int(np.argmin(h[:, 1])), axis=0)
    closed = np.vstack([h, h[:1]])
    seg = np.hypot(*np.diff(closed, axis=0).T)
    at = np.concatenate([[0], np.cumsum(seg)])
    s = np.linspace(0, at[-1], 64, endpoint=False)
    x = np.interp(s, at, closed[:, 0])
    y = np.interp(s, at, closed[:, 1])
    return [float(v) for v in np.stack([x, y], 1).reshape(-1)]


def run(rushes, video, shapes, track, out_dir, extra, keyed=None):
    spec = {"shapes": [{"type": "polygon", "track": track, "keys": [{"frame": 0, "polygon": p}]} for p in shapes or []]}
    if keyed:
        spec = {"shapes": [{"type": "polygon", "track": track,
                            "keys": [{"frame": f, "polygon": p} for f, p in keyed]}]}
    path = out_dir + ".json"
    with open(path, "w") as f:
        json.dump(spec, f)
    subprocess.run([rushes, "-q", "clean", video, "--mask", path, "--track-only", "--mask-out", out_dir] + extra,
                   check=True)
    return [cv2.imread(os.path.join(out_dir, n), cv2.IMREAD_GRAYSCALE) >= 128 for n in sorted(os.listdir(out_dir))]


def score(pred, truth):
    ious, covs, areas = [], [], []
    for p, t in zip(pred, truth):
        inter, union = np.logical_and(p, t).sum(), np.logical_or(p, t).sum()
        ious.append(inter / union if union else 1.0)
        covs.append(inter / t.sum() if t.sum() else 1.0)
        areas.append(p.sum() / t.sum() if t.sum() else 0.0)
    return (np.mean(ious), np.min(ious), np.mean(covs), np.mean(np.array(covs) >= 0.95) * 100, np.mean(areas))


def main():
    build = sys.argv[1]
    media = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../../../shared/media")
    rushes = os.path.join(build, "tools/rushes")
    variants = [("static key (baseline)", False, []),
                ("tracked, similarity", True, ["--track-model", "similarity"]),
                ("tracked, affine", True, ["--track-model", "affine"]),
                ("tracked, similarity, margin 4", True, ["--track-model", "similarity", "--track-margin", "4"]),
                ("tracked, similarity, margin 8", True, ["--track-model", "similarity", "--track-margin", "8"]),
                ("static key, margin 8", False, ["margin8"])]
    print("| clip | key | variant | mean IoU | min IoU | mean coverage | frames >= 95 % covered | area / truth |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="rs-track-eval.") as tmp:
        for clip, ext in (("bmx-trees", "jpg"), ("tennis", "png")):
            src = os.path.join(media, "propainter", clip)
            if not os.path.isdir(src):
                print(f"track_eval: {src} missing, skipped", file=sys.stderr)
                continue
            video = os.path.join(tmp, clip + ".mkv")
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", os.path.join(src, "%05d." + ext), "-c:v", "ffv1",
                            "-pix_fmt", "yuv420p", video], check=True)
            mdir = os.path.join(media, "propainter", clip + "_mask")
            truth = [cv2.imread(os.path.join(mdir, n), cv2.IMREAD_GRAYSCALE) >= 128 for n in sorted(os.listdir(mdir))]
            for key, hull in (("outline", False), ("convex hull", True)):
                shapes = outlines(truth[0].astype(np.uint8) * 255, hull)
                for name, track, extra in variants:
                    if "margin 4" in name and hull:
                        continue
                    out = os.path.join(tmp, f"{clip}-{hull}-{len(name)}-{track}-{'_'.join(extra)}")
                    if extra == ["margin8"]:
                        # The margin grows tracked shapes only: grow the static key here, by the same disc.
                        disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (17, 17))
                        pred = [cv2.dilate(p.astype(np.uint8), disc) > 0 for p in run(rushes, video, shapes, False, out, [])]
                    else:
                        pred = run(rushes, video, shapes, track, out, extra)
                    m, mn, cov, c95, area = score(pred, truth)
                    print(f"| {clip} | {key} ({len(shapes)} polygons) | {name} | {m:.3f} | {mn:.3f} | {cov:.3f} | "
                          f"{c95:.0f} % | {area:.2f} |", flush=True)
            # Several keys: the hull of the whole mask every `step` frames, 64 points each,
            # interpolated linearly (the plain shape file) or tracked and blended between keys.
            for step in (10, 20):
                keyed = [(f, hull64(truth[f])) for f in range(0, len(truth), step)]
                for name, track in (("keys interpolated, not tracked", False), ("tracked between keys", True)):
                    out = os.path.join(tmp, f"{clip}-keys{step}-{track}")
                    pred = run(rushes, video, None, track, out, [], keyed)
                    m, mn, cov, c95, area = score(pred, truth)
                    print(f"| {clip} | hull every {step} frames | {name} | {m:.3f} | {mn:.3f} | {cov:.3f} | "
                          f"{c95:.0f} % | {area:.2f} |", flush=True)


if __name__ == "__main__":
    main()
