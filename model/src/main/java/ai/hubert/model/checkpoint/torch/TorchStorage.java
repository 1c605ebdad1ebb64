package ai.hubert.model.checkpoint.torch;

import java.io.IOException;
import java.nio.ByteBuffer;

/** One storage of a {@code torch.save} archive: entry {@code data/<key>}, loaded on first use. */
final class TorchStorage {

    private final TorchArchive archive;
    private final String key;
    private final TorchDtype dtype;
    private final long numel;
    private ByteBuffer data;

    TorchStorage(TorchArchive archive, String key, TorchDtype dtype, long numel) {
        this.archive = archive;
        this.key = key;
        this.dtype = dtype;
        this.numel = numel;
    }

    String key() {
        return key;
    }

    TorchDtype dtype() {
        return dtype;
    }

    long numel() {
        return numel;
    }

    /** The storage bytes in the archive's byte order (read-only view, position 0). */
    synchronized ByteBuffer data() throws IOException {
        if (data == null) {
            data = archive.readStorage(key, numel * dtype.bytes());
        }
        return data.duplicate().order(data.order());
    }
}
