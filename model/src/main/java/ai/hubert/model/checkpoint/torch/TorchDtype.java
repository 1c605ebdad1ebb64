package ai.hubert.model.checkpoint.torch;

import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;

/**
 * Element types of PyTorch storages, named by their legacy storage classes ({@code torch.FloatStorage}, ...), as
 * they appear in the persistent ids of {@code torch.save} pickles.
 */
public enum TorchDtype {
    FLOAT32("FloatStorage", 4, DataType.FLOAT32),
    FLOAT64("DoubleStorage", 8, DataType.FLOAT64),
    /** IEEE half precision; widened to float32 when converted. */
    FLOAT16("HalfStorage", 2, DataType.FLOAT32),
    /** bfloat16; widened to float32 when converted. */
    BFLOAT16("BFloat16Storage", 2, DataType.FLOAT32),
    INT64("LongStorage", 8, DataType.INT64),
    INT32("IntStorage", 4, DataType.INT32),
    /** int16; widened to int32 when converted. */
    INT16("ShortStorage", 2, DataType.INT32),
    INT8("CharStorage", 1, DataType.INT8),
    UINT8("ByteStorage", 1, DataType.UINT8),
    BOOL("BoolStorage", 1, DataType.BOOLEAN);

    private final String storageClass;
    private final int bytes;
    private final DataType target;

    TorchDtype(String storageClass, int bytes, DataType target) {
        this.storageClass = storageClass;
        this.bytes = bytes;
        this.target = target;
    }

    /** Legacy storage class name without the {@code torch.} module, e.g. {@code FloatStorage}. */
    public String storageClass() {
        return storageClass;
    }

    /** Bytes per element in the storage. */
    public int bytes() {
        return bytes;
    }

    /** DJL type of the converted array (half-precision floats become float32, int16 becomes int32). */
    public DataType target() {
        return target;
    }

    /** Returns the dtype of storage class {@code torch.<name>}, or null when {@code name} is not a storage class. */
    static TorchDtype ofStorageClass(String name) {
        for (TorchDtype d : values()) {
            if (d.storageClass.equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** Reads element {@code index} of {@code src} and writes it to {@code dst} as {@link #target()}. */
    void copyElement(ByteBuffer src, long index, ByteBuffer dst) {
        int at = Math.toIntExact(index * bytes);
        switch (this) {
            case FLOAT32 -> dst.putFloat(src.getFloat(at));
            case FLOAT64 -> dst.putDouble(src.getDouble(at));
            case FLOAT16 -> dst.putFloat(halfToFloat(src.getShort(at)));
            case BFLOAT16 -> dst.putFloat(Float.intBitsToFloat((src.getShort(at) & 0xffff) << 16));
            case INT64 -> dst.putLong(src.getLong(at));
            case INT32 -> dst.putInt(src.getInt(at));
            case INT16 -> dst.putInt(src.getShort(at));
            case INT8, UINT8, BOOL -> dst.put(src.get(at));
            default -> throw new IllegalStateException("Unhandled dtype " + this);
        }
    }

    /** IEEE 754 binary16 to binary32 (exact). */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) {
            float v = mantissa * 0x1p-24f; // zero or subnormal
            return sign != 0 ? -v : v;
        }
        if (exponent == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13)); // inf or NaN
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
