package ai.hubert.store;

import java.util.List;

/** A label set that failed its audit, or whose tag is taken; nothing of it was published. */
public final class LabelSetRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<String> problems;

  public LabelSetRejectedException(String message, List<String> problems) {
    super(message);
    this.problems = List.copyOf(problems);
  }

  /** The individual problems (empty when the tag was taken). */
  public List<String> problems() {
    return problems;
  }
}
