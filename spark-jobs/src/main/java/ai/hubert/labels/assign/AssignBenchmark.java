package ai.hubert.labels.assign;

import ai.hubert.bench.PythonReference;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Single-thread throughput of {@link NearestCentroid} in frames per CPU-second, compared with fairseq's numpy
 * {@code ApplyKmeans} ({@code dist = (x**2).sum(1, keepdims=True) - 2*np.matmul(x, C) + Cnorm; dist.argmin(1)}) on
 * the same data when {@code /usr/bin/python3} can import numpy.
 *
 * <p>Data: Gaussian frames and centroids (fixed seed), split into utterances of 200&ndash;1600 frames (2&ndash;16 s,
 * like LibriSpeech); both sides label one utterance per call, as fairseq's {@code dump_km_label.py} does. Java is
 * timed with the thread's CPU time ({@link ThreadMXBean}) after a 1.5 s warm-up; numpy runs in a subprocess with
 * {@code OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=MKL_NUM_THREADS=1}, timed with {@code time.process_time()} after two
 * untimed passes. Both report the median, fastest and slowest of the timed passes, and the fraction of frames on
 * which the two agree.
 */
public final class AssignBenchmark {
  /** The interpreter with numpy; override with {@code -Dhubert.bench.python=...}. */
  public static final String DEFAULT_PYTHON = PythonReference.DEFAULT_PYTHON;
  private static final String SCRIPT_RESOURCE = "numpy_assign_bench.py";
  private static final Map<String, String> NUMPY_ENV =
      Map.of("OMP_NUM_THREADS", "1", "OPENBLAS_NUM_THREADS", "1", "MKL_NUM_THREADS", "1");
  /** Generous: the default shapes take well under a minute in numpy. */
  private static final Duration NUMPY_TIMEOUT = Duration.ofMinutes(30);
  private static final int MIN_UTTERANCE_FRAMES = 200;
  private static final int MAX_UTTERANCE_FRAMES = 1600;

  private AssignBenchmark() {
  }

  /**
   * Outcome of one shape.
   *
   * @param dim             values per frame
   * @param k               centroids
   * @param kernel          the Java kernel measured
   * @param frames          frames in one pass
   * @param utterances      calls per pass
   * @param java            Java CPU seconds per pass
   * @param numpy           numpy CPU seconds per pass, absent when numpy did not run
   * @param agreement       fraction of frames with the same label in Java and numpy, empty when numpy did not run
   * @param note            numpy and BLAS versions, or why numpy did not run
   */
  public record Result(int dim, int k, AssignKernel kernel, long frames, int utterances, Timing java, Timing numpy,
      OptionalDouble agreement, String note) {

    /** Java frames per CPU-second (median pass). */
    public double javaFramesPerCpuSecond() {
      return frames / java.median();
    }

    /** numpy frames per CPU-second (median pass), when measured. */
    public OptionalDouble numpyFramesPerCpuSecond() {
      return numpy == null ? OptionalDouble.empty() : OptionalDouble.of(frames / numpy.median());
    }

    /** Java throughput divided by numpy throughput, when measured. */
    public OptionalDouble ratio() {
      return numpy == null ? OptionalDouble.empty() : OptionalDouble.of(numpy.median() / java.median());
    }

    /** A short human-readable table. */
    public String table() {
      return AssignBenchmark.table(List.of(this));
    }
  }

  /**
   * CPU seconds of the timed passes.
   *
   * @param median  median pass
   * @param min     fastest pass
   * @param max     slowest pass
   */
  public record Timing(double median, double min, double max) {
    static Timing of(double[] seconds) {
      double[] sorted = seconds.clone();
      Arrays.sort(sorted);
      int mid = sorted.length / 2;
      double median = sorted.length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
      return new Timing(median, sorted[0], sorted[sorted.length - 1]);
    }
  }

