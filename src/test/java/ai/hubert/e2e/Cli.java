package ai.hubert.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hubert.cli.HubertCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs {@code hubert} commands in-process against one store on Spark local[2], as the README does. */
final class Cli {
  private final Path store;

  Cli(Path store) {
    this.store = store;
  }

  /** Runs one command line; fails the test with its output unless it exits 0; returns its standard output. */
  String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] full = new String[args.length + 6];
    full[0] = "--store";
    full[1] = store.toString();
    full[2] = "--master";
    full[3] = "local[2]";
    full[4] = "--conf";
    full[5] = "spark.ui.enabled=false";
    System.arraycopy(args, 0, full, 6, args.length);
    int status = new HubertCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(full);
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, "hubert " + String.join(" ", args) + " failed: " + err.toString(StandardCharsets.UTF_8) + text);
    return text;
  }
}
