"""Single-thread CPU throughput of fairseq's k-means label assignment (ApplyKmeans, numpy branch).

Usage: python3 numpy_assign_bench.py FRAMES.f32 CENTROIDS.f32 LENGTHS.txt DIM K REPETITIONS WARMUPS LABELS.i32
  FRAMES.f32     float32 little-endian, frame-major (num_frames x dim), utterances concatenated
  CENTROIDS.f32  float32 little-endian, k x dim (fairseq: km_model.cluster_centers_)
  LENGTHS.txt    frames per utterance, whitespace separated; each utterance is one ApplyKmeans call
  LABELS.i32     written: the labels of the last pass, int32 little-endian
Prints key=value lines: frames, pass_cpu_seconds (comma separated, one per repetition), numpy version, BLAS.
Exits with status 3 and an error= line when numpy cannot be imported.
"""
import sys
import time

try:
    import numpy as np
except ImportError as e:  # reported to the Java side, which then benchmarks Java alone
    print(f"error=numpy is not importable by {sys.executable}: {e}")
    sys.exit(3)


class ApplyKmeans:
    """fairseq examples/hubert/simple_kmeans/dump_km_label.py ApplyKmeans, numpy branch, without joblib."""

    def __init__(self, centers):
        self.C_np = centers.transpose()
        self.Cnorm_np = (self.C_np ** 2).sum(0, keepdims=True)

    def __call__(self, x):
        dist = (x ** 2).sum(1, keepdims=True) - 2 * np.matmul(x, self.C_np) + self.Cnorm_np
        return np.argmin(dist, axis=1)


def blas_name():
    try:
        config = np.show_config(mode="dicts")
        return config["Build Dependencies"]["blas"]["name"]
    except Exception:  # older numpy: no dict mode
        return "unknown"


def main():
    frames_path, centroids_path, lengths_path = sys.argv[1], sys.argv[2], sys.argv[3]
    dim, k, repetitions, warmups, labels_path = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
    x = np.fromfile(frames_path, dtype="<f4").reshape(-1, dim)
    centers = np.fromfile(centroids_path, dtype="<f4").reshape(k, dim)
    with open(lengths_path) as f:
        lengths = [int(v) for v in f.read().split()]
    assert sum(lengths) == x.shape[0], f"lengths sum to {sum(lengths)} but there are {x.shape[0]} frames"
    utterances = []
    offset = 0
    for n in lengths:
        utterances.append(x[offset:offset + n])
        offset += n
    apply_kmeans = ApplyKmeans(centers)

    def one_pass():
        return [apply_kmeans(u) for u in utterances]

    for _ in range(warmups):
        one_pass()
    times = []
    labels = None
    for _ in range(repetitions):
        start = time.process_time()
        labels = one_pass()
        times.append(time.process_time() - start)
    np.concatenate(labels).astype("<i4").tofile(labels_path)
    print(f"frames={x.shape[0]}")
    print("pass_cpu_seconds=" + ",".join(repr(t) for t in times))
    print(f"numpy={np.__version__}")
    print(f"blas={blas_name()}")


if __name__ == "__main__":
    main()
