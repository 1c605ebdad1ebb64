package ai.hubert.model.checkpoint;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * Tensors and string metadata of a safetensors file, in file order. The arrays belong to the manager passed to
 * {@link Safetensors#read}.
 *
 * @param tensors tensors by name
 * @param metadata the {@code __metadata__} map (empty when absent)
 */
public record SafetensorsContent(Map<String, NDArray> tensors, Map<String, String> metadata) {

    /**
     * Returns tensor {@code name}.
     *
     * @throws IllegalArgumentException naming the missing tensor
     */
    public NDArray get(String name) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("No tensor '" + name + "' in safetensors content (" + tensors.size()
                    + " tensors)");
        }
        return a;
    }
}
