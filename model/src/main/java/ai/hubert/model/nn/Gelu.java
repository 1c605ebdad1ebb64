package ai.hubert.model.nn;

import ai.djl.ndarray.NDArray;

/** Exact (erf) GELU, {@code 0.5 x (1 + erf(x / sqrt 2))}, as fairseq's and torchaudio's {@code nn.GELU()}. */
public final class Gelu {

    private Gelu() {}

    /**
     * Applies GELU element-wise. On the PyTorch engine this is the fused {@code torch.nn.functional.gelu} with
     * {@code approximate='none'} (checked against the erf formula by {@code GeluTest}).
     */
    public static NDArray apply(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    /** The erf formula written out; reference for tests and engines without a fused GELU. */
    public static NDArray applyErf(NDArray x) {
        return x.mul(0.5).mul(x.mul(1.0 / Math.sqrt(2.0)).erf().add(1.0));
    }
}
