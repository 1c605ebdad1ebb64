package ai.hubert.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reader and writer of the safetensors format: an unsigned 64-bit little-endian header length, a UTF-8 JSON header
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}}, then the raw
 * little-endian tensor bytes (offsets relative to the end of the header).
 */
public final class Safetensors {

    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {}

    /**
     * Reads every tensor of {@code file} into {@code manager}.
     *
     * @throws IOException if the file cannot be read or is malformed (the message says what was expected)
     */
    public static SafetensorsContent read(NDManager manager, Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new IOException(file + ": expected at least 8 bytes of safetensors header length, found "
                        + size);
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new IOException(file + ": expected a header length in (0, " + Math.min(MAX_HEADER, size - 8)
                        + "], found " + headerLen);
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8);
            JsonObject header = JsonParser.parseString(
                    new String(headerBuf.array(), StandardCharsets.UTF_8)).getAsJsonObject();
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                        metadata.put(m.getKey(), m.getValue().getAsString());
                    }
                    continue;
                }
                JsonObject info = e.getValue().getAsJsonObject();
                DataType dtype = dataType(info.get("dtype").getAsString(), e.getKey());
                JsonArray shapeJson = info.getAsJsonArray("shape");
                long[] dims = new long[shapeJson.size()];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = shapeJson.get(i).getAsLong();
                }
                Shape shape = new Shape(dims);
                JsonArray off = info.getAsJsonArray("data_offsets");
                long begin = off.get(0).getAsLong();
                long end = off.get(1).getAsLong();
                long expected = shape.size() * dtype.getNumOfBytes();
                if (begin < 0 || end > dataLen || end - begin != expected) {
                    throw new IOException(file + ": tensor '" + e.getKey() + "' " + dtype + shape + " expects "
                            + expected + " bytes within [0, " + dataLen + "], found offsets [" + begin + ", " + end
                            + "]");
                }
                ByteBuffer data = ByteBuffer.allocateDirect((int) expected).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, dataStart + begin);
                data.flip();
                NDArray a = manager.create(data, shape, dtype);
                a.setName(e.getKey());
                tensors.put(e.getKey(), a);
            }
            return new SafetensorsContent(tensors, metadata);
        }
    }

    /**
     * Writes {@code tensors} (in iteration order) and {@code metadata} to {@code file}.
     *
     * @throws IOException on write failure
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata)
            throws IOException {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            JsonObject info = new JsonObject();
            info.addProperty("dtype", dtypeName(a.getDataType(), e.getKey()));
            JsonArray shape = new JsonArray();
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            info.add("shape", shape);
            long n = a.getShape().size() * a.getDataType().getNumOfBytes();
            JsonArray off = new JsonArray();
            off.add(offset);
            off.add(offset + n);
            info.add("data_offsets", off);
            header.add(e.getKey(), info);
            offset += n;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length + pad);
            out.write(len.array());
            out.write(json);
            for (int i = 0; i < pad; i++) {
                out.write(' ');
            }
            for (NDArray a : tensors.values()) {
                ByteBuffer bb = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                byte[] bytes = new byte[bb.remaining()];
                bb.get(bytes);
                out.write(bytes);
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("Unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    private static DataType dataType(String name, String tensor) throws IOException {
        switch (name) {
            case "F64": return DataType.FLOAT64;
            case "F32": return DataType.FLOAT32;
            case "F16": return DataType.FLOAT16;
            case "BF16": return DataType.BFLOAT16;
            case "I64": return DataType.INT64;
            case "I32": return DataType.INT32;
            case "I16": return DataType.INT16;
            case "I8": return DataType.INT8;
            case "U8": return DataType.UINT8;
            case "BOOL": return DataType.BOOLEAN;
            default:
                throw new IOException("Tensor '" + tensor + "': expected dtype F64, F32, F16, BF16, I64, I32, I16, I8,"
                        + " U8 or BOOL, found " + name);
        }
    }

    private static String dtypeName(DataType type, String tensor) {
        switch (type) {
            case FLOAT64: return "F64";
            case FLOAT32: return "F32";
            case FLOAT16: return "F16";
            case BFLOAT16: return "BF16";
            case INT64: return "I64";
            case INT32: return "I32";
            case INT16: return "I16";
            case INT8: return "I8";
            case UINT8: return "U8";
            case BOOLEAN: return "BOOL";
            default:
                throw new IllegalArgumentException("Tensor '" + tensor + "': cannot write data type " + type
                        + " to safetensors");
        }
    }
}
