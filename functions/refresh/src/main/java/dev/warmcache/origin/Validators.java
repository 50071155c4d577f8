package dev.warmcache.origin;

/** Conditional-GET validators from the cached copy. Either may be {@code null}. */
public record Validators(String etag, String lastModified) {

  public static final Validators NONE = new Validators(null, null);

  public static Validators of(String etag, String lastModified) {
    return etag == null && lastModified == null ? NONE : new Validators(etag, lastModified);
  }
}
