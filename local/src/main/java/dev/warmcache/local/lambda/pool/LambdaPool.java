package dev.warmcache.local.lambda.pool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The functions of the twin and their instances. Thread-safe: invoke from as many threads as
 * requests arrive; each request gets an instance of its own, starting a new one when none is idle.
 */
public final class LambdaPool implements AutoCloseable {

  static final String ACCOUNT = "000000000000";

  /** The region of a pool made without one, the twin's default refresh home. */
  public static final String DEFAULT_REGION = "us-east-1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Slot> functions = new ConcurrentHashMap<>();
  private final List<InvocationListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong instanceCounter = new AtomicLong();
  private final ScheduledExecutorService reaper;
  private final String region;

  /** Functions the twin was told to fail ({@link #setAvailable}). */
  private final java.util.Set<String> unavailable = ConcurrentHashMap.newKeySet();

  public LambdaPool() {
    this(DEFAULT_REGION);
  }

  /** A pool of {@code region}: its functions' ARNs, and what their context reports, name it. */
  public LambdaPool(String region) {
    this.region = region;
    this.reaper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lambda-pool-reaper");
              t.setDaemon(true);
              return t;
            });
    reaper.scheduleWithFixedDelay(this::reclaimIdle, 1, 1, TimeUnit.SECONDS);
  }

  /** The twin's ARN of a function name in {@code region}. */
  public static String arn(String region, String function) {
    return "arn:aws:lambda:" + region + ":" + ACCOUNT + ":function:" + function;
  }

  /** The region this pool runs its functions in. */
  public String region() {
    return region;
  }

  /**
   * Adds a function, or replaces its configuration; instances of the old one finish and are
   * dropped.
   */
  public void register(FunctionConfig config) {
    Slot old = functions.put(config.name(), new Slot(config));
    if (old != null) {
      old.retire();
    }
  }

  public Optional<FunctionConfig> function(String nameOrArn) {
    Slot slot = functions.get(nameOf(nameOrArn));
    return slot == null ? Optional.empty() : Optional.of(slot.config);
  }

  public Collection<FunctionConfig> functions() {
    return functions.values().stream().map(s -> s.config).toList();
  }

  public void addListener(InvocationListener listener) {
    listeners.add(listener);
  }

  /**
   * Invokes a function synchronously (RequestResponse).
   *
   * @param nameOrArn a function name or ARN (a version or alias qualifier is ignored)
   * @throws FunctionNotFoundException no such function
   * @throws TooManyRequestsException the function is at its concurrency limit
   */
  public InvocationResult invoke(String nameOrArn, byte[] payload) {
    Slot slot = functions.get(nameOf(nameOrArn));
    if (slot == null) {
      throw new FunctionNotFoundException(nameOrArn);
    }
    refuseIfUnavailable(slot.config.name());
    InvocationResult result = slot.invoke(payload);
    for (InvocationListener listener : listeners) {
      listener.invoked(slot.config.name(), payload, result);
    }
    return result;
  }

  /**
   * Invokes one given warm instance. Lambda itself cannot be aimed at an execution environment;
   * this exists so that tests and benchmarks can ask every instance what it serves.
   *
   * @throws IllegalStateException the instance is busy or gone
   */
  public InvocationResult invokeOn(String nameOrArn, String instanceId, byte[] payload) {
    Slot slot = functions.get(nameOf(nameOrArn));
    if (slot == null) {
      throw new FunctionNotFoundException(nameOrArn);
    }
    refuseIfUnavailable(slot.config.name());
    InvocationResult result = slot.invokeOn(instanceId, payload);
    for (InvocationListener listener : listeners) {
      listener.invoked(slot.config.name(), payload, result);
    }
    return result;
  }

  /**
   * Makes a function fail every invocation with Lambda's {@code ServiceException} (HTTP 500), as a
   * service outage would, or serve again: what failure tests of callers (Step Functions' retries, a
   * shared cache's {@code stale-if-error}) need. Instances stay as they are.
   *
   * @throws FunctionNotFoundException no such function
   */
  public void setAvailable(String nameOrArn, boolean available) {
    String name = nameOf(nameOrArn);
    if (!functions.containsKey(name)) {
      throw new FunctionNotFoundException(nameOrArn);
    }
    if (available) {
      unavailable.remove(name);
    } else {
      unavailable.add(name);
    }
  }

  public boolean isAvailable(String nameOrArn) {
    return !unavailable.contains(nameOf(nameOrArn));
  }

  private void refuseIfUnavailable(String name) {
    if (unavailable.contains(name)) {
      throw new LambdaServiceException(
          "ServiceException",
          500,
          "The twin made "
              + name
              + " unavailable; POST /_twin/functions/"
              + name
              + " {\"available\":true} restores it");
    }
  }

  /**
   * Initializes instances, in parallel, until the function has {@code count} (Lambda's provisioned
   * concurrency): each cold-starts as usual and then waits idle.
   *
   * @return how many instances the function has now
   */
  public int provision(String nameOrArn, int count) {
    Slot slot = functions.get(nameOf(nameOrArn));
    if (slot == null) {
      throw new FunctionNotFoundException(nameOrArn);
    }
    return slot.provision(count);
  }

  /**
   * Sends {@code payload} to every idle instance of a function at once and answers the results in
   * no particular order. Like {@link #invokeOn}, for tests and benchmarks that measure what each
   * instance serves.
   */
  public List<InvocationResult> invokeEach(String nameOrArn, byte[] payload) {
    List<java.util.concurrent.CompletableFuture<InvocationResult>> calls = new ArrayList<>();
    for (InstanceInfo instance : instances(nameOrArn)) {
      calls.add(
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> invokeOn(nameOrArn, instance.instanceId(), payload),
              runnable -> daemon("invoke-each", runnable).start()));
    }
    return calls.stream().map(java.util.concurrent.CompletableFuture::join).toList();
  }

  public List<InstanceInfo> instances(String nameOrArn) {
    Slot slot = functions.get(nameOf(nameOrArn));
    return slot == null ? List.of() : slot.snapshot();
  }

  /**
   * Applies {@code probe} to the handler object of each initialized instance of a function and
   * answers instance id to result, for consoles that show per-instance state such as the reader's
   * memory-tier size. The probe runs on the caller's thread while requests may be running, so it
   * must only read state the handler keeps thread-safe; it gets {@code Object}, as each handler
   * class lives in its instance's own class loader.
   */
  public <T> Map<String, T> probe(String nameOrArn, java.util.function.Function<Object, T> probe) {
    Slot slot = functions.get(nameOf(nameOrArn));
    Map<String, T> results = new java.util.LinkedHashMap<>();
    for (FunctionInstance instance : slot == null ? List.<FunctionInstance>of() : slot.live()) {
      Object handler = instance.handler();
      if (handler != null) {
        T result = probe.apply(handler);
        if (result != null) {
          results.put(instance.id(), result);
        }
      }
    }
    return results;
  }

  /** Drops instances idle for longer than their function's idle timeout. Returns how many went. */
  public int reclaimIdle() {
    int reclaimed = 0;
    for (Slot slot : functions.values()) {
      reclaimed += slot.reclaim(slot.config.idleTimeout());
    }
    return reclaimed;
  }

  /** Drops every idle instance of one function now, as if they had been idle long enough. */
  public int reclaimAll(String nameOrArn) {
    Slot slot = functions.get(nameOf(nameOrArn));
    return slot == null ? 0 : slot.reclaim(Duration.ZERO);
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  static String nameOf(String nameOrArn) {
    String name = nameOrArn;
    int fn = name.indexOf(":function:");
    if (fn >= 0) {
      name = name.substring(fn + ":function:".length());
    }
    int qualifier = name.indexOf(':');
    return qualifier >= 0 ? name.substring(0, qualifier) : name;
  }

  @Override
  public void close() {
    reaper.shutdownNow();
    functions.values().forEach(Slot::retire);
    functions.clear();
  }

  /** One function's instances. The lock guards the idle stack and the instance count only. */
  private final class Slot {
    private final FunctionConfig config;
    private ClassLoader libraries;
    private final Deque<FunctionInstance> idle = new ArrayDeque<>();
    private final List<FunctionInstance> all = new ArrayList<>();
    private boolean retired;

    Slot(FunctionConfig config) {
      this.config = config;
    }

    /** A new, not yet initialised instance, counted; call with this slot's lock held. */
    private FunctionInstance newInstance() {
      FunctionInstance instance =
          new FunctionInstance(
              Long.toString(instanceCounter.incrementAndGet(), 36)
                  + "-"
                  + UUID.randomUUID().toString().substring(0, 8),
              config,
              arn(region, config.name()),
              libraries());
      all.add(instance);
      return instance;
    }

    /** The function's shared third-party loader, built with its first instance. */
    private synchronized ClassLoader libraries() {
      if (libraries == null) {
        libraries =
            config.sharedLibraries()
                ? SharedLibraries.parent(config.name(), FunctionInstance.urls(config.classpath()))
                : ClassLoader.getPlatformClassLoader();
      }
      return libraries;
    }

    InvocationResult invoke(byte[] payload) {
      FunctionInstance instance;
      boolean cold = false;
      synchronized (this) {
        instance = idle.pollFirst();
        if (instance == null) {
          if (all.size() >= config.concurrencyLimit()) {
            throw new TooManyRequestsException(config.name(), config.concurrencyLimit());
          }
          instance = newInstance();
          cold = true;
        }
        instance.busy(true);
      }
      return run(instance, cold, payload);
    }

    int provision(int count) {
      List<FunctionInstance> fresh = new ArrayList<>();
      synchronized (this) {
        while (all.size() < Math.min(count, config.concurrencyLimit())) {
          FunctionInstance instance = newInstance();
          instance.busy(true);
          fresh.add(instance);
        }
      }
      List<Thread> starting = new ArrayList<>();
      for (FunctionInstance instance : fresh) {
        Thread starter =
            daemon(
                "provision-" + instance.id(),
                () -> {
                  boolean started = false;
                  try {
                    instance.init();
                    started = true;
                  } catch (Throwable initError) {
                    System.err.println(
                        "[" + config.name() + " " + instance.id() + "] init failed: " + initError);
                  } finally {
                    release(instance, started);
                  }
                });
        starter.start();
        starting.add(starter);
      }
      for (Thread t : starting) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      synchronized (this) {
        return all.size();
      }
    }

    InvocationResult invokeOn(String instanceId, byte[] payload) {
      FunctionInstance instance;
      synchronized (this) {
        instance =
            idle.stream()
                .filter(i -> i.id().equals(instanceId))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "instance "
                                + instanceId
                                + " of "
                                + config.name()
                                + " is busy or gone"));
        idle.remove(instance);
        instance.busy(true);
      }
      return run(instance, false, payload);
    }

    private InvocationResult run(FunctionInstance instance, boolean cold, byte[] payload) {
      String requestId = UUID.randomUUID().toString();
      boolean keep = true;
      try {
        if (cold) {
          try {
            instance.init();
          } catch (Throwable initError) {
            keep = false;
            return failure(
                initError,
                requestId,
                instance,
                Optional.of(instance.initDuration()),
                Duration.ZERO);
          }
        }
        Optional<Duration> init = cold ? Optional.of(instance.initDuration()) : Optional.empty();
        long start = System.nanoTime();
        try {
          byte[] response = instance.invoke(payload, requestId);
          return new InvocationResult(
              response,
              null,
              null,
              null,
              requestId,
              instance.id(),
              init,
              Duration.ofNanos(System.nanoTime() - start));
        } catch (FunctionInstance.InstanceTimedOutException timedOut) {
          keep = false;
          return failure(
              timedOut,
              "Sandbox.Timedout",
              requestId,
              instance,
              init,
              Duration.ofNanos(System.nanoTime() - start));
        } catch (Throwable error) {
          return failure(
              error, requestId, instance, init, Duration.ofNanos(System.nanoTime() - start));
        }
      } finally {
        release(instance, keep);
      }
    }

    private InvocationResult failure(
        Throwable error,
        String requestId,
        FunctionInstance instance,
        Optional<Duration> init,
        Duration took) {
      // The Java runtime logs the stack trace; the caller sees the type and message only.
      System.err.println("[" + config.name() + " " + instance.id() + "] " + error);
      for (StackTraceElement frame : error.getStackTrace()) {
        System.err.println("\tat " + frame);
      }
      return failure(error, error.getClass().getName(), requestId, instance, init, took);
    }

    private InvocationResult failure(
        Throwable error,
        String errorType,
        String requestId,
        FunctionInstance instance,
        Optional<Duration> init,
        Duration took) {
      ObjectNode document = JSON.createObjectNode();
      document.put("errorMessage", error.getMessage());
      document.put("errorType", errorType);
      document.putArray("stackTrace");
      byte[] payload;
      try {
        payload = JSON.writeValueAsBytes(document);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return new InvocationResult(
          payload,
          "Unhandled",
          errorType,
          error.getMessage(),
          requestId,
          instance.id(),
          init,
          took);
    }

    private void release(FunctionInstance instance, boolean keep) {
      boolean close;
      boolean last;
      synchronized (this) {
        instance.busy(false);
        close = !keep || retired;
        if (close) {
          all.remove(instance);
        } else {
          idle.addFirst(instance);
        }
        last = retired && all.isEmpty();
      }
      if (close) {
        instance.close();
      }
      if (last) {
        closeLibraries();
      }
    }

    /** Once a retired function's last instance is gone, its shared jar handle goes too. */
    private synchronized void closeLibraries() {
      if (libraries instanceof java.io.Closeable closeable) {
        try {
          closeable.close();
        } catch (java.io.IOException e) {
          // A loader that cannot close its jar leaks a file handle, nothing more.
        }
      }
      libraries = null;
    }

    int reclaim(Duration idleFor) {
      List<FunctionInstance> gone = new ArrayList<>();
      Instant cutoff = Instant.now().minus(idleFor);
      synchronized (this) {
        idle.removeIf(
            i -> {
              if (!i.lastUsedAt().isAfter(cutoff)) {
                gone.add(i);
                return true;
              }
              return false;
            });
        all.removeAll(gone);
      }
      gone.forEach(FunctionInstance::close);
      return gone.size();
    }

    synchronized List<FunctionInstance> live() {
      return List.copyOf(all);
    }

    synchronized List<InstanceInfo> snapshot() {
      return all.stream().map(FunctionInstance::info).toList();
    }

    void retire() {
      List<FunctionInstance> gone;
      synchronized (this) {
        retired = true;
        gone = new ArrayList<>(idle);
        idle.clear();
        all.removeAll(gone);
      }
      gone.forEach(FunctionInstance::close);
      boolean last;
      synchronized (this) {
        last = all.isEmpty();
      }
      if (last) {
        closeLibraries();
      }
    }
  }
}
