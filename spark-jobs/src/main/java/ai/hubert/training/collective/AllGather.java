package ai.hubert.training.collective;

/**
 * The one exchange a {@link Rendezvous} needs: every rank sends a short string and receives every
 * rank's string, indexed by rank. In a Spark barrier stage this is
 * {@code BarrierTaskContext::allGather}; tests pass an in-memory implementation.
 */
@FunctionalInterface
public interface AllGather {
  /**
   * Sends {@code message} and returns the messages of all ranks, element {@code i} from rank
   * {@code i}. Every rank calls it exactly once per rendezvous.
   */
  String[] allGather(String message);
}
