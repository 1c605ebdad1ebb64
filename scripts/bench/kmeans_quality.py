#!/usr/bin/python3
"""k-means quality: our Spark MLlib fit (ai.hubert.labels.kmeans.KMeansFitter) against fairseq's choice,
sklearn MiniBatchKMeans with learn_kmeans.py's parameters, on the same frames, in one run.

Run with Debian's interpreter (python3-numpy, python3-sklearn 1.2) from the repository root, after building
(mvn -B -pl spark-jobs -am install -DskipTests) and exporting features:

    bin/hubert --store /tmp/kmq-store ingest --dataset sample
    bin/hubert --store /tmp/kmq-store mfcc --dataset sample
    bin/hubert --store /tmp/kmq-store export-features --dataset sample --features mfcc --format fairseq \\
        --output-prefix /tmp/kmq/sample
    /usr/bin/python3 scripts/bench/kmeans_quality.py /tmp/kmq/sample [--k 100] [--seeds 0,1,2] [--alignments FILE]

Inputs: P.npy (float32 [frames, dim]), P.len (frames per utterance), P.tsv (root, then relpath<TAB>samples;
utt_id = file stem of relpath) and the phone alignments (default data/sample-corpus/alignments.tsv).

Both fits use all frames (fairseq --percent -1; ours sampleFraction 1.0). sklearn: np.random.seed(seed), then
MiniBatchKMeans(k, init="k-means++", max_iter=100, batch_size=10000, compute_labels=False, tol=0.0,
max_no_improvement=100, init_size=None, n_init=20, reassignment_ratio=0.0) without random_state, as in
fairseq's learn_kmeans.py. Ours: KMeansQualityMain (a local[2] SparkSession) with the fitter's defaults unless
overridden.

Both centroid sets are then scored by the same code: inertia per frame (mean squared distance to the nearest
centroid, float64, all frames) and PNMI / phone purity / cluster purity (teacher_quality.py, fairseq's
measure_teacher_quality.py) of labels from fairseq's ApplyKmeans (float32 argmin of |x|^2 - 2xC + |C|^2) on the
aligned utterances. The labels Java's transform wrote are compared with ApplyKmeans' on our centroids.

Each fit runs once per seed (--seeds, default 0,1,2): on a corpus this small PNMI moves by about 0.01 from seed
to seed for either method, so the verdict compares the means over the seeds. Acceptance (the issue): our mean
inertia per frame at most 2 % above sklearn's and our mean PNMI at most 0.01 below sklearn's (lower inertia or
higher PNMI than sklearn is better, not a failure). Exit status 0 on PASS, 1 on FAIL.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import teacher_quality  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def read_dump(prefix):
    feats = np.load(prefix + ".npy", mmap_mode="r").astype(np.float32)
    with open(prefix + ".len") as f:
        lengths = [int(line) for line in f if line.strip()]
    if sum(lengths) != feats.shape[0]:
        raise SystemExit(f"{prefix}.len sums to {sum(lengths)} frames but {prefix}.npy has {feats.shape[0]} rows")
    with open(prefix + ".tsv") as f:
        f.readline()
        ids = [os.path.splitext(os.path.basename(line.split("\t")[0]))[0] for line in f if line.strip()]
    if len(ids) != len(lengths):
        raise SystemExit(f"{prefix}.tsv lists {len(ids)} utterances but {prefix}.len has {len(lengths)}")
    return feats, lengths, ids


def fit_sklearn(feats, k, seed):
    from sklearn.cluster import MiniBatchKMeans

    np.random.seed(seed)
    km = MiniBatchKMeans(n_clusters=k, init="k-means++", max_iter=100, batch_size=10000, verbose=0,
                         compute_labels=False, tol=0.0, max_no_improvement=100, init_size=None, n_init=20,
                         reassignment_ratio=0.0)
    start = time.perf_counter()
    km.fit(feats)
    seconds = time.perf_counter() - start
    return km.cluster_centers_.astype(np.float32), seconds, -km.score(feats) / len(feats), km.n_steps_


def jvm_flags():
    with open(os.path.join(ROOT, "bin", "hubert")) as f:
        for line in f:
            m = re.match(r'^SPARK_JVM_FLAGS="(.*)"$', line.strip())
            if m:
                return m.group(1).split()
    raise SystemExit("bin/hubert has no SPARK_JVM_FLAGS line")


def fit_ours(prefix, args, workdir):
    classes = args.classes or os.path.join(ROOT, "spark-jobs", "target", "classes")
    cp_file = os.path.join(ROOT, "spark-jobs", "target", "classpath.txt")
    if not os.path.isdir(classes) or not os.path.exists(cp_file):
        raise SystemExit(f"build first: {classes} or {cp_file} is missing (mvn -B -pl spark-jobs -am install "
                         f"-DskipTests)")
    with open(cp_file) as f:
        classpath = classes + os.pathsep + f.read().strip()
    centroids_out = os.path.join(workdir, "ours_centroids.npy")
    labels_out = os.path.join(workdir, "ours.km")
    cmd = ["java", *jvm_flags(), "-Xmx" + args.java_memory,
           "-Dlog4j2.configurationFile=" + os.path.join(ROOT, "conf", "log4j2.properties"),
           "-cp", classpath, "ai.hubert.labels.kmeans.KMeansQualityMain",
           "--prefix", prefix, "--centroids-out", centroids_out, "--labels-out", labels_out,
           "--k", str(args.k), "--seed", str(args.seed), "--max-iter", str(args.max_iter), "--tol", str(args.tol),
           "--init-steps", str(args.init_steps), "--solver", args.solver]
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", OMP_WAIT_POLICY="PASSIVE")
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-6000:])
        raise SystemExit(f"KMeansQualityMain failed with exit status {proc.returncode}")
    report = json.loads([line for line in proc.stdout.splitlines() if line.startswith("{")][-1])
    report["jvm_wall_seconds"] = wall
    centroids = np.load(centroids_out)
    with open(labels_out) as f:
        labels = [np.array(line.split(), dtype=np.int64) for line in f]
    return centroids, report, labels


def inertia_per_frame(feats, centroids, chunk=8192):
    c = centroids.astype(np.float64)
    c_norm = (c * c).sum(axis=1)
    total = 0.0
    for i in range(0, len(feats), chunk):
        x = feats[i:i + chunk].astype(np.float64)
        d = (x * x).sum(axis=1, keepdims=True) - 2 * x @ c.T + c_norm
        total += np.maximum(d.min(axis=1), 0).sum()
    return total / len(feats)


def apply_kmeans(feats, centroids):
    """fairseq's ApplyKmeans (numpy branch): float32, first index on ties."""
    c = centroids.T.astype(np.float32)
    c_norm = (c ** 2).sum(0, keepdims=True)
    dist = (feats ** 2).sum(1, keepdims=True) - 2 * np.matmul(feats, c) + c_norm
    return np.argmin(dist, axis=1)


