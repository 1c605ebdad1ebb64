package ai.hubert.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hubert.model.HubertModel;
import ai.hubert.model.checkpoint.torch.TorchArchive;
import ai.hubert.model.checkpoint.torch.TorchTensor;
import ai.hubert.model.config.HubertConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fairseq HuBERT pre-training checkpoint ({@code checkpoint_best.pt}, {@code hubert_base_ls960.pt}, ...) read
 * directly from its {@code torch.save} zip, without Python: the configuration inferred from {@code cfg} or
 * {@code args} (see {@link FairseqConfigReader}) and the {@code model} state dict with fairseq keys.
 *
 * <p>Multi-target checkpoints (fairseq {@code task.labels} with several label sets, {@code final_proj} of width
 * {@code final_dim x n}) get one label set per target, each with the class count of its dictionary in
 * {@code task_state.dictionaries}.
 *
 * @param config configuration; C = rows of {@code label_embs_concat}, kept as stored (K + 4 for fairseq dictionaries)
 * @param stateDict tensors by fairseq key, float32 (half-precision weights widened exactly), owned by the manager
 *     passed to {@link #read}
 */
public record FairseqCheckpoint(HubertConfig config, Map<String, NDArray> stateDict) {

    /**
     * Reads {@code file} into arrays of {@code manager}.
     *
     * @throws IOException if the file is not a PyTorch zip checkpoint or a storage cannot be read
     * @throws IllegalArgumentException if the checkpoint has no {@code model} state dict or config, holds an object
     *     of an unsupported pickle global where a tensor or config is needed (the global is named), or its config
     *     describes an unsupported architecture
     */
    public static FairseqCheckpoint read(NDManager manager, Path file) throws IOException {
        try (TorchArchive archive = TorchArchive.open(file)) {
            if (!(archive.root() instanceof Map<?, ?> root)) {
                throw new IllegalArgumentException(file + ": expected a checkpoint dict at the top level, found "
                        + FairseqConfigReader.describe(archive.root()));
            }
            if (!(root.get("model") instanceof Map<?, ?> model)) {
                throw new IllegalArgumentException(file + ": expected a 'model' state dict, found "
                        + FairseqConfigReader.describe(root.get("model")) + " (top-level keys " + root.keySet() + ")");
            }
            Map<String, NDArray> raw = new LinkedHashMap<>();
            List<String> notTensors = new ArrayList<>();
            for (Map.Entry<?, ?> e : model.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (e.getValue() instanceof TorchTensor t) {
                    NDArray a = t.toNDArray(manager);
                    a.setName(key);
                    raw.put(key, a);
                } else {
                    notTensors.add(key + ": " + FairseqConfigReader.describe(e.getValue()));
                }
            }
            if (!notTensors.isEmpty()) {
                throw new IllegalArgumentException(file + ": expected tensors in the 'model' state dict, found "
                        + notTensors);
            }
            NDArray labels = raw.get(HubertModel.LABEL_EMBS);
            if (labels == null || labels.getShape().dimension() != 2) {
                throw new IllegalArgumentException(file + ": expected a 2-D '" + HubertModel.LABEL_EMBS
                        + "' tensor (C x final_dim), found " + (labels == null ? "none" : labels.getShape()));
            }
            HubertConfig config;
            try {
                config = FairseqConfigReader.fromCheckpoint(root, Math.toIntExact(labels.getShape().get(0)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            NDArray proj = raw.get("final_proj.weight");
            if (proj != null && proj.getShape().dimension() == 2 && proj.getShape().get(0) > config.finalDim()) {
                try {
                    config = FairseqConfigReader.withLabelSets(config, root,
                            Math.toIntExact(proj.getShape().get(0)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
                }
            }
            Map<String, NDArray> state = StateDictImporter.toFairseq(raw, StateDictFormat.FAIRSEQ,
                    config.extractorMode());
            return new FairseqCheckpoint(config, state);
        }
    }

    /**
     * Reads {@code file} and builds a model under {@code parent} (strict: every layout key present with its shape).
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException as {@link #read}, or listing missing keys, unexpected keys and shape
     *     mismatches against the inferred configuration
     */
    public static HubertModel load(NDManager parent, Path file) throws IOException {
        try (NDManager scratch = parent.newSubManager()) {
            FairseqCheckpoint c = read(scratch, file);
            try {
                return HubertModel.fromStateDict(parent, c.config(), c.stateDict());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
    }
}
