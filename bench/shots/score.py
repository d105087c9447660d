#!/usr/bin/env python3
"""Score shot-boundary detections against the truth of the evaluation set.

Usage: score.py TRUTH.json RESULTS.json [SET]

With SET (dev or blind), only the files whose truth says "set": SET count.

RESULTS.json: {"method": {"edit00.mp4": [{"type": ..., "start": F, "end": F}, ...]}, ...}
where a peer that only finds cuts gives type "cut" and start == end == the
first frame of the new shot. Except for a method called "scdet", whose
entries are per-frame scores ({"edit00.mp4": {"scores": [...]}}): its
threshold is swept and the best overall F1 kept (its best case).

Rules (doc/shots.md): a detection matches a truth transition when its span,
widened by one frame each side, overlaps the truth span: a hard cut within
+-1 frame, a gradual transition when the spans overlap. Matching is one to
one, in time order. A matched detection counts for the truth's type; an
unmatched one is a false positive of the type it claims, and when it lies
on a distractor
it is also a false alarm on that distractor (a flash, strobe, muzzle flash,
fast pan, zoom or something passing the lens first; else the letterboxed
or dark segment it lies in).
"""
import json
import sys

TRANSITIONS = ["cut", "dissolve", "wipe", "fade_out_in"]
# A lone fade out or fade in (at the start or end of a clip) counts with the fade pairs.
FOLD = {"fade_out": "fade_out_in", "fade_in": "fade_out_in"}
DISTRACTORS = ["flash", "strobe", "muzzle", "pan", "zoom", "pass", "letterbox", "dark"]
# Whole segments: a false detection counts against them only when no short distractor is under it.
SEGMENT_LOOKS = ["letterbox", "dark"]
CLAIM = {"cut": "cut", "dissolve": "dissolve", "wipe": "wipe", "fade_out_in": "fade_out_in",
         "fade_out": "fade_out_in", "fade_in": "fade_out_in"}


def overlap(d, t):
    return d["start"] - 1 <= t["end"] and t["start"] <= d["end"] + 1


def score(truth, dets):
    tp = {k: 0 for k in TRANSITIONS}
    fn = dict(tp)
    fp = dict(tp)
    typed = [0, 0]
    false_on = {k: 0 for k in DISTRACTORS}
    for name, info in truth.items():
        ts = [dict(e, type=FOLD.get(e["type"], e["type"])) for e in info["events"]]
        ts = [e for e in ts if e["type"] in TRANSITIONS]
        ds = sorted(dets.get(name, []), key=lambda d: d["start"])
        used = [False] * len(ds)
        for t in ts:
            hit = next((i for i, d in enumerate(ds) if not used[i] and overlap(d, t)), None)
            if hit is None:
                fn[t["type"]] += 1
                continue
            used[hit] = True
            tp[t["type"]] += 1
            typed[0] += CLAIM.get(ds[hit]["type"], "cut") == t["type"]
            typed[1] += 1
        for i, d in enumerate(ds):
            if used[i]:
                continue
            fp[CLAIM.get(d["type"], "cut")] += 1
            order = sorted(info["events"], key=lambda e: e["type"] in SEGMENT_LOOKS)
            for e in order:
                if e["type"] in DISTRACTORS and overlap(d, e):
                    false_on[e["type"]] += 1
                    break
    return tp, fn, fp, typed, false_on


def prf(tp, fn, fp):
    p = tp / (tp + fp) if tp + fp else (1.0 if tp + fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def total_f1(s):
    tp, fn, fp = sum(s[0].values()), sum(s[1].values()), sum(s[2].values())
    return prf(tp, fn, fp)[2]


def scdet_dets(scores, thr):
    return {name: [{"type": "cut", "start": i, "end": i} for i, v in enumerate(x["scores"]) if v >= thr]
            for name, x in scores.items()}


def main():
    truth = json.load(open(sys.argv[1]))
    if len(sys.argv) > 3:
        truth = {k: v for k, v in truth.items() if v.get("set") == sys.argv[3]}
    results = json.load(open(sys.argv[2]))
    counts = {k: 0 for k in TRANSITIONS + DISTRACTORS}
    for info in truth.values():
        for e in info["events"]:
            counts[FOLD.get(e["type"], e["type"])] += 1
    print("evaluation set: %d files, %d frames; " % (len(truth), sum(i["frames"] for i in truth.values())) +
          ", ".join("%s %d" % (k, v) for k, v in counts.items()))
    rows = []
    for method, dets in results.items():
        label = method
        if method == "scdet":
            best = max((total_f1(score(truth, scdet_dets(dets, t / 2))), t / 2) for t in range(2, 101))
            dets = scdet_dets(dets, best[1])
            label = "scdet(t=%g)" % best[1]
        rows.append((label, score(truth, dets)))
    print("%-16s %-12s %6s %6s %6s %5s %5s %5s" % ("method", "type", "P", "R", "F1", "tp", "fn", "fp"))
    for label, (tp, fn, fp, typed, false_on) in rows:
        for k in TRANSITIONS + ["gradual"]:
            if k == "gradual":
                a, b, c = (sum(x[g] for g in TRANSITIONS[1:]) for x in (tp, fn, fp))
            else:
                a, b, c = tp[k], fn[k], fp[k]
            if a + b + c == 0:
                print("%-16s %-12s %6s %6s %6s %5d %5d %5d" % (label, k, "-", "-", "-", a, b, c))
                continue
            p, r, f = prf(a, b, c)
            print("%-16s %-12s %6.3f %6.3f %6.3f %5d %5d %5d" % (label, k, p, r, f, a, b, c))
        print("%-16s false detections on distractors: %s; type right on %d of %d matched" % (
            label, ", ".join("%s %d" % kv for kv in false_on.items()), typed[0], typed[1]))


if __name__ == "__main__":
    main()
