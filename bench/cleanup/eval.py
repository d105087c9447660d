#!/usr/bin/python3
"""Clean-up evaluation on real footage where the truth under the mask is known.

A mask (moving blob, thin moving line, static rectangle) is painted over a
real clip as a flat object; every method gets the painted clip and the mask;
the truth is the original clip. Scores, inside the mask, on luma:
PSNR (dB, all frames pooled), SSIM (Gaussian 11x11, sigma 1.5, averaged over
masked pixels) and a temporal error: the mean |(out_t - out_t-1) - (truth_t -
truth_t-1)| over pixels masked in both frames (0 = the fill changes over time
exactly as the truth does; flicker raises it).

Two more masks follow ProPainter's video-completion protocol on running_car:
"square" (mask_square.png, nine squares, 10.6 % of the frame) and "logo"
(mask_logo.png, a watermark, 6.2 %), static over every frame, read from
RS_SHARED_MEDIA/propainter and scaled to the clip (their own sizes are
432x240 and 1296x720). For static masks FFmpeg's delogo runs once per
connected part of the mask (on its bounding box) and removelogo on the
mask itself.

Usage: eval.py RUSHES CLIP.mkv NAME WORKDIR   (called by bench/cleanup/run.sh)
RS_CLEAN_ARGS adds arguments to `rushes clean` (e.g. "--seam 0").
A faster subset for iterating on the fill (the scores are the same):
RS_EVAL_KINDS picks masks ("blob,line"), RS_EVAL_RUSHES_ONLY=1 skips the
other methods and the dust test, RS_EVAL_NO_DUST=1 the dust test only.
"""
import os
import subprocess
import sys
import time

import cv2
import numpy as np


def read_yuv(path, w, h):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
                         check=True, capture_output=True).stdout
    fs = w * h * 3 // 2
    n = len(raw) // fs
    a = np.frombuffer(raw[:n * fs], np.uint8).reshape(n, fs)
    return a


def write_ffv1(path, frames, w, h, rate):
    p = subprocess.Popen(["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s",
                          f"{w}x{h}", "-r", rate, "-i", "-", "-c:v", "ffv1", "-pix_fmt", "yuv420p", path],
                         stdin=subprocess.PIPE)
    p.stdin.write(frames.tobytes())
    p.stdin.close()
    if p.wait():
        raise SystemExit(f"ffmpeg failed writing {path}")


def media_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("RS_SHARED_MEDIA", os.path.join(here, "..", "..", "..", "shared", "media"))


def masks(kind, n, w, h):
    m = np.zeros((n, h, w), np.uint8)
    if kind in ("square", "logo"):
        png = cv2.imread(os.path.join(media_dir(), "propainter", f"mask_{kind}.png"), cv2.IMREAD_GRAYSCALE)
        if png is None:
            raise SystemExit(f"eval: propainter/mask_{kind}.png not found under {media_dir()}")
        m[:] = (cv2.resize(png, (w, h), interpolation=cv2.INTER_NEAREST) > 127).astype(np.uint8)
        return m
    for t in range(n):
        a = t / max(1, n - 1)
        if kind == "blob":
            cx, cy = int(w * (0.25 + 0.5 * a)), int(h * (0.55 - 0.1 * a))
            cv2.ellipse(m[t], (cx, cy), (int(w * 0.11), int(h * 0.15)), 20 * a, 0, 360, 1, -1)
        elif kind == "line":
            x0 = int(w * (0.15 + 0.1 * a))
            cv2.line(m[t], (x0, int(h * 0.1)), (x0 + int(w * 0.5), int(h * 0.9)), 1, 5)
        else:  # rect
            m[t, int(h * 0.12):int(h * 0.37), int(w * 0.6):int(w * 0.85)] = 1
    return m


def planes(f, w, h):
    y = f[:w * h].reshape(h, w)
    u = f[w * h:w * h * 5 // 4].reshape(h // 2, w // 2)
    v = f[w * h * 5 // 4:].reshape(h // 2, w // 2)
    return y, u, v


def ssim_map(a, b):
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    g = lambda x: cv2.GaussianBlur(x, (11, 11), 1.5)
    ma, mb = g(a), g(b)
    va, vb, cov = g(a * a) - ma * ma, g(b * b) - mb * mb, g(a * b) - ma * mb
    return ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))


