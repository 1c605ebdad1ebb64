package ai.hubert.relabel;

import ai.hubert.store.FeatureStore;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;

/**
 * Staging branches that an interrupted write-audit-publish left behind: {@code LabelSetPublish} writes a label
 * set to a private branch {@code stage_<tag>_<random>} and removes it when it finishes; a killed process cannot.
 */
final class StagingBranches {
  private StagingBranches() {}

  /** Removes the staging branches of {@code tag}; returns how many there were. */
  static int removeStale(FeatureStore store, String dataset, String tag) {
    if (!store.exists(store.labels(dataset))) {
      return 0;
    }
    Table table = store.iceberg(store.labels(dataset));
    table.refresh();
    String prefix = "stage_" + tag.replaceAll("[^a-z0-9]", "_") + "_";
    List<String> stale = new ArrayList<>();
    table.refs().forEach((name, ref) -> {
      if (ref.isBranch() && name.startsWith(prefix) && name.length() == prefix.length() + 8) {
        stale.add(name);
      }
    });
    for (String name : stale) {
      table.manageSnapshots().removeBranch(name).commit();
    }
    return stale.size();
  }
}
