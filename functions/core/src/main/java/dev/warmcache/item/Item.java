package dev.warmcache.item;

import dev.warmcache.id.ItemId;
import java.time.Instant;
import java.util.Objects;

/**
 * One cached key as stored in the table (see docs/item.md for the attribute mapping).
 *
 * @param id the key
 * @param value the origin body; {@code null} exactly when {@code notFound}
 * @param contentType the origin's content type, or {@code null} if it sent none
 * @param version strictly increasing per id; every write is conditional on it
 * @param fetchedAtMillis epoch milliseconds of the origin fetch
 * @param expiresAtEpochSeconds epoch seconds, the table's TTL attribute (already jittered by the
 *     writer)
 * @param etag origin validator for conditional GETs, or {@code null}
 * @param lastModified origin validator for conditional GETs, or {@code null}
 * @param notFound a negative entry: the origin answered 404
 * @param idleRefreshes refreshes since a reader last read the item from DynamoDB
 * @param refreshMillis how long the refresh that wrote this item took, from the execution's start
 *     to the origin's answer (0 when unknown): the Δ of early refresh
 */
public record Item(
    ItemId id,
    String value,
    String contentType,
    long version,
    long fetchedAtMillis,
    long expiresAtEpochSeconds,
    String etag,
    String lastModified,
    boolean notFound,
    int idleRefreshes,
    long refreshMillis) {

  /**
   * The highest version an item may carry: 2^53 − 1. Versions travel as JSON numbers through Step
   * Functions and JavaScript, which hold integers exactly only up to there, and a refresh writes
   * {@code version + 1}, so this bound is what keeps that arithmetic from overflowing.
   */
  public static final long MAX_VERSION = (1L << 53) - 1;

  public Item {
    Objects.requireNonNull(id, "id");
    if (version < 0 || version > MAX_VERSION) {
      throw new IllegalArgumentException(
          "version must be between 0 and " + MAX_VERSION + ", got " + version);
    }
    if (refreshMillis < 0) {
      throw new IllegalArgumentException(
          "refreshMillis must not be negative, got " + refreshMillis);
    }
    if (idleRefreshes < 0) {
      throw new IllegalArgumentException(
          "idleRefreshes must not be negative, got " + idleRefreshes);
    }
    if (notFound && value != null) {
      throw new IllegalArgumentException("a negative entry carries no value");
    }
    if (!notFound && value == null) {
      throw new IllegalArgumentException("an item that is not a negative entry needs a value");
    }
  }

  public static Builder builder(ItemId id) {
    return new Builder(id);
  }

  /** True once the TTL has passed: DynamoDB deletes lazily, so presence never means freshness. */
  public boolean isExpiredAt(Instant now) {
    return now.getEpochSecond() >= expiresAtEpochSeconds;
  }

  public Instant expiresAtInstant() {
    return Instant.ofEpochSecond(expiresAtEpochSeconds);
  }

  /** True if the value is JSON and should be returned as JSON rather than as a string. */
  public boolean isJson() {
    if (contentType == null) {
      return false;
    }
    String base = contentType.toLowerCase(java.util.Locale.ROOT);
    int semi = base.indexOf(';');
    if (semi >= 0) {
      base = base.substring(0, semi);
    }
    base = base.trim();
    return base.equals("application/json") || base.endsWith("+json");
  }

  public Builder toBuilder() {
    return new Builder(id)
        .value(value)
        .contentType(contentType)
        .version(version)
        .fetchedAtMillis(fetchedAtMillis)
        .expiresAtEpochSeconds(expiresAtEpochSeconds)
        .etag(etag)
        .lastModified(lastModified)
        .notFound(notFound)
        .idleRefreshes(idleRefreshes)
        .refreshMillis(refreshMillis);
  }

  /** Builds an {@link Item}; unset fields are null, zero or false. */
  public static final class Builder {
    private final ItemId id;
    private String value;
    private String contentType;
    private long version;
    private long fetchedAtMillis;
    private long expiresAtEpochSeconds;
    private String etag;
    private String lastModified;
    private boolean notFound;
    private int idleRefreshes;
    private long refreshMillis;

    private Builder(ItemId id) {
      this.id = id;
    }

    public Builder value(String value) {
      this.value = value;
      return this;
    }

    public Builder contentType(String contentType) {
      this.contentType = contentType;
      return this;
    }

    public Builder version(long version) {
      this.version = version;
      return this;
    }

    public Builder fetchedAtMillis(long epochMillis) {
      this.fetchedAtMillis = epochMillis;
      return this;
    }

    public Builder expiresAtEpochSeconds(long epochSeconds) {
      this.expiresAtEpochSeconds = epochSeconds;
      return this;
    }

    public Builder etag(String etag) {
      this.etag = etag;
      return this;
    }

    public Builder lastModified(String lastModified) {
      this.lastModified = lastModified;
      return this;
    }

    public Builder notFound(boolean notFound) {
      this.notFound = notFound;
      return this;
    }

    public Builder idleRefreshes(int idleRefreshes) {
      this.idleRefreshes = idleRefreshes;
      return this;
    }

    public Builder refreshMillis(long refreshMillis) {
      this.refreshMillis = refreshMillis;
      return this;
    }

    public Item build() {
      return new Item(
          id,
          value,
          contentType,
          version,
          fetchedAtMillis,
          expiresAtEpochSeconds,
          etag,
          lastModified,
          notFound,
          idleRefreshes,
          refreshMillis);
    }
  }
}
