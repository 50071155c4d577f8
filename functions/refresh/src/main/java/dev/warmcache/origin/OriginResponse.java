package dev.warmcache.origin;

/** A usable origin answer. */
public sealed interface OriginResponse {

  /**
   * 200 with a body within the limit.
   *
   * @param contentType the Content-Type header, or {@code null}
   * @param etag the ETag header, or {@code null}
   * @param lastModified the Last-Modified header, or {@code null}
   */
  record Fetched(String body, String contentType, String etag, String lastModified)
      implements OriginResponse {}

  /** 304: the cached value is still current. */
  record NotModified() implements OriginResponse {}

  /** 404 or 410: the origin has no such item. */
  record NotFound(int status) implements OriginResponse {}
}
