package dev.warmcache.local.pipes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.local.deadletter.DeadLetterFile;
import dev.warmcache.local.edge.AwsException;
import dev.warmcache.local.edge.AwsJsonClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.event.ruler.Machine;

/**
 * The twin's EventBridge Pipe: polls the table's real DynamoDB stream, converts each record to the
 * Pipes shape, applies the filter from {@code events/ttl-expiry.filter.json} with Event Ruler, and
 * starts the target with a batch of one ({@code [record]}).
 *
 * <p>At least once, in order, per shard: a record's position is checkpointed only after the target
 * took it or, when every retry failed, after it went to the dead-letter file. A shard that closes
 * is finished before its children are read, as Pipes do.
 *
 * <pre>{@code
 * StreamPipe pipe = StreamPipe.start(new StreamPipe.Config("warmcache-ttl-expiry", client, localStreamArn,
 *     twinStreamArn, "us-east-1", List.of(Path.of("events/ttl-expiry.filter.json")), null, deadLetters), target);
 * }</pre>
 */
public final class StreamPipe implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(StreamPipe.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long IDLE_POLL_MS = 250;
  static final List<Long> DEFAULT_RETRY_DELAYS_MS = List.of(200L, 1000L, 2000L, 5000L);

  /**
   * @param localStreamArn the stream ARN as DynamoDB Local names it (used on the wire)
   * @param streamArn the ARN records carry as {@code eventSourceARN} (the twin's region and
   *     account)
   * @param checkpointFile where positions persist, or {@code null} for memory only
   */
  public record Config(
      String name,
      AwsJsonClient client,
      String localStreamArn,
      String streamArn,
      String region,
      List<Path> filterFiles,
      Path checkpointFile,
      DeadLetterFile deadLetters,
      List<Long> retryDelaysMs,
      StartingPosition startingPosition) {

    public Config {
      retryDelaysMs = List.copyOf(retryDelaysMs);
      filterFiles = List.copyOf(filterFiles);
    }

    /** This configuration, reading a shard without a checkpoint from {@code position}. */
    public Config startingAt(StartingPosition position) {
      return new Config(
          name,
          client,
          localStreamArn,
          streamArn,
          region,
          filterFiles,
          checkpointFile,
          deadLetters,
          retryDelaysMs,
          position);
    }

    /**
     * With the default retries before a batch is dead-lettered (0.2, 1, 2 and 5 seconds), from the
     * stream's start where no checkpoint says otherwise.
     */
    public Config(
        String name,
        AwsJsonClient client,
        String localStreamArn,
        String streamArn,
        String region,
        List<Path> filterFiles,
        Path checkpointFile,
        DeadLetterFile deadLetters) {
      this(
          name,
          client,
          localStreamArn,
          streamArn,
          region,
          filterFiles,
          checkpointFile,
          deadLetters,
          DEFAULT_RETRY_DELAYS_MS,
          StartingPosition.TRIM_HORIZON);
    }
  }

  /**
   * Where a shard with no checkpoint is read from: a Pipe's own {@code StartingPosition}. The CDK's
   * Pipe starts at {@code LATEST}; the twin's pipe on a table it just created reads from the start,
   * which is the same stream without a race against the first writes.
   */
  public enum StartingPosition {
    TRIM_HORIZON,
    LATEST
  }

  /** Counters for the console and the logs. */
  public record Stats(long read, long matched, long started, long deadLettered) {}

  private final Config config;
  private final PipeTarget target;
  private final Machine filter = new Machine();
  private final Checkpoints checkpoints;
  private final Map<String, String> iterators = new LinkedHashMap<>();
  private final Set<String> finished = new LinkedHashSet<>();
  private final Set<String> openedAtStartingPosition = new java.util.HashSet<>();
  private boolean initialShardsOpened;
  private final AtomicLong read = new AtomicLong();
  private final AtomicLong matched = new AtomicLong();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final Thread poller;
  private volatile boolean running = true;

  private StreamPipe(Config config, PipeTarget target) throws IOException {
    this.config = config;
    this.target = target;
    // A Pipe passes a record that matches any of its filters; with none, every record.
    int n = 0;
    for (Path file : config.filterFiles()) {
      this.filter.addRule("filter-" + n++, Files.readString(file, StandardCharsets.UTF_8));
    }
    this.checkpoints = Checkpoints.open(config.checkpointFile());
    this.poller = new Thread(this::pollUntilClosed, "pipe-" + config.name());
    this.poller.setDaemon(true);
  }

  public static StreamPipe start(Config config, PipeTarget target) throws IOException {
    StreamPipe pipe = new StreamPipe(config, target);
    pipe.poller.start();
    return pipe;
  }

  public String name() {
    return config.name();
  }

  public Stats stats() {
    return new Stats(read.get(), matched.get(), started.get(), deadLettered.get());
  }

  private void pollUntilClosed() {
    long backoff = IDLE_POLL_MS;
    while (running) {
      try {
        boolean busy = pollOnce();
        backoff = IDLE_POLL_MS;
        if (!busy) {
          Thread.sleep(IDLE_POLL_MS);
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        if (!running) {
          return;
        }
        LOG.log(
            Level.WARNING,
            "pipe " + config.name() + " could not read the stream, retrying: " + e.getMessage());
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  /** One pass over every readable shard; true when it saw records. */
  private boolean pollOnce() throws Exception {
    refreshShards();
    initialShardsOpened = true;
    boolean busy = false;
    for (Map.Entry<String, String> shard : new LinkedHashMap<>(iterators).entrySet()) {
      String shardId = shard.getKey();
      JsonNode page;
      try {
        page =
            config
                .client()
                .streams("GetRecords", Map.of("ShardIterator", shard.getValue(), "Limit", 100));
      } catch (AwsException e) {
        if ("ExpiredIteratorException".equals(e.code())) {
          iterators.put(shardId, iterator(shardId));
          continue;
        }
        throw e;
      }
      for (JsonNode record : page.path("Records")) {
        busy = true;
        handle(shardId, record);
      }
      JsonNode next = page.get("NextShardIterator");
      if (next == null || next.isNull()) {
        iterators.remove(shardId);
        finished.add(shardId);
      } else {
        iterators.put(shardId, next.asText());
      }
    }
    return busy;
  }

  private void refreshShards() throws Exception {
    JsonNode description =
        config
            .client()
            .streams("DescribeStream", Map.of("StreamArn", config.localStreamArn()))
            .path("StreamDescription");
    for (JsonNode shard : description.path("Shards")) {
      String shardId = shard.path("ShardId").asText();
      String parent = shard.path("ParentShardId").asText(null);
      boolean parentPending =
          parent != null
              && (iterators.containsKey(parent) || !finished.contains(parent))
              && knows(description, parent);
      if (!iterators.containsKey(shardId) && !finished.contains(shardId) && !parentPending) {
        iterators.put(shardId, iterator(shardId));
      }
    }
  }

  private static boolean knows(JsonNode description, String shardId) {
    for (JsonNode shard : description.path("Shards")) {
      if (shardId.equals(shard.path("ShardId").asText())) {
        return true;
      }
    }
    return false;
  }

  private String iterator(String shardId) throws Exception {
    String position = checkpoints.position(config.localStreamArn(), shardId);
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("StreamArn", config.localStreamArn());
    request.put("ShardId", shardId);
    if (position == null) {
      // The starting position is for the shards there when the pipe starts; a shard that appears
      // later is read from its start, as a Pipe reads a child shard.
      boolean initial = !initialShardsOpened || openedAtStartingPosition.contains(shardId);
      if (initial) {
        openedAtStartingPosition.add(shardId);
      }
      request.put(
          "ShardIteratorType",
          (initial ? config.startingPosition() : StartingPosition.TRIM_HORIZON).name());
    } else {
      request.put("ShardIteratorType", "AFTER_SEQUENCE_NUMBER");
      request.put("SequenceNumber", position);
    }
    return config.client().streams("GetShardIterator", request).path("ShardIterator").asText();
  }

  private void handle(String shardId, JsonNode apiRecord) throws IOException, InterruptedException {
    read.incrementAndGet();
    ObjectNode record = StreamRecords.toPipesShape(apiRecord, config.streamArn(), config.region());
    if (config.filterFiles().isEmpty() || !filter.rulesForJSONEvent(record).isEmpty()) {
      matched.incrementAndGet();
      ArrayNode batch = JSON.createArrayNode().add(record);
      deliver(batch);
    }
    checkpoints.advance(
        config.localStreamArn(),
        shardId,
        apiRecord.path("dynamodb").path("SequenceNumber").asText());
  }

  private void deliver(ArrayNode batch) throws InterruptedException {
    Exception last = null;
    List<Long> delays = config.retryDelaysMs();
    for (int attempt = 0; attempt <= delays.size(); attempt++) {
      try {
        target.start(batch.toString());
        started.incrementAndGet();
        return;
      } catch (Exception e) {
        last = e;
        LOG.warning(
            "pipe "
                + config.name()
                + " could not start its target (attempt "
                + (attempt + 1)
                + "): "
                + e.getMessage());
        if (attempt < delays.size()) {
          Thread.sleep(delays.get(attempt));
        }
      }
    }
    deadLettered.incrementAndGet();
    config.deadLetters().add("pipe/" + config.name(), String.valueOf(last.getMessage()), batch);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    poller.interrupt();
    poller.join(5000);
  }
}
