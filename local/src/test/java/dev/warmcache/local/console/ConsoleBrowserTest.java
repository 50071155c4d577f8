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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The acceptance test of the watch console: a whole twin on a random loopback port (DynamoDB Local,
 * the real ASL in the Node sidecar, the real handlers in the Lambda pool, the demo origin), and the
 * page in Debian's headless Chromium. Screenshots land in target/screenshots.
 *
 * <p>Waits are generous and only ever wait for something to show up; nothing here measures time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

  /** The workflow retries and TTL sweeps take seconds; a busy 2-core CI box may need many. */
  static final Duration WORKFLOW = Duration.ofSeconds(90);
  /** DynamoDB Local sweeps expired items every few seconds; the pipe then polls the stream. */
  static final Duration TTL = Duration.ofSeconds(150);

  static Twin twin;
  static Browser browser;
  static WebDriverWait wait;

  @BeforeAll
  static void start() throws Exception {
    String missing = Browser.missing();
    assumeTrue(missing == null, () -> "Skipping the console browser test: " + missing);
    twin = Twin.start(TwinOptions.builder().port(0).seed(false).build());
    browser = Browser.start();
    wait = new WebDriverWait(browser.driver, WORKFLOW, Duration.ofMillis(200));
    browser.driver.get(twin.endpoint() + "/console");
    wait.until(ExpectedConditions.textMatches(By.id("live"), java.util.regex.Pattern.compile("^live")));
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
    WebElement id = browser.driver.findElement(By.id("action-id"));
    id.clear();
    id.sendKeys("4");
    browser.driver.findElement(By.id("force-refresh")).click();

    click(wait, By.cssSelector("#executions tr[data-trigger='force'][data-id='4'][data-status='SUCCEEDED']"));
    wait.until(ExpectedConditions.attributeToBe(By.id("detail"), "data-status", "SUCCEEDED"));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#graph g.node.visited")));

    // The path taken: a ForceRefresh of an absent key fetches, stores, primes and announces.
    List<String> visited = browser.driver.findElements(By.cssSelector("#graph g.node.visited")).stream()
        .map(e -> e.getAttribute("data-state")).toList();
    for (String state : List.of("Identify the trigger", "Read the forced key", "Take the refresh lease",
        "Fetch from the origin", "Store the new value", "Announce the refresh")) {
      assertTrue(visited.contains(state), state + " is highlighted; highlighted: " + visited);
    }
    assertFalse(visited.contains("Read the expired key"), "a branch not taken stays plain");
    assertTrue(browser.driver.findElements(By.cssSelector("#graph path.edge.taken")).size() >= visited.size() - 1,
        "the edges between the highlighted states are highlighted too");
    assertTrue(browser.driver.findElements(By.cssSelector("#graph g.node.failed")).isEmpty());

    // The history: every state in order, with its input and output one click away.
    WebElement fetch = browser.driver.findElement(By.cssSelector("#steps li[data-state='Fetch from the origin']"));
    WebElement output = fetch.findElement(By.cssSelector("details.json[data-key^='out'] > summary"));
    output.click();
    String fetched = fetch.findElement(By.cssSelector("details.json[data-key^='out'] pre")).getText();
    assertTrue(fetched.contains("demo item 4"), "the fetch output holds the origin's value: " + fetched);
    output.click();

    // The raw event history, collapsed until asked for.
    WebElement history = browser.driver.findElement(By.cssSelector("#raw-history > summary"));
    history.click();
    assertFalse(browser.driver.findElements(By.cssSelector("#history tr[data-type='ExecutionSucceeded']")).isEmpty());
    assertFalse(browser.driver.findElements(By.cssSelector("#history tr[data-type='TaskStateEntered']")).isEmpty());
    history.click();

    // The item landed, with a version and a countdown.
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#items tr[data-id='4'][data-version='1']")));
    String expires = wait.until(d -> {
      try {
        return d.findElement(By.cssSelector("#items tr[data-id='4'] td.expires")).getText();
      } catch (StaleElementReferenceException rerendered) {
        return null;
      }
    });
    assertTrue(expires.startsWith("in "), "expiresAt counts down: " + expires);
    browser.screenshot("01-force-refresh-succeeded");
  }

  @Test
  @Order(2)
  void readersShowTheirInstances() throws Exception {
    // A read through the Lambda API starts a reader instance, which the readers panel shows.
    HttpResponse<String> read = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(twin.endpoint() + "/2015-03-31/functions/warmcache-reader/invocations"))
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, "
            + "SignedHeaders=host, Signature=" + "0".repeat(64))
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"4\"}")).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertEquals(200, read.statusCode(), read.body());
    // The instance that answered holds id 4 in its memory tier; the panel shows the tier's own count.
    WebElement instance = wait.until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("#readers .fn[data-function='warmcache-reader'] .inst[data-memory-entries='1']")));
    assertTrue(instance.getText().contains("cold start"), instance.getText());
    browser.screenshot("02-readers");
  }

  @Test
  @Order(3)
  void expireNowLetsTtlAndThePipeStartARefresh() throws Exception {
    WebElement id = browser.driver.findElement(By.id("action-id"));
    id.clear();
    id.sendKeys("5");
    browser.driver.findElement(By.id("force-refresh")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("#executions tr[data-trigger='force'][data-id='5'][data-status='SUCCEEDED']")));
    click(wait, By.cssSelector("#items tr[data-id='5'] button[data-action='expire']"));

    WebDriverWait ttl = new WebDriverWait(browser.driver, TTL, Duration.ofMillis(500));
    click(ttl, By.cssSelector("#executions tr[data-trigger='ttl'][data-id='5']"));
    wait.until(ExpectedConditions.attributeToBe(By.id("detail"), "data-status", "SUCCEEDED"));
    wait.until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("#graph g.node.visited[data-state='Read the expired key']")));
    browser.screenshot("03-ttl-expiry-refresh");
  }

  @Test
  @Order(4)
  void aFailingOriginShowsTheFailedStateAndItsCause() throws Exception {
    WebElement failure = browser.driver.findElement(By.id("origin-failure"));
    failure.clear();
    failure.sendKeys("100");
    browser.driver.findElement(By.id("origin-apply")).click();
    wait.until(d -> twin.origin().control().failureRate() == 1.0);
    try {
      WebElement id = browser.driver.findElement(By.id("action-id"));
      id.clear();
      id.sendKeys("6");
      browser.driver.findElement(By.id("force-refresh")).click();
      click(wait, By.cssSelector("#executions tr[data-trigger='force'][data-id='6'][data-status='FAILED']"));
      wait.until(ExpectedConditions.attributeToBe(By.id("detail"), "data-status", "FAILED"));
      WebElement failed = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#graph g.node.failed")));
      assertEquals("Refresh failed", failed.getAttribute("data-state"));
      assertFalse(browser.driver.findElements(
          By.cssSelector("#graph g.node.caught[data-state='Fetch from the origin']")).isEmpty(),
          "the state whose error was caught is marked");
      String cause = browser.driver.findElement(By.id("detail-failure")).getText();
      assertTrue(cause.contains("OriginUnavailable") || cause.contains("503"), "the failure's cause is shown: " + cause);
      browser.screenshot("04-failed-refresh");
    } finally {
      failure.clear();
      failure.sendKeys("0");
      browser.driver.findElement(By.id("origin-apply")).click();
      wait.until(d -> twin.origin().control().failureRate() == 0.0);
    }
  }

  @Test
  @Order(5)
  void theBrowserConsoleHasNoErrors() throws Exception {
    browser.screenshot("05-overview");
    assertEquals(List.of(), browser.errors());
  }

  /**
   * Clicks what {@code locator} finds once it is there. The page re-renders its lists every second,
   * so an element found a moment ago may be gone; a stale one is looked up again.
   */
  private static void click(WebDriverWait wait, By locator) {
    wait.until(d -> {
      try {
        d.findElement(locator).click();
        return true;
      } catch (StaleElementReferenceException | org.openqa.selenium.NoSuchElementException notYet) {
        return false;
      }
    });
  }
}
