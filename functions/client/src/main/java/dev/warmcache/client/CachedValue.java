package dev.warmcache.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.warmcache.item.Item;
import dev.warmcache.json.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * One answer of the cache: an immutable value with where it came from. Never null: a key with no
 * value is a {@link NotCachedException}, and an origin 404 is a value with {@link #notFound()}.
 *
 * <pre>{@code
 * CachedValue v = cache.get("15");
 * if (!v.notFound()) {
 *   Product p = v.as(Product.class);           // JSON values, mapped by Jackson
 *   Instant until = v.expiresAt();             // fresh until then; stale() says if it already is not
 * }
 * }</pre>
 */
public final class CachedValue {

  private final MemoryTier.Entry entry;
  private final Source source;
  private final boolean stale;

  CachedValue(MemoryTier.Entry entry, Source source, boolean stale) {
    this.entry = entry;
    this.source = source;
    this.stale = stale;
  }

  Item item() {
    return entry.item();
  }

  MemoryTier.Entry entry() {
    return entry;
  }

  /** The key. */
  public String id() {
    return entry.item().id().value();
  }

  /** The stored text (the origin's body), or {@code null} for a negative entry. */
  public String value() {
    return entry.item().value();
  }

  /** The origin's content type, if it sent one. */
  public String contentType() {
    return entry.item().contentType();
  }

  /** Strictly increasing per key, as every reader sees it (docs/item.md, "Versions"). */
  public long version() {
    return entry.item().version();
  }

  /** When the origin was asked for this value. */
  public Instant fetchedAt() {
    return Instant.ofEpochMilli(entry.item().fetchedAtMillis());
  }

  /** When the value stops being fresh. */
  public Instant expiresAt() {
    return Instant.ofEpochSecond(entry.item().expiresAtEpochSeconds());
  }

  /**
   * True if the value expired and is served within {@code MAX_STALE_SECONDS} while its refresh
   * runs.
   */
  public boolean stale() {
    return stale;
  }

  /** True for a negative entry: the origin answered 404. */
  public boolean notFound() {
    return entry.item().notFound();
  }

  /** Which tier answered. */
  public Source source() {
    return source;
  }

  /** True if the content type is JSON ({@code application/json} or {@code *+json}). */
  public boolean isJson() {
    return entry.item().isJson();
  }

  /**
   * The value mapped from JSON to {@code type} by Jackson.
   *
   * @throws IllegalStateException if this is a negative entry or the value is not JSON of that
   *     shape
   */
  public <T> T as(Class<T> type) {
    Objects.requireNonNull(type, "type");
    String text = value();
    if (text == null) {
      throw new IllegalStateException(id() + " is a negative entry: the origin has no value");
    }
    try {
      return Json.MAPPER.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "the value of "
              + id()
              + " is not JSON of "
              + type.getSimpleName()
              + ": "
              + e.getOriginalMessage());
    }
  }

  /**
   * What the host's {@link Rendering} made of this value when it entered memory, or {@code null}
   * without one.
   */
  public <T> T rendered(Class<T> type) {
    return type.cast(entry.rendered());
  }

  @Override
  public String toString() {
    return "CachedValue["
        + id()
        + " v"
        + version()
        + " from "
        + source
        + (stale ? ", stale" : "")
        + (notFound() ? ", not found" : "")
        + "]";
  }
}
