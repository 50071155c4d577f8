package dev.warmcache.local.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Where the twin puts what it could not deliver after its retries, one JSON object per line, so no
 * event or stream record is ever silently dropped. AWS uses an SQS dead-letter queue for rule
 * targets and pipes; a file is the twin's equivalent that a person can read with {@code cat} and
 * the console can list.
 */
public final class DeadLetterFile {

  private static final Logger LOG = Logger.getLogger(DeadLetterFile.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  public DeadLetterFile(Path file) {
    this.file = file;
  }

  public Path path() {
    return file;
  }

  /**
   * Records one undeliverable message.
   *
   * @param source who gave up, such as {@code rule/force-refresh} or {@code
   *     pipe/warmcache-ttl-expiry}
   * @param payload the message as it would have been delivered
   */
  public synchronized void add(String source, String reason, JsonNode payload) {
    ObjectNode line = JSON.createObjectNode();
    line.put("time", Instant.now().toString());
    line.put("source", source);
    line.put("reason", reason);
    line.set("payload", payload);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(
          file,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      LOG.warning(() -> "dead letter from " + source + " (" + reason + ") written to " + file);
    } catch (IOException e) {
      // The last resort is the log itself: the message must stay visible somewhere.
      LOG.severe(
          "dead letter from "
              + source
              + " could not be written to "
              + file
              + ": "
              + e.getMessage()
              + "; the message was "
              + line);
    }
  }

  /** Every dead letter so far, oldest first. */
  public synchronized List<JsonNode> list() throws IOException {
    List<JsonNode> letters = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          letters.add(JSON.readTree(line));
        }
      }
    }
    return letters;
  }
}
