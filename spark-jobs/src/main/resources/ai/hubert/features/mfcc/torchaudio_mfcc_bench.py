"""Single-thread CPU throughput of the HuBERT iteration-1 MFCC recipe in torchaudio.

Usage: python3 torchaudio_mfcc_bench.py AUDIO.raw LENGTHS.txt REPETITIONS WARMUPS
  AUDIO.raw    concatenated 16 kHz mono int16 little-endian utterances
  LENGTHS.txt  utterance lengths in samples, whitespace separated
Prints key=value lines: audio_seconds, pass_cpu_seconds (comma separated, one per repetition), versions.
Exits with status 3 and an error= line when torch/torchaudio cannot be imported.
"""
import sys
import time

try:
    import numpy as np
    import torch
    import torchaudio
    from torchaudio.compliance import kaldi
except ImportError as e:  # reported to the Java side, which then benchmarks Java alone
    print(f"error=torchaudio is not importable by {sys.executable}: {e}")
    sys.exit(3)


def features(x):
    m = kaldi.mfcc(waveform=x, sample_frequency=16000, use_energy=False).transpose(0, 1)
    d1 = torchaudio.functional.compute_deltas(m)
    d2 = torchaudio.functional.compute_deltas(d1)
    return torch.cat([m, d1, d2], dim=0).transpose(0, 1).contiguous()


def main():
    audio_path, lengths_path, repetitions, warmups = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(1)
    samples = np.fromfile(audio_path, dtype="<i2")
    with open(lengths_path) as f:
        lengths = [int(v) for v in f.read().split()]
    assert sum(lengths) == len(samples), f"lengths sum to {sum(lengths)} but the audio has {len(samples)} samples"
    waveforms = []
    offset = 0
    for n in lengths:
        wav = samples[offset:offset + n].astype(np.float32) / 32768.0
        waveforms.append(torch.from_numpy(wav).float().view(1, -1))
        offset += n

    def one_pass():
        with torch.no_grad():
            for x in waveforms:
                if x.shape[1] >= 400:
                    features(x)

    for _ in range(warmups):
        one_pass()
    times = []
    for _ in range(repetitions):
        start = time.process_time()
        one_pass()
        times.append(time.process_time() - start)
    print(f"audio_seconds={len(samples) / 16000.0}")
    print("pass_cpu_seconds=" + ",".join(repr(t) for t in times))
    print(f"torch={torch.__version__}")
    print(f"torchaudio={torchaudio.__version__}")
    print(f"threads={torch.get_num_threads()}")


if __name__ == "__main__":
    main()