def score(out, truth, m, w, h):
    n = min(len(out), len(truth))
    se, cnt, ss, tc, tcn = 0.0, 0, 0.0, 0.0, 0
    prev = None
    for t in range(n):
        yo = planes(out[t], w, h)[0].astype(np.int32)
        yt = planes(truth[t], w, h)[0].astype(np.int32)
        mk = m[t].astype(bool)
        d = yo[mk] - yt[mk]
        se += float((d * d).sum())
        cnt += int(mk.sum())
        ss += float(ssim_map(yo, yt)[mk].sum())
        if prev is not None:
            both = mk & prev[2]
            diff = (yo - prev[0]) - (yt - prev[1])
            tc += float(np.abs(diff[both]).sum())
            tcn += int(both.sum())
        prev = (yo, yt, mk)
    psnr = 10 * np.log10(255 * 255 / max(se / max(cnt, 1), 1e-9))
    return psnr, ss / max(cnt, 1), tc / max(tcn, 1)


def outside_identical(out, src, m, w, h):
    for t in range(min(len(out), len(src))):
        yo, uo, vo = planes(out[t], w, h)
        ys, us, vs = planes(src[t], w, h)
        keep = ~m[t].astype(bool)
        ckeep = ~(m[t].reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3)).astype(bool))
        if (yo[keep] != ys[keep]).any() or (uo[ckeep] != us[ckeep]).any() or (vo[ckeep] != vs[ckeep]).any():
            return False
    return True


def dust(rushes, truth, name, work, w, h, rate):
    """Specks (2-5 px discs, white or black) on single frames: repaired, and what else was touched."""
    rng = np.random.default_rng(7)
    n = len(truth)
    painted = truth.copy()
    specks = np.zeros((n, h, w), bool)
    for t in range(1, n - 1):
        for _ in range(3):
            x, y, r = int(rng.integers(8, w - 8)), int(rng.integers(8, h - 8)), int(rng.integers(1, 3))
            m = np.zeros((h, w), np.uint8)
            cv2.circle(m, (x, y), r, 1, -1)
            planes(painted[t], w, h)[0][m.astype(bool)] = 245 if rng.integers(2) else 12
            specks[t] |= m.astype(bool)
    src = os.path.join(work, f"{name}_dust.mkv")
    out = os.path.join(work, f"{name}_dust_out.mkv")
    write_ffv1(src, painted, w, h, rate)
    t0 = time.time()
    subprocess.run([rushes, "-q", "clean", src, "--dust", "--out", out], check=True)
    secs = time.time() - t0
    res = read_yuv(out, w, h)
    se_in = se_out = 0.0
    repaired = touched = 0
    for t in range(n):
        yo = planes(res[t], w, h)[0].astype(np.int32)
        yp = planes(painted[t], w, h)[0].astype(np.int32)
        yt = planes(truth[t], w, h)[0].astype(np.int32)
        sp = specks[t]
        se_in += float(((yp[sp] - yt[sp]) ** 2).sum())
        se_out += float(((yo[sp] - yt[sp]) ** 2).sum())
        repaired += int((np.abs(yo[sp] - yt[sp]) < 16).sum())
        touched += int((yo[~sp] != yp[~sp]).sum())
    k = int(specks.sum())
    psnr = lambda se: 10 * np.log10(255 * 255 / max(se / max(k, 1), 1e-9))
    print(f"| {name} | dust: {k} speck px | rushes clean --dust | {psnr(se_out):.2f} (specks left: "
          f"{psnr(se_in):.2f}) | - | - | {100.0 * repaired / max(k, 1):.1f}% of speck px within 16 of truth; "
          f"{touched} px outside specks changed ({100.0 * touched / (n * w * h):.4f}%); {n / secs:.1f} fps |",
          flush=True)


