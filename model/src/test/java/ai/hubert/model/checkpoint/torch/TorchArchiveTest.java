package ai.hubert.model.checkpoint.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.hubert.model.checkpoint.FairseqCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchArchiveTest {

    @TempDir
    Path dir;

    private static Path fixture(String name) throws Exception {
        return Path.of(TorchArchiveTest.class.getResource("/fixtures/" + name).toURI());
    }

    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return p;
    }

    /** Protocol-2 pickle of {"model": {key: GLOBAL(module name)()}}. */
    private static byte[] pickleWithGlobalCall(String key, String module, String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x80);
        b.write(2);
        b.write('}');
        shortString(b, "model");
        b.write('}');
        shortString(b, key);
        b.writeBytes(("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        b.write(')'); // EMPTY_TUPLE
        b.write('R'); // REDUCE
        b.write('s'); // SETITEM (inner)
        b.write('s'); // SETITEM (outer)
        b.write('.');
        return b.toByteArray();
    }

    private static void shortString(ByteArrayOutputStream b, String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        b.write(0x8c); // SHORT_BINUNICODE
        b.write(u.length);
        b.writeBytes(u);
    }

    @Test
    void rejectsFilesThatAreNotZips() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.pt"), "hello");
        IOException e = assertThrows(IOException.class, () -> TorchArchive.open(text));
        assertTrue(e.getMessage().contains("expected a zip archive") && e.getMessage().contains("68 65 6c 6c"),
                e.getMessage());
        Path legacy = Files.write(dir.resolve("legacy.pt"), new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10});
        e = assertThrows(IOException.class, () -> TorchArchive.open(legacy));
        assertTrue(e.getMessage().contains("legacy torch.save format"), e.getMessage());
    }

    @Test
    void namesMissingDataPkl() throws Exception {
        Path p = zip("nodata.pt", Map.of("archive/version", "3\n".getBytes(StandardCharsets.UTF_8)));
        IOException e = assertThrows(IOException.class, () -> TorchArchive.open(p));
        assertTrue(e.getMessage().contains("expected an entry <archive>/data.pkl")
                && e.getMessage().contains("archive/version"), e.getMessage());
    }

    @Test
    void namesUnsupportedPickleGlobalWhereATensorIsNeeded() throws Exception {
        Path p = zip("qtensor.pt", Map.of("archive/data.pkl",
                pickleWithGlobalCall("mask_emb", "torch._utils", "_rebuild_qtensor")));
        try (TorchArchive a = TorchArchive.open(p)) {
            Object v = ((Map<?, ?>) ((Map<?, ?>) a.root()).get("model")).get("mask_emb");
            assertEquals("torch._utils._rebuild_qtensor", assertInstanceOf(PickledObject.class, v).className());
        }
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FairseqCheckpoint.read(m, p));
            assertTrue(e.getMessage().contains("mask_emb: an object of pickle global torch._utils._rebuild_qtensor"),
                    e.getMessage());
        }
    }

    @Test
    void namesUnsupportedStorageType() throws Exception {
        // {"model": {"w": rebuild(persistent_id(("storage", torch.ComplexFloatStorage, "0", "cpu", 1)), ...)}}
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x80, 2, '('});
        shortString(b, "storage");
        b.writeBytes("ctorch\nComplexFloatStorage\n".getBytes(StandardCharsets.UTF_8));
        shortString(b, "0");
        shortString(b, "cpu");
        b.writeBytes(new byte[] {'K', 1, 't', 'Q', '.'}); // BININT1 1, TUPLE, BINPERSID, STOP
        Path p = zip("complex.pt", Map.of("archive/data.pkl", b.toByteArray()));
        IOException e = assertThrows(IOException.class, () -> TorchArchive.open(p));
        assertTrue(e.getMessage().contains("Unsupported storage type torch.ComplexFloatStorage"), e.getMessage());
    }

    @Test
    void keepsStorageSharingOffsetsAndStrides() throws Exception {
        try (TorchArchive a = TorchArchive.open(fixture("hubert_mini_large_args_fp16.pt"))) {
            Map<?, ?> model = (Map<?, ?>) ((Map<?, ?>) a.root()).get("model");
            String p = "encoder.layers.0.self_attn.";
            TorchTensor q = (TorchTensor) model.get(p + "q_proj.weight");
            TorchTensor k = (TorchTensor) model.get(p + "k_proj.weight");
            TorchTensor v = (TorchTensor) model.get(p + "v_proj.weight");
            assertEquals(TorchDtype.FLOAT16, q.dtype());
            assertEquals(q.storageKey(), k.storageKey());
            assertEquals(q.storageKey(), v.storageKey());
            assertEquals(q.shape().size(), k.storageOffset());
            assertEquals(2 * q.shape().size(), v.storageOffset());
            TorchTensor fc1 = (TorchTensor) model.get("encoder.layers.0.fc1.weight");
            assertFalse(fc1.isContiguous());
            assertEquals(1, fc1.stride()[0]);
            assertEquals(fc1.shape().get(0), fc1.stride()[1]);
            PickledObject args = assertInstanceOf(PickledObject.class, ((Map<?, ?>) a.root()).get("args"));
            assertEquals("argparse.Namespace", args.className());
            assertEquals("hubert", args.attributes().get("arch"));
        }
    }
}
