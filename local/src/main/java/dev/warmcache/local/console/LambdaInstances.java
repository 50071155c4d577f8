package dev.warmcache.local.console;

import java.util.List;

/**
 * The live Lambda instances of each function, as the twin's instance pool sees them. The twin hands
 * the console an implementation backed by its pool; AWS has no API for this, which is why it is the
 * one view the console cannot read over the wire.
 */
@FunctionalInterface
public interface LambdaInstances {

  /** A snapshot, taken now; functions in a stable order. */
  List<Function> functions();

  /** One function and its instances. */
  record Function(String name, List<Instance> instances) {
    public Function {
      instances = List.copyOf(instances);
    }
  }

  /**
   * One instance (one class loader, one request at a time).
   *
   * @param initDurationMs cold-start init duration, {@code null} while initializing
   * @param memoryEntries entries in the reader's memory tier, {@code null} if the function has none
   * @param lastPrimeAt epoch ms of the last prime this instance handled, or {@code null}
   * @param lastPrimeId the item id of that prime, or {@code null}
   * @param startedAt epoch ms the instance was created
   * @param lastUsedAt epoch ms its last invocation ended, or {@code null}
   */
  record Instance(
      String id,
      boolean busy,
      Long initDurationMs,
      Long memoryEntries,
      Long lastPrimeAt,
      String lastPrimeId,
      long invocations,
      long startedAt,
      Long lastUsedAt) {}
}
