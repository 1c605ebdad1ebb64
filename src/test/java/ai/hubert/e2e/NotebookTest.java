package ai.hubert.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.VarSnippet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs notebooks/feature-store-and-training.ipynb headless, as its Java kernel would: every code cell, snippet by
 * snippet, through JShell (the engine behind IJava) with the project's class path, failing on any rejected snippet
 * or exception. The store is made by the demo's steps on a 12-utterance slice of the sample corpus; the run folder
 * holds a progress.jsonl in the trainer's format. With -Dhubert.notebook.store=DIR (and -Dhubert.notebook.run=DIR)
 * the notebook runs instead on an existing store, e.g. the outputs of bin/hubert demo and bin/hubert train.
 */
class NotebookTest {
  private static final Path ROOT = Path.of(System.getProperty("hubert.repo.root", "..")).toAbsolutePath().normalize();
  @TempDir Path tmp;

  @Test
  void notebookRunsOnTheSampleCorpusOutputs() throws Exception {
    String existing = System.getProperty("hubert.notebook.store");
    Path store;
    Path run;
    String dataset;
    if (existing != null) {
      store = Path.of(existing);
      run = Path.of(System.getProperty("hubert.notebook.run", store.resolve("runs/tiny_cpu").toString()));
      dataset = "sample";
    } else {
      store = tmp.resolve("store");
      run = tmp.resolve("runs/tiny");
      dataset = "nb";
      makeStore(store, dataset);
      writeProgress(run);
    }
    Map<String, String> vars = runNotebook(ROOT.resolve("notebooks/feature-store-and-training.ipynb"),
        Map.of("hubert.store", store.toString(), "hubert.dataset", dataset, "hubert.run", run.toString()));

    assertTrue(vars.get("labelSets").contains(existing != null ? "mfcc-k100" : "mfcc-k8"), vars.get("labelSets"));
    String pnmi = vars.get("pnmiByLabelSet");
    assertTrue(pnmi.matches("\\{.*mfcc-k\\d+=0\\.\\d+.*\\}"), "PNMI per label set: " + pnmi);
    long lines = Files.readAllLines(run.resolve("progress.jsonl")).stream().filter(l -> !l.isBlank()).count();
    assertEquals(String.valueOf(lines), vars.get("curvePoints"), "one curve point per progress line");
    BufferedImage png = ImageIO.read(run.resolve("training-curve.png").toFile());
    assertNotNull(png, "training-curve.png is a PNG");
    assertEquals(900, png.getWidth());
    long colored = 0;
    for (int y = 0; y < png.getHeight(); y += 2) {
      for (int x = 0; x < png.getWidth(); x += 2) {
        int rgb = png.getRGB(x, y) & 0xffffff;
        int r = rgb >> 16, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
        if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 80) {
          colored++;
        }
      }
    }
    assertTrue(colored > 200, "the curves are drawn (colored pixels: " + colored + ")");
  }

  /** ingest -> mfcc -> kmeans -> label -> evaluate-labels on a slice of the sample corpus (the demo's steps). */
  private void makeStore(Path store, String dataset) throws Exception {
    List<String> manifest = Files.readAllLines(ROOT.resolve("data/sample-corpus/manifest.tsv"));
    Map<String, List<String>> bySpeaker = new LinkedHashMap<>();
    for (String line : manifest.subList(1, manifest.size())) {
      bySpeaker.computeIfAbsent(line.substring(0, line.indexOf('/')), k -> new ArrayList<>()).add(line);
    }
    List<String> slice = new ArrayList<>(List.of(ROOT.resolve("data/sample-corpus").toString()));
    bySpeaker.values().forEach(lines -> slice.addAll(lines.subList(0, 2)));
    Path input = tmp.resolve("slice.tsv");
    Files.write(input, slice);
    Cli cli = new Cli(store);
    cli.run("ingest", "--input", input.toString(), "--dataset", dataset);
    cli.run("mfcc", "--dataset", dataset);
    cli.run("kmeans", "--dataset", dataset, "--k", "8", "--sample-fraction", "1.0", "--model", "mfcc-k8");
    cli.run("label", "--dataset", dataset, "--kmeans", "mfcc-k8", "--label-set", "mfcc-k8");
    cli.run("evaluate-labels", "--dataset", dataset, "--label-set", "mfcc-k8", "--alignments",
        ROOT.resolve("data/sample-corpus/alignments.tsv").toString());
  }

  /** A progress.jsonl as rank 0 writes it (the fields of TrainingJob's progress lines). */
  private static void writeProgress(Path run) throws Exception {
    Files.createDirectories(run);
    List<String> lines = new ArrayList<>();
    for (int u = 10; u <= 60; u += 10) {
      lines.add(String.format(Locale.ROOT, "{\"update\": %d, \"epoch\": %d, \"loss_m_bits\": %.5f, \"acc_m\": %.5f, \"acc_u\": %.5f, "
          + "\"lr\": %.3e, \"gnorm\": %.4f, \"masked_frames\": %d, \"wall_s\": %.1f, \"resumed_from\": 0}",
          u, u / 6 + 1, 6.9 - u * 0.01, 0.01 + u * 0.001, 0.01 + u * 0.0009, 5e-4 * (1 - u / 70.0), 0.8, 11000 + u, u * 1.5));
    }
    Files.write(run.resolve("progress.jsonl"), lines);
  }

  /** Evaluates every code cell through JShell; returns the notebook's variables (name to value as JShell prints it). */
  private static Map<String, String> runNotebook(Path notebook, Map<String, String> properties) throws Exception {
    JsonNode nb = new ObjectMapper().readTree(notebook.toFile());
    assertEquals("java", nb.at("/metadata/kernelspec/language").asText(), "a Java kernel");
    properties.forEach(System::setProperty);
    Map<String, String> vars = new LinkedHashMap<>();
    try (JShell shell = JShell.builder().executionEngine("local")
        .compilerOptions("--add-modules", "jdk.incubator.vector").build()) {
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        shell.addToClasspath(entry);
      }
      int cellIndex = 0;
      for (JsonNode cell : nb.get("cells")) {
        cellIndex++;
        if (!"code".equals(cell.get("cell_type").asText())) {
          continue;
        }
        String source = new ArrayList<JsonNode>() {{ cell.get("source").forEach(this::add); }}.stream()
            .map(JsonNode::asText).collect(Collectors.joining());
        assertFalse(source.lines().anyMatch(l -> l.startsWith("%")), "cell " + cellIndex + " uses kernel magics");
        String remaining = source;
        while (!remaining.isBlank()) {
          SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(remaining);
          if (info.completeness() == SourceCodeAnalysis.Completeness.DEFINITELY_INCOMPLETE) {
            fail("cell " + cellIndex + ": incomplete source: " + remaining);
          }
          String snippet = info.source() == null ? remaining : info.source();
          for (SnippetEvent e : shell.eval(snippet)) {
            if (e.exception() != null) {
              String state = shell.variables().map(v -> v.name() + "=" + shell.varValue(v)).collect(Collectors.joining(", "));
              fail("cell " + cellIndex + ": " + snippet.strip().lines().findFirst().orElse("") + " threw " + e.exception() + " (variables: "
                  + state + ")", e.exception());
            }
            if (e.status() == Snippet.Status.REJECTED) {
              String diag = shell.diagnostics(e.snippet()).map(d -> d.getMessage(Locale.ROOT)).collect(Collectors.joining("; "));
              fail("cell " + cellIndex + " rejected: " + snippet.strip() + ": " + diag);
            }
          }
          remaining = info.remaining();
        }
      }
      shell.variables().forEach((VarSnippet v) -> vars.put(v.name(), shell.varValue(v)));
    } finally {
      properties.keySet().forEach(System::clearProperty);
    }
    return vars;
  }
}
