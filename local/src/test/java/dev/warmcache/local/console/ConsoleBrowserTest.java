package dev.warmcache.local.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The acceptance test of the watch console: a whole twin on a random loopback port (DynamoDB Local,
 * the real ASL in the Node sidecar, the real handlers in the Lambda pool, the demo origin), and the
 * page in Debian's headless Chromium. Screenshots land in target/screenshots.
 *
 * <p>The page redraws its lists every second, so an element found a moment ago may be gone by the
 * next call. Every look at a redrawn part therefore finds and acts (click, read) in one step inside
 * a wait, and a step that met a redrawn element is simply taken again. Waits are generous and
 * bounded, and only ever wait for something to show up; nothing here measures time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

  /** A workflow with origin retries takes seconds; a loaded 2-core CI box may need many more. */
  static final Duration WORKFLOW = Duration.ofSeconds(90);

  /**
   * DynamoDB Local sweeps expired items about every 10 s, the pipe then polls the stream and starts
   * the workflow: tens of seconds on a loaded box, so well over that, and still bounded.
   */
  static final Duration TTL = Duration.ofSeconds(120);

  static Twin twin;
  static Browser browser;
  static WebDriverWait wait;

  @BeforeAll
  static void start() throws Exception {
    String missing = Browser.missing();
    assumeTrue(missing == null, () -> "Skipping the console browser test: " + missing);
    twin = Twin.start(TwinOptions.builder().port(0).seed(false).build());
    browser = Browser.start();
    wait = waiting(WORKFLOW);
    browser.driver.get(twin.endpoint() + "/console");
    wait.until(
        d -> {
          String live = text(d, By.id("live"));
          return live != null && live.startsWith("live");
        });
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (browser != null) browser.close();
    } finally {
      if (twin != null) twin.close();
    }
  }

  @Test
  @Order(1)
  void forceRefreshRunsTheWorkflowAndTheGraphShowsThePathTaken() throws Exception {
    type(By.id("action-id"), "4");
    browser.driver.findElement(By.id("force-refresh")).click();

    String arn =
        open(wait, "#executions tr[data-trigger='force'][data-id='4'][data-status='SUCCEEDED']");
    detailShows(wait, arn, "SUCCEEDED");

    // The path taken: a ForceRefresh of an absent key fetches, stores, primes and announces.
    List<String> visited =
        wait.until(
            d -> {
              List<String> states =
                  d.findElements(By.cssSelector("#graph g.node.visited")).stream()
                      .map(e -> e.getAttribute("data-state"))
                      .toList();
              return states.isEmpty() ? null : states;
            });
    for (String state :
        List.of(
            "Read the trigger and draw up a lease",
            "Take the refresh lease",
            "Fetch from the origin",
            "Store the new value",
            "Announce the refresh")) {
      assertTrue(visited.contains(state), state + " is highlighted; highlighted: " + visited);
    }
    assertFalse(visited.contains("Leave the fresh value alone"), "a branch not taken stays plain");
    int takenEdges =
        wait.until(d -> d.findElements(By.cssSelector("#graph path.edge.taken")).size());
    assertTrue(
        takenEdges >= visited.size() - 1,
        "the edges between the highlighted states are highlighted too");
    assertTrue(browser.driver.findElements(By.cssSelector("#graph g.node.failed")).isEmpty());

    // The history: every state in order, with its input and output one click away.
    String fetchOutput =
        "#steps li[data-state='Fetch from the origin'] details.json[data-key^='out']";
    click(wait, By.cssSelector(fetchOutput + " > summary"));
    String fetched = wait.until(d -> text(d, By.cssSelector(fetchOutput + " > pre")));
    assertTrue(
        fetched.contains("demo item 4"), "the fetch output holds the origin's value: " + fetched);
    click(wait, By.cssSelector(fetchOutput + " > summary"));

    // The raw event history, collapsed until asked for.
    click(wait, By.cssSelector("#raw-history > summary"));
    wait.until(d -> present(d, "#history tr[data-type='ExecutionSucceeded']"));
    wait.until(d -> present(d, "#history tr[data-type='TaskStateEntered']"));
    click(wait, By.cssSelector("#raw-history > summary"));

    // The item landed, with a version and a countdown.
    String expires =
        wait.until(d -> text(d, By.cssSelector("#items tr[data-id='4'][data-version] td.expires")));
    assertTrue(expires.startsWith("in "), "expiresAt counts down: " + expires);
    browser.screenshot("01-force-refresh-succeeded");
  }

  @Test
  @Order(2)
  void readersShowTheirInstances() throws Exception {
    // A read through the Lambda API starts a reader instance, which the readers panel shows.
    HttpResponse<String> read =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            twin.endpoint() + "/2015-03-31/functions/warmcache-reader/invocations"))
                    .header(
                        "Authorization",
                        "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, "
                            + "SignedHeaders=host, Signature="
                            + "0".repeat(64))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"4\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertEquals(200, read.statusCode(), read.body());
    // The instance that answered holds id 4 in its memory tier; the panel shows the tier's own
    // count.
    String instance =
        wait.until(
            d ->
                text(
                    d,
                    By.cssSelector(
                        "#readers .fn[data-function='warmcache-reader'] .inst[data-memory-entries='1']")));
    assertTrue(instance.contains("cold start"), instance);
    browser.screenshot("02-readers");
  }

  @Test
  @Order(3)
  void expireNowLetsTtlAndThePipeStartARefresh() throws Exception {
    type(By.id("action-id"), "5");
    browser.driver.findElement(By.id("force-refresh")).click();
    wait.until(
        d ->
            present(
                d, "#executions tr[data-trigger='force'][data-id='5'][data-status='SUCCEEDED']"));
    click(wait, By.cssSelector("#items tr[data-id='5'] button[data-action='expire']"));
    // The page's own answer to the click, so the TTL wait below starts from an expired item.
    assertEquals("info", wait.until(d -> toast(d, "Expired 5")));

    String arn = open(waiting(TTL), "#executions tr[data-trigger='expiry'][data-id='5']");
    detailShows(wait, arn, "SUCCEEDED");
    wait.until(d -> present(d, "#graph g.node.visited[data-state='Fetch from the origin']"));
    browser.screenshot("03-ttl-expiry-refresh");
  }

  @Test
  @Order(4)
  void expireNowOnAnIdWithNoItemSaysSoInPlainWords() throws Exception {
    type(By.id("action-id"), "no-such-item");
    browser.driver.findElement(By.id("expire-now")).click();
    // Said by the page, not the server: a request it knows must fail would log a console error.
    assertEquals("error", wait.until(d -> toast(d, "No item with id no-such-item")));
    String said = browser.driver.findElement(By.id("toast")).getDomProperty("textContent");
    assertTrue(said.contains("nothing to expire"), said);
    browser.screenshot("04-expire-missing-item");
  }

  @Test
  @Order(5)
  void aFailingOriginShowsTheFailedStateAndItsCause() throws Exception {
    type(By.id("origin-failure"), "100");
    browser.driver.findElement(By.id("origin-apply")).click();
    wait.until(d -> twin.origin().control().failureRate() == 1.0);
    try {
      type(By.id("action-id"), "6");
      browser.driver.findElement(By.id("force-refresh")).click();
      String arn =
          open(wait, "#executions tr[data-trigger='force'][data-id='6'][data-status='FAILED']");
      detailShows(wait, arn, "FAILED");
      String failed =
          wait.until(
              d ->
                  d.findElement(By.cssSelector("#graph g.node.failed")).getAttribute("data-state"));
      assertEquals("Refresh failed", failed);
      assertTrue(
          present(browser.driver, "#graph g.node.caught[data-state='Fetch from the origin']"),
          "the state whose error was caught is marked");
      String cause = wait.until(d -> text(d, By.id("detail-failure")));
      assertTrue(
          cause.contains("OriginUnavailable") || cause.contains("503"),
          "the failure's cause is shown: " + cause);
      browser.screenshot("05-failed-refresh");
    } finally {
      type(By.id("origin-failure"), "0");
      browser.driver.findElement(By.id("origin-apply")).click();
      wait.until(d -> twin.origin().control().failureRate() == 0.0);
    }
  }

  @Test
  @Order(6)
  void theBrowserConsoleHasNoErrors() throws Exception {
    browser.screenshot("06-overview");
    assertEquals(List.of(), browser.errors());
  }

  /** A wait that polls often and looks again when the page redrew what it was looking at. */
  private static WebDriverWait waiting(Duration atMost) {
    WebDriverWait w = new WebDriverWait(browser.driver, atMost, Duration.ofMillis(250));
    w.ignoring(StaleElementReferenceException.class);
    return w;
  }

  /** The text of what {@code locator} finds, or null (keep waiting) while it is absent or empty. */
  private static String text(WebDriver d, By locator) {
    List<WebElement> found = d.findElements(locator);
    if (found.isEmpty()) return null;
    String shown = found.get(0).getText();
    return shown.isEmpty() ? null : shown;
  }

  /**
   * The kind (info, error) of the last toast once its text starts with {@code start}. Read from the
   * DOM, not the screen: the toast fades after a few seconds, which a loaded machine may miss.
   */
  private static String toast(WebDriver d, String start) {
    WebElement toast = d.findElement(By.id("toast"));
    String said = toast.getDomProperty("textContent");
    return said != null && said.startsWith(start) ? toast.getAttribute("data-kind") : null;
  }

  private static boolean present(WebDriver d, String css) {
    return !d.findElements(By.cssSelector(css)).isEmpty();
  }

  /** Fields are static in the page (never redrawn), so a plain find is safe. */
  private static void type(By field, String value) {
    WebElement input = browser.driver.findElement(field);
    input.clear();
    input.sendKeys(value);
  }

  /**
   * Clicks what {@code locator} finds once it is there, find and click in one step: a row redrawn
   * in between, or the toast briefly covering it, means the step is taken again.
   */
  private static void click(WebDriverWait wait, By locator) {
    act(
        wait,
        locator,
        e -> {
          e.click();
          return true;
        });
  }

  /** Clicks the execution row {@code css} finds and answers its ARN, read from the same element. */
  private static String open(WebDriverWait wait, String css) {
    return act(
        wait,
        By.cssSelector(css),
        row -> {
          String arn = row.getAttribute("data-arn");
          row.click();
          return arn;
        });
  }

  private static <T> T act(WebDriverWait wait, By locator, Function<WebElement, T> action) {
    return wait.until(
        d -> {
          try {
            return action.apply(d.findElement(locator));
          } catch (StaleElementReferenceException
              | NoSuchElementException
              | ElementNotInteractableException notYet) {
            // ElementNotInteractableException includes ElementClickInterceptedException: the toast
            // on top.
            return null;
          }
        });
  }

  /**
   * Waits until the detail panel shows execution {@code arn} with {@code status}; the panel keeps
   * the previous execution's attributes until the new one has loaded, so the ARN must match too.
   */
  private static void detailShows(WebDriverWait wait, String arn, String status) {
    wait.until(
        d -> {
          WebElement detail = d.findElement(By.id("detail"));
          return arn.equals(detail.getAttribute("data-arn"))
              && status.equals(detail.getAttribute("data-status"));
        });
  }
}
