package dev.warmcache.local.lambda.url;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmcache.local.edge.EdgeRequest;
import dev.warmcache.local.lambda.fixture.CountingHandler;
import dev.warmcache.local.lambda.pool.LambdaPool;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Host labels arrive lower-cased; function names keep their case. */
class FunctionUrlServiceTest {

  private final LambdaPool pool = new LambdaPool();
  private final FunctionUrlService urls = new FunctionUrlService(pool);

  @AfterEach
  void close() {
    pool.close();
  }

  private void register(String name) {
    pool.register(CountingHandler.function(name).environment(Map.of()).build());
  }

  private int status(String label) throws Exception {
    return urls.handle(label, new EdgeRequest("GET", "/", "", Map.of(), new byte[0])).status();
  }

  @Test
  void aFunctionWithUpperCaseLettersAnswersAtItsLowerCasedLabel() throws Exception {
    register("ProductPage");

    assertEquals(200, status("productpage"));
    assertEquals(
        "http://productpage.lambda-url.localhost:4566",
        FunctionUrlService.url("ProductPage", URI.create("http://127.0.0.1:4566")).toString());
    assertEquals(404, status("otherpage"));
  }

  @Test
  void namesThatDifferOnlyInCaseHaveNoUrl() throws Exception {
    register("Page");
    register("PAGE");

    assertEquals(404, status("page"));
  }
}
