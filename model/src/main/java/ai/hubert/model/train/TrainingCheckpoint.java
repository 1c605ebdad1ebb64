package ai.hubert.model.train;

import ai.djl.ndarray.NDManager;
import ai.hubert.model.HubertModel;
import ai.hubert.model.checkpoint.HubertCheckpoint;
import ai.hubert.model.checkpoint.Safetensors;
import ai.hubert.model.checkpoint.SafetensorsContent;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A resumable training checkpoint in a run folder: {@code checkpoint_<updates>/} holds the model in this
 * project's format ({@link HubertCheckpoint}: weights, config, lineage), {@code optimizer.safetensors} (Adam
 * moments) and {@code trainer.json} (update counters and data position). A checkpoint is written to a temporary folder and
 * renamed into place, then {@code checkpoint_last} (a one-line pointer file) is replaced atomically, so a
 * crash never leaves a partial checkpoint that a resume would read.
 */
public final class TrainingCheckpoint {
    /** The pointer file naming the newest complete checkpoint. */
    public static final String LAST = "checkpoint_last";
    static final String OPTIMIZER = "optimizer.safetensors";
    /** The checkpoint file holding the trainer {@link State}. */
    public static final String TRAINER = "trainer.json";

    private TrainingCheckpoint() {}

    /**
     * What a resume needs besides the weights: update counters and the data position, i.e. the 1-based
     * {@code epoch} and the index {@code nextBatch} of the next update (batch group) within that epoch's plan.
     */
    public record State(long updates, long skipped, long adamSteps, int epoch, int nextBatch) {
        /** A state at the start of {@code epoch} (no position within it). */
        public State(long updates, long skipped, long adamSteps, int epoch) {
            this(updates, skipped, adamSteps, epoch, 0);
        }
    }

    /**
     * Writes a checkpoint of {@code model} and {@code optimizer} at {@code state} into {@code runDir}; returns
     * its folder. Keeps at most {@code keep} checkpoints (oldest removed; {@code keep <= 0} keeps all).
     */
    public static Path save(Path runDir, HubertModel model, AdamW optimizer, State state, String lineageJson, int keep)
            throws IOException {
        Files.createDirectories(runDir);
        String name = "checkpoint_" + state.updates();
        Path tmp = Files.createTempDirectory(runDir, "." + name + ".tmp-");
        write(tmp, model, optimizer, state, lineageJson);
        Path dir = runDir.resolve(name);
        deleteRecursively(dir);
        move(tmp, dir);
        Path pointerTmp = Files.createTempFile(runDir, "." + LAST, ".tmp");
        Files.writeString(pointerTmp, name + "\n", StandardCharsets.UTF_8);
        move(pointerTmp, runDir.resolve(LAST));
        if (keep > 0) {
            try (Stream<Path> all = Files.list(runDir)) {
                Path[] old = all.filter(p -> p.getFileName().toString().matches("checkpoint_\\d+") && !p.equals(dir))
                        .sorted(Comparator.comparingLong(TrainingCheckpoint::updatesOf)).toArray(Path[]::new);
                for (int i = 0; i < old.length - (keep - 1); i++) {
                    deleteRecursively(old[i]);
                }
            }
        }
        return dir;
    }

    /**
     * Writes the files of one checkpoint (weights, config, lineage, optimizer moments, {@code trainer.json}) into
     * {@code dir}, with no atomicity of its own: callers write into a temporary folder and publish it (as {@link #save}
     * does on a local file system).
     */
    public static void write(Path dir, HubertModel model, AdamW optimizer, State state, String lineageJson) throws IOException {
        HubertCheckpoint.save(model, lineageJson, dir);
        try (NDManager scratch = NDManager.newBaseManager()) {
            Safetensors.write(dir.resolve(OPTIMIZER), optimizer.state(scratch), Map.of());
        }
        JsonObject trainer = new JsonObject();
        trainer.addProperty("updates", state.updates());
        trainer.addProperty("skipped", state.skipped());
        trainer.addProperty("adam_steps", state.adamSteps());
        trainer.addProperty("epoch", state.epoch());
        trainer.addProperty("next_batch", state.nextBatch());
        Files.writeString(dir.resolve(TRAINER), trainer.toString(), StandardCharsets.UTF_8);
    }

    /** Reads the trainer state of the checkpoint in {@code dir}. */
    public static State readState(Path dir) throws IOException {
        Path file = dir.resolve(TRAINER);
        if (!Files.isRegularFile(file)) {
            throw new IOException("Expected checkpoint file " + file + ", found none");
        }
        return parseState(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Parses the text of a checkpoint's {@value #TRAINER}. */
    public static State parseState(String json) {
        JsonObject t = JsonParser.parseString(json).getAsJsonObject();
        return new State(t.get("updates").getAsLong(), t.get("skipped").getAsLong(), t.get("adam_steps").getAsLong(),
                t.get("epoch").getAsInt(), t.has("next_batch") ? t.get("next_batch").getAsInt() : 0);
    }

    /** The newest complete checkpoint of a run, or null when there is none. */
    public static Path latest(Path runDir) throws IOException {
        Path pointer = runDir.resolve(LAST);
        if (!Files.isRegularFile(pointer)) {
            return null;
        }
        Path dir = runDir.resolve(Files.readString(pointer, StandardCharsets.UTF_8).trim());
        if (!Files.isRegularFile(dir.resolve(TRAINER))) {
            throw new IOException("Checkpoint pointer " + pointer + " names " + dir + ", which is not a complete checkpoint");
        }
        return dir;
    }

    /** Loads the model of a checkpoint. */
    public static HubertModel loadModel(NDManager parent, Path dir) throws IOException {
        return HubertCheckpoint.load(parent, dir);
    }

    /** Restores {@code optimizer} from a checkpoint and returns the trainer state. */
    public static State restore(Path dir, AdamW optimizer) throws IOException {
        State state = readState(dir);
        try (NDManager scratch = NDManager.newBaseManager()) {
            SafetensorsContent c = Safetensors.read(scratch, dir.resolve(OPTIMIZER));
            optimizer.restore(c.tensors(), state.adamSteps());
        }
        return state;
    }

    private static long updatesOf(Path p) {
        return Long.parseLong(p.getFileName().toString().substring("checkpoint_".length()));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes a local folder (e.g. a staged checkpoint) and everything in it; nothing when it does not exist. */
    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toArray(Path[]::new)) {
                Files.delete(q);
            }
        }
    }
}
