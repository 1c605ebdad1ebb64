package ai.hubert.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Python reference implementation run in a subprocess by a benchmark: the interpreter ({@value #DEFAULT_PYTHON},
 * or {@code -Dhubert.bench.python=...}), a script copied from the classpath into a fresh temporary directory, and
 * that directory for the input and output files the script exchanges with Java. {@link #close()} deletes the
 * directory.
 *
 * <pre>{@code
 * try (PythonReference py = PythonReference.prepare(MyBenchmark.class, "my_bench.py", "my-bench")) {
 *   if (py.unavailableReason().isPresent()) { ... }
 *   Path input = py.dir().resolve("input.raw");
 *   ...
 *   String stdout = py.run(List.of(input.toString()), Map.of("OMP_NUM_THREADS", "1"), Duration.ofMinutes(5));
 * }
 * }</pre>
 */
public final class PythonReference implements AutoCloseable {
  /** The interpreter used unless {@value #PYTHON_PROPERTY} names another. */
  public static final String DEFAULT_PYTHON = "/usr/bin/python3";
  /** System property naming the interpreter. */
  public static final String PYTHON_PROPERTY = "hubert.bench.python";

  private final String python;
  private final String scriptResource;
  private final Path dir;
  private final Path script;
  private final String unavailableReason;

  private PythonReference(String python, String scriptResource, Path dir, Path script, String unavailableReason) {
    this.python = python;
    this.scriptResource = scriptResource;
    this.dir = dir;
    this.script = script;
    this.unavailableReason = unavailableReason;
  }

  /**
   * Prepares {@code scriptResource} (resolved like {@link Class#getResourceAsStream}, i.e. next to {@code owner})
   * for the interpreter named by {@value #PYTHON_PROPERTY}, default {@value #DEFAULT_PYTHON}.
   *
   * @see #prepare(String, Class, String, String)
   */
  public static PythonReference prepare(Class<?> owner, String scriptResource, String tempPrefix) throws IOException {
    return prepare(System.getProperty(PYTHON_PROPERTY, DEFAULT_PYTHON), owner, scriptResource, tempPrefix);
  }

  /**
   * Prepares {@code scriptResource} for {@code python}. When the interpreter is not an executable file the result
   * only carries an {@link #unavailableReason()} and no temporary directory is created.
   *
   * @param python          path of the interpreter
   * @param owner           class the script resource is resolved against
   * @param scriptResource  script resource name, relative to {@code owner}'s package unless it starts with '/'
   * @param tempPrefix      prefix of the temporary directory's name
   * @throws IOException when the temporary directory cannot be created or the resource is missing (the directory
   *                     is deleted again)
   */
  public static PythonReference prepare(String python, Class<?> owner, String scriptResource, String tempPrefix)
      throws IOException {
    if (!Files.isExecutable(Path.of(python))) {
      return new PythonReference(python, scriptResource, null, null,
          python + " does not exist or is not executable");
    }
    Path dir = Files.createTempDirectory(tempPrefix);
    try {
      Path script = dir.resolve(Path.of(scriptResource).getFileName().toString());
      try (InputStream in = owner.getResourceAsStream(scriptResource)) {
        if (in == null) {
          throw new IOException("classpath resource " + scriptResource + " is missing next to " + owner.getName());
        }
        Files.copy(in, script);
      }
      return new PythonReference(python, scriptResource, dir, script, null);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(dir);
      throw e;
    }
  }

  /** Why the reference cannot run (the interpreter is missing), or empty when it can. */
  public Optional<String> unavailableReason() {
    return Optional.ofNullable(unavailableReason);
  }

  /** The interpreter. */
  public String python() {
    return python;
  }

  /**
   * The temporary directory holding the script, for the script's input and output files.
   *
   * @throws IllegalStateException when the reference is unavailable
   */
  public Path dir() {
    requireAvailable();
    return dir;
  }

  /**
   * Runs {@code python script args...} with the inherited environment plus {@code env} and returns its standard
   * output (UTF-8).
   *
   * @throws ExitException         when the script exits with a non-zero status (carries the status, stdout and
   *                               stderr)
   * @throws IOException           when the process cannot be started or does not finish within {@code timeout}
   *                               (it is then killed)
   * @throws InterruptedException  when interrupted while waiting (the process is killed)
   * @throws IllegalStateException when the reference is unavailable
   */
  public String run(List<String> args, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    Outcome outcome = execute(args, env, timeout);
    if (outcome.exitCode() != 0) {
      throw new ExitException(scriptResource, outcome);
    }
    return outcome.stdout();
  }

  /**
   * Like {@link #run} but returns the exit status, stdout and stderr whatever the status, for scripts that report
   * their own errors on stdout.
   */
  public Outcome execute(List<String> args, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    requireAvailable();
    List<String> command = new ArrayList<>(args.size() + 2);
    command.add(python);
    command.add(script.toString());
    command.addAll(args);
    Path stdoutFile = Files.createTempFile(dir, "stdout", ".txt");
    Path stderrFile = Files.createTempFile(dir, "stderr", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectOutput(stdoutFile.toFile())
          .redirectError(stderrFile.toFile());
      pb.environment().putAll(env);
      Process process = pb.start();
      boolean finished;
      try {
        finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        throw e;
      }
      if (!finished) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new IOException(scriptResource + " did not finish within " + timeout + " and was killed");
      }
      return new Outcome(process.exitValue(), Files.readString(stdoutFile, StandardCharsets.UTF_8),
          Files.readString(stderrFile, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(stdoutFile);
      Files.deleteIfExists(stderrFile);
    }
  }

  /**
   * The {@code key=value} lines of a script's output, keys and values trimmed, in order (a later key wins); lines
   * without '=' or with an empty key are skipped.
   */
  public static Map<String, String> keyValues(String output) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        result.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    return result;
  }

  /** Deletes the temporary directory; a leftover directory is harmless, so failures are ignored. */
  @Override
  public void close() {
    deleteQuietly(dir);
  }

  private void requireAvailable() {
    if (unavailableReason != null) {
      throw new IllegalStateException("python reference " + scriptResource + " is unavailable: " + unavailableReason);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // a leftover temp directory is harmless
    }
  }

  /**
   * A finished run of the script.
   *
   * @param exitCode  the exit status
   * @param stdout    standard output (UTF-8)
   * @param stderr    standard error (UTF-8)
   */
  public record Outcome(int exitCode, String stdout, String stderr) {
    /** Standard output followed by standard error. */
    public String output() {
      return stdout + stderr;
    }
  }

  /** The script exited with a non-zero status. */
  public static final class ExitException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Outcome outcome;

    ExitException(String script, Outcome outcome) {
      super(script + " exited with status " + outcome.exitCode() + ": " + outcome.stderr().strip());
      this.outcome = outcome;
    }

    /** The exit status. */
    public int exitCode() {
      return outcome.exitCode();
    }

    /** Standard output. */
    public String stdout() {
      return outcome.stdout();
    }

    /** Standard error. */
    public String stderr() {
      return outcome.stderr();
    }

    /** Standard output followed by standard error. */
    public String output() {
      return outcome.output();
    }
  }
}
