package dev.warmcache.http;

import dev.warmcache.client.CachedValue;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * RFC 9110 validators of a value: a strong {@code ETag} from the version, {@code Last-Modified}.
 */
final class Validators {

  private Validators() {}

  /** Strong: a version names exactly one stored byte sequence of its key. */
  static String etag(CachedValue value) {
    return "\"" + value.version() + "\"";
  }

  static String lastModified(CachedValue value) {
    return httpDate(value.fetchedAt());
  }

  /** RFC 9110 5.6.7 IMF-fixdate: two-digit day, always GMT. */
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US)
          .withZone(ZoneOffset.UTC);

  static String httpDate(Instant instant) {
    return IMF_FIXDATE.format(instant);
  }

  /**
   * RFC 9110 13.2.2: {@code If-None-Match} decides when present (weak comparison, so {@code W/"7"}
   * matches {@code "7"}); otherwise {@code If-Modified-Since}, which a 304 answers when the value
   * was fetched no later than the given date. A date that does not parse is ignored, as the RFC
   * says.
   */
  static boolean notModified(HttpRequest request, CachedValue value) {
    String ifNoneMatch = request.header("If-None-Match");
    if (ifNoneMatch != null) {
      return matches(ifNoneMatch, etag(value));
    }
    String ifModifiedSince = request.header("If-Modified-Since");
    if (ifModifiedSince == null) {
      return false;
    }
    try {
      Instant since =
          ZonedDateTime.parse(ifModifiedSince.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
              .toInstant();
      return value.fetchedAt().getEpochSecond() <= since.getEpochSecond();
    } catch (DateTimeParseException ignored) {
      return false;
    }
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*")) {
        return true;
      }
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
