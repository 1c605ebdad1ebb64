package ai.hubert.model.checkpoint.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.razorvine.pickle.PickleException;

/**
 * An open {@code torch.save} file in the zip format of PyTorch 1.6 and later: {@code <archive>/data.pkl} (the
 * pickled object), {@code <archive>/data/<key>} (raw storages), {@code <archive>/version} and, in newer files,
 * {@code <archive>/byteorder}. The unpickled object graph uses Java maps (insertion-ordered), lists, {@code Object[]}
 * for tuples, boxed numbers, strings, {@link TorchTensor} for tensors and {@link PickledObject} for instances of
 * other classes. Tensors read their storage lazily: convert them before closing.
 */
public final class TorchArchive implements AutoCloseable {

    private static final int MAX_LISTED = 8;

    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final ByteOrder byteOrder;
    private final String version;
    private final Object root;

    private TorchArchive(Path file, ZipFile zip, String prefix) throws IOException {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
        String order = readText("byteorder", "little");
        if (!order.equals("little") && !order.equals("big")) {
            throw new IOException(file + ": expected byteorder 'little' or 'big', found '" + order + "'");
        }
        this.byteOrder = order.equals("little") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        this.version = readText("version", "");
        try (InputStream in = zip.getInputStream(zip.getEntry(prefix + "data.pkl"))) {
            TorchUnpickler unpickler = new TorchUnpickler(this);
            this.root = unpickler.load(in);
        } catch (PickleException | ClassCastException | IllegalArgumentException e) {
            throw new IOException(file + ": cannot unpickle " + prefix + "data.pkl: " + e.getMessage(), e);
        }
    }

    /**
     * Opens and unpickles {@code file}.
     *
     * @throws IOException if the file is not a zip (the legacy pre-1.6 format is named as such), has no
     *     {@code <archive>/data.pkl}, or its pickle cannot be read (the message names an unsupported opcode or
     *     storage type)
     */
    public static TorchArchive open(Path file) throws IOException {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
                boolean pickle = n >= 1 && (head[0] & 0xff) == 0x80;
                throw new IOException(file + ": expected a zip archive (torch.save of PyTorch >= 1.6), found "
                        + (pickle ? "a bare pickle stream (legacy torch.save format; re-save it with PyTorch >= 1.6)"
                                : n < 4 ? n + " bytes" : String.format("leading bytes %02x %02x %02x %02x",
                                        head[0], head[1], head[2], head[3])));
            }
        }
        ZipFile zip = new ZipFile(file.toFile());
        try {
            String prefix = null;
            List<String> names = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (names.size() < MAX_LISTED) {
                    names.add(name);
                }
                int slash = name.indexOf('/');
                if (prefix == null && slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
                    prefix = name.substring(0, slash + 1);
                }
            }
            if (prefix == null) {
                throw new IOException(file + ": expected an entry <archive>/data.pkl in the zip, found entries "
                        + names + (names.size() == MAX_LISTED ? " ..." : ""));
            }
            return new TorchArchive(file, zip, prefix);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** The unpickled object. */
    public Object root() {
        return root;
    }

    /** Content of {@code <archive>/version} (empty when absent). */
    public String version() {
        return version;
    }

    /** The file this archive was opened from. */
    public Path file() {
        return file;
    }

    private String readText(String name, String dflt) throws IOException {
        ZipEntry entry = zip.getEntry(prefix + name);
        if (entry == null) {
            return dflt;
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    ByteBuffer readStorage(String key, long expectedBytes) throws IOException {
        String name = prefix + "data/" + key;
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new IOException(file + ": expected storage entry " + name + ", found none");
        }
        if (entry.getSize() >= 0 && entry.getSize() != expectedBytes) {
            throw new IOException(file + ": storage " + name + " expected " + expectedBytes + " bytes, found "
                    + entry.getSize());
        }
        if (expectedBytes > Integer.MAX_VALUE) {
            throw new IOException(file + ": storage " + name + " has " + expectedBytes
                    + " bytes; at most 2 GiB per storage is supported");
        }
        ByteBuffer buf = ByteBuffer.allocateDirect((int) expectedBytes).order(byteOrder);
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] chunk = new byte[1 << 16];
            int n;
            while ((n = in.read(chunk)) > 0) {
                if (n > buf.remaining()) {
                    throw new IOException(file + ": storage " + name + " is longer than " + expectedBytes + " bytes");
                }
                buf.put(chunk, 0, n);
            }
        }
        if (buf.hasRemaining()) {
            throw new IOException(file + ": storage " + name + " expected " + expectedBytes + " bytes, found "
                    + buf.position());
        }
        buf.flip();
        return buf.asReadOnlyBuffer().order(byteOrder);
    }

    /** Closes the zip file; unconverted tensors can no longer be read. */
    @Override
    public void close() throws IOException {
        zip.close();
    }
}
