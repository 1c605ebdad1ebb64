package ai.hubert.audio.ingest;

import java.io.Serializable;

/**
 * One audio input found by the listing, in input order, before it is read. A candidate that is
 * already known to be bad (malformed manifest line, duplicate utterance id) carries its rejection.
 */
public final class IngestCandidate implements Serializable {
  private static final long serialVersionUID = 1L;

  final long inputOrder;
  final String uttId;
  final String speaker;
  final String book;
  final String sourcePath;
  final String relPath;
  final Integer expectedSamples;
  final String metadataPath;
  final long sizeBytes;
  final String preRejectReason;
  final String preRejectDetail;

  IngestCandidate(long inputOrder, String uttId, String speaker, String book, String sourcePath, String relPath,
      Integer expectedSamples, String metadataPath, long sizeBytes, String preRejectReason, String preRejectDetail) {
    this.inputOrder = inputOrder;
    this.uttId = uttId;
    this.speaker = speaker;
    this.book = book;
    this.sourcePath = sourcePath;
    this.relPath = relPath;
    this.expectedSamples = expectedSamples;
    this.metadataPath = metadataPath;
    this.sizeBytes = sizeBytes;
    this.preRejectReason = preRejectReason;
    this.preRejectDetail = preRejectDetail;
  }

  IngestCandidate rejected(String reason, String detail) {
    return new IngestCandidate(inputOrder, uttId, speaker, book, sourcePath, relPath, expectedSamples, metadataPath,
        sizeBytes, reason, detail);
  }

  public long inputOrder() {
    return inputOrder;
  }

  public String uttId() {
    return uttId;
  }

  public String relPath() {
    return relPath;
  }

  public boolean isPreRejected() {
    return preRejectReason != null;
  }
}
