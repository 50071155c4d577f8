package dev.warmcache.local.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON protocol body every JSON 1.0/1.1 provider reads through {@link
 * EdgeRequest#jsonObject()}.
 */
class EdgeRequestTest {

  private static EdgeRequest post(String body) {
    return new EdgeRequest("POST", "/", "", Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anObjectBodyIsReadAndAnEmptyOneIsAnEmptyObject() {
    assertEquals(1, post("{\"a\":1}").jsonObject().path("a").asInt());
    assertEquals(0, post("").jsonObject().size());
    assertTrue(post("").jsonObject().isObject());
  }

  @Test
  void anythingElseIsASerializationException() {
    for (String body : new String[] {"[1,2]", "\"text\"", "{\"a\":", "not json"}) {
      AwsException e = assertThrows(AwsException.class, () -> post(body).jsonObject(), body);
      assertEquals(400, e.status(), body);
      assertEquals("SerializationException", e.code(), body);
    }
    assertTrue(
        assertThrows(AwsException.class, () -> post("{\"a\":").jsonObject())
            .getMessage()
            .startsWith("The request body is not valid JSON"));
  }
}
