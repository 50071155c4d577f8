package dev.warmcache.client;

/** Where a value answer came from; the wire value is the lower-case name. */
public enum Source {
  /** This instance's memory tier. */
  MEMORY("memory"),
  /** DynamoDB, read on this request. */
  DYNAMODB("dynamodb"),
  /** Absent at first, then landed by the refresh workflow while this request waited. */
  ORIGIN("origin");

  private final String wire;

  Source(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
