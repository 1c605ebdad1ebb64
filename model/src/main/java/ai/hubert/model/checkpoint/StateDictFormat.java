package ai.hubert.model.checkpoint;

/** Key-naming conventions of HuBERT state dicts (hubert-spec.md section 9). */
public enum StateDictFormat {
    /** fairseq {@code HubertModel.state_dict()} ({@code checkpoint["model"]}); the canonical names of this project. */
    FAIRSEQ,
    /** torchaudio {@code HuBERTPretrainModel} ({@code wav2vec2.}, {@code mask_generator.}, {@code logit_generator.}). */
    TORCHAUDIO,
    /** Hugging Face transformers {@code HubertModel} (no pre-training head). */
    HUGGING_FACE
}