def main():
    rushes, clip, name, work = sys.argv[1:5]
    info = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                           "stream=width,height,r_frame_rate", "-of", "csv=p=0", clip],
                          check=True, capture_output=True, text=True).stdout.strip().split(",")
    w, h, rate = int(info[0]), int(info[1]), info[2]
    truth = read_yuv(clip, w, h)
    n = len(truth)
    only = os.environ.get("RS_EVAL_RUSHES_ONLY") == "1"
    for kind in os.environ.get("RS_EVAL_KINDS", "blob,line,rect").split(","):
        m = masks(kind, n, w, h)
        d = os.path.join(work, f"{name}_{kind}")
        os.makedirs(os.path.join(d, "mask"), exist_ok=True)
        painted = truth.copy()
        for t in range(n):
            cv2.imwrite(os.path.join(d, "mask", f"{t:05d}.png"), m[t] * 255)
            y, u, v = planes(painted[t], w, h)
            cm = m[t].reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3)).astype(bool)
            y[m[t].astype(bool)] = 70   # a flat dark-green object
            u[cm] = 90
            v[cm] = 80
        src = os.path.join(d, "painted.mkv")
        write_ffv1(src, painted, w, h, rate)
        rows = []
        out = os.path.join(d, "rushes.mkv")
        t0 = time.time()
        subprocess.run([rushes, "-q", "clean", src, "--mask", os.path.join(d, "mask"), "--out", out] +
                       os.environ.get("RS_CLEAN_ARGS", "").split(), check=True)
        secs = time.time() - t0
        ro = read_yuv(out, w, h)
        exact = outside_identical(ro, painted, m, w, h)
        rows.append(("rushes clean", score(ro, truth, m, w, h), f"{n / secs:.1f} fps, outside bit-exact: {exact}"))
        if kind in ("rect", "square", "logo") and not only:
            # delogo takes rectangles: one per connected part of the mask, on its bounding box
            # (kept one pixel inside the picture, as delogo needs).
            count, _, stats, _ = cv2.connectedComponentsWithStats(m[0], connectivity=8)
            boxes = []
            for x, y, rw, rh, _ in stats[1:count]:
                x0, y0 = max(int(x), 1), max(int(y), 1)
                x1, y1 = min(int(x + rw), w - 1), min(int(y + rh), h - 1)
                boxes.append(f"delogo=x={x0}:y={y0}:w={x1 - x0}:h={y1 - y0}")
            dl = os.path.join(d, "delogo.mkv")
            t0 = time.time()
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", src, "-vf", ",".join(boxes),
                            "-c:v", "ffv1", dl], check=True)
            secs = time.time() - t0
            label = "ffmpeg delogo" if len(boxes) == 1 else f"ffmpeg delogo x{len(boxes)}"
            rows.append((label, score(read_yuv(dl, w, h), truth, m, w, h), f"{n / secs:.1f} fps"))
            # removelogo reads the mask as a picture of the frame's size (non-black: the logo).
            rl = os.path.join(d, "removelogo.mkv")
            t0 = time.time()
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", src, "-vf",
                            f"removelogo={os.path.join(d, 'mask', '00000.png')}", "-c:v", "ffv1", rl],
                           check=True)
            secs = time.time() - t0
            rows.append(("ffmpeg removelogo", score(read_yuv(rl, w, h), truth, m, w, h), f"{n / secs:.1f} fps"))
        for label, flag in () if only else (("OpenCV Telea", cv2.INPAINT_TELEA), ("OpenCV NS", cv2.INPAINT_NS)):
            t0 = time.time()
            res = painted.copy()
            for t in range(n):
                y, u, v = planes(res[t], w, h)
                cm = m[t].reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))
                y[:] = cv2.inpaint(y.copy(), m[t], 5, flag)
                u[:] = cv2.inpaint(u.copy(), cm, 3, flag)
                v[:] = cv2.inpaint(v.copy(), cm, 3, flag)
            secs = time.time() - t0
            rows.append((label, score(res, truth, m, w, h), f"{n / secs:.1f} fps (frame by frame)"))
        area = 100.0 * m.mean()
        for label, (p, s, tcv), note in rows:
            print(f"| {name} | {kind} {area:.1f}% | {label} | {p:.2f} | {s:.4f} | {tcv:.2f} | {note} |", flush=True)
    if not only and os.environ.get("RS_EVAL_NO_DUST") != "1":
        dust(rushes, truth, name, work, w, h, rate)


if __name__ == "__main__":
    main()