  /**
   * Benchmarks one shape on {@code frames} random frames.
   *
   * @param repetitions timed passes (median reported), at least 1
   * @param withNumpy   also run numpy (when available)
   */
  public static Result run(int dim, int k, int frames, int repetitions, AssignKernel kernel, boolean withNumpy) {
    if (dim < 1 || k < 1) {
      throw new IllegalArgumentException("shape: expected dim >= 1 and k >= 1, found dim = " + dim + ", k = " + k);
    }
    if (frames < 1) {
      throw new IllegalArgumentException("frames: expected >= 1, found " + frames);
    }
    if (repetitions < 1) {
      throw new IllegalArgumentException("repetitions: expected >= 1, found " + repetitions);
    }
    Random random = new Random(1234L + 31L * dim + k);
    float[] x = gaussian(random, (long) frames * dim);
    float[] centroids = gaussian(random, (long) k * dim);
    int[] lengths = utteranceLengths(frames, random);
    NearestCentroid assigner = new NearestCentroid(centroids, k, dim, kernel);
    int[] labels = new int[frames];
    Timing java = measureJava(assigner, x, lengths, labels, repetitions);
    if (!withNumpy) {
      return new Result(dim, k, kernel, frames, lengths.length, java, null, OptionalDouble.empty(), "numpy not requested");
    }
    Map<String, String> py = new HashMap<>();
    int[] numpyLabels = runNumpy(x, centroids, lengths, dim, k, repetitions, py);
    if (numpyLabels == null) {
      return new Result(dim, k, kernel, frames, lengths.length, java, null, OptionalDouble.empty(), py.get("error"));
    }
    double[] passes = Arrays.stream(py.get("pass_cpu_seconds").split(",")).mapToDouble(Double::parseDouble).toArray();
    long same = 0;
    for (int i = 0; i < frames; i++) {
      if (labels[i] == numpyLabels[i]) {
        same++;
      }
    }
    String note = "numpy " + py.get("numpy") + ", BLAS " + py.get("blas") + ", one thread";
    return new Result(dim, k, kernel, frames, lengths.length, java, Timing.of(passes),
        OptionalDouble.of((double) same / frames), note);
  }

  /** Utterance lengths of 200&ndash;1600 frames summing to {@code frames} (the last one may be shorter). */
  public static int[] utteranceLengths(int frames, Random random) {
    List<Integer> lengths = new ArrayList<>();
    int left = frames;
    while (left > 0) {
      int n = Math.min(left, MIN_UTTERANCE_FRAMES + random.nextInt(MAX_UTTERANCE_FRAMES - MIN_UTTERANCE_FRAMES + 1));
      lengths.add(n);
      left -= n;
    }
    return lengths.stream().mapToInt(Integer::intValue).toArray();
  }

  /** A table of results, one row per shape, with throughput, spread (fastest..slowest pass) and the ratio. */
  public static String table(List<Result> results) {
    StringBuilder sb = new StringBuilder();
    sb.append("k-means label assignment, one thread, frames per CPU-second (median of passes; fastest..slowest)\n");
    sb.append(String.format(Locale.ROOT, "%-9s %-7s %8s %26s %26s %7s %9s%n", "dim x k", "kernel", "frames",
        "java", "numpy", "ratio", "agree"));
    String note = null;
    for (Result r : results) {
      String numpy = r.numpy() == null ? "n/a" : rate(r.frames(), r.numpy());
      String ratio = r.ratio().isPresent() ? String.format(Locale.ROOT, "%.2fx", r.ratio().getAsDouble()) : "n/a";
      String agree = r.agreement().isPresent()
          ? String.format(Locale.ROOT, "%.4f%%", 100 * r.agreement().getAsDouble()) : "n/a";
      sb.append(String.format(Locale.ROOT, "%-9s %-7s %8d %26s %26s %7s %9s%n", r.dim() + "x" + r.k(),
          r.kernel().name().toLowerCase(Locale.ROOT), r.frames(), rate(r.frames(), r.java()), numpy, ratio, agree));
      note = r.note();
    }
    if (note != null) {
      sb.append("numpy: ").append(note).append('\n');
    }
    return sb.toString();
  }

