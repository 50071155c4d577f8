package dev.warmcache.local.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.local.deadletter.DeadLetterFile;
import dev.warmcache.local.edge.AwsJsonClient;
import dev.warmcache.local.pipes.StreamPipe;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The twin's DynamoDB global table: one DynamoDB Local per region holding one replica each, kept in
 * step from their own streams, as AWS replicates version 2019.11.21 tables:
 *
 * <ul>
 *   <li>asynchronously, each write reaching the other replicas {@code delay} after it was written
 *       (AWS: typically within a second);
 *   <li>as ordinary writes: a replicated write appears in the target's stream as an INSERT, MODIFY
 *       or REMOVE like any other, and a replicated TTL deletion carries no {@code userIdentity};
 *   <li>last writer wins, by arrival: a replicated write overwrites whatever the target holds.
 * </ul>
 *
 * A region the twin makes unreachable neither sends nor receives; what it would have received waits
 * and is applied once it is back, as replication resumes after an outage.
 *
 * <p>Where it differs from AWS: conflicts resolve by arrival order, not by AWS's internal write
 * timestamps; a replicated write is a PutItem of the new image or a DeleteItem, so it costs the
 * target replica an ordinary write; and the delay is fixed, not a distribution.
 */
public final class GlobalTableReplication implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(GlobalTableReplication.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long an expected echo of a replicated write is remembered. */
  private static final Duration ECHO_MEMORY = Duration.ofSeconds(60);

  /** One region's replica: its DynamoDB Local and its stream. */
  public record Replica(String region, AwsJsonClient client, String localStreamArn) {}

  /** Counters for the twin's status. */
  public record Stats(long replicated, long pending) {}

  private final String table;
  private final Map<String, Replica> replicas = new ConcurrentHashMap<>();
  private final Duration delay;
  private final Predicate<String> unreachable;
  private final DelayQueue<Pending> queue = new DelayQueue<>();
  private final Map<String, List<Echo>> echoes = new ConcurrentHashMap<>();
  private final List<StreamPipe> readers = new ArrayList<>();
  private final AtomicLong replicated = new AtomicLong();
  private final Thread applier;
  private volatile boolean running = true;

  private GlobalTableReplication(
      String table, List<Replica> replicas, Duration delay, Predicate<String> unreachable) {
    this.table = table;
    replicas.forEach(r -> this.replicas.put(r.region(), r));
    this.delay = delay;
    this.unreachable = unreachable;
    this.applier = new Thread(this::applyUntilClosed, "global-table-replication");
    this.applier.setDaemon(true);
  }

  /**
   * Starts replicating {@code table} among {@code replicas}: each replica's stream is read from its
   * start by a filterless {@link StreamPipe}, and every write is applied to every other replica.
   *
   * @param checkpointDirectory where each replica's stream position persists (the twin's data
   *     directory), so a restart carries on instead of replaying old writes over newer ones; {@code
   *     null} keeps them in memory
   */
  public static GlobalTableReplication start(
      String table,
      List<Replica> replicas,
      Duration delay,
      Predicate<String> unreachable,
      DeadLetterFile deadLetters,
      java.nio.file.Path checkpointDirectory)
      throws IOException {
    GlobalTableReplication replication =
        new GlobalTableReplication(table, replicas, delay, unreachable);
    replication.applier.start();
    for (Replica source : replicas) {
      replication.readers.add(
          StreamPipe.start(
              new StreamPipe.Config(
                  "replication-" + source.region(),
                  source.client(),
                  source.localStreamArn(),
                  source.localStreamArn(),
                  source.region(),
                  List.of(),
                  checkpointDirectory == null
                      ? null
                      : checkpointDirectory.resolve(
                          "replication-" + source.region() + "-checkpoints.properties"),
                  deadLetters),
              batch -> replication.written(source.region(), JSON.readTree(batch).path(0))));
    }
    return replication;
  }

  public Stats stats() {
    return new Stats(replicated.get(), queue.size());
  }

  /** One record of {@code region}'s stream: an echo of a replicated write, or a write to carry. */
  private void written(String region, JsonNode record) {
    JsonNode keys = record.path("dynamodb").path("Keys");
    JsonNode change = change(record);
    if (change == null || consumeEcho(region, keys, change)) {
      return;
    }
    long due = System.nanoTime() + delay.toNanos();
    for (String target : replicas.keySet()) {
      if (!target.equals(region)) {
        queue.add(new Pending(target, keys, change, due));
      }
    }
  }

  /** The new image of an INSERT or MODIFY, or the text REMOVE; {@code null} for anything else. */
  private static JsonNode change(JsonNode record) {
    String event = record.path("eventName").asText("");
    if (event.equals("REMOVE")) {
      return JSON.getNodeFactory().textNode("REMOVE");
    }
    JsonNode image = record.path("dynamodb").path("NewImage");
    return image.isObject() ? image : null;
  }

  private void applyUntilClosed() {
    while (running) {
      Pending next;
      try {
        next = queue.poll(250, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (next == null) {
        continue;
      }
      if (unreachable.test(next.target())) {
        // The region is down: its share waits, as AWS queues replication until it is back.
        queue.add(next.later(Duration.ofMillis(250)));
        continue;
      }
      try {
        apply(next);
        replicated.incrementAndGet();
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "replicating to " + next.target() + " failed; retrying", e);
        queue.add(next.later(Duration.ofSeconds(1)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void apply(Pending write) throws IOException, InterruptedException {
    Replica target = replicas.get(write.target());
    expectEcho(write.target(), write.keys(), write.change());
    if (write.change().isTextual()) {
      target.client().dynamoDb("DeleteItem", Map.of("TableName", table, "Key", write.keys()));
    } else {
      target.client().dynamoDb("PutItem", Map.of("TableName", table, "Item", write.change()));
    }
  }

  private void expectEcho(String region, JsonNode keys, JsonNode change) {
    echoes
        .computeIfAbsent(region + "|" + keys, k -> new ArrayList<>())
        .add(new Echo(change, System.nanoTime() + ECHO_MEMORY.toNanos()));
  }

  /** True when the record is what this replication wrote itself (once per write). */
  private boolean consumeEcho(String region, JsonNode keys, JsonNode change) {
    List<Echo> expected = echoes.get(region + "|" + keys);
    if (expected == null) {
      return false;
    }
    synchronized (expected) {
      long now = System.nanoTime();
      for (Iterator<Echo> it = expected.iterator(); it.hasNext(); ) {
        Echo echo = it.next();
        if (echo.until() < now) {
          it.remove();
        } else if (echo.change().equals(change)) {
          it.remove();
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public void close() {
    running = false;
    applier.interrupt();
    for (StreamPipe reader : readers) {
      try {
        reader.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private record Echo(JsonNode change, long until) {}

  private record Pending(String target, JsonNode keys, JsonNode change, long dueNanos)
      implements Delayed {

    Pending later(Duration wait) {
      return new Pending(target, keys, change, System.nanoTime() + wait.toNanos());
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(dueNanos, ((Pending) other).dueNanos);
    }
  }
}
