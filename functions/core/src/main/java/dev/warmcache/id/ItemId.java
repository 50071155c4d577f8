package dev.warmcache.id;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.json.JsonTypes;

/**
 * A validated cache key: 1 to 128 characters of {@code [A-Za-z0-9._~:@-]}.
 *
 * <p>The charset is the URI "unreserved" set plus {@code :} and {@code @}, so an id can be placed
 * in an origin URL path segment without changing scheme, host or path depth, and in DynamoDB and
 * log lines without escaping.
 *
 * <pre>{@code
 * ItemId id = ItemId.of("15");
 * ItemId fromJson = ItemId.fromJson(mapper.readTree("15"));   // JSON number 15 -> "15"
 * }</pre>
 */
public final class ItemId implements Comparable<ItemId> {

  public static final int MAX_LENGTH = 128;

  private final String value;

  private ItemId(String value) {
    this.value = value;
  }

  /**
   * Validates {@code raw} and wraps it; throws {@link InvalidIdException} with a readable reason.
   */
  public static ItemId of(String raw) {
    if (raw == null) {
      throw new InvalidIdException("id is missing");
    }
    if (raw.isEmpty()) {
      throw new InvalidIdException("id is empty");
    }
    if (raw.isBlank()) {
      throw new InvalidIdException("id is blank");
    }
    if (raw.length() > MAX_LENGTH) {
      throw new InvalidIdException(
          "id is " + raw.length() + " characters long; the limit is " + MAX_LENGTH);
    }
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (!allowed(c)) {
        throw new InvalidIdException(
            "id contains "
                + describe(c)
                + " at position "
                + i
                + "; allowed are letters, digits and . _ ~ : @ -");
      }
    }
    return new ItemId(raw);
  }

  /**
   * Accepts a JSON string or a JSON integer (which becomes its decimal text, so {@code 15} and
   * {@code "15"} are the same key). Anything else is rejected by type.
   */
  public static ItemId fromJson(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      throw new InvalidIdException("id is missing");
    }
    if (node.isNull()) {
      throw new InvalidIdException("id is null");
    }
    if (node.isTextual()) {
      return of(node.textValue());
    }
    if (node.isIntegralNumber()) {
      return of(node.bigIntegerValue().toString());
    }
    if (node.isNumber()) {
      throw new InvalidIdException(
          "id must be a string or an integer, got the fractional number " + node.asText());
    }
    throw new InvalidIdException(
        "id must be a string or an integer, got " + JsonTypes.describe(node));
  }

  static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '~'
        || c == ':'
        || c == '@'
        || c == '-';
  }

  private static String describe(char c) {
    if (c == ' ') {
      return "a space";
    }
    if (Character.isISOControl(c) || Character.isWhitespace(c) || c > 0x7e) {
      return String.format("the character U+%04X", (int) c);
    }
    return "the character '" + c + "'";
  }

  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ItemId other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public int compareTo(ItemId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
