package ai.hubert.cli;

import ai.hubert.store.CodeVersion;
import ai.hubert.store.StoreLocation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Entry point of {@code bin/hubert} and of {@code spark-submit --class ai.hubert.cli.HubertCli <jar> COMMAND ...}.
 *
 * <pre>
 * hubert [--store URI] [--master URL] [--conf key=value]... COMMAND [options]
 * </pre>
 */
public final class HubertCli {
  private final Map<String, Command> commands = new LinkedHashMap<>();
  private final PrintStream out;
  private final PrintStream err;

  public HubertCli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
    for (Command c : List.of(new IngestCommand(), new MfccCommand(), new ExportFeaturesCommand(), new ExtractFeaturesCommand(), new ExportCheckpointCommand(),
        new KMeansCommand(), new ProductKMeansCommand(), new LabelCommand(), new ExportLabelsCommand(),
        new ImportLabelsCommand(), new EvaluateLabelsCommand(), new TrainCommand(), new RelabelCommand(), new AblationCommand(), new StoreCommand(),
        new BenchCommand(), new DemoCommand())) {
      commands.put(c.name(), c);
    }
  }

  public static void main(String[] args) {
    int status = new HubertCli(System.out, System.err).run(args);
    System.out.flush();
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs a command line and returns its exit status (0 success, 1 failure, 2 usage error). */
  public int run(String... args) {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    String store = System.getenv().getOrDefault("HUBERT_STORE", StoreLocation.DEFAULT);
    String master = null;
    Map<String, String> conf = new LinkedHashMap<>();
    try {
      while (!rest.isEmpty() && rest.get(0).startsWith("-")) {
        String opt = rest.remove(0);
        switch (opt) {
          case "--help", "-h" -> {
            printMainHelp();
            return 0;
          }
          case "--version" -> {
            out.println("hubert " + CodeVersion.get());
            return 0;
          }
          case "--store" -> store = takeValue(opt, rest);
          case "--master" -> master = takeValue(opt, rest);
          case "--conf" -> {
            String kv = takeValue(opt, rest);
            int eq = kv.indexOf('=');
            if (eq <= 0) {
              throw new UsageException("--conf expects key=value, found '" + kv + "'");
            }
            conf.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
          default -> throw new UsageException("unknown global option " + opt + " (see 'hubert --help')");
        }
      }
      if (rest.isEmpty()) {
        printMainHelp();
        return 2;
      }
      String name = rest.remove(0);
      Command command = commands.get(name);
      if (command == null) {
        throw new UsageException("unknown command '" + name + "'; commands: " + String.join(", ", commands.keySet()));
      }
      if (rest.contains("--help") || rest.contains("-h")) {
        printCommandHelp(command);
        return 0;
      }
      ParsedArgs parsed = ParsedArgs.parse(name, command.options(), rest);
      CliContext context = new CliContext(StoreLocation.of(store), master, conf, out);
      return command.run(context, parsed);
    } catch (UsageException e) {
      err.println("hubert: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("hubert: error: " + rootMessage(e));
      if (Boolean.getBoolean("hubert.debug") || System.getenv("HUBERT_DEBUG") != null) {
        e.printStackTrace(err);
      }
      return 1;
    }
  }

  private static String takeValue(String opt, List<String> rest) {
    if (rest.isEmpty()) {
      throw new UsageException(opt + " expects a value");
    }
    return rest.remove(0);
  }

  private static String rootMessage(Throwable e) {
    String msg = e.getMessage();
    Throwable cause = e.getCause();
    while ((msg == null || msg.isBlank()) && cause != null) {
      msg = cause.getMessage();
      cause = cause.getCause();
    }
    return msg == null ? e.getClass().getName() : msg;
  }

  private void printMainHelp() {
    out.println("HuBERT pretraining on Apache Spark: audio -> MFCC -> k-means labels -> training -> relabeling.");
    out.println();
    out.println("usage: hubert [--store URI] [--master URL] [--conf key=value]... COMMAND [options]");
    out.println();
    out.println("global options:");
    out.printf(Locale.ROOT, "  %-22s %s%n", "--store URI", "feature store location: a path or a Hadoop URI (hdfs://, s3a://); default ./"
        + StoreLocation.DEFAULT + " or $HUBERT_STORE");
    out.printf(Locale.ROOT, "  %-22s %s%n", "--master URL", "Spark master; default: what spark-submit set, else local[*]");
    out.printf(Locale.ROOT, "  %-22s %s%n", "--conf key=value", "a Spark setting (repeatable)");
    out.printf(Locale.ROOT, "  %-22s %s%n", "--version", "print the version");
    out.println();
    out.println("commands:");
    commands.values().forEach(c -> out.printf(Locale.ROOT, "  %-18s %s%n", c.name(), c.summary()));
    out.println();
    out.println("'hubert COMMAND --help' describes a command's options.");
  }

  private void printCommandHelp(Command c) {
    StringBuilder usage = new StringBuilder("usage: hubert [global options] " + c.name());
    if (!c.positionalUsage().isEmpty()) {
      usage.append(' ').append(c.positionalUsage());
    }
    for (OptionSpec o : c.options()) {
      usage.append(o.isFlag() ? " [--" + o.name() + "]" : " [--" + o.name() + " " + o.valueName() + "]");
    }
    out.println(c.summary());
    out.println();
    out.println(usage);
    if (!c.options().isEmpty()) {
      out.println();
      out.println("options:");
      for (OptionSpec o : c.options()) {
        String left = o.isFlag() ? "--" + o.name() : "--" + o.name() + " " + o.valueName();
        String def = o.defaultValue() == null ? "" : " (default: " + o.defaultValue() + ")";
        out.printf(Locale.ROOT, "  %-28s %s%s%n", left, o.help(), def);
      }
    }
    if (!c.details().isEmpty()) {
      out.println();
      out.println(c.details());
    }
  }
}
