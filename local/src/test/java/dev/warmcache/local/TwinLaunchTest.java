package dev.warmcache.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ./twin} as a new user starts it, with its demo data: what it prints is what a user reads,
 * and a warning there reads as an error. Before, a fresh start printed DynamoDB Local's banner
 * (naming port 8000, which is not the twin's), three {@code SLF4J(W)} lines about a missing
 * provider, and Log4j's "Ignoring TypeConverter" warnings from instances configuring at once. The
 * twin's ready banner, its command list and the functions' JSON logs are all that may remain.
 */
class TwinLaunchTest {

  private static final Pattern READY =
      Pattern.compile("warmcache twin ready .* on http://127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern ANY_PORT =
      Pattern.compile("(?:127\\.0\\.0\\.1|localhost):(\\d+)|[Pp]ort:? +(\\d+)");

  @Test
  void aFreshStartPrintsTheBannerAndLogsAndNoWarningOrForeignPort() throws Exception {
    Path project = Path.of("..").toRealPath();
    // This test runs inside the build that just compiled and packaged what ./twin runs; the
    // class path file marks that build, so ./twin starts at once instead of building again.
    Path classpath = project.resolve("local/target/twin-classpath.txt");
    Files.setLastModifiedTime(classpath, FileTime.fromMillis(System.currentTimeMillis()));
    ProcessBuilder builder =
        new ProcessBuilder(project.resolve("twin").toString(), "--port", "0")
            .directory(project.toFile())
            .redirectErrorStream(true);
    Process twin = builder.start();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(twin.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (java.io.IOException e) {
                // The process ended.
              }
            });
    pump.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      // Ready, then the seeded refreshes' cold instances, which are where Log4j used to warn.
      while (System.nanoTime() < deadline && refreshedSeeds(lines) < 3) {
        assertTrue(twin.isAlive(), () -> "the twin exited:\n" + String.join("\n", lines));
        Thread.sleep(100);
      }
    } finally {
      twin.destroy();
      if (!twin.waitFor(30, TimeUnit.SECONDS)) {
        twin.destroyForcibly();
      }
      pump.join(10_000);
    }
    String output = String.join("\n", lines);
    assertEquals(3, refreshedSeeds(lines), () -> "the three seeds were refreshed:\n" + output);

    Matcher ready = READY.matcher(output);
    assertTrue(ready.find(), () -> "the ready line:\n" + output);
    String port = ready.group(1);
    for (String line : lines) {
      assertTrue(!line.contains("WARN") && !line.contains("SLF4J("), () -> "a warning: " + line);
      Matcher mentioned = ANY_PORT.matcher(line);
      while (mentioned.find()) {
        String named = mentioned.group(1) != null ? mentioned.group(1) : mentioned.group(2);
        assertEquals(port, named, () -> "a port other than the twin's: " + line);
      }
    }
  }

  /** Seeds refreshed and primed (their primes cold-start readers), as the refresh function logs. */
  private static long refreshedSeeds(List<String> lines) {
    synchronized (lines) {
      return lines.stream()
          .filter(
              l ->
                  l.contains("\"task\":\"prime\"")
                      && l.contains("\"service\":\"warmcache-refresh\""))
          .count();
    }
  }
}
