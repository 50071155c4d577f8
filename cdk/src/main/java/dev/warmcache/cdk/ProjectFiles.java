package dev.warmcache.cdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository files the stack deploys, found by path: the same ASL file, event patterns and
 * Lambda jars that the local twin runs. Nothing is copied into this module, so the stack can never
 * drift from the twin.
 *
 * <pre>{@code
 * ProjectFiles files = ProjectFiles.locate();          // walks up from the working directory
 * String asl = files.stateMachineDefinition();         // statemachine/refresh.asl.json, as is
 * JsonNode miss = files.json(ProjectFiles.CACHE_MISS_RULE);
 * }</pre>
 */
public final class ProjectFiles {

  public static final String STATE_MACHINE = "statemachine/refresh.asl.json";
  public static final String CACHE_MISS_RULE = "events/cache-miss.rule.json";
  public static final String FORCE_REFRESH_RULE = "events/force-refresh.rule.json";
  public static final String TTL_EXPIRY_FILTER = "events/ttl-expiry.filter.json";

  /** A global table's replicated deletions, passed by the home's Pipe too. */
  public static final String TTL_EXPIRY_REPLICATED_FILTER =
      "events/ttl-expiry-replicated.filter.json";

  public static final String READER_JAR = "functions/reader/target/warmcache-reader.jar";
  public static final String REFRESH_JAR = "functions/refresh/target/warmcache-refresh.jar";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;

  private ProjectFiles(Path root) {
    this.root = root;
  }

  /** The project rooted at {@code root} (the directory holding cdk.json). */
  public static ProjectFiles at(Path root) {
    return new ProjectFiles(root.toAbsolutePath().normalize());
  }

  /**
   * Finds the repository root from the working directory: the cdk CLI runs the app from the root,
   * while Maven runs this module's tests from cdk/.
   */
  public static ProjectFiles locate() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("cdk.json"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return at(dir);
      }
    }
    throw new MissingProjectFileException(
        "no directory at or above "
            + start
            + " holds cdk.json and pom.xml; run the CDK app from the warmcache repository");
  }

  public Path root() {
    return root;
  }

  /** An existing file of the project, or a clear error that says how to produce it. */
  public Path require(String relative) {
    Path file = root.resolve(relative);
    if (!Files.isRegularFile(file)) {
      String hint =
          relative.endsWith(".jar")
              ? "build the Lambda jars first: `mvn -B -DskipTests package` from the repository root"
              : "it is part of the repository; restore it from git";
      throw new MissingProjectFileException(
          relative + " is missing (looked for " + file + "): " + hint);
    }
    return file;
  }

  /** The text of a project file, exactly as stored. */
  public String text(String relative) {
    Path file = require(relative);
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MissingProjectFileException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** A project file parsed as JSON; a syntax error names the file and the position. */
  public JsonNode json(String relative) {
    String text = text(relative);
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MalformedProjectFileException(
          relative
              + " is not valid JSON: "
              + e.getOriginalMessage()
              + " at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr());
    }
  }
}
