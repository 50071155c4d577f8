package dev.warmcache.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real AWS CLI v2 ({@code /usr/bin/aws}) against a twin with nothing but {@code
 * --endpoint-url} and dummy credentials, exactly as a user would.
 */
public final class AwsCli {

  public static final Path AWS = Path.of("/usr/bin/aws");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;

  public AwsCli(URI endpoint) {
    this.endpoint = endpoint;
  }

  /** Skips the calling test, with the reason, when the CLI is not installed. */
  public static void assumeInstalled() {
    Assumptions.assumeTrue(
        Files.isExecutable(AWS),
        "AWS CLI v2 not found at /usr/bin/aws: install it with `apt-get install -y awscli` (.ci/run does) to run the CLI acceptance tests");
  }

  public record Result(int exitCode, String stdout, String stderr) {
    public JsonNode json() {
      try {
        return JSON.readTree(stdout.isBlank() ? "{}" : stdout);
      } catch (IOException e) {
        throw new AssertionError("CLI output is not JSON: " + stdout + "\nstderr: " + stderr, e);
      }
    }

    /** The JSON output of a command that must succeed. */
    public JsonNode ok() {
      if (exitCode != 0) {
        throw new AssertionError(
            "aws exited " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
      }
      return json();
    }
  }

  /**
   * Gives a CLI process dummy credentials and nothing else of the user's AWS setup, so no test can
   * reach a real account or depend on a developer's profile.
   */
  public static void useDummyCredentials(Map<String, String> env) {
    env.keySet().removeIf(k -> k.startsWith("AWS_"));
    env.put("AWS_ACCESS_KEY_ID", "AKIDTWINTEST");
    env.put("AWS_SECRET_ACCESS_KEY", "twin-test-secret");
    env.put("AWS_DEFAULT_REGION", "us-east-1");
    env.put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
    env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_PAGER", "");
  }

  /**
   * {@code aws lambda invoke} of {@code function} with {@code payload}, as the README writes it;
   * answers the function's payload, and fails the test on a function error.
   */
  public JsonNode invoke(String function, String payload) throws IOException, InterruptedException {
    Path out = Files.createTempFile("invoke", ".json");
    try {
      JsonNode meta =
          run(
                  "lambda",
                  "invoke",
                  "--function-name",
                  function,
                  "--cli-binary-format",
                  "raw-in-base64-out",
                  "--payload",
                  payload,
                  out.toString())
              .ok();
      if (meta.has("FunctionError")) {
        throw new AssertionError(function + " failed: " + Files.readString(out));
      }
      return JSON.readTree(Files.readString(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /**
   * {@code aws --region <region> events put-events} of one ForceRefresh for {@code id} on the
   * {@code warmcache} bus, as the README sends it; fails the test unless it was accepted.
   */
  public void forceRefresh(String region, String id) throws IOException, InterruptedException {
    String detail = JSON.createObjectNode().put("id", id).toString();
    String entries =
        JSON.createArrayNode()
            .add(
                JSON.createObjectNode()
                    .put("EventBusName", "warmcache")
                    .put("Source", "warmcache.admin")
                    .put("DetailType", "ForceRefresh")
                    .put("Detail", detail))
            .toString();
    JsonNode put = run("--region", region, "events", "put-events", "--entries", entries).ok();
    if (put.path("FailedEntryCount").asInt() != 0) {
      throw new AssertionError("PutEvents refused the ForceRefresh: " + put);
    }
  }

  public Result run(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                AWS.toString(),
                "--endpoint-url",
                endpoint.toString(),
                "--output",
                "json",
                "--no-cli-pager"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    useDummyCredentials(builder.environment());
    Path out = Files.createTempFile("aws-cli", ".out");
    Path err = Files.createTempFile("aws-cli", ".err");
    try {
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("aws " + String.join(" ", args) + " did not finish in 60 s");
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
