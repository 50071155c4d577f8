package dev.warmcache.local.console;

/**
 * The demo origin's adjustable behaviour, so a user can watch retries, grace TTLs and failed
 * executions happen. The twin hands the console an implementation backed by its demo origin.
 */
public interface OriginKnobs {

  Settings get();

  /** Applies {@code settings} and answers what is now in effect. */
  Settings set(Settings settings);

  /**
   * @param latencyMs   added to every origin response, 0-60000
   * @param failureRate share of requests answered with HTTP 500, 0.0-1.0
   */
  record Settings(long latencyMs, double failureRate) {
    public Settings {
      if (latencyMs < 0 || latencyMs > 60_000) {
        throw new IllegalArgumentException("latencyMs must be between 0 and 60000, got " + latencyMs);
      }
      if (!(failureRate >= 0 && failureRate <= 1)) {
        throw new IllegalArgumentException("failureRate must be between 0 and 1, got " + failureRate);
      }
    }
  }
}
