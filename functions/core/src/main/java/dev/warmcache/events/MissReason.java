package dev.warmcache.events;

/** Why a reader asked for a refresh; the wire value is the lower-case name. */
public enum MissReason {
  /** DynamoDB has no item for the key. */
  ABSENT("absent"),
  /** DynamoDB has the item but its {@code expiresAt} has passed (TTL deletes lazily). */
  EXPIRED("expired"),
  /**
   * The item is still fresh but close to {@code expiresAt}: refresh ahead, so hot keys never expire
   * (probabilistic early expiration, see docs/freshness.md).
   */
  EARLY("early");

  private final String wire;

  MissReason(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
