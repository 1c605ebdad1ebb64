package ai.hubert.cli;

import java.util.List;

/** One subcommand of {@code hubert}. */
public interface Command {
  /** The name typed on the command line. */
  String name();

  /** One line for the command list. */
  String summary();

  /** Text after the option list in {@code --help} (may be empty). */
  default String details() {
    return "";
  }

  /** Positional arguments shown in the usage line (may be empty). */
  default String positionalUsage() {
    return "";
  }

  List<OptionSpec> options();

  /** Runs the command; returns the process exit status. */
  int run(CliContext context, ParsedArgs args) throws Exception;
}
