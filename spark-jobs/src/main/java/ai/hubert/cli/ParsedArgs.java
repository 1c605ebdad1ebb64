package ai.hubert.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Options of one command after parsing against its {@link OptionSpec}s. */
public final class ParsedArgs {
  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();
  private final Map<String, OptionSpec> specs = new LinkedHashMap<>();

  /** Parses {@code args}; unknown options and missing values are usage errors naming the option. */
  public static ParsedArgs parse(String command, List<OptionSpec> specs, List<String> args) {
    ParsedArgs parsed = new ParsedArgs();
    specs.forEach(s -> parsed.specs.put(s.name(), s));
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("--")) {
        String name = a.substring(2);
        String inline = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          inline = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        OptionSpec spec = parsed.specs.get(name);
        if (spec == null) {
          throw new UsageException(command + ": unknown option --" + name + " (see 'hubert " + command + " --help')");
        }
        if (spec.isFlag()) {
          parsed.values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
        } else {
          String v = inline;
          if (v == null) {
            if (i + 1 >= args.size()) {
              throw new UsageException(command + ": option --" + name + " expects a value " + spec.valueName());
            }
            v = args.get(++i);
          }
          parsed.values.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
        }
      } else {
        parsed.positional.add(a);
      }
    }
    return parsed;
  }

  /** The last value given, else the default (may be null). */
  public String get(String name) {
    List<String> v = values.get(name);
    if (v != null) {
      return v.get(v.size() - 1);
    }
    OptionSpec spec = specs.get(name);
    return spec == null ? null : spec.defaultValue();
  }

  /** The value, failing with a usage error when absent. */
  public String require(String command, String name) {
    String v = get(name);
    if (v == null) {
      throw new UsageException(command + ": missing required option --" + name);
    }
    return v;
  }

  /** Every value given for a repeatable option, in order. */
  public List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  public boolean flag(String name) {
    return values.containsKey(name);
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public List<String> positional() {
    return positional;
  }
}
