package dev.warmcache.local.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The edge's dispatch and error shapes over real HTTP on loopback. */
class RouterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  static EdgeServer edge;
  static final HttpClient http = HttpClient.newHttpClient();

  /** A service whose operations answer, fail the AWS way, or break the way a bug would. */
  static final class Probe implements JsonProtocolService {
    @Override
    public String targetPrefix() {
      return "Probe_20200101";
    }

    @Override
    public String jsonVersion() {
      return "1.1";
    }

    @Override
    public EdgeResponse handle(String operation, EdgeRequest request) {
      return switch (operation) {
        case "Echo" -> EdgeResponse.of(200, "application/x-amz-json-1.1", request.bodyText());
        case "Refuse" -> throw new AwsException(409, "ConflictException", "no");
        case "Break" -> throw new IllegalStateException("secret internal detail");
        default -> throw AwsException.unknownOperation(targetPrefix() + "." + operation);
      };
    }
  }

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeServer.start(0, new Router().register(new Probe()));
  }

  @AfterAll
  static void stop() {
    edge.close();
  }

  private static HttpResponse<String> post(String path, String target, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(edge.endpoint() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (target != null) {
      request.header("X-Amz-Target", target);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aRouterThatIsStillStartingAnswersUnavailableThenDispatches() throws Exception {
    Router router = Router.starting().register(new Probe());
    try (EdgeServer starting = EdgeServer.start(0, router)) {
      for (String target : new String[] {"Probe_20200101.Echo", null}) {
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create(starting.endpoint() + "/2015-03-31/functions/f"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (target != null) {
          request.header("X-Amz-Target", target);
        }
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, response.statusCode(), response.body());
        assertEquals("ServiceUnavailable", JSON.readTree(response.body()).path("__type").asText());
        assertEquals(
            "ServiceUnavailable", response.headers().firstValue("x-amzn-ErrorType").orElse(""));
      }
      router.open();
      HttpResponse<String> echoed =
          http.send(
              HttpRequest.newBuilder(URI.create(starting.endpoint() + "/"))
                  .header("X-Amz-Target", "Probe_20200101.Echo")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, echoed.statusCode());
      assertEquals("{\"a\":1}", echoed.body());
    }
  }

  @Test
  void dispatchesByTarget() throws Exception {
    HttpResponse<String> response = post("/", "Probe_20200101.Echo", "{\"a\":1}");
    assertEquals(200, response.statusCode());
    assertEquals("{\"a\":1}", response.body());
    assertTrue(response.headers().firstValue("x-amzn-RequestId").isPresent());
    assertEquals("127.0.0.1", edge.endpoint().getHost());
  }

  @Test
  void awsErrorsKeepTheirStatusAndCode() throws Exception {
    HttpResponse<String> response = post("/", "Probe_20200101.Refuse", "{}");
    assertEquals(409, response.statusCode());
    assertEquals(
        "ConflictException", response.headers().firstValue("x-amzn-ErrorType").orElseThrow());
    JsonNode body = JSON.readTree(response.body());
    assertEquals("ConflictException", body.path("__type").asText());
    assertEquals(
        "application/x-amz-json-1.1", response.headers().firstValue("Content-Type").orElseThrow());
  }

  @Test
  void unknownTargetsAndOperationsAreNamed() throws Exception {
    for (String target : new String[] {"Probe_20200101.Nope", "Nobody_1.Thing", "NoDot"}) {
      HttpResponse<String> response = post("/", target, "{}");
      assertEquals(400, response.statusCode(), target);
      JsonNode body = JSON.readTree(response.body());
      assertEquals("UnknownOperationException", body.path("__type").asText());
      assertTrue(body.path("message").asText().contains(target), body.toString());
    }
    HttpResponse<String> rest = post("/2099-01-01/things", null, "");
    assertEquals(404, rest.statusCode());
    assertEquals(
        "UnknownOperationException", rest.headers().firstValue("x-amzn-ErrorType").orElseThrow());
    assertTrue(rest.body().contains("/2099-01-01/things"), rest.body());
  }

  @Test
  void aBugBecomesAnInternalFailureWithoutItsDetails() throws Exception {
    HttpResponse<String> response = post("/", "Probe_20200101.Break", "{}");
    assertEquals(500, response.statusCode());
    JsonNode body = JSON.readTree(response.body());
    assertEquals("InternalFailure", body.path("__type").asText());
    assertFalse(response.body().contains("secret internal detail"), response.body());
    assertFalse(response.body().contains("at dev.warmcache"), response.body());
    assertTrue(
        body.path("message")
            .asText()
            .contains(response.headers().firstValue("x-amzn-RequestId").orElseThrow()));
  }
}
