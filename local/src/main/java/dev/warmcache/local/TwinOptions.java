package dev.warmcache.local;

import dev.warmcache.settings.Setting;
import dev.warmcache.settings.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How to start a {@link Twin}. Immutable; build with {@link #builder()} or parse the command line
 * with {@link #parse}.
 *
 * @param port the edge port on 127.0.0.1; 0 picks a free one
 * @param dataDir where DynamoDB data, pipe checkpoints and dead letters persist; {@code null} keeps
 *     data in memory (dead letters go to a temporary file)
 * @param projectDir the repository root holding {@code events/}, {@code statemachine/}, {@code
 *     functions/} and {@code local/sidecar}
 * @param settings extra environment for both functions (the settings in CONTRACTS, such as {@code
 *     TTL_SECONDS}); they win over the twin's defaults
 * @param seed whether to refresh a few demo ids at start
 * @param sharedLibraries whether a function's instances share its immutable third-party classes
 *     (the default; {@code false} only to measure what sharing saves)
 * @param functions the user's own functions to host beside warmcache's ({@code --function})
 * @param regions the regions served, the refresh home first ({@code --regions}); one by default
 * @param replicationDelay how long global-table replication takes between regions, when there are
 *     several ({@code --replication-delay-ms}, default 500 ms)
 * @param ttlRegion the region whose TTL deletes expired items; the others receive the deletion
 *     replicated, without its identity ({@code --ttl-region}, default the home)
 * @param failRegions regions that start unreachable ({@code --fail-region}, repeatable)
 */
public record TwinOptions(
    int port,
    Path dataDir,
    Path projectDir,
    Map<String, String> settings,
    boolean seed,
    boolean sharedLibraries,
    List<UserFunction> functions,
    List<String> regions,
    java.time.Duration replicationDelay,
    String ttlRegion,
    java.util.Set<String> failRegions) {

  public static final int DEFAULT_PORT = 4566;

  /**
   * Settings read from the twin's own environment and handed to the functions: every tunable of
   * {@link Setting}, plus two of Powertools' own.
   */
  static final List<String> SETTINGS =
      Stream.concat(
              Arrays.stream(Setting.values()).map(Setting::name),
              Stream.of("POWERTOOLS_LOG_LEVEL", "POWERTOOLS_METRICS_DISABLED"))
          .toList();

  public TwinOptions {
    settings = Map.copyOf(settings);
    functions = List.copyOf(functions);
    regions = List.copyOf(regions.isEmpty() ? List.of(Twin.REGION) : regions);
    ttlRegion = ttlRegion == null ? regions.get(0) : ttlRegion;
    failRegions = java.util.Set.copyOf(failRegions);
    if (!regions.contains(ttlRegion)) {
      throw new IllegalArgumentException(
          "--ttl-region " + ttlRegion + " is not one of --regions " + regions);
    }
    for (String failed : failRegions) {
      if (!regions.contains(failed)) {
        throw new IllegalArgumentException(
            "--fail-region " + failed + " is not one of --regions " + regions);
      }
    }
    if (replicationDelay.isNegative() || replicationDelay.toMillis() > 60_000) {
      throw new IllegalArgumentException("--replication-delay-ms must be between 0 and 60000");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be between 0 and 65535");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code --port N}, {@code --data-dir DIR}, {@code --project-dir DIR}, {@code --no-seed}, {@code
   * --function NAME=JAR:HANDLER} (repeatable); the port also comes from {@code TWIN_PORT}, and the
   * settings listed in {@link #SETTINGS} from the environment.
   */
  public static TwinOptions parse(String[] args, Map<String, String> env) {
    Builder builder = builder();
    if (env.containsKey("TWIN_PORT")) {
      builder.port(parsePort(env.get("TWIN_PORT")));
    }
    Map<String, String> settings = new LinkedHashMap<>();
    for (String name : SETTINGS) {
      if (env.containsKey(name)) {
        settings.put(name, env.get(name));
      }
    }
    // The functions' own parser: a bad value stops the twin at once with the variable's name,
    // instead of failing every function init later.
    Settings.from(settings);
    builder.settings(settings);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--port" -> builder.port(parsePort(value(args, ++i, arg)));
        case "--data-dir" -> builder.dataDir(Path.of(value(args, ++i, arg)));
        case "--project-dir" -> builder.projectDir(Path.of(value(args, ++i, arg)));
        case "--no-seed" -> builder.seed(false);
        case "--function" -> builder.function(UserFunction.parse(value(args, ++i, arg)));
        case "--regions" -> builder.regions(regions(value(args, ++i, arg)));
        case "--replication-delay-ms" ->
            builder.replicationDelay(
                java.time.Duration.ofMillis(parseMillis(value(args, ++i, arg), arg)));
        case "--ttl-region" -> builder.ttlRegion(value(args, ++i, arg));
        case "--fail-region" -> builder.failRegion(value(args, ++i, arg));
        case "--help", "-h" -> throw new IllegalArgumentException(usage());
        default -> throw new IllegalArgumentException("Unknown option " + arg + "\n" + usage());
      }
    }
    return builder.build();
  }

  static String usage() {
    return "usage: twin [--port N (default 4566, env TWIN_PORT)] [--data-dir DIR (default: in memory)] "
        + "[--project-dir DIR (default: found from the working directory)] [--no-seed] "
        + "[--function NAME=JAR:HANDLER ...] [--regions HOME,OTHER,... (default us-east-1)] "
        + "[--replication-delay-ms N (default 500)] [--ttl-region REGION (default the home)] "
        + "[--fail-region REGION ...]";
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value\n" + usage());
    }
    return args[i];
  }

  private static List<String> regions(String list) {
    try {
      return dev.warmcache.settings.Settings.regions(list);
    } catch (dev.warmcache.settings.InvalidSettingException e) {
      throw new IllegalArgumentException("--regions: " + e.getMessage());
    }
  }

  private static long parseMillis(String text, String option) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a number of milliseconds");
    }
  }

  private static int parsePort(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("The port must be a number, not '" + text + "'");
    }
  }

  /**
   * The repository root: the nearest directory at or above {@code start} with the ASL file and the
   * patterns.
   */
  static Path findProjectDir(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("statemachine/refresh.asl.json"))
          && Files.isDirectory(dir.resolve("events"))) {
        return dir;
      }
    }
    throw new IllegalArgumentException(
        "Cannot find the warmcache project (statemachine/refresh.asl.json and events/) "
            + "at or above "
            + start.toAbsolutePath()
            + "; run from the repository or pass --project-dir");
  }

  public static final class Builder {
    private int port = DEFAULT_PORT;
    private Path dataDir;
    private Path projectDir;
    private Map<String, String> settings = Map.of();
    private boolean seed = true;
    private boolean sharedLibraries = true;
    private final List<UserFunction> functions = new java.util.ArrayList<>();
    private List<String> regions = List.of();
    private java.time.Duration replicationDelay = java.time.Duration.ofMillis(500);
    private String ttlRegion;
    private final java.util.Set<String> failRegions = new java.util.LinkedHashSet<>();

    /** The regions, the refresh home first (the twin's global table spans them all). */
    public Builder regions(List<String> regions) {
      this.regions = List.copyOf(regions);
      return this;
    }

    public Builder replicationDelay(java.time.Duration delay) {
      this.replicationDelay = delay;
      return this;
    }

    public Builder ttlRegion(String region) {
      this.ttlRegion = region;
      return this;
    }

    public Builder failRegion(String region) {
      this.failRegions.add(region);
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    public Builder projectDir(Path projectDir) {
      this.projectDir = projectDir;
      return this;
    }

    public Builder settings(Map<String, String> settings) {
      this.settings = settings;
      return this;
    }

    public Builder seed(boolean seed) {
      this.seed = seed;
      return this;
    }

    public Builder sharedLibraries(boolean shared) {
      this.sharedLibraries = shared;
      return this;
    }

    /** Hosts a function of the user's own, as {@code --function} does; repeatable. */
    public Builder function(UserFunction function) {
      this.functions.add(function);
      return this;
    }

    public TwinOptions build() {
      return new TwinOptions(
          port,
          dataDir,
          projectDir == null ? findProjectDir(Path.of("")) : projectDir,
          settings,
          seed,
          sharedLibraries,
          functions,
          regions,
          replicationDelay,
          ttlRegion,
          failRegions);
    }
  }
}
