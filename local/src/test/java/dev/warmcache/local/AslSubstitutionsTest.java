package dev.warmcache.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The twin substitutes exactly the placeholders the ASL file uses; the CDK stack's own test holds
 * its substitutions to the same file, so the three agree.
 */
class AslSubstitutionsTest {

  @Test
  void theTwinFillsEveryPlaceholderTheFileUsesAndNoOther() throws Exception {
    String asl = Files.readString(Path.of("..", "statemachine", "refresh.asl.json"));
    Set<String> used = new TreeSet<>();
    Matcher m = Pattern.compile("\\$\\{([^}]*)}").matcher(asl);
    while (m.find()) {
      used.add(m.group(1));
    }
    assertEquals(used, new TreeSet<>(Twin.aslSubstitutions("t", "b", "f").keySet()));
  }
}
