package ai.hubert.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @TempDir
    Path dir;

    @Test
    void roundTripKeepsNamesOrderDtypesShapesAndMetadata() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("b.weight", m.create(new float[] {1.5f, -2f, 3f, 4f, 5f, 6f}, new Shape(2, 3)));
            t.put("a.ids", m.create(new long[] {7L, -8L, 1L << 40}));
            t.put("scalar", m.create(3.25f));
            Path f = dir.resolve("x.safetensors");
            Safetensors.write(f, t, Map.of("config", "{\"k\":1}"));
            SafetensorsContent c = Safetensors.read(m, f);
            assertEquals(List.of("b.weight", "a.ids", "scalar"), List.copyOf(c.tensors().keySet()));
            assertEquals("{\"k\":1}", c.metadata().get("config"));
            assertEquals(new Shape(2, 3), c.get("b.weight").getShape());
            assertArrayEquals(t.get("b.weight").toFloatArray(), c.get("b.weight").toFloatArray());
            assertEquals(DataType.INT64, c.get("a.ids").getDataType());
            assertArrayEquals(new long[] {7L, -8L, 1L << 40}, c.get("a.ids").toLongArray());
            assertEquals(new Shape(), c.get("scalar").getShape());
        }
    }

    @Test
    void readsAHandWrittenFile() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        ByteBuffer b = ByteBuffer.allocate(8 + header.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length()).put(header.getBytes(StandardCharsets.UTF_8)).putFloat(0.5f).putFloat(-1f);
        Path f = dir.resolve("h.safetensors");
        Files.write(f, b.array());
        try (NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(new float[] {0.5f, -1f}, Safetensors.read(m, f).get("w").toFloatArray());
        }
    }

    @Test
    void rejectsTruncatedDataNamingTheTensor() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        ByteBuffer b = ByteBuffer.allocate(8 + header.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length()).put(header.getBytes(StandardCharsets.UTF_8));
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, b.array());
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> Safetensors.read(m, f));
            assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("16"), e.getMessage());
        }
    }
}
