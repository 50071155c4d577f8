package dev.warmcache.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The README's table of settings is {@link Setting} rendered; edit the enum, then paste the printed
 * table.
 */
class ConfigurationTableTest {

  private static final String BEGIN =
      "<!-- settings table: rendered from dev.warmcache.settings.Setting -->";
  private static final String END = "<!-- end of settings table -->";

  static String render() {
    StringBuilder table = new StringBuilder();
    table.append("| variable | CDK context key | default | range | read by | meaning |\n");
    table.append("|---|---|---|---|---|---|\n");
    for (Setting s : Setting.values()) {
      table
          .append("| `")
          .append(s.name())
          .append("` | `")
          .append(s.contextKey())
          .append("` | ")
          .append(s.defaultText() == null ? "required" : "`" + s.defaultText() + "`")
          .append(" | ")
          .append(s.range())
          .append(" | ")
          .append(s.target().name().toLowerCase(Locale.ROOT))
          .append(" | ")
          .append(s.meaning())
          .append(" |\n");
    }
    return table.toString();
  }

  @Test
  void theReadmeTableIsTheSpecRendered() throws Exception {
    String readme = Files.readString(Path.of("../../README.md"));
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    assertTrue(begin >= 0 && end > begin, "README.md needs the markers " + BEGIN + " and " + END);
    String inReadme = readme.substring(begin + BEGIN.length(), end).strip() + "\n";
    assertEquals(
        render(),
        inReadme,
        "README.md's settings table differs from Setting; the rendered table is:\n" + render());
  }
}
