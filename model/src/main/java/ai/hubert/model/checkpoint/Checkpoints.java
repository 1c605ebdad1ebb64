package ai.hubert.model.checkpoint;

import ai.djl.ndarray.NDManager;
import ai.hubert.model.HubertModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a HuBERT model from any checkpoint format this project reads, chosen by what the path is: a
 * folder with {@code config.json} + {@code model.safetensors} (our own format, {@link HubertCheckpoint}, or Hugging
 * Face's when the config says {@code model_type: hubert}, {@link HuggingFaceCheckpoint}: its missing pre-training head
 * is initialised with Base's sizes, or Large's for pre-LN models) or a fairseq {@code .pt} file
 * ({@link FairseqCheckpoint}).
 */
public final class Checkpoints {
    private Checkpoints() {}

    /** Loads the model at {@code path}; fails naming the formats it accepts. */
    public static HubertModel load(NDManager parent, Path path) throws IOException {
        if (Files.isDirectory(path) && HuggingFaceCheckpoint.isHuggingFace(path)) {
            return HuggingFaceCheckpoint.load(parent, path);
        }
        if (Files.isDirectory(path)) {
            return HubertCheckpoint.load(parent, path);
        }
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".pt")) {
            return FairseqCheckpoint.load(parent, path);
        }
        throw new IOException("Cannot load checkpoint " + path + ": expected a folder with " + HubertCheckpoint.CONFIG + " and "
                + HubertCheckpoint.WEIGHTS + " (this project's format) or a fairseq .pt file, found "
                + (Files.exists(path) ? "a file of another kind" : "nothing"));
    }
}
