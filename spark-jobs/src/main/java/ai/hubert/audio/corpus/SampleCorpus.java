package ai.hubert.audio.corpus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The bundled sample corpus (6 speakers, 90 utterances, about 6 minutes of 16 kHz FLAC in
 * Libri-light layout, with festival phone alignments), carried inside the application jar so every
 * command has a default input. It is copied once into the store ({@code <store>/corpora/sample}), a
 * place that every executor of a cluster can read.
 */
public final class SampleCorpus {
  /** Dataset name used when a command is given no input. */
  public static final String DATASET = "sample";
  /** Classpath folder of the corpus. */
  static final String RESOURCE_ROOT = "sample-corpus/";
  /** Files besides the audio. */
  public static final String ALIGNMENTS = "alignments.tsv";
  public static final String TRANSCRIPTS = "transcripts.tsv";
  public static final String MANIFEST = "manifest.tsv";

  private SampleCorpus() {}

  /** Relative paths of the corpus's audio files, in manifest order. */
  public static List<String> audioFiles() {
    List<String> files = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(open(MANIFEST), StandardCharsets.UTF_8))) {
      r.readLine(); // root line
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          files.add(line.split("\t")[0]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the bundled sample corpus manifest", e);
    }
    return files;
  }

  /** Opens one file of the corpus from the classpath. */
  public static InputStream open(String relPath) {
    InputStream in = SampleCorpus.class.getClassLoader().getResourceAsStream(RESOURCE_ROOT + relPath);
    if (in == null) {
      throw new IllegalStateException("Cannot find " + RESOURCE_ROOT + relPath
          + " on the classpath: the application jar was built without the sample corpus (data/sample-corpus)");
    }
    return in;
  }

  /**
   * Copies the corpus below {@code target} (any Hadoop URI) unless an identical copy is there, and
   * returns the qualified root of the copied tree.
   */
  public static String materialize(String target, Configuration conf) {
    try {
      Path root = new Path(target);
      FileSystem fs = root.getFileSystem(conf);
      List<String> files = new ArrayList<>(audioFiles());
      files.add(ALIGNMENTS);
      files.add(TRANSCRIPTS);
      for (String rel : files) {
        Path dest = new Path(root, rel);
        byte[] bytes;
        try (InputStream in = open(rel)) {
          bytes = in.readAllBytes();
        }
        if (fs.exists(dest) && fs.getFileStatus(dest).getLen() == bytes.length) {
          continue;
        }
        Path tmp = new Path(dest.getParent(), "." + dest.getName() + ".tmp");
        try (OutputStream out = fs.create(tmp, true)) {
          out.write(bytes);
        }
        fs.delete(dest, false);
        if (!fs.rename(tmp, dest)) {
          throw new IOException("rename " + tmp + " -> " + dest + " failed");
        }
      }
      return fs.makeQualified(root).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy the sample corpus to " + target + ": " + e.getMessage(), e);
    }
  }
}
