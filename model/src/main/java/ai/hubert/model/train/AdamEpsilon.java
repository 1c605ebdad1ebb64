package ai.hubert.model.train;

/** Where Adam adds epsilon; the two forms differ only while {@code sqrt(v)} is comparable to eps. */
public enum AdamEpsilon {
    /**
     * fairseq {@code FairseqAdam}: {@code p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)}, eps added to
     * the un-corrected {@code sqrt(v)} (hubert-spec.md section 8.2).
     */
    FAIRSEQ,
    /**
     * {@code torch.optim.AdamW}: {@code p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)} (torchaudio's
     * HuBERT recipe).
     */
    TORCH
}
