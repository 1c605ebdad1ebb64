package ai.hubert.model.config;

/**
 * Normalisation layout of the convolutional feature extractor (fairseq {@code extractor_mode}).
 */
public enum ExtractorMode {
    /** fairseq "default" / torchaudio "group_norm": GroupNorm (one group per channel) after conv layer 0 only. */
    GROUP_NORM("default", "group_norm", "group"),
    /** fairseq / torchaudio "layer_norm": LayerNorm over channels after every conv layer. */
    LAYER_NORM("layer_norm", "layer_norm", "layer");

    private final String fairseqName;
    private final String torchaudioName;
    private final String huggingFaceName;

    ExtractorMode(String fairseqName, String torchaudioName, String huggingFaceName) {
        this.fairseqName = fairseqName;
        this.torchaudioName = torchaudioName;
        this.huggingFaceName = huggingFaceName;
    }

    /** Returns the fairseq {@code extractor_mode} value. */
    public String fairseqName() {
        return fairseqName;
    }

    /** Returns the torchaudio {@code extractor_mode} value. */
    public String torchaudioName() {
        return torchaudioName;
    }

    /** Returns the Hugging Face {@code feat_extract_norm} value. */
    public String huggingFaceName() {
        return huggingFaceName;
    }

    /**
     * Parses any of the fairseq, torchaudio or Hugging Face spellings.
     *
     * @param name "default", "group_norm", "group", "layer_norm" or "layer"
     * @return the mode
     * @throws IllegalArgumentException naming the accepted values
     */
    public static ExtractorMode parse(String name) {
        for (ExtractorMode mode : values()) {
            if (mode.fairseqName.equals(name) || mode.torchaudioName.equals(name)
                    || mode.huggingFaceName.equals(name) || mode.name().equalsIgnoreCase(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Unknown extractor mode '" + name
                + "'; expected one of default, group_norm, group, layer_norm, layer");
    }
}
