"""Teacher-label quality against frame-aligned phones, as fairseq's measure_teacher_quality.py computes it.

Definitions (hubert-spec §10.1): p_xy are joint counts of (phone, label) over all frames divided by their total,
utterances truncated to the shorter of phones and labels; PNMI = MI / H(phone) with
MI = Σ p_xy log(p_xy / (p_x p_y) + 1e-8) and H(p) = -Σ p log(p + 1e-8); phone purity ("ref pur") =
Σ_label max_phone p_xy; cluster purity ("hyp pur") = Σ_phone max_label p_xy. Phones have their stress digits
removed (rm_stress).

Frame convention for 100 Hz MFCC frames (25 ms window, 10 ms shift at 16 kHz): frame t stands for its centre,
(t*160 + 200)/16000 s, and takes the phone of the alignment segment with start <= centre (the last such); frames
whose centre is at or after the last segment's end have no phone and end the reference sequence.
"""

import bisect
import re
from collections import Counter, defaultdict

import numpy as np

SAMPLE_RATE = 16000
HOP = 160
WINDOW = 400


def read_alignments(path):
    """utt_id -> (starts, ends, phones) from a tsv with header utt_id, start_s, end_s, phone."""
    segments = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        if header[:4] != ["utt_id", "start_s", "end_s", "phone"]:
            raise ValueError(f"{path}: expected header utt_id, start_s, end_s, phone but found {header}")
        for line in f:
            if not line.strip():
                continue
            utt, start, end, phone = line.rstrip("\n").split("\t")
            segments[utt].append((float(start), float(end), re.sub(r"[0-9]", "", phone)))
    out = {}
    for utt, segs in segments.items():
        segs.sort()
        out[utt] = ([s for s, _, _ in segs], [e for _, e, _ in segs], [p for _, _, p in segs])
    return out


def frame_phones(alignment, num_frames):
    """The phone of each leading frame whose centre lies before the alignment's end."""
    starts, ends, phones = alignment
    last_end = ends[-1]
    out = []
    for t in range(num_frames):
        centre = (t * HOP + WINDOW / 2) / SAMPLE_RATE
        if centre >= last_end:
            break
        i = max(bisect.bisect_right(starts, centre) - 1, 0)
        out.append(phones[i])
    return out


def joint_probability(uid2refs, uid2hyps):
    """fairseq's comp_joint_prob: p_xy over (phone, label), frames truncated to the shorter sequence."""
    counts = Counter()
    skipped = []
    abs_frame_diff = 0
    for uid, refs in uid2refs.items():
        if uid not in uid2hyps:
            skipped.append(uid)
            continue
        hyps = uid2hyps[uid]
        abs_frame_diff += abs(len(refs) - len(hyps))
        n = min(len(refs), len(hyps))
        counts.update(zip(refs[:n], hyps[:n]))
    total = sum(counts.values())
    ref_set = sorted({r for r, _ in counts})
    hyp_set = sorted({h for _, h in counts})
    ref_index = {r: i for i, r in enumerate(ref_set)}
    hyp_index = {h: i for i, h in enumerate(hyp_set)}
    p_xy = np.zeros((len(ref_set), len(hyp_set)), dtype=float)
    for (r, h), c in counts.items():
        p_xy[ref_index[r], hyp_index[h]] = c
    p_xy /= p_xy.sum()
    return p_xy, total, abs_frame_diff, skipped


def entropy(p):
    return float((-p * np.log(p + 1e-8)).sum())


def quality(uid2refs, uid2hyps):
    """dict with pnmi, phone_purity ("ref pur"), cluster_purity ("hyp pur"), H(ref), H(hyp), MI, frames."""
    p_xy, total, abs_frame_diff, skipped = joint_probability(uid2refs, uid2hyps)
    p_x = p_xy.sum(axis=1, keepdims=True)
    p_y = p_xy.sum(axis=0, keepdims=True)
    pmi = np.log(p_xy / np.matmul(p_x, p_y) + 1e-8)
    mi = float((p_xy * pmi).sum())
    h_x = entropy(p_x)
    h_y = entropy(p_y)
    return {
        "pnmi": mi / h_x,
        "phone_purity": float(p_xy.max(axis=0).sum()),
        "cluster_purity": float(p_xy.max(axis=1).sum()),
        "h_ref": h_x,
        "h_hyp": h_y,
        "mi": mi,
        "frames": total,
        "abs_frame_diff": abs_frame_diff,
        "skipped_utterances": len(skipped),
    }
