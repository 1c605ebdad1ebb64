package ai.hubert.model.pretrain;

/** Supplies the time mask of a batch once the number of frames is known. */
@FunctionalInterface
public interface MaskSource {

    /**
     * Returns {@code mask[b][t]} (true = masked) for a batch of {@code batch} rows of {@code frames} frames.
     */
    boolean[][] mask(int batch, int frames);
}
