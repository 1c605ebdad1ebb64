#!/usr/bin/env python3
"""Alpha-beta cost model of one HuBERT update: compute + gradient all-reduce (docs/cost-model.md).

Plain Python 3, no dependencies: python3 scripts/bench/cost_model.py [--markdown]
Every constant below is either measured on the 2-core development machine (marked MEASURED), taken from
hubert-spec.md section 12 (ANCHOR), or an explicit assumption (ASSUMED). Change them and rerun.
"""
import sys

# --- models: parameters (fairseq Base/Large/X-Large; Large/X-Large as in the paper) and audio per GPU per update
MODELS = {
    # name: (parameters, audio seconds per GPU per update (max_tokens / 16000))
    "Base": (94.7e6, 87.5),      # max_tokens 1,400,000
    "Large": (316.6e6, 56.25),   # max_tokens 900,000
    "X-Large": (964.3e6, 22.5),  # max_tokens 360,000
}

# --- compute per GPU per update
# ANCHOR: Base, 32 V100, 100k updates in ~9.5 h -> 0.342 s per update at 87.5 audio-s per GPU (includes fairseq's
# overlapped NCCL all-reduce, so it is an upper bound on compute): 3.91 ms per audio-second for 94.7 M parameters.
V100_S_PER_AUDIO_S_BASE = 9.5 * 3600 / 100_000 / 87.5
# ASSUMED: training FLOPs per audio-second scale with the parameter count (the transformer dominates; the conv
# extractor is the same for all three, so this overestimates Large/X-Large compute slightly).
# ASSUMED: an H100 runs the same step ~4x faster than a V100 (bf16/tf32 tensor cores, HBM3), a ratio of
# published MLPerf-style training throughputs, not measured here.
H100_SPEEDUP = 4.0
# MEASURED (README, bench model --config base, 2 threads on this machine): 0.53 s per audio-second on CPU.
CPU2_S_PER_AUDIO_S_BASE = 0.53


def compute_s(model, gpu="V100"):
    params, audio = MODELS[model]
    s = V100_S_PER_AUDIO_S_BASE * params / MODELS["Base"][0] * audio
    return s / H100_SPEEDUP if gpu == "H100" else s


# --- communication: ring all-reduce of M gradient bytes over n ranks
# T = 2 (n-1) alpha + 2 (n-1)/n * M / B  (+ host staging for the host ring: D2H + H2D of M bytes, not overlapped)
# Host-staged Java TCP ring (TcpRingAllReduce):
ALPHA_HOST = 50e-6      # MEASURED intercept of bench allreduce 1 MB vs 100 MB fits (~0.04-0.05 ms per ring step);
                        # ASSUMED the same across a real switch (syscalls + selector wake-ups dominate)
REDUCE_GBPS = 8.6       # MEASURED bench allreduce --kernels: fp32 accumulate 8.6 GB/s on one core (inline loop;
                        # 2.2 GB/s with the first version's heap copies)
TCP_STREAM_GBPS = 3.0   # ASSUMED single-connection Java NIO TCP throughput on a server core; loopback here reached
                        # 2.0-2.3 GB/s per link on 2 idle cores shared by sender and receiver (MEASURED), a lower bound
PCIE_GBPS = 20.0        # ASSUMED PCIe Gen4 x16 effective D2H/H2D
# NCCL ring (GPUDirect RDMA):
ALPHA_NCCL = 10e-6      # ASSUMED per ring step inter-node (NCCL docs / nccl-tests latencies are ~5-20 us)
NCCL_LINK_EFF = 0.9     # ASSUMED busbw / link rate for large messages (nccl-tests on IB/RoCE)
HOST_LINK_EFF = 0.9     # ASSUMED TCP goodput / link rate


def host_ring_gbps(link_gbit, lanes=1):
    """The host ring is a pipeline: the slowest of link, TCP streams and reduction threads sets its rate."""
    return min(link_gbit / 8 * HOST_LINK_EFF, lanes * TCP_STREAM_GBPS, lanes * REDUCE_GBPS)


def allreduce_s(model, n, link_gbit, impl, wire_bytes=4, lanes=1):
    m = MODELS[model][0] * wire_bytes
    steps = 2 * (n - 1)
    bus = 2 * (n - 1) / n * m
    if impl == "nccl":
        return steps * ALPHA_NCCL + bus / (link_gbit / 8 * NCCL_LINK_EFF * 1e9)
    staging = 2 * MODELS[model][0] * 4 / (PCIE_GBPS * 1e9)  # fp32 gradients to host and back
    return steps * ALPHA_HOST + bus / (host_ring_gbps(link_gbit, lanes) * 1e9) + staging


BACKWARD_SHARE = 2 / 3  # ASSUMED backward = 2/3 of a step's compute: what DDP-style bucketing can hide comm under


def efficiency(model, n, link, impl, gpu, lanes=1, overlapped=False):
    """compute s, all-reduce s, compute / step time. TrainTask all-reduces after backward (not overlapped)."""
    c = compute_s(model, gpu)
    a = allreduce_s(model, n, link, impl, lanes=lanes)
    exposed = max(0.0, a - BACKWARD_SHARE * c) if overlapped else a
    return c, a, c / (c + exposed)


def main():
    md = "--markdown" in sys.argv
    for gpu in ("V100", "H100"):
        print(f"\n{gpu} compute" + (" (anchor)" if gpu == "V100" else f" (V100 / {H100_SPEEDUP:g}, assumed)"))
        print("| model | GPUs | link Gb/s | compute s | host ring s (eff.) | host ring x4 s (eff.) | NCCL s (eff.) "
              "| NCCL overlapped eff. |")
        print("|---|---|---|---|---|---|---|---|")
        for model in MODELS:
            for n in (32, 128, 256):
                for link in (100, 200, 400):
                    c, ah, eh = efficiency(model, n, link, "host", gpu)
                    _, a4, e4 = efficiency(model, n, link, "host", gpu, lanes=4)
                    _, an, en = efficiency(model, n, link, "nccl", gpu)
                    _, _, eo = efficiency(model, n, link, "nccl", gpu, overlapped=True)
                    print(f"| {model} | {n} | {link} | {c:.3f} | {ah:.3f} ({100 * eh:.0f} %) | {a4:.3f} ({100 * e4:.0f} %) "
                          f"| {an:.3f} ({100 * en:.0f} %) | {100 * eo:.0f} % |")
    # Check against this machine: tiny model (4.2 M parameters), 2 ranks on loopback, ring MEASURED at 0.35-0.7 GB/s busbw
    tiny = 4.2e6 * 4
    print(f"\ntiny_cpu, 2 ranks here: predicted all-reduce {1e3 * (2 * ALPHA_HOST + tiny / 0.7e9):.0f}-"
          f"{1e3 * (2 * ALPHA_HOST + tiny / 0.35e9):.0f} ms per update")
    if not md:
        print(f"V100 s per audio-s (Base, anchor): {V100_S_PER_AUDIO_S_BASE * 1e3:.2f} ms")
        print(f"host ring rate: {[host_ring_gbps(l) for l in (100, 200, 400)]} GB/s")


if __name__ == "__main__":
    main()