def split(values, lengths):
    out, at = [], 0
    for n in lengths:
        out.append(values[at:at + n])
        at += n
    return out


def score(feats, lengths, ids, uid2refs, centroids):
    labels = split(apply_kmeans(feats, centroids), lengths)
    q = teacher_quality.quality(uid2refs, {u: list(l) for u, l in zip(ids, labels)})
    q["inertia"] = inertia_per_frame(feats, centroids)
    q["used"] = len(set(np.concatenate(labels).tolist()))
    return q, labels


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prefix", help="fairseq feature dump prefix P (P.npy, P.len, P.tsv)")
    parser.add_argument("--alignments", default=os.path.join(ROOT, "data", "sample-corpus", "alignments.tsv"))
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--seeds", default="0,1,2",
                        help="comma-separated seeds: sklearn's np.random.seed and our fitter's seed, one fit of "
                             "each per seed; the verdict compares the means")
    parser.add_argument("--max-iter", type=int, default=100, help="ours: maximum Lloyd iterations")
    parser.add_argument("--tol", type=float, default=1e-4, help="ours: centroid-shift tolerance")
    parser.add_argument("--init-steps", type=int, default=2, help="ours: k-means|| rounds")
    parser.add_argument("--solver", default="block", help="ours: MLlib KMeans solver")
    parser.add_argument("--classes", help="compiled classes of spark-jobs (default spark-jobs/target/classes)")
    parser.add_argument("--java-memory", default="4g")
    parser.add_argument("--max-inertia-excess", type=float, default=0.02)
    parser.add_argument("--max-pnmi-deficit", type=float, default=0.01)
    args = parser.parse_args()
    seeds = [int(v) for v in args.seeds.split(",") if v.strip()]

    feats, lengths, ids = read_dump(args.prefix)
    alignments = teacher_quality.read_alignments(args.alignments)
    uid2refs = {u: teacher_quality.frame_phones(alignments[u], n) for u, n in zip(ids, lengths) if u in alignments}
    print(f"frames {len(feats)} x {feats.shape[1]} from {len(lengths)} utterances; {len(uid2refs)} aligned; "
          f"k = {args.k}; seeds {seeds}", flush=True)

    results = {"sklearn MiniBatchKMeans": [], "ours (Spark MLlib)": []}
    for seed in seeds:
        sk_centroids, sk_seconds, sk_score, sk_steps = fit_sklearn(feats, args.k, seed)
        q, _ = score(feats, lengths, ids, uid2refs, sk_centroids)
        q.update(seed=seed, fit_seconds=sk_seconds)
        results["sklearn MiniBatchKMeans"].append(q)
        print(f"seed {seed}: sklearn -score/frames {sk_score:.3f} (fairseq's log line), {sk_steps} mini-batch "
              f"steps, fit {sk_seconds:.2f} s", flush=True)

        args.seed = seed
        with tempfile.TemporaryDirectory(prefix="kmeans-quality-") as workdir:
            our_centroids, report, java_labels = fit_ours(args.prefix, args, workdir)
        q, labels = score(feats, lengths, ids, uid2refs, our_centroids)
        q.update(seed=seed, fit_seconds=report["fit_seconds"])
        results["ours (Spark MLlib)"].append(q)
        agree = np.mean(np.concatenate(java_labels) == np.concatenate(labels))
        print(f"seed {seed}: ours {report['iterations']} Lloyd iterations, Java inertia/frame "
              f"{report['inertia_per_frame']:.3f}, fit {report['fit_seconds']:.2f} s in a "
              f"{report['jvm_wall_seconds']:.1f} s JVM run; Java transform labels equal ApplyKmeans labels on "
              f"{100 * agree:.3f} % of frames (settings {json.dumps(report['settings'])})", flush=True)

    print()
    print(f"{'':26} {'seed':>4} {'inertia/frame':>14} {'PNMI':>7} {'phone pur':>9} {'clust pur':>9} "
          f"{'H(hyp)':>7} {'used':>5} {'fit s':>7}")
    means = {}
    for name, runs in results.items():
        for q in runs:
            print(f"{name:26} {q['seed']:4d} {q['inertia']:14.3f} {q['pnmi']:7.4f} {q['phone_purity']:9.4f} "
                  f"{q['cluster_purity']:9.4f} {q['h_hyp']:7.3f} {q['used']:5d} {q['fit_seconds']:7.2f}")
        m = {key: float(np.mean([q[key] for q in runs]))
             for key in ("inertia", "pnmi", "phone_purity", "cluster_purity", "h_hyp", "fit_seconds")}
        sd = {key: float(np.std([q[key] for q in runs])) for key in ("inertia", "pnmi")}
        means[name] = m
        print(f"{name:26} {'mean':>4} {m['inertia']:14.3f} {m['pnmi']:7.4f} {m['phone_purity']:9.4f} "
              f"{m['cluster_purity']:9.4f} {m['h_hyp']:7.3f} {'':5} {m['fit_seconds']:7.2f}"
              f"   (std: inertia {sd['inertia']:.2f}, PNMI {sd['pnmi']:.4f})")
    ours_runs = results["ours (Spark MLlib)"]
    print(f"PNMI on {ours_runs[0]['frames']} aligned frames ({ours_runs[0]['skipped_utterances']} aligned "
          f"utterances not in the dump, {ours_runs[0]['abs_frame_diff']} frames of length mismatch)")

    sk, ours = means["sklearn MiniBatchKMeans"], means["ours (Spark MLlib)"]
    excess = ours["inertia"] / sk["inertia"] - 1
    deficit = sk["pnmi"] - ours["pnmi"]
    ok_inertia = excess <= args.max_inertia_excess
    ok_pnmi = deficit <= args.max_pnmi_deficit
    print()
    print(f"inertia (mean over seeds): ours {100 * excess:+.2f} % vs sklearn "
          f"(limit +{100 * args.max_inertia_excess:.0f} %): {'PASS' if ok_inertia else 'FAIL'}")
    print(f"PNMI (mean over seeds):    ours {-deficit:+.4f} vs sklearn (limit -{args.max_pnmi_deficit}): "
          f"{'PASS' if ok_pnmi else 'FAIL'}")
    print("PASS" if ok_inertia and ok_pnmi else "FAIL")
    return 0 if ok_inertia and ok_pnmi else 1


if __name__ == "__main__":
    sys.exit(main())
