package dev.warmcache.local.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.cli.AwsCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README promises that its "Use it" commands, written for AWS, work against the twin with only
 * {@code --endpoint-url} added. This runs that very block, read from README.md, through bash with
 * {@code aws} defined as the real CLI v2 plus {@code --endpoint-url}, so the README cannot drift
 * from what the twin serves.
 */
class ReadmeCommandsTest {

  private static final Pattern USE_IT_BLOCK =
      Pattern.compile("(?s)\\n## Use it\\n.*?```bash\\n(.*?)```");

  static Twin twin;

  @BeforeAll
  static void start() throws Exception {
    AwsCli.assumeInstalled();
    // The first read of an absent key waits for a cold refresh on a busy machine.
    twin =
        Twin.start(
            TwinOptions.builder()
                .port(0)
                .seed(false)
                .settings(Map.of("MISS_WAIT_MS", "20000"))
                .build());
  }

  @AfterAll
  static void stop() {
    if (twin != null) twin.close();
  }

  static String useItBlock() throws IOException {
    Path readme = Path.of("..", "README.md");
    Matcher block = USE_IT_BLOCK.matcher(Files.readString(readme, StandardCharsets.UTF_8));
    assertTrue(block.find(), "README.md has a '## Use it' section with a bash block");
    return block.group(1);
  }

  @Test
  void theUseItCommandsWorkAgainstTheTwinWithOnlyTheEndpointAdded() throws Exception {
    String script =
        "set -euo pipefail\n"
            + "aws() { /usr/bin/aws --endpoint-url \"$TWIN_ENDPOINT\" \"$@\"; }\n"
            + useItBlock();
    Path err = Files.createTempFile("readme", ".err");
    try {
      // stdout stays a pipe, as in a terminal: `lambda invoke ... /dev/stdout` reopens it, which
      // would truncate a regular file.
      ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).redirectError(err.toFile());
      AwsCli.useDummyCredentials(builder.environment());
      builder.environment().put("TWIN_ENDPOINT", twin.endpoint().toString());
      Process process = builder.start();
      CompletableFuture<String> output =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new String(
                      process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      if (!process.waitFor(180, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the README block did not finish within 180 s");
      }
      String stdout = output.get(10, TimeUnit.SECONDS);
      String stderr = Files.readString(err);
      assertEquals(
          0,
          process.exitValue(),
          "README block failed\nstdout:\n" + stdout + "\nstderr:\n" + stderr);

      // Read: the reader answered key 15 with a value (the demo origin names it).
      assertTrue(stdout.contains("\"id\":\"15\"") && stdout.contains("demo item 15"), stdout);
      // Force refresh: accepted without failed entries.
      assertTrue(stdout.contains("\"FailedEntryCount\": 0"), stdout);
      // Watch: executions of the refresh state machine and one execution's history.
      assertTrue(stdout.contains("stateMachine:warmcache-refresh"), stdout);
      assertTrue(stdout.contains("\"ExecutionStarted\""), stdout);
      // The item the workflow wrote.
      assertTrue(stdout.contains("\"version\"") && stdout.contains("\"expiresAt\""), stdout);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** The README's HTTP read, as printed for the default port, against this twin's port. */
  @Test
  void theReadmesCurlReadWorksAgainstTheTwinsFunctionUrl() throws Exception {
    Matcher curl =
        Pattern.compile(
                "\\ncurl -i (http://warmcache-reader\\.lambda-url\\.localhost:4566/items/15)\\n")
            .matcher(Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8));
    assertTrue(curl.find(), "README.md shows curl -i against the reader's function URL");
    String url = curl.group(1).replace(":4566/", ":" + twin.endpoint().getPort() + "/");

    Process process = new ProcessBuilder("curl", "-s", "-i", "--max-time", "30", url).start();
    String response = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(40, TimeUnit.SECONDS));

    assertTrue(response.startsWith("HTTP/1.1 200"), response);
    assertTrue(response.contains("\r\nETag: \""), response);
    assertTrue(response.contains("demo item 15"), response);
  }
}
