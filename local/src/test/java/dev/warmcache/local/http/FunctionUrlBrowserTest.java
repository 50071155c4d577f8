package dev.warmcache.local.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.console.Browser;
import dev.warmcache.local.measure.Fleet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Headless Chromium reading the twin's function URL with {@code fetch}: it resolves the {@code
 * .localhost} name itself, reads the cache headers a page may read (same origin), gets a 304 for an
 * explicit conditional request, and revalidates its own HTTP cache with the ETag it kept.
 */
class FunctionUrlBrowserTest {

  static Twin twin;
  static Browser browser;

  /** The If-None-Match each function URL request carried, and the status it was answered. */
  static final List<String> revalidations = new CopyOnWriteArrayList<>();

  /** Function URL requests for the item without a validator (the page also asks for a favicon). */
  static final java.util.concurrent.atomic.AtomicInteger plain =
      new java.util.concurrent.atomic.AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    String missing = Browser.missing();
    assumeTrue(missing == null, () -> "Skipping the function URL browser test: " + missing);
    twin = Twin.start(TwinOptions.builder().port(0).seed(false).build());
    twin.lambda()
        .addListener(
            (function, request, result) -> {
              String event = new String(request, StandardCharsets.UTF_8);
              int at = event.indexOf("\"if-none-match\":\"");
              if (function.equals(Twin.READER) && at >= 0) {
                String answer = result.payloadAsString();
                revalidations.add(answer.substring(0, Math.min(answer.length(), 20)));
              } else if (function.equals(Twin.READER)
                  && event.contains("\"rawPath\":\"/items/b1\"")) {
                plain.incrementAndGet();
              }
            });
    long now = System.currentTimeMillis();
    try (Fleet fleet = new Fleet(twin)) {
      fleet.seed(
          Item.builder(ItemId.of("b1"))
              .value("{\"id\":\"b1\",\"v\":12}")
              .contentType("application/json")
              .version(12)
              .fetchedAtMillis(now)
              .expiresAtEpochSeconds(now / 1000 + 3_600)
              .build());
    }
    browser = Browser.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) browser.close();
    if (twin != null) twin.close();
  }

  @Test
  void aPageFetchesAValueReadsItsCacheHeadersAndRevalidatesWithA304() {
    String url = twin.functionUrl(Twin.READER).toString();
    browser.driver.get(url + "/items/b1");

    @SuppressWarnings("unchecked")
    Map<String, Object> seen =
        (Map<String, Object>)
            browser.driver.executeAsyncScript(
                """
                const done = arguments[arguments.length - 1];
                (async () => {
                  const first = await fetch('/items/b1');
                  const body = await first.text();
                  const etag = first.headers.get('ETag');
                  const conditional = await fetch('/items/b1', {
                    cache: 'no-store', headers: { 'If-None-Match': etag } });
                  const revalidated = await fetch('/items/b1', { cache: 'no-cache' });
                  done({
                    status: first.status, body, etag,
                    cacheControl: first.headers.get('Cache-Control'),
                    xCache: first.headers.get('X-Cache'),
                    source: first.headers.get('X-Warmcache-Source'),
                    conditional: conditional.status,
                    revalidatedStatus: revalidated.status,
                    revalidatedBody: await revalidated.text(),
                  });
                })().catch((e) => done({ error: String(e) }));
                """);

    assertEquals(null, seen.get("error"));
    assertEquals(200L, seen.get("status"));
    assertEquals("{\"id\":\"b1\",\"v\":12}", seen.get("body"));
    assertEquals("\"12\"", seen.get("etag"));
    assertTrue(((String) seen.get("cacheControl")).startsWith("public, max-age="));
    assertEquals("Hit from warmcache", seen.get("xCache"));
    // The browser answered this fetch from its own cache: the page load's response, within
    // max-age. Only the page load reached the function without a validator.
    assertEquals("dynamodb", seen.get("source"));
    assertEquals(1, plain.get());
    assertEquals(304L, seen.get("conditional"));
    // The browser's own revalidation: it sent the ETag it kept, got a 304, served its copy.
    assertEquals(200L, seen.get("revalidatedStatus"));
    assertEquals("{\"id\":\"b1\",\"v\":12}", seen.get("revalidatedBody"));
    assertEquals(2, revalidations.size(), revalidations.toString());
    for (String answer : revalidations) {
      assertTrue(answer.startsWith("{\"statusCode\":304"), answer);
    }
    // The only failed load is the favicon the browser asks every site for: a typed 404 here.
    assertEquals(
        List.of(), browser.errors().stream().filter(e -> !e.contains("/favicon.ico")).toList());
  }
}
