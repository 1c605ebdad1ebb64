package ai.hubert.audio;

/** Why an input was not ingested. The code is stored in the rejects table's {@code reason} column. */
public enum RejectReason {
  /** The file could not be opened or read. */
  UNREADABLE,
  /** Neither FLAC nor RIFF/WAVE PCM. */
  UNSUPPORTED_FORMAT,
  /** The stream is damaged: bad frames, checksum mismatch or an invalid header. */
  CORRUPT,
  /** The stream ends before the length its header declares. */
  TRUNCATED,
  /** The sample rate is not the dataset's rate (16 kHz). */
  WRONG_SAMPLE_RATE,
  /** More than one channel. */
  NOT_MONO,
  /** Not 16-bit integer PCM. */
  NOT_16_BIT,
  /** Fewer samples than one analysis window (400 samples = 25 ms at 16 kHz). */
  TOO_SHORT,
  /** An earlier input (in input order) already has this utterance id. */
  DUPLICATE_UTT_ID,
  /** The manifest's num_samples disagrees with the decoded file. */
  MANIFEST_LENGTH_MISMATCH,
  /** The path does not follow the expected layout, or the manifest line is malformed. */
  BAD_LAYOUT
}
