package ai.hubert.audio.ingest;

import ai.hubert.audio.RejectReason;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The inputs of one ingest run, listed on the driver in input order: either a Libri-light style
 * tree ({@code <speaker>/<book>/<utt>.flac|.wav}, optional {@code <utt>.json} beside each file) or a
 * fairseq manifest (first line the root directory, then {@code relpath<TAB>num_samples}). Listing
 * decides what needs no audio to decide: malformed manifest lines, files that do not exist, paths
 * outside the layout, and duplicate utterance ids (the first in input order wins).
 */
public final class IngestInput {
  /** How the input was given. */
  public enum Kind { TREE, MANIFEST }

  private final Kind kind;
  private final String root;
  private final List<IngestCandidate> candidates;
  private final String fingerprint;

  private IngestInput(Kind kind, String root, List<IngestCandidate> candidates, String fingerprint) {
    this.kind = kind;
    this.root = root;
    this.candidates = Collections.unmodifiableList(candidates);
    this.fingerprint = fingerprint;
  }

  /** Lists a tree or reads a manifest; the kind is chosen by what {@code input} is. */
  public static IngestInput resolve(String input, Configuration conf) {
    try {
      Path path = new Path(input);
      FileSystem fs = path.getFileSystem(conf);
      FileStatus status;
      try {
        status = fs.getFileStatus(path);
      } catch (FileNotFoundException e) {
        throw new IllegalArgumentException("Cannot ingest " + input + ": no such file or directory");
      }
      Path qualified = status.getPath();
      if (status.isDirectory()) {
        return listTree(fs, qualified);
      }
      if (qualified.getName().toLowerCase(Locale.ROOT).endsWith(".tsv")) {
        return readManifest(fs, qualified, conf);
      }
      throw new IllegalArgumentException("Cannot ingest " + input
          + ": expected a directory (Libri-light tree) or a fairseq manifest ending in .tsv, found a file named " + qualified.getName());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list input " + input + ": " + e.getMessage(), e);
    }
  }

  public Kind kind() {
    return kind;
  }

  /** The root directory that relative paths are relative to (a qualified URI). */
  public String root() {
    return root;
  }

  /** Every audio input found, in input order. */
  public List<IngestCandidate> candidates() {
    return candidates;
  }

  /** A digest of the listing (paths, sizes, modification times, manifest lengths): equal digests mean the same input. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The estimated decoded PCM bytes (FLAC decodes to about twice its size), for sizing shards. */
  public long estimatedPcmBytes() {
    long total = 0;
    for (IngestCandidate c : candidates) {
      total += c.relPath.toLowerCase(Locale.ROOT).endsWith(".flac") ? 2 * c.sizeBytes : c.sizeBytes;
    }
    return total;
  }

