package dev.warmcache.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.warmcache.aws.AwsClients;
import dev.warmcache.changes.ChangeFeed;
import dev.warmcache.events.CacheEvent;
import dev.warmcache.events.EventBridgePublisher;
import dev.warmcache.events.EventNames;
import dev.warmcache.events.EventPublishException;
import dev.warmcache.events.EventPublisher;
import dev.warmcache.id.InvalidIdException;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemStore;
import dev.warmcache.item.MalformedItemException;
import dev.warmcache.item.ReadConsistency;
import dev.warmcache.settings.Settings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * warmcache's read tiers in your own code: this process's memory, then the shared DynamoDB table,
 * then a bounded wait while the refresh workflow fetches from the origin, with the same bounds the
 * reader Lambda keeps (docs/freshness.md): a memory entry never outlives {@code MEMORY_TTL_SECONDS}
 * or its {@code expiresAt}; the change feed is read at most once per {@code COHERENCE_INTERVAL_MS},
 * inside a call, so a changed key is dropped within that interval plus one read; keys read late in
 * their life are refreshed ahead (early refresh); one client fleet-wide asks for each refresh (the
 * claim). Every bound is kept inside calls, never by a background thread, so it behaves the same on
 * Lambda (frozen between invocations), ECS, EC2 or a laptop against the twin.
 *
 * <p>Build one per process and share it: it is thread-safe, and its memory tier is the point.
 *
 * <pre>{@code
 * Warmcache cache = Warmcache.fromEnvironment();   // TABLE_NAME, EVENT_BUS_NAME, the settings table
 * CachedValue v = cache.get("15");                 // memory, DynamoDB, or waits for the refresh
 * Map<String, CachedValue> some = cache.getAll(List.of("1", "2", "3"));
 *
 * Warmcache explicit = Warmcache.builder()
 *     .tableName("warmcache").eventBusName("warmcache")
 *     .dynamoDbClient(ddb).eventBridgeClient(eb)   // optional: built once from the settings otherwise
 *     .build();
 * }</pre>
 *
 * <p>{@link #get} never returns null: nothing servable within {@code MISS_WAIT_MS} is a {@link
 * NotCachedException}, a bad key an {@link InvalidKeyException}, a table that cannot be read a
 * {@link CacheUnavailableException}. IAM: see docs/client.md (the construct's {@code grantRead}).
 */
public final class Warmcache {

  private static final Logger LOG = LoggerFactory.getLogger(Warmcache.class);

  /** A valid id that no origin is expected to have; read, never written, by {@link #warmUp}. */
  static final ItemId WARM_UP_ID = ItemId.of("warmcache-warm-up");

  private static final CacheListener NO_LISTENER = stats -> {};

  private final Settings settings;
  private final ItemStore store;
  private final EventPublisher events;
  private final Clock clock;
  private final Rendering<?> rendering;
  private final MemoryTier memory;
  private final Coherence coherence;
  private final TieredReader reader;
  private final CacheListener listener;

  private Warmcache(Builder b) {
    Map<String, String> env = new HashMap<>(b.settings);
    if (b.tableName != null) {
      env.put("TABLE_NAME", b.tableName);
    }
    if (b.eventBusName != null) {
      env.put("EVENT_BUS_NAME", b.eventBusName);
    }
    this.settings = Settings.from(env);
    this.clock = b.clock;
    DynamoDbClient dynamoDb =
        b.dynamoDbClient != null ? b.dynamoDbClient : AwsClients.dynamoDb(settings);
    this.store = new ItemStore(dynamoDb, settings.tableName());
    ItemStore writes =
        settings.writesElsewhere() && b.dynamoDbClient == null
            ? new ItemStore(AwsClients.homeDynamoDb(settings), settings.tableName())
            : store;
    this.events =
        b.eventPublisher != null
            ? b.eventPublisher
            : new EventBridgePublisher(
                b.eventBridgeClient != null
                    ? b.eventBridgeClient
                    : AwsClients.eventBridge(settings),
                settings.eventBusName());
    this.rendering = b.rendering;
    Ticker ticker =
        clock.equals(Clock.systemUTC()) ? Ticker.systemTicker() : () -> clock.millis() * 1_000_000L;
    this.memory = new MemoryTier(settings, clock, ticker, rendering);
    this.coherence =
        new Coherence(
            new ChangeFeed(dynamoDb, settings.tableName()),
            memory,
            clock,
            ticker,
            settings.coherenceInterval());
    this.reader =
        new TieredReader(
            settings,
            store,
            writes,
            events,
            clock,
            memory,
            new MissLimiter(settings.missInterval(), ticker),
            coherence);
    this.listener = b.listener == null ? NO_LISTENER : b.listener;
  }

  /**
   * A client configured from this process's environment: {@code TABLE_NAME}, {@code EVENT_BUS_NAME}
   * and the settings of the configuration table (README), as the CDK construct's {@code bind} sets
   * them. SDK clients are built once, here.
   */
  public static Warmcache fromEnvironment() {
    return builder().settings(System.getenv()).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The value of {@code id}: from memory, else DynamoDB, else (absent, or expired past {@code
   * MAX_STALE_SECONDS}) after asking for a refresh and waiting up to {@code MISS_WAIT_MS} for it.
   * An expired value within {@code MAX_STALE_SECONDS} is answered {@link CachedValue#stale()} while
   * its refresh runs.
   *
   * @throws InvalidKeyException if {@code id} breaks the id rules
   * @throws NotCachedException if nothing servable landed within {@code MISS_WAIT_MS}
   * @throws CacheUnavailableException if the table could not be read
   */
  public CachedValue get(String id) {
    ItemId key = key(id);
    Tally tally = new Tally();
    try {
      return reader.read(key, tally);
    } finally {
      report(tally);
    }
  }

  /**
   * The values of {@code ids}, keyed by id in the order given: memory first, then the rest in
   * {@code BatchGetItem} calls of at most 100 keys; misses are claimed and published in {@code
   * PutEvents} calls of at most 10 entries, and one wait of up to {@code MISS_WAIT_MS} serves them
   * all. Keys with nothing servable after the wait, or that the table could not return after
   * retries, are absent from the map.
   *
   * @throws InvalidKeyException if any id breaks the id rules (nothing is read then)
   * @throws CacheUnavailableException if the table could not be read
   */
  public Map<String, CachedValue> getAll(Collection<String> ids) {
    Objects.requireNonNull(ids, "ids");
    List<ItemId> keys = new ArrayList<>(ids.size());
    for (String id : ids) {
      keys.add(key(id));
    }
    Tally tally = new Tally();
    try {
      Map<ItemId, CachedValue> found = reader.readAll(keys, tally);
      Map<String, CachedValue> answer = new LinkedHashMap<>();
      for (ItemId key : keys) {
        CachedValue v = found.get(key);
        if (v != null) {
          answer.put(key.value(), v);
        }
      }
      return answer;
    } finally {
      report(tally);
    }
  }

  /**
   * Asks the refresh workflow to fetch {@code id} from the origin now: a {@code ForceRefresh} on
   * the bus, as an operator's {@code aws events put-events} sends it. Needs the construct's {@code
   * grantForceRefresh}; a reading client's rights do not include it.
   *
   * @throws CacheUnavailableException if the bus did not accept the event
   */
  public void refresh(String id) {
    ItemId key = key(id);
    try {
      events.publish(
          CacheEvent.of(
              EventNames.SOURCE_ADMIN,
              EventNames.FORCE_REFRESH,
              JsonNodeFactory.instance.objectNode().put("id", key.value())));
    } catch (EventPublishException e) {
      throw new CacheUnavailableException(
          "ForceRefresh of " + key + " not sent: " + e.getMessage());
    }
  }

  /**
   * A notice that {@code version} of {@code id} was written: if this client holds an older version,
   * it reloads the key with a consistent read. A notice carries no value, so whoever may send one
   * cannot put data into the cache. Hosts that receive the refresh workflow's primes call this.
   */
  public PrimeOutcome prime(String id, long version) {
    ItemId key = key(id);
    Tally tally = new Tally();
    try {
      return reader.prime(key, version, tally);
    } finally {
      report(tally);
    }
  }

  /**
   * Runs the read path once without changing anything, for a SnapStart or CRaC {@code
   * beforeCheckpoint}: the classes of a memory hit (with the host's {@link Rendering}) and of a
   * DynamoDB read are loaded and warm when the snapshot is taken. Reads one key that no origin has;
   * writes no item, no claim, no event. Never throws: a failed read only leaves that path cold.
   *
   * @return a sample value from a scratch memory tier, for the host to warm its own answer path
   */
  public CachedValue warmUp() {
    long nowSeconds = clock.millis() / 1000;
    Item sample =
        Item.builder(WARM_UP_ID)
            .value("{\"warm\":true}")
            .contentType("application/json")
            .version(1)
            .fetchedAtMillis(nowSeconds * 1000)
            .expiresAtEpochSeconds(nowSeconds + 60)
            .build();
    MemoryTier scratch = new MemoryTier(settings, clock, Ticker.systemTicker(), rendering);
    MemoryTier.Entry entry = scratch.offer(sample);
    MemoryTier.Entry held = scratch.get(WARM_UP_ID);
    try {
      store.get(WARM_UP_ID, ReadConsistency.EVENTUAL);
    } catch (SdkException | MalformedItemException e) {
      LOG.warn("warm-up read failed: {}", e.getMessage());
    }
    return new CachedValue(held == null ? entry : held, Source.MEMORY, false);
  }

  /**
   * For a SnapStart or CRaC {@code afterRestore}: a snapshot may wake days after it was taken, so
   * nothing the memory tier held then is vouched for. Drops it and syncs the change feed from now.
   */
  public void afterRestore() {
    coherence.forgetEverything();
  }

  /** Entries in this client's memory tier. */
  public long memoryEntries() {
    return memory.size();
  }

  private void report(Tally tally) {
    if (listener != NO_LISTENER) {
      listener.onCall(CallStats.of(tally));
    }
  }

  private static ItemId key(String id) {
    try {
      return ItemId.of(id);
    } catch (InvalidIdException e) {
      throw new InvalidKeyException(e.getMessage());
    }
  }

  /**
   * Builds a {@link Warmcache}. Every setting has the default of the configuration table; {@link
   * #settings} takes them by their environment names.
   */
  public static final class Builder {
    private Map<String, String> settings = Map.of();
    private String tableName;
    private String eventBusName;
    private DynamoDbClient dynamoDbClient;
    private EventBridgeClient eventBridgeClient;
    private EventPublisher eventPublisher;
    private CacheListener listener;
    private Rendering<?> rendering;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Settings by their environment names ({@code MEMORY_TTL_SECONDS}, {@code MISS_WAIT_MS}, ...;
     * the README's configuration table), for example {@code System.getenv()}.
     */
    public Builder settings(Map<String, String> settings) {
      this.settings = Map.copyOf(Objects.requireNonNull(settings, "settings"));
      return this;
    }

    /** The table; overrides {@code TABLE_NAME} of {@link #settings}. */
    public Builder tableName(String tableName) {
      this.tableName = Objects.requireNonNull(tableName, "tableName");
      return this;
    }

    /** The bus misses are published to; overrides {@code EVENT_BUS_NAME}. */
    public Builder eventBusName(String eventBusName) {
      this.eventBusName = Objects.requireNonNull(eventBusName, "eventBusName");
      return this;
    }

    /** A client to share; otherwise one is built from the settings, once. */
    public Builder dynamoDbClient(DynamoDbClient dynamoDbClient) {
      this.dynamoDbClient = Objects.requireNonNull(dynamoDbClient, "dynamoDbClient");
      return this;
    }

    /** A client to share; otherwise one is built from the settings, once. */
    public Builder eventBridgeClient(EventBridgeClient eventBridgeClient) {
      this.eventBridgeClient = Objects.requireNonNull(eventBridgeClient, "eventBridgeClient");
      return this;
    }

    /**
     * Where misses go instead of EventBridge: for tests, and hosts that carry events themselves.
     */
    public Builder eventPublisher(EventPublisher eventPublisher) {
      this.eventPublisher = Objects.requireNonNull(eventPublisher, "eventPublisher");
      return this;
    }

    /** Receives what each call did; see {@link CacheListener}. */
    public Builder listener(CacheListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The host's form of values, made once per version held; see {@link Rendering}. */
    public Builder rendering(Rendering<?> rendering) {
      this.rendering = Objects.requireNonNull(rendering, "rendering");
      return this;
    }

    /** The wall clock freshness is judged by (tests move it). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Warmcache build() {
      return new Warmcache(this);
    }
  }
}
