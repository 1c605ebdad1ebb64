package ai.hubert.training.collective;

/**
 * A collective operation or the rendezvous failed: a peer died, timed out, refused authentication,
 * or called a different operation. The message names this rank, the operation and the peer (rank
 * and {@code host:port}). After it is thrown the collective is unusable: every later call throws.
 */
public class CollectiveException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CollectiveException(String message) {
    super(message);
  }

  public CollectiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
