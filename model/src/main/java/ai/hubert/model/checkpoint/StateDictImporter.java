package ai.hubert.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.hubert.model.config.ExtractorMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renames a foreign state dict to fairseq keys. Accepts torchaudio ({@code HuBERTPretrainModel}, or
 * {@code Wav2Vec2Model} without the {@code wav2vec2.} prefix) and Hugging Face ({@code HubertModel}, or
 * {@code HubertForCTC} with the {@code hubert.} prefix; its {@code lm_head.*} is ignored), with weight norm stored as
 * {@code weight_g/weight_v} or {@code parametrizations.weight.original0/1}.
 */
public final class StateDictImporter {

    private StateDictImporter() {}

    /**
     * Renames every key of {@code source} to fairseq.
     *
     * @param source tensors by foreign key
     * @param format naming convention of {@code source}
     * @param mode extractor mode of the target model
     * @return tensors by fairseq key (same arrays, not copies)
     * @throws IllegalArgumentException listing every key that is not recognised, and keys that collide
     */
    public static Map<String, NDArray> toFairseq(Map<String, NDArray> source, StateDictFormat format,
            ExtractorMode mode) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        List<String> collisions = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : source.entrySet()) {
            String key = e.getKey();
            if (format == StateDictFormat.HUGGING_FACE && key.startsWith("lm_head.")) {
                continue; // CTC head of fine-tuned models
            }
            Optional<String> mapped = mapOne(key, format, mode);
            if (mapped.isEmpty()) {
                unexpected.add(key);
            } else if (out.put(mapped.get(), e.getValue()) != null) {
                collisions.add(key + " -> " + mapped.get());
            }
        }
        if (!unexpected.isEmpty() || !collisions.isEmpty()) {
            throw new IllegalArgumentException("Cannot import " + format + " state dict (extractor mode " + mode
                    + "): unexpected keys " + unexpected + "; keys mapping to an already imported name "
                    + collisions);
        }
        return out;
    }

    private static Optional<String> mapOne(String key, StateDictFormat format, ExtractorMode mode) {
        List<String> candidates = new ArrayList<>();
        candidates.add(key);
        if (format == StateDictFormat.HUGGING_FACE && key.startsWith("hubert.")) {
            candidates.add(key.substring("hubert.".length()));
        }
        if (format == StateDictFormat.TORCHAUDIO && !key.startsWith("wav2vec2.")) {
            candidates.add("wav2vec2." + key);
        }
        if (format == StateDictFormat.FAIRSEQ && key.startsWith("w2v_encoder.w2v_model.")) {
            candidates.add(key.substring("w2v_encoder.w2v_model.".length()));
        }
        for (String c : candidates) {
            if (format == StateDictFormat.FAIRSEQ) {
                if (KeyMapper.recognises(c, format, mode)) {
                    return Optional.of(c);
                }
            } else {
                Optional<String> m = KeyMapper.map(c, format, StateDictFormat.FAIRSEQ, mode);
                if (m.isPresent()) {
                    return m;
                }
            }
        }
        return Optional.empty();
    }
}
