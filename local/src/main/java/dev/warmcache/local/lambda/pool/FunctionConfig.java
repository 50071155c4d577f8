package dev.warmcache.local.lambda.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to run one function: its handler, code, environment and limits. Immutable; use {@link
 * #builder}.
 */
public final class FunctionConfig {

  private final String name;
  private final String handlerClass;
  private final String handlerMethod;
  private final List<Path> classpath;
  private final Map<String, String> environment;
  private final int concurrencyLimit;
  private final Duration timeout;
  private final Duration idleTimeout;
  private final boolean sharedLibraries;

  private FunctionConfig(Builder b) {
    this.name = Objects.requireNonNull(b.name, "name");
    String handler = Objects.requireNonNull(b.handler, "handler");
    int sep = handler.indexOf("::");
    this.handlerClass = sep < 0 ? handler : handler.substring(0, sep);
    this.handlerMethod = sep < 0 ? "handleRequest" : handler.substring(sep + 2);
    if (b.classpath.isEmpty()) {
      throw new IllegalArgumentException("function " + name + " has an empty classpath");
    }
    this.classpath = List.copyOf(b.classpath);
    this.environment = Map.copyOf(b.environment);
    if (b.concurrencyLimit < 1) {
      throw new IllegalArgumentException("concurrency limit must be at least 1");
    }
    this.concurrencyLimit = b.concurrencyLimit;
    this.timeout = b.timeout;
    this.idleTimeout = b.idleTimeout;
    this.sharedLibraries = b.sharedLibraries;
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  public String handlerClass() {
    return handlerClass;
  }

  public String handlerMethod() {
    return handlerMethod;
  }

  public List<Path> classpath() {
    return classpath;
  }

  public Map<String, String> environment() {
    return environment;
  }

  public int concurrencyLimit() {
    return concurrencyLimit;
  }

  public Duration timeout() {
    return timeout;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Whether instances share one loader for the function's immutable third-party classes. */
  public boolean sharedLibraries() {
    return sharedLibraries;
  }

  public Builder toBuilder() {
    return new Builder(name)
        .handler(handlerClass + "::" + handlerMethod)
        .classpath(classpath)
        .environment(environment)
        .concurrencyLimit(concurrencyLimit)
        .timeout(timeout)
        .idleTimeout(idleTimeout)
        .sharedLibraries(sharedLibraries);
  }

  /**
   * Builds a {@link FunctionConfig}. Defaults: concurrency 100, timeout 30 s, idle reclaim after 10
   * min, shared third-party libraries.
   */
  public static final class Builder {
    private final String name;
    private String handler;
    private List<Path> classpath = List.of();
    private Map<String, String> environment = Map.of();
    private int concurrencyLimit = 100;
    private Duration timeout = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofMinutes(10);
    private boolean sharedLibraries = true;

    private Builder(String name) {
      this.name = name;
    }

    /** {@code package.Class::method}, as in a Lambda function's handler setting. */
    public Builder handler(String handler) {
      this.handler = handler;
      return this;
    }

    /** Jars or class directories holding the function and everything it needs (a shaded jar). */
    public Builder classpath(List<Path> classpath) {
      this.classpath = classpath;
      return this;
    }

    public Builder environment(Map<String, String> environment) {
      this.environment = environment;
      return this;
    }

    /** Reserved concurrency: at most this many instances at once. */
    public Builder concurrencyLimit(int limit) {
      this.concurrencyLimit = limit;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
      return this;
    }

    /**
     * {@code true} (the default): the instances of the function load its immutable third-party
     * classes once, in a shared parent loader, and only the product and the libraries with
     * per-instance state each time (see {@code SharedLibraries}). {@code false}: every instance
     * loads the whole classpath itself, for measuring what sharing saves.
     */
    public Builder sharedLibraries(boolean shared) {
      this.sharedLibraries = shared;
      return this;
    }

    public FunctionConfig build() {
      return new FunctionConfig(this);
    }
  }
}
