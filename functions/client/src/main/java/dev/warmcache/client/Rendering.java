package dev.warmcache.client;

/**
 * A host's own form of a value, made once as the value enters the memory tier and handed back with
 * every answer of it ({@link CachedValue#rendered}): a host that writes many answers of one value,
 * such as the reader Lambda's pre-serialized JSON, then pays for it once, not per read.
 *
 * <pre>{@code
 * Warmcache cache = Warmcache.builder()
 *     .rendering(new Rendering<byte[]>() {
 *       public byte[] render(CachedValue v) { return toWire(v); }
 *       public long bytes(byte[] wire) { return wire.length; }
 *     })
 *     .build();
 * byte[] wire = cache.get("15").rendered(byte[].class);
 * }</pre>
 *
 * @param <T> the rendered form
 */
public interface Rendering<T> {

  /** Renders {@code value}; called once per version held, on the thread that loaded it. */
  T render(CachedValue value);

  /** The bytes {@code rendered} holds, counted against {@code MEMORY_MAX_BYTES}. */
  long bytes(T rendered);
}
