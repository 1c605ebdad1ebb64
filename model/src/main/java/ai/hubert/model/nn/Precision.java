package ai.hubert.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Differentiable float32 up-cast ({@code x.float()} in fairseq). DJL's {@code toType} is not recorded by libtorch's
 * autograd (its result has no {@code grad_fn}), so the cast goes through PyTorch type promotion instead: a float16
 * tensor times a one-element float32 tensor is float32, exactly, and back-propagates as a cast.
 */
public final class Precision {

    private Precision() {}

    /** Returns {@code x} if it is float32, else its float32 value with the cast on the autograd tape. */
    public static NDArray toFloat32(NDArray x) {
        if (x.getDataType() == DataType.FLOAT32) {
            return x;
        }
        NDManager m = x.getManager();
        return x.mul(m.ones(new Shape(1), DataType.FLOAT32));
    }
}
