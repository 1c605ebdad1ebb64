package ai.hubert.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.hubert.cli.HubertCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code hubert} argument list from a manifest or script, checked against the CLI itself: the global options,
 * the command and each option must be ones the CLI lists in its help (which prints the commands' OptionSpecs).
 */
record HubertCommandLine(Map<String, String> globalConf, String command, Map<String, List<String>> options) {
  private static final Pattern OPTION_IN_USAGE = Pattern.compile("\\[--([a-z0-9-]+)( [^\\]]+)?\\]");
  private static final Set<String> GLOBAL_WITH_VALUE = Set.of("--store", "--master", "--conf");

  /** Parses and validates {@code args} as the application arguments after the jar; fails the test naming {@code where}. */
  static HubertCommandLine check(String where, List<String> args) {
    Map<String, String> conf = new LinkedHashMap<>();
    int i = 0;
    while (i < args.size() && args.get(i).startsWith("-")) {
      String opt = args.get(i);
      assertTrue(GLOBAL_WITH_VALUE.contains(opt), where + ": unknown global hubert option " + opt);
      assertTrue(i + 1 < args.size(), where + ": " + opt + " expects a value");
      if (opt.equals("--conf")) {
        String kv = args.get(i + 1);
        assertTrue(kv.indexOf('=') > 0, where + ": --conf expects key=value, found " + kv);
        conf.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
      i += 2;
    }
    assertTrue(i < args.size(), where + ": no hubert command in " + args);
    String command = args.get(i);
    Map<String, Boolean> known = commandOptions(where, command);
    Map<String, List<String>> options = new LinkedHashMap<>();
    for (int j = i + 1; j < args.size(); j++) {
      String a = args.get(j);
      if (!a.startsWith("--")) {
        continue;
      }
      String name = a.substring(2);
      Boolean takesValue = known.get(name);
      if (takesValue == null) {
        fail(where + ": 'hubert " + command + "' has no option --" + name + " (its options: " + known.keySet() + ")");
      }
      String value = "true";
      if (takesValue) {
        assertTrue(j + 1 < args.size(), where + ": --" + name + " expects a value");
        value = args.get(++j);
      }
      options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return new HubertCommandLine(conf, command, options);
  }

  String option(String name) {
    List<String> v = options.get(name);
    return v == null ? null : v.get(v.size() - 1);
  }

  /** The commands the CLI offers, from {@code hubert --help}. */
  static Set<String> commands() {
    String help = run("--help");
    Set<String> names = new LinkedHashSet<>();
    boolean inCommands = false;
    for (String line : help.split("\n")) {
      if (line.startsWith("commands:")) {
        inCommands = true;
      } else if (inCommands && line.startsWith("  ") && !line.isBlank()) {
        names.add(line.trim().split("\\s+")[0]);
      } else if (inCommands && line.isBlank()) {
        inCommands = false;
      }
    }
    return names;
  }

  /** Option name to "takes a value", from {@code hubert COMMAND --help}'s usage line. */
  private static Map<String, Boolean> commandOptions(String where, String command) {
    Set<String> commands = commands();
    assertTrue(commands.contains(command), where + ": hubert has no command '" + command + "' (commands: " + commands + ")");
    String help = run(command, "--help");
    String usage = help.lines().filter(l -> l.startsWith("usage: hubert")).findFirst().orElseThrow();
    Map<String, Boolean> options = new LinkedHashMap<>();
    Matcher m = OPTION_IN_USAGE.matcher(usage);
    while (m.find()) {
      options.put(m.group(1), m.group(2) != null);
    }
    return options;
  }

  private static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = new HubertCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(args);
    assertEquals(0, status, "hubert " + String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }
}
