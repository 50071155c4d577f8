package dev.warmcache.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The twin's JVM flags live in one argument file that {@code ./twin} and the twin benchmarks read
 * and no other test starts a JVM with: this JVM must accept the file, the flags must be the ones
 * docs/twin.md names, and both readers must still point at it.
 */
class TwinJvmArgsTest {

  private static final Path ARGS = Path.of("twin-jvm.args");

  @Test
  void thisJvmAcceptsTheTwinsFlagsAndTheyAreTheLambdaRuntimesDefaults() throws Exception {
    Process java =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + ARGS.toAbsolutePath(),
                "-XX:+PrintFlagsFinal",
                "-version")
            .redirectErrorStream(true)
            .start();
    String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(java.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, java.exitValue(), out);
    for (String flag :
        List.of(
            "TieredStopAtLevel\\s+= 1 ",
            "UseSerialGC\\s+= true ",
            "MetaspaceSize\\s+= 268435456 ")) {
      assertTrue(
          out.lines().anyMatch(l -> l.matches(".*\\b" + flag + ".*\\{command line\\}.*")),
          flag + " set from the file:\n" + out);
    }
  }

  @Test
  void twinAndTheTwinBenchmarksReadTheFile() throws Exception {
    assertTrue(
        Files.readString(Path.of("..", "twin")).contains("java @local/twin-jvm.args "),
        "./twin starts its JVM with the file");
    String bench = Files.readString(Path.of("..", "bench", "pom.xml"));
    assertEquals(
        4,
        bench.split("@\\$\\{project.basedir}/../local/twin-jvm.args", -1).length - 1,
        "the instances, fleet, scale and regions benchmarks start their JVM with the file");
  }
}
