package dev.warmcache.local.pipes;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipe's position per shard: the sequence number of the last record it has finished with
 * (delivered or dead-lettered). Kept in a file next to the data when the twin has a data directory,
 * so a restart resumes where it stopped instead of replaying or skipping the stream.
 */
final class Checkpoints {

  private final Path file;
  private final Map<String, String> positions = new ConcurrentHashMap<>();

  private Checkpoints(Path file) {
    this.file = file;
  }

  /**
   * @param file where positions persist, or {@code null} to keep them in memory
   */
  static Checkpoints open(Path file) throws IOException {
    Checkpoints checkpoints = new Checkpoints(file);
    if (file != null && Files.exists(file)) {
      Properties stored = new Properties();
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        stored.load(in);
      }
      stored.forEach(
          (shard, sequence) -> checkpoints.positions.put((String) shard, (String) sequence));
    }
    return checkpoints;
  }

  String position(String streamArn, String shardId) {
    return positions.get(streamArn + "|" + shardId);
  }

  synchronized void advance(String streamArn, String shardId, String sequenceNumber)
      throws IOException {
    positions.put(streamArn + "|" + shardId, sequenceNumber);
    if (file != null) {
      Properties stored = new Properties();
      stored.putAll(positions);
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        stored.store(
            out, "warmcache twin pipe checkpoints: stream|shard = last finished sequence number");
      }
      // Replace in one step so a crash never leaves half a checkpoint file.
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
