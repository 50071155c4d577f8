package example.productpage;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.client.CachedValue;
import dev.warmcache.client.InvalidKeyException;
import dev.warmcache.client.Warmcache;
import dev.warmcache.client.WarmcacheException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * A product page: {@code {"id":"15","related":"16"}} reads the product and a related one, two keys,
 * with one {@code getAll} of the embedded client, from this instance's memory when it holds them,
 * else from the table, and answers both with their versions and where each came from.
 *
 * <p>The client is built once per instance, in the constructor (Lambda's init; SnapStart would
 * snapshot it), from the environment the CDK construct's {@code bind} sets: {@code TABLE_NAME},
 * {@code EVENT_BUS_NAME} and the cache's settings. The {@code Map} constructor is how the twin
 * hands a function its own environment, as it does for warmcache's own handlers.
 */
public final class ProductPageHandler implements RequestStreamHandler {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Warmcache cache;

  /** On Lambda: the function's environment. */
  public ProductPageHandler() {
    this(System.getenv());
  }

  /** On the twin and in tests: the environment given. */
  public ProductPageHandler(Map<String, String> env) {
    this.cache = Warmcache.builder().settings(env).build();
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    ObjectNode page = JSON.createObjectNode();
    JsonNode request = JSON.readTree(input);
    String id = request.path("id").asText("");
    String related = request.path("related").asText(id);
    try {
      Map<String, CachedValue> parts = cache.getAll(List.of(id, related));
      page.put("id", id);
      part(page, "product", parts.get(id));
      part(page, "related", parts.get(related));
    } catch (InvalidKeyException e) {
      page.put("error", "InvalidId").put("message", e.getMessage());
    } catch (WarmcacheException e) {
      page.put("error", "Unavailable").put("message", e.getMessage());
    }
    JSON.writeValue(output, page);
  }

  private static void part(ObjectNode page, String name, CachedValue value) throws IOException {
    if (value == null) {
      page.putObject(name).put("pending", true);
      return;
    }
    ObjectNode part = page.putObject(name);
    if (value.notFound()) {
      part.put("notFound", true).put("version", value.version());
      return;
    }
    JsonNode body = value.isJson() ? JSON.readTree(value.value()) : null;
    if (body != null) {
      part.set("value", body);
    } else {
      part.put("value", value.value());
    }
    part.put("version", value.version()).put("source", value.source().name().toLowerCase());
  }
}
