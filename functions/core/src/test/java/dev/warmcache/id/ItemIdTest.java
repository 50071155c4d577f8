package dev.warmcache.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ItemIdTest {

  @ParameterizedTest
  @ValueSource(strings = {"15", "a", "user:42@eu-west-1", "A.b_c~d-e", "0"})
  void acceptsTheDocumentedCharset(String raw) {
    assertEquals(raw, ItemId.of(raw).value());
  }

  @Test
  void acceptsExactly128Characters() {
    String max = "x".repeat(128);
    assertEquals(max, ItemId.of(max).value());
    InvalidIdException e = assertThrows(InvalidIdException.class, () -> ItemId.of(max + "x"));
    assertEquals("id is 129 characters long; the limit is 128", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a/b|id contains the character '/' at position 1; allowed are letters, digits and . _ ~ : @ -",
        "a b|id contains a space at position 1; allowed are letters, digits and . _ ~ : @ -",
        "é|id contains the character U+00E9 at position 0; allowed are letters, digits and . _ ~ : @ -",
        "%2F|id contains the character '%' at position 0; allowed are letters, digits and . _ ~ : @ -",
        "a?b=c|id contains the character '?' at position 1; allowed are letters, digits and . _ ~ : @ -",
      })
  void rejectsOtherCharactersNamingThem(String raw, String message) {
    assertEquals(
        message, assertThrows(InvalidIdException.class, () -> ItemId.of(raw)).getMessage());
  }

  @Test
  void rejectsMissingEmptyAndBlank() {
    assertEquals(
        "id is missing",
        assertThrows(InvalidIdException.class, () -> ItemId.of(null)).getMessage());
    assertEquals(
        "id is empty", assertThrows(InvalidIdException.class, () -> ItemId.of("")).getMessage());
    assertEquals(
        "id is blank", assertThrows(InvalidIdException.class, () -> ItemId.of("   ")).getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "15|15",
        "\"15\"|15",
        "-3|-3",
        "123456789012345678901234567890|123456789012345678901234567890",
      })
  void acceptsJsonStringsAndIntegers(String json, String expected) throws Exception {
    assertEquals(ItemId.of(expected), ItemId.fromJson(Json.MAPPER.readTree(json)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1.5|id must be a string or an integer, got the fractional number 1.5",
        "true|id must be a string or an integer, got a boolean",
        "null|id is null",
        "[1]|id must be a string or an integer, got an array",
        "{}|id must be a string or an integer, got an object",
      })
  void rejectsOtherJsonTypes(String json, String message) throws Exception {
    JsonNode node = Json.MAPPER.readTree(json);
    assertEquals(
        message, assertThrows(InvalidIdException.class, () -> ItemId.fromJson(node)).getMessage());
  }

  @Test
  void errorsCarryNoStackTrace() {
    InvalidIdException e = assertThrows(InvalidIdException.class, () -> ItemId.of(""));
    assertEquals(0, e.getStackTrace().length);
  }

  @Test
  void equalityIsByValue() {
    assertEquals(ItemId.of("15"), ItemId.of("15"));
    assertTrue(ItemId.of("a").compareTo(ItemId.of("b")) < 0);
  }
}
