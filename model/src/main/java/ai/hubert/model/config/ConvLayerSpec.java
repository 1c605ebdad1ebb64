package ai.hubert.model.config;

/**
 * One layer of the convolutional feature extractor: {@code (channels, kernel, stride)} as in fairseq's
 * {@code conv_feature_layers}.
 *
 * @param channels output channels
 * @param kernel kernel width in samples / frames
 * @param stride stride
 */
public record ConvLayerSpec(int channels, int kernel, int stride) {

    /** Validates that every field is positive. */
    public ConvLayerSpec {
        if (channels <= 0 || kernel <= 0 || stride <= 0) {
            throw new IllegalArgumentException("Conv layer needs positive (channels, kernel, stride); found ("
                    + channels + ", " + kernel + ", " + stride + ")");
        }
    }
}