  private static boolean isAudio(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".flac") || lower.endsWith(".wav");
  }

  private static String stem(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }

  private static String relative(Path root, Path file) {
    String r = root.toUri().getPath();
    String f = file.toUri().getPath();
    String prefix = r.endsWith("/") ? r : r + "/";
    if (!f.startsWith(prefix)) {
      throw new IllegalStateException("Cannot relativize " + f + ": not below " + r);
    }
    return f.substring(prefix.length());
  }

  private static IngestInput listTree(FileSystem fs, Path root) throws IOException {
    TreeMap<String, LocatedFileStatus> audio = new TreeMap<>();
    Map<String, String> metadata = new HashMap<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      String rel = relative(root, f.getPath());
      if (isAudio(rel)) {
        audio.put(rel, f);
      } else if (rel.toLowerCase(Locale.ROOT).endsWith(".json")) {
        metadata.put(stem(rel), f.getPath().toString());
      }
    }
    List<IngestCandidate> candidates = new ArrayList<>(audio.size());
    Digest digest = new Digest("tree", root.toString());
    long order = 0;
    for (Map.Entry<String, LocatedFileStatus> e : audio.entrySet()) {
      String rel = e.getKey();
      FileStatus f = e.getValue();
      String[] parts = rel.split("/");
      String uttId = stem(parts[parts.length - 1]);
      digest.add(rel, f.getLen(), f.getModificationTime(), null);
      IngestCandidate c = new IngestCandidate(order++, uttId, parts.length >= 3 ? parts[parts.length - 3] : null,
          parts.length >= 3 ? parts[parts.length - 2] : null, f.getPath().toString(), rel, null,
          metadata.get(stem(rel)), f.getLen(), null, null);
      if (parts.length < 3) {
        c = c.rejected(RejectReason.BAD_LAYOUT.name(), rel + ": expected the Libri-light layout <speaker>/<book>/<utterance>.flac|.wav below "
            + root + ", found a file " + (parts.length - 1) + " folder(s) deep");
      }
      candidates.add(c);
    }
    return new IngestInput(Kind.TREE, root.toString(), markDuplicates(candidates), digest.hex());
  }

  private static IngestInput readManifest(FileSystem fs, Path manifest, Configuration conf) throws IOException {
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(manifest), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line);
      }
    }
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new IllegalArgumentException("Cannot ingest manifest " + manifest
          + ": expected its first line to be the root directory (fairseq format), found " + (lines.isEmpty() ? "an empty file" : "a blank line"));
    }
    Path root = resolveRoot(lines.get(0).trim(), manifest, conf);
    FileSystem rootFs = root.getFileSystem(conf);
    Map<String, FileStatus> listed = new HashMap<>();
    if (rootFs.exists(root)) {
      RemoteIterator<LocatedFileStatus> it = rootFs.listFiles(root, true);
      while (it.hasNext()) {
        LocatedFileStatus f = it.next();
        listed.put(relative(root, f.getPath()), f);
      }
    }
    List<IngestCandidate> candidates = new ArrayList<>();
    Digest digest = new Digest("manifest", root.toString());
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      long order = candidates.size();
      String[] fields = line.split("\t", -1);
      String rel = fields[0].trim();
      String[] parts = rel.split("/");
      String uttId = stem(parts[parts.length - 1]);
      String speaker = parts.length >= 3 ? parts[parts.length - 3] : null;
      String book = parts.length >= 2 ? parts[parts.length - 2] : null;
      String where = manifest.getName() + " line " + (i + 1);
      Integer expected = null;
      String badLine = null;
      if (fields.length != 2) {
        badLine = where + ": expected 'relpath<TAB>num_samples', found " + fields.length + " field(s): '" + line + "'";
      } else {
        try {
          expected = Integer.valueOf(fields[1].trim());
          if (expected < 0) {
            badLine = where + ": expected a non-negative num_samples, found " + expected;
          }
        } catch (NumberFormatException e) {
          badLine = where + ": expected an integer num_samples, found '" + fields[1] + "'";
        }
      }
      FileStatus f = listed.get(rel);
      digest.add(rel, f == null ? -1 : f.getLen(), f == null ? -1 : f.getModificationTime(), expected);
      Path file = new Path(root, rel);
      IngestCandidate c = new IngestCandidate(order, uttId, speaker, book, file.toString(), rel, expected, null,
          f == null ? 0 : f.getLen(), null, null);
      if (badLine != null) {
        c = c.rejected(RejectReason.BAD_LAYOUT.name(), badLine);
      } else if (f == null) {
        c = c.rejected(RejectReason.UNREADABLE.name(), where + ": " + file + " does not exist");
      }
      candidates.add(c);
    }
    return new IngestInput(Kind.MANIFEST, root.toString(), markDuplicates(candidates), digest.hex());
  }

  /** A relative root is relative to the working directory (as in fairseq), else to the manifest's folder. */
  private static Path resolveRoot(String root, Path manifest, Configuration conf) throws IOException {
    Path p = new Path(root);
    if (p.isAbsolute() || p.toUri().getScheme() != null) {
      return p.getFileSystem(conf).makeQualified(p);
    }
    Path fromCwd = FileSystem.getLocal(conf).makeQualified(p);
    if (manifest.toUri().getScheme() != null && manifest.toUri().getScheme().equals("file") && fromCwd.getFileSystem(conf).exists(fromCwd)) {
      return fromCwd;
    }
    return new Path(manifest.getParent(), root);
  }

  private static List<IngestCandidate> markDuplicates(List<IngestCandidate> candidates) {
    Map<String, IngestCandidate> first = new HashMap<>();
    List<IngestCandidate> out = new ArrayList<>(candidates.size());
    for (IngestCandidate c : candidates) {
      if (c.isPreRejected()) {
        out.add(c);
        continue;
      }
      IngestCandidate earlier = first.putIfAbsent(c.uttId, c);
      out.add(earlier == null ? c : c.rejected(RejectReason.DUPLICATE_UTT_ID.name(), c.relPath + ": utterance id '" + c.uttId
          + "' is already used by " + earlier.relPath + " (input #" + earlier.inputOrder + "); expected unique ids, the first in input order is kept"));
    }
    return out;
  }

  private static final class Digest {
    private final MessageDigest md;

    Digest(String kind, String root) {
      try {
        md = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      update(kind + "\n" + root + "\n");
    }

    void add(String rel, long size, long mtime, Integer expected) {
      update(rel + "\t" + size + "\t" + mtime + "\t" + expected + "\n");
    }

    private void update(String s) {
      md.update(s.getBytes(StandardCharsets.UTF_8));
    }

    String hex() {
      StringBuilder sb = new StringBuilder();
      for (byte b : md.digest()) {
        sb.append(String.format("%02x", b & 0xff));
      }
      return sb.toString();
    }
  }
}
