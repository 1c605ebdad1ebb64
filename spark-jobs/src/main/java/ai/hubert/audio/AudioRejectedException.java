package ai.hubert.audio;

/** An input that cannot become an utterance; carries the reason code and a message for humans. */
public final class AudioRejectedException extends Exception {
  private static final long serialVersionUID = 1L;
  private final RejectReason reason;

  public AudioRejectedException(RejectReason reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
