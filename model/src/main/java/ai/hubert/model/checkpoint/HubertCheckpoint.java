package ai.hubert.model.checkpoint;

import ai.djl.ndarray.NDManager;
import ai.hubert.model.HubertModel;
import ai.hubert.model.config.HubertConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This project's checkpoint: a directory with {@code model.safetensors} (fairseq keys, float32),
 * {@code config.json} ({@link HubertConfig#toJson()}) and {@code lineage.json} (free-form provenance JSON, e.g.
 * parent checkpoint, label set, step).
 */
public final class HubertCheckpoint {

    /** Weights file name. */
    public static final String WEIGHTS = "model.safetensors";
    /** Config file name. */
    public static final String CONFIG = "config.json";
    /** Lineage file name. */
    public static final String LINEAGE = "lineage.json";

    private HubertCheckpoint() {}

    /**
     * Writes {@code model} and {@code lineageJson} to {@code dir} (created if needed).
     *
     * @throws IOException on write failure
     */
    public static void save(HubertModel model, String lineageJson, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "hubert-fairseq-keys");
        Safetensors.write(dir.resolve(WEIGHTS), model.stateDict(), meta);
        Files.writeString(dir.resolve(CONFIG), model.config().toJson(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(LINEAGE), lineageJson, StandardCharsets.UTF_8);
    }

    /**
     * Loads a model saved by {@link #save}.
     *
     * @throws IOException if a file is missing or unreadable
     * @throws IllegalArgumentException if the weights do not match the config's layout
     */
    public static HubertModel load(NDManager parent, Path dir) throws IOException {
        for (String f : new String[] {WEIGHTS, CONFIG}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IOException("Expected checkpoint file " + dir.resolve(f) + ", found none");
            }
        }
        HubertConfig config = HubertConfig.fromJson(Files.readString(dir.resolve(CONFIG), StandardCharsets.UTF_8));
        try (NDManager scratch = parent.newSubManager()) {
            SafetensorsContent c = Safetensors.read(scratch, dir.resolve(WEIGHTS));
            return HubertModel.fromStateDict(parent, config, c.tensors());
        }
    }

    /** Reads the lineage JSON of the checkpoint in {@code dir} ("{}" when absent). */
    public static String lineage(Path dir) throws IOException {
        Path p = dir.resolve(LINEAGE);
        return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : "{}";
    }
}
