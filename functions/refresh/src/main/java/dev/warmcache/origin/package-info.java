/**
 * The origin: where values come from. {@link dev.warmcache.origin.OriginClient} GETs {@code
 * ORIGIN_URL_TEMPLATE} with the id percent-encoded into one path segment, so an id can never change
 * the scheme, host, port or path depth; redirects are not followed.
 *
 * <pre>{@code
 * OriginClient origin = OriginClient.from(settings);
 * OriginResponse r = origin.get(ItemId.of("15"), Validators.of(item.etag(), item.lastModified()));
 * if (r instanceof OriginResponse.Fetched f) { ... }   // 200: body, content type, validators
 * // OriginResponse.NotModified: 304; OriginResponse.NotFound: 404 or 410
 * }</pre>
 *
 * <p>Failures are {@link dev.warmcache.origin.OriginException} with a {@link
 * dev.warmcache.origin.OriginException.Kind}: {@code UNAVAILABLE} (5xx, 408, 429, timeouts, refused
 * connections: worth retrying), {@code REJECTED} (other 4xx, redirects: retrying will not help) and
 * {@code TOO_LARGE} (a body over {@code MAX_VALUE_BYTES}).
 */
package dev.warmcache.origin;
