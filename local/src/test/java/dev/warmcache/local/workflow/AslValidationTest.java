package dev.warmcache.local.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's ASL check ({@code sidecar/validate.js}, run in process-resources) runs both
 * validators, asl-validator and AWS's amazon-states-language-service, and each one fails it.
 */
class AslValidationTest {

  private static final Path SIDECAR =
      Path.of(System.getProperty("warmcache.sidecar.dir", "sidecar"));
  private static final Path ASL =
      Path.of(System.getProperty("warmcache.asl.file", "../statemachine/refresh.asl.json"));

  private record Run(int exitCode, String output) {}

  private static Run validate(Path file) throws Exception {
    Process node =
        new ProcessBuilder("node", "validate.js", file.toAbsolutePath().toString())
            .directory(SIDECAR.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(node.waitFor(60, TimeUnit.SECONDS), "validate.js did not finish");
    return new Run(node.exitValue(), output);
  }

  @Test
  void theRealFilePassesBoth() throws Exception {
    Run run = validate(ASL);
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(
        run.output().contains("asl-validator, amazon-states-language-service"), run.output());
  }

  @Test
  void aTransitionToNowhereFailsTheBuildInBothValidators(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("broken.asl.json");
    Files.writeString(
        broken,
        Files.readString(ASL)
            .replace("\"Next\": \"Announce the failure\"", "\"Next\": \"Nowhere\""));

    Run run = validate(broken);

    assertEquals(1, run.exitCode(), run.output());
    assertTrue(run.output().contains("(asl-validator)"), run.output());
    assertTrue(run.output().contains("(amazon-states-language-service)"), run.output());
    assertTrue(
        run.output()
            .contains("The value of \"Next\" property must be the name of an existing state"),
        run.output());
  }
}
