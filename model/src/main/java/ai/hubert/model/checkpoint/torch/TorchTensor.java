package ai.hubert.model.checkpoint.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor of a {@code torch.save} pickle ({@code torch._utils._rebuild_tensor_v2}): a strided view (storage offset,
 * size, stride in elements) of a storage that may be shared with other tensors. Data is read from the archive
 * when converted, so the {@link TorchArchive} must still be open.
 */
public final class TorchTensor {

    private final TorchStorage storage;
    private final long offset;
    private final long[] size;
    private final long[] stride;

    TorchTensor(TorchStorage storage, long offset, long[] size, long[] stride) {
        if (size.length != stride.length) {
            throw new IllegalArgumentException("Tensor on storage " + storage.key() + ": expected as many strides as"
                    + " dimensions, found size " + Arrays.toString(size) + " and stride " + Arrays.toString(stride));
        }
        long last = offset;
        for (int d = 0; d < size.length; d++) {
            if (size[d] < 0 || stride[d] < 0) {
                throw new IllegalArgumentException("Tensor on storage " + storage.key()
                        + ": expected non-negative size and stride, found " + Arrays.toString(size) + " / "
                        + Arrays.toString(stride));
            }
            if (size[d] == 0) {
                last = -1;
                break;
            }
            last += (size[d] - 1) * stride[d];
        }
        if (offset < 0 || last >= storage.numel()) {
            throw new IllegalArgumentException("Tensor on storage " + storage.key() + " (" + storage.numel()
                    + " elements): expected its elements inside the storage, found offset " + offset + ", size "
                    + Arrays.toString(size) + ", stride " + Arrays.toString(stride));
        }
        this.storage = storage;
        this.offset = offset;
        this.size = size.clone();
        this.stride = stride.clone();
    }

    /** Element type of the storage. */
    public TorchDtype dtype() {
        return storage.dtype();
    }

    /** Shape ({@code tensor.size()}). */
    public Shape shape() {
        return new Shape(size);
    }

    /** Strides in elements ({@code tensor.stride()}). */
    public long[] stride() {
        return stride.clone();
    }

    /** Offset of the first element in the storage, in elements. */
    public long storageOffset() {
        return offset;
    }

    /** Key of the storage entry in the archive ({@code data/<key>}). */
    public String storageKey() {
        return storage.key();
    }

    /** Whether the elements are laid out row-major without gaps. */
    public boolean isContiguous() {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }

    /**
     * Copies the tensor into a new array of {@code manager} (row-major; type {@link TorchDtype#target()}: float16 and
     * bfloat16 are widened to float32 exactly).
     *
     * @throws IOException if the storage cannot be read from the archive
     */
    public NDArray toNDArray(NDManager manager) throws IOException {
        Shape shape = shape();
        TorchDtype dtype = dtype();
        long n = shape.size();
        ByteBuffer dst = ByteBuffer.allocateDirect(Math.toIntExact(n * dtype.target().getNumOfBytes()))
                .order(ByteOrder.nativeOrder());
        ByteBuffer src = storage.data();
        if (isContiguous() && dtype.target().getNumOfBytes() == dtype.bytes() && src.order() == dst.order()) {
            ByteBuffer slice = src.duplicate();
            slice.position(Math.toIntExact(offset * dtype.bytes()));
            slice.limit(Math.toIntExact((offset + n) * dtype.bytes()));
            dst.put(slice);
        } else {
            long[] index = new long[size.length];
            for (long i = 0; i < n; i++) {
                long at = offset;
                for (int d = 0; d < size.length; d++) {
                    at += index[d] * stride[d];
                }
                dtype.copyElement(src, at, dst);
                for (int d = size.length - 1; d >= 0; d--) {
                    if (++index[d] < size[d]) {
                        break;
                    }
                    index[d] = 0;
                }
            }
        }
        dst.flip();
        return manager.create(dst, shape, dtype.target());
    }

    @Override
    public String toString() {
        return "TorchTensor[" + dtype() + " " + shape() + " stride " + Arrays.toString(stride) + " offset " + offset
                + " storage " + storage.key() + "]";
    }
}
