package ai.hubert.labels;

import ai.hubert.store.FeatureStore;
import ai.hubert.store.Lineage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Label-set ensembles: label sets published together (product k-means members) carry the ensemble's name, its
 * member list and their index in their lineage, so that one name stands for all of them. A training config may list
 * label-set tags, ensemble names, or both; {@link #resolve} expands them in order.
 */
public final class LabelEnsembles {
  /** Lineage key: the ensemble a label set belongs to. */
  public static final String ENSEMBLE = "ensemble";
  /** Lineage key: the ensemble's member tags, comma-separated, in order. */
  public static final String MEMBERS = "ensemble-members";
  /** Lineage key: the label set's position in the ensemble. */
  public static final String INDEX = "ensemble-index";

  private LabelEnsembles() {}

  /** The published members of ensemble {@code name} in their order; empty when no label set names it. */
  public static List<String> members(FeatureStore store, String dataset, String name) {
    Map<Integer, String> found = new TreeMap<>();
    for (String tag : store.labelSetTags(dataset)) {
      Lineage lineage = store.labelSetLineage(dataset, tag);
      if (name.equals(lineage.get(ENSEMBLE))) {
        found.put(Integer.parseInt(lineage.get(INDEX)), tag);
      }
    }
    return new ArrayList<>(found.values());
  }

  /**
   * Expands label-set tags and ensemble names into label-set tags (a published tag stands for itself).
   *
   * @throws IllegalArgumentException naming an entry that is neither a published tag nor an ensemble with all of its
   *     members published, and listing the published tags
   */
  public static List<String> resolve(FeatureStore store, String dataset, List<String> tagsOrEnsembles) {
    List<String> published = store.labelSetTags(dataset);
    List<String> out = new ArrayList<>();
    for (String entry : tagsOrEnsembles) {
      if (published.contains(entry)) {
        out.add(entry);
        continue;
      }
      List<String> members = members(store, dataset, entry);
      if (members.isEmpty()) {
        throw new IllegalArgumentException("Cannot find label set or ensemble '" + entry + "' of dataset " + dataset
            + "; published label sets: " + published);
      }
      String declared = store.labelSetLineage(dataset, members.get(0)).get(MEMBERS);
      if (declared != null && !String.join(",", members).equals(declared)) {
        throw new IllegalArgumentException("Ensemble '" + entry + "' of dataset " + dataset + " declares members "
            + declared + " but only " + members + " are published");
      }
      out.addAll(members);
    }
    if (out.size() != out.stream().distinct().count()) {
      throw new IllegalArgumentException("Label sets " + tagsOrEnsembles + " of dataset " + dataset
          + " name a label set twice: " + out);
    }
    return out;
  }
}