  /**
   * Runs the benchmark: {@code [--shapes 39x100,39x500,768x500] [--frames 100000] [--repetitions 7]
   * [--kernel vector|packed|scalar] [--no-numpy]}; 768-dimensional shapes use a tenth of the frames. The kernel
   * defaults to {@link AssignKernel#fromSystemProperty()} ({@code vector} when the Vector API module is present).
   */
  public static void main(String[] args) {
    String shapes = "39x100,39x500,768x500";
    int frames = 100_000;
    int repetitions = 7;
    AssignKernel kernel = AssignKernel.fromSystemProperty();
    boolean numpy = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--shapes" -> shapes = value(args, ++i);
        case "--frames" -> frames = Integer.parseInt(value(args, ++i));
        case "--repetitions" -> repetitions = Integer.parseInt(value(args, ++i));
        case "--kernel" -> kernel = AssignKernel.parse(value(args, ++i));
        case "--no-numpy" -> numpy = false;
        default -> throw new IllegalArgumentException("expected --shapes, --frames, --repetitions, --kernel or "
            + "--no-numpy, found '" + args[i] + "'");
      }
    }
    List<Result> results = new ArrayList<>();
    for (String shape : shapes.split(",")) {
      String[] parts = shape.trim().split("x");
      if (parts.length != 2) {
        throw new IllegalArgumentException("shape: expected DIMxK such as 39x100, found '" + shape + "'");
      }
      int dim = Integer.parseInt(parts[0]);
      int k = Integer.parseInt(parts[1]);
      int n = dim > 256 ? Math.max(1, frames / 10) : frames;
      results.add(run(dim, k, n, repetitions, kernel, numpy));
    }
    System.out.print(table(results));
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException("option " + args[i - 1] + ": expected a value, found the end of the arguments");
    }
    return args[i];
  }

  private static String rate(long frames, Timing t) {
    return String.format(Locale.ROOT, "%.3fM (%.3f..%.3f)", frames / t.median() / 1e6, frames / t.max() / 1e6,
        frames / t.min() / 1e6);
  }

  private static float[] gaussian(Random random, long n) {
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("benchmark data: expected at most " + (Integer.MAX_VALUE - 8)
          + " floats, found " + n);
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static Timing measureJava(NearestCentroid assigner, float[] x, int[] lengths, int[] labels, int repetitions) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    if (!threads.isCurrentThreadCpuTimeSupported()) {
      throw new IllegalStateException("this JVM cannot measure thread CPU time; expected ThreadMXBean support");
    }
    threads.setThreadCpuTimeEnabled(true);
    long warmupUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
    do {
      onePass(assigner, x, lengths, labels);
    } while (System.nanoTime() < warmupUntil);
    double[] seconds = new double[repetitions];
    for (int r = 0; r < repetitions; r++) {
      long start = threads.getCurrentThreadCpuTime();
      onePass(assigner, x, lengths, labels);
      seconds[r] = (threads.getCurrentThreadCpuTime() - start) / 1e9;
    }
    return Timing.of(seconds);
  }

  private static void onePass(NearestCentroid assigner, float[] x, int[] lengths, int[] labels) {
    int frame = 0;
    int dim = assigner.dim();
    for (int n : lengths) {
      assigner.assign(x, frame * dim, n, labels, frame);
      frame += n;
    }
  }

  private static int[] runNumpy(float[] x, float[] centroids, int[] lengths, int dim, int k, int repetitions,
      Map<String, String> result) {
    try (PythonReference python = PythonReference.prepare(AssignBenchmark.class, SCRIPT_RESOURCE, "assign-bench")) {
      if (python.unavailableReason().isPresent()) {
        result.put("error", python.unavailableReason().get());
        return null;
      }
      Path frames = python.dir().resolve("frames.f32");
      Path cents = python.dir().resolve("centroids.f32");
      Path lens = python.dir().resolve("lengths.txt");
      Path labels = python.dir().resolve("labels.i32");
      writeFloats(x, frames);
      writeFloats(centroids, cents);
      StringBuilder sb = new StringBuilder();
      for (int n : lengths) {
        sb.append(n).append('\n');
      }
      Files.writeString(lens, sb.toString());
      PythonReference.Outcome run = python.execute(List.of(frames.toString(), cents.toString(), lens.toString(),
          Integer.toString(dim), Integer.toString(k), Integer.toString(repetitions), "2", labels.toString()),
          NUMPY_ENV, NUMPY_TIMEOUT);
      result.putAll(PythonReference.keyValues(run.output()));
      if (run.exitCode() != 0 || !result.containsKey("pass_cpu_seconds")) {
        result.putIfAbsent("error", "numpy benchmark exited with status " + run.exitCode() + ": "
            + run.output().strip());
        return null;
      }
      ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(labels)).order(ByteOrder.LITTLE_ENDIAN);
      int[] out = new int[bytes.remaining() / 4];
      if (out.length != x.length / dim) {
        result.put("error", "numpy benchmark: expected " + x.length / dim + " labels, found " + out.length);
        return null;
      }
      bytes.asIntBuffer().get(out);
      return out;
    } catch (IOException e) {
      result.put("error", "could not run the numpy benchmark: " + e);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.put("error", "interrupted while running the numpy benchmark");
      return null;
    }
  }

  private static void writeFloats(float[] values, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        if (buf.remaining() < 4) {
          out.write(buf.array(), 0, buf.position());
          buf.clear();
        }
        buf.putFloat(v);
      }
      out.write(buf.array(), 0, buf.position());
    }
  }
}
