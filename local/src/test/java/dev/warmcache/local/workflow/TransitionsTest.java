package dev.warmcache.local.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.local.stepfunctions.engine.Execution;
import dev.warmcache.local.stepfunctions.engine.HistoryEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The state transitions of each outcome, counted from the histories of real executions of
 * statemachine/refresh.asl.json, rendered as docs/transitions.md's table: change the ASL and this
 * test prints the new table, so the docs cannot drift from what runs.
 */
class TransitionsTest {

  private static final Path DOC =
      Path.of(System.getProperty("warmcache.asl.file", "../statemachine/refresh.asl.json"))
          .getParent()
          .resolveSibling("docs")
          .resolve("transitions.md");
  private static final String BEGIN = "<!-- transitions table: rendered by TransitionsTest -->";
  private static final String END = "<!-- end of transitions table -->";

  static WorkflowHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = new WorkflowHarness();
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  private record Outcome(String name, Execution execution) {}

  private static Item item(String id, long version, long expiresAt, String etag) {
    return Item.builder(ItemId.of(id))
        .value("{\"v\":" + version + "}")
        .contentType("application/json")
        .version(version)
        .fetchedAtMillis(System.currentTimeMillis() - 60_000)
        .expiresAtEpochSeconds(expiresAt)
        .etag(etag)
        .build();
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }

  @Test
  void theDocumentedTransitionsAreWhatTheAslRuns() throws Exception {
    Map<String, Outcome> outcomes = new LinkedHashMap<>();

    h.reset();
    h.configureRefresh(Map.of("PRIME_FANOUT", "4"));
    h.seed(item("t-refreshed", 1, now() + 600, null));
    h.origin.reset(ScriptedOrigin.json("{\"fresh\":true}"));
    put(
        outcomes,
        "refreshed, 4 primes (ForceRefresh)",
        WorkflowHarness.sample("force-refresh.json", "t-refreshed"));

    h.reset();
    h.seed(item("t-304", 1, now() + 600, "\"e\""));
    h.origin.reset(ScriptedOrigin.respond(304, null, null, Map.of()));
    put(
        outcomes,
        "renewed on 304 (ForceRefresh)",
        WorkflowHarness.sample("force-refresh.json", "t-304"));

    h.reset();
    h.origin.reset(ScriptedOrigin.respond(404, "text/plain", "gone", Map.of()));
    put(
        outcomes,
        "negative entry, 4 primes (CacheMiss of an absent key)",
        WorkflowHarness.sample("cache-miss.json", "t-404"));

    h.reset();
    h.seed(item("t-held", 1, now() + 600, null));
    h.holdLease("t-held", "arn:someone", System.currentTimeMillis() + 60_000);
    put(
        outcomes,
        "already refreshing (ForceRefresh)",
        WorkflowHarness.sample("force-refresh.json", "t-held"));

    h.reset();
    h.seed(item("t-fresh", 1, now() + 600, null));
    put(
        outcomes,
        "skipped as fresh (CacheMiss)",
        WorkflowHarness.sample("cache-miss.json", "t-fresh"));

    h.reset();
    put(
        outcomes,
        "retired (TTL expiry of an idle key)",
        WorkflowHarness.sample("ttl-expiry.json", "t-idle")
            .replace("\"idleRefreshes\": { \"N\": \"1\" }", "\"idleRefreshes\": { \"N\": \"2\" }"));

    h.reset();
    h.seed(item("t-fails", 1, now() + 30, null));
    h.origin.reset(ScriptedOrigin.respond(500, "text/plain", "down", Map.of()));
    put(
        outcomes,
        "failed, old value kept (ForceRefresh, origin 500)",
        WorkflowHarness.sample("force-refresh.json", "t-fails"));

    String table = render(outcomes);
    String doc = Files.readString(DOC);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertTrue(begin >= 0 && end > begin, "docs/transitions.md needs its table markers");
    assertEquals(
        table,
        doc.substring(begin + BEGIN.length(), end).strip() + "\n",
        "docs/transitions.md differs from the transitions the ASL runs; the measured table is:\n"
            + table);
  }

  private static void put(Map<String, Outcome> outcomes, String name, String input)
      throws Exception {
    outcomes.put(name, new Outcome(name, h.run(input)));
  }

  private static String render(Map<String, Outcome> outcomes) {
    StringBuilder t = new StringBuilder();
    t.append(
        "| outcome | states entered | task retries | path (Map iterations counted once each) |\n");
    t.append("|---|---|---|---|\n");
    for (Outcome o : outcomes.values()) {
      List<HistoryEvent> history = h.engine.history(o.execution().executionArn());
      List<String> states = h.statesEntered(o.execution());
      long scheduled = history.stream().filter(e -> e.type().equals("TaskScheduled")).count();
      long taskStates = history.stream().filter(e -> e.type().equals("TaskStateEntered")).count();
      t.append("| ")
          .append(o.name())
          .append(" | ")
          .append(states.size())
          .append(" | ")
          .append(scheduled - taskStates)
          .append(" | ")
          .append(String.join(" → ", compact(states)))
          .append(" |\n");
    }
    return t.toString();
  }

  /** Repeated Map iterations shown once with their count. */
  private static List<String> compact(List<String> states) {
    List<String> out = new java.util.ArrayList<>();
    int i = 0;
    while (i < states.size()) {
      int j = i;
      while (j + 1 < states.size() && states.get(j + 1).equals(states.get(i))) {
        j++;
      }
      out.add(j > i ? states.get(i) + " ×" + (j - i + 1) : states.get(i));
      i = j + 1;
    }
    return out;
  }
}
