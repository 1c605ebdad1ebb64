package ai.hubert.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonReferenceTest {
  private static final String SCRIPT = "echo_reference.py";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static PythonReference prepare() throws IOException {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(PythonReference.DEFAULT_PYTHON)),
        "no " + PythonReference.DEFAULT_PYTHON);
    return PythonReference.prepare(PythonReference.DEFAULT_PYTHON, PythonReferenceTest.class, SCRIPT, "py-ref-test");
  }

  @Test
  void runEchoesArgumentsAndEnvironment() throws Exception {
    Path dir;
    try (PythonReference py = prepare()) {
      assertEquals(Optional.empty(), py.unavailableReason());
      dir = py.dir();
      assertTrue(Files.isRegularFile(dir.resolve(SCRIPT)), "script copied into " + dir);
      Path input = dir.resolve("input.txt");
      Files.writeString(input, "x");
      String out = py.run(List.of("a b", input.toString()), Map.of("HUBERT_BENCH_TEST_GREETING", "hello"), TIMEOUT);
      Map<String, String> kv = PythonReference.keyValues(out);
      assertEquals("a b|" + input, kv.get("args"), out);
      assertEquals("hello", kv.get("greeting"), out);
      assertEquals(List.of(SCRIPT, "input.txt"), Files.list(dir).map(p -> p.getFileName().toString()).sorted()
          .toList(), "run leaves no files of its own behind");
    }
    assertFalse(Files.exists(dir), "close deletes " + dir);
  }

  @Test
  void missingInterpreterIsUnavailable(@TempDir Path tmp) throws Exception {
    String python = tmp.resolve("no-such-python3").toString();
    try (PythonReference py = PythonReference.prepare(python, PythonReferenceTest.class, SCRIPT, "py-ref-test")) {
      assertEquals(Optional.of(python + " does not exist or is not executable"), py.unavailableReason());
      assertThrows(IllegalStateException.class, py::dir);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> py.run(List.of(), Map.of(), TIMEOUT));
      assertTrue(e.getMessage().contains("does not exist or is not executable"), e.getMessage());
    }
  }

  @Test
  void nonZeroExitCarriesStatusAndStderr() throws Exception {
    try (PythonReference py = prepare()) {
      PythonReference.ExitException e = assertThrows(PythonReference.ExitException.class,
          () -> py.run(List.of("fail"), Map.of(), TIMEOUT));
      assertEquals(7, e.exitCode());
      assertTrue(e.getMessage().contains("exited with status 7"), e.getMessage());
      assertTrue(e.getMessage().contains("something broke on purpose"), e.getMessage());
      assertTrue(e.stderr().contains("something broke on purpose"), e.stderr());
      assertEquals("fail", PythonReference.keyValues(e.stdout()).get("args"), e.stdout());
      assertEquals("<unset>", PythonReference.keyValues(e.output()).get("greeting"), e.output());
    }
  }

  @Test
  void executeReturnsTheOutcomeWhateverTheStatus() throws Exception {
    try (PythonReference py = prepare()) {
      PythonReference.Outcome ok = py.execute(List.of("x"), Map.of("HUBERT_BENCH_TEST_GREETING", "hi"), TIMEOUT);
      assertEquals(0, ok.exitCode());
      assertEquals("hi", PythonReference.keyValues(ok.stdout()).get("greeting"), ok.stdout());
      PythonReference.Outcome failed = py.execute(List.of("fail"), Map.of(), TIMEOUT);
      assertEquals(7, failed.exitCode());
      assertTrue(failed.stderr().contains("something broke on purpose"), failed.stderr());
      assertTrue(failed.output().startsWith(failed.stdout()) && failed.output().endsWith(failed.stderr()));
    }
  }

  @Test
  void timeoutKillsTheProcess() throws Exception {
    try (PythonReference py = prepare()) {
      long start = System.nanoTime();
      IOException e = assertThrows(IOException.class,
          () -> py.run(List.of("sleep"), Map.of(), Duration.ofMillis(500)));
      assertFalse(e instanceof PythonReference.ExitException, e.toString());
      assertTrue(e.getMessage().contains("did not finish within PT0.5S"), e.getMessage());
      assertTrue(System.nanoTime() - start < 30_000_000_000L, "killed well before the script's 60 s sleep");
    }
  }

  @Test
  void missingResourceIsAnIoError() {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(PythonReference.DEFAULT_PYTHON)));
    IOException e = assertThrows(IOException.class, () -> PythonReference.prepare(PythonReference.DEFAULT_PYTHON,
        PythonReferenceTest.class, "no_such_script.py", "py-ref-test"));
    assertEquals("classpath resource no_such_script.py is missing next to " + PythonReferenceTest.class.getName(),
        e.getMessage());
  }

  @Test
  void keyValuesSkipsOtherLines() {
    Map<String, String> kv = PythonReference.keyValues("a = 1\nnoise\n=x\nb=2=3\r\na=4\n");
    assertEquals(Map.of("a", "4", "b", "2=3"), kv);
  }
}
