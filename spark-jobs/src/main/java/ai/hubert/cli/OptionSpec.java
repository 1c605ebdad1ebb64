package ai.hubert.cli;

/**
 * One option of a command: {@code --name VALUE} or a {@code --name} flag.
 *
 * @param name long name without the dashes
 * @param valueName placeholder shown in help, or null for a flag
 * @param defaultValue shown in help and used when absent; null when there is none
 * @param help one line
 */
public record OptionSpec(String name, String valueName, String defaultValue, String help) {
  public static OptionSpec value(String name, String valueName, String defaultValue, String help) {
    return new OptionSpec(name, valueName, defaultValue, help);
  }

  public static OptionSpec flag(String name, String help) {
    return new OptionSpec(name, null, null, help);
  }

  public boolean isFlag() {
    return valueName == null;
  }
}
