"""torchaudio reference timing for ai.hubert.model.bench.ModelBenchmark (run by it with /usr/bin/python3).

Usage: torchaudio_bench.py CONFIG_JSON THREADS BATCH SAMPLES WARMUP STEPS SEED

CONFIG_JSON is HubertConfig.toJson() (fairseq field names). Builds torchaudio's HuBERTPretrainModel with that
architecture (LayerDrop 0, dropouts as configured, training mode), then times forward + backward of the fairseq
criterion (CE over masked-frame logits + feature_pen_weight * features_pen * masked frames) on random audio and
labels, and prints one JSON line: {"median_s": ..., "times_s": [...], "torch": ..., "torchaudio": ...}.

torch 1.13 defect: GELU backward is wrong for non-contiguous incoming gradients; the same patch as
scripts/fixtures/make_model_fixture.py is installed before torchaudio is imported.
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F

_ORIGINAL_GELU = F.gelu


class _ContiguousGelu(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _ORIGINAL_GELU(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        grad = grad.contiguous()
        x = x.contiguous()
        cdf = 0.5 * (1.0 + torch.erf(x * (1.0 / math.sqrt(2.0))))
        pdf = torch.exp(-0.5 * x * x) * (1.0 / math.sqrt(2.0 * math.pi))
        return grad * (cdf + x * pdf)


def _patched_gelu(x, approximate="none"):
    if approximate != "none":
        raise ValueError("only exact GELU is patched")
    return _ContiguousGelu.apply(x)


F.gelu = _patched_gelu
torch.nn.functional.gelu = _patched_gelu

import torchaudio  # noqa: E402
from torchaudio.models import hubert_pretrain_model  # noqa: E402


def build(c):
    grad_mult = c["feature_grad_mult"]
    return hubert_pretrain_model(
        extractor_mode="group_norm" if c["extractor_mode"] == "default" else c["extractor_mode"],
        extractor_conv_layer_config=[tuple(x) for x in c["conv_feature_layers"]],
        extractor_conv_bias=c["conv_bias"], encoder_embed_dim=c["encoder_embed_dim"],
        encoder_projection_dropout=c["dropout_input"], encoder_pos_conv_kernel=c["conv_pos"],
        encoder_pos_conv_groups=c["conv_pos_groups"], encoder_num_layers=c["encoder_layers"],
        encoder_num_heads=c["encoder_attention_heads"], encoder_attention_dropout=c["attention_dropout"],
        encoder_ff_interm_features=c["encoder_ffn_embed_dim"], encoder_ff_interm_dropout=c["activation_dropout"],
        encoder_dropout=c["dropout"], encoder_layer_norm_first=c["layer_norm_first"], encoder_layer_drop=0.0,
        mask_prob=c["mask_prob"], mask_selection="static", mask_other=0.0, mask_length=c["mask_length"],
        no_mask_overlap=False, mask_min_space=1, mask_channel_prob=0.0, mask_channel_selection="static",
        mask_channel_other=0.0, mask_channel_length=10, no_mask_channel_overlap=False, mask_channel_min_space=1,
        skip_masked=False, skip_nomask=False, num_classes=c["num_classes"], final_dim=c["final_dim"],
        feature_grad_mult=grad_mult if grad_mult < 1.0 else None)


def main():
    c = json.loads(sys.argv[1])
    threads, batch, samples, warmup, steps, seed = (int(a) for a in sys.argv[2:8])
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    model = build(c)
    model.train()
    g = torch.Generator().manual_seed(seed)
    wav = 0.1 * torch.randn(batch, samples, generator=g)
    frames = samples
    for _, kernel, stride in c["conv_feature_layers"]:
        frames = (frames - kernel) // stride + 1
    labels = torch.randint(0, c["num_classes"], (batch, frames), generator=g)
    times = []
    for i in range(warmup + steps):
        model.zero_grad(set_to_none=True)
        t0 = time.perf_counter()
        logit_m, logit_u, features_pen = model(wav, labels)
        target = torch.zeros(logit_m.shape[0], dtype=torch.long)
        loss = F.cross_entropy(logit_m, target, reduction="sum")
        loss = loss + c["feature_pen_weight"] * features_pen * logit_m.shape[0]
        loss.backward()
        dt = time.perf_counter() - t0
        if i >= warmup:
            times.append(dt)
    print(json.dumps({"median_s": statistics.median(times), "times_s": times, "torch": torch.__version__,
                      "torchaudio": torchaudio.__version__}))


if __name__ == "__main__":
    main()
