package dev.warmcache.client;

import java.util.OptionalLong;

/**
 * What {@link Warmcache#prime} did with a notice that a version was written.
 *
 * @param id the key
 * @param primed true if this client reloaded the key and now holds the newer version
 * @param version the version held afterwards, if any
 * @param reason {@code reloaded}, {@code no-newer-version}, {@code up-to-date}, {@code not-held},
 *     {@code gone} (deleted) or {@code expired}
 */
public record PrimeOutcome(String id, boolean primed, OptionalLong version, String reason) {

  /** True if this client held the key when the notice arrived. */
  public boolean held() {
    return !reason.equals("not-held");
  }
}
