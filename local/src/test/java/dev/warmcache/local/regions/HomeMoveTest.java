package dev.warmcache.local.regions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.cli.AwsCli;
import dev.warmcache.local.origin.DemoOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Moving the refresh home, as docs/regions.md describes it: a redeploy with the regions reordered.
 * One twin runs with {@code us-east-1} as its home; it is stopped, and a second one opens the same
 * data with {@code eu-west-1} first. The old home's last lease, taken by a refresh the move cut
 * short, lapses at its deadline; refreshes then run in the new home and replicate back; and no
 * replica ever shows a version below one it showed before, sampled throughout with the SDK in each
 * region. Triggers go in with the real CLI and {@code --region}.
 */
class HomeMoveTest {

  static final String OLD_HOME = Twin.REGION;
  static final String NEW_HOME = "eu-west-1";
  static final int LEASE_SECONDS = 30;

  /** Every version each replica showed, in order, across both twins. */
  private final Map<String, List<Long>> seen = new ConcurrentHashMap<>();

  @Test
  void versionsNeverGoBackwardsAcrossAMoveOfTheHome() throws Exception {
    AwsCli.assumeInstalled();
    Path data = Files.createTempDirectory("warmcache-home-move");
    long settled;
    long cutAt;
    String oldLease;

    try (Twin old = start(data, List.of(OLD_HOME, NEW_HOME));
        Sampler sampler = new Sampler(old)) {
      AwsCli cli = new AwsCli(old.endpoint());
      cli.forceRefresh(OLD_HOME, "7");
      long v1 = awaitVersionAbove(old, OLD_HOME, "7", 0);
      cli.forceRefresh(NEW_HOME, "7"); // forwarded to the home's bus
      settled = awaitVersionAbove(old, OLD_HOME, "7", v1);
      awaitVersion(old, NEW_HOME, "7", settled);

      // A refresh the move cuts short: its lease is taken and replicated, its fetch never ends.
      old.origin().control(new DemoOrigin.Control(30_000, 0, false, Map.of()));
      cli.forceRefresh(OLD_HOME, "7");
      oldLease = awaitLease(old, NEW_HOME, "7");
      cutAt = System.currentTimeMillis();
      assertTrue(oldLease.startsWith("arn:aws:states:" + OLD_HOME + ":"), oldLease);
      // The drain: nothing of the old home's left in flight but that refresh, which never writes.
      awaitReplicationDrained(old);
    }

    try (Twin moved = start(data, List.of(NEW_HOME, OLD_HOME));
        Sampler sampler = new Sampler(moved)) {
      assertEquals(NEW_HOME, moved.homeRegion());
      assertTrue(
          moved.stateMachine().stateMachineArn().startsWith("arn:aws:states:" + NEW_HOME + ":"));
      AwsCli cli = new AwsCli(moved.endpoint());
      for (String region : List.of(NEW_HOME, OLD_HOME)) {
        assertEquals(settled, version(moved, region, "7"), region + " opened the moved data");
      }

      // While the old home's lease lasts, the new home's refresh leaves the key alone.
      assertTrue(
          System.currentTimeMillis() < cutAt + (LEASE_SECONDS - 5) * 1000L,
          "the moved twin took most of the lease to start");
      cli.forceRefresh(NEW_HOME, "7");
      JsonNode run = awaitExecutions(cli, 1).get(0);
      assertEquals("SUCCEEDED", run.path("status").asText());
      assertEquals(settled, version(moved, NEW_HOME, "7"), "the lease held");
      assertEquals(oldLease, item(moved, NEW_HOME, "7").get("leaseOwner").s());

      // Once it lapses, the new home refreshes; the version continues from the replica.
      Thread.sleep(Math.max(0, cutAt + LEASE_SECONDS * 1000L + 1000 - System.currentTimeMillis()));
      cli.forceRefresh(NEW_HOME, "7");
      long v3 = awaitVersionAbove(moved, NEW_HOME, "7", settled);
      assertEquals(settled + 1, v3, "the next version continues from the stored one");
      awaitVersion(moved, OLD_HOME, "7", v3);

      // The old home is a reader region now: its bus forwards to the new home.
      cli.forceRefresh(OLD_HOME, "7");
      long v4 = awaitVersionAbove(moved, NEW_HOME, "7", v3);
      awaitVersion(moved, OLD_HOME, "7", v4);
      // The console opens on the new home: its items come from that replica, and the old home's
      // loss does not touch them.
      moved.setReachable(OLD_HOME, false);
      JsonNode console =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(moved.endpoint().resolve("/console/api/snapshot").toURL());
      moved.setReachable(OLD_HOME, true);
      assertEquals(NEW_HOME, console.path("homeRegion").asText());
      assertTrue(
          console.path("errors").path("items").isMissingNode(), console.path("errors").toString());
      assertTrue(
          console.path("items").toString().contains("\"version\":" + v4), console.toString());
      assertTrue(console.path("regions").path(0).path("errors").has("items"), "the old home, lost");
      assertTrue(
          cli.run("--region", NEW_HOME, "stepfunctions", "list-state-machines")
              .ok()
              .toString()
              .contains("arn:aws:states:" + NEW_HOME + ":"));
    }

    seen.forEach(
        (region, versions) -> {
          for (int i = 1; i < versions.size(); i++) {
            assertTrue(
                versions.get(i) >= versions.get(i - 1),
                region
                    + " went back from "
                    + versions.get(i - 1)
                    + " to "
                    + versions.get(i)
                    + ": "
                    + versions);
          }
        });
    assertTrue(seen.get(OLD_HOME).size() > 10 && seen.get(NEW_HOME).size() > 10, seen::toString);
  }

  private static Twin start(Path data, List<String> regions) throws Exception {
    return Twin.start(
        TwinOptions.builder()
            .port(0)
            .seed(false)
            .dataDir(data)
            .regions(regions)
            .ttlRegion(OLD_HOME)
            .replicationDelay(Duration.ofMillis(300))
            .settings(Map.of("LEASE_SECONDS", Integer.toString(LEASE_SECONDS), "PRIME_FANOUT", "0"))
            .build());
  }

  /** The new home's executions, once {@code count} of them have finished. */
  private static List<JsonNode> awaitExecutions(AwsCli cli, int count) throws Exception {
    String machine = "arn:aws:states:" + NEW_HOME + ":000000000000:stateMachine:warmcache-refresh";
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      List<JsonNode> done = new ArrayList<>();
      cli.run(
              "--region",
              NEW_HOME,
              "stepfunctions",
              "list-executions",
              "--state-machine-arn",
              machine)
          .ok()
          .path("executions")
          .forEach(
              e -> {
                if (!e.path("status").asText().equals("RUNNING")) {
                  done.add(e);
                }
              });
      if (done.size() >= count) {
        return done;
      }
      assertTrue(System.currentTimeMillis() < deadline, "executions never finished");
      Thread.sleep(200);
    }
  }

  private static DynamoDbClient table(Twin twin, String region) {
    return DynamoDbClient.builder()
        .endpointOverride(twin.endpoint())
        .region(Region.of(region))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }

  private static Map<String, AttributeValue> item(Twin twin, String region, String id) {
    try (DynamoDbClient client = table(twin, region)) {
      return client
          .getItem(
              b ->
                  b.tableName(Twin.TABLE)
                      .key(Map.of("id", AttributeValue.fromS(id)))
                      .consistentRead(true))
          .item();
    }
  }

  private static long version(Twin twin, String region, String id) {
    Map<String, AttributeValue> item = item(twin, region, id);
    return item.containsKey("version") ? Long.parseLong(item.get("version").n()) : -1;
  }

  private static long awaitVersionAbove(Twin twin, String region, String id, long above)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    long v;
    while ((v = version(twin, region, id)) <= above) {
      assertTrue(System.currentTimeMillis() < deadline, region + ": " + id + " stayed at " + v);
      Thread.sleep(100);
    }
    return v;
  }

  private static void awaitVersion(Twin twin, String region, String id, long version)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (version(twin, region, id) != version) {
      assertTrue(System.currentTimeMillis() < deadline, region + " never showed " + version);
      Thread.sleep(50);
    }
  }

  private static String awaitLease(Twin twin, String region, String id)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (true) {
      AttributeValue owner = item(twin, region, id).get("leaseOwner");
      if (owner != null) {
        return owner.s();
      }
      assertTrue(System.currentTimeMillis() < deadline, "the lease never replicated");
      Thread.sleep(50);
    }
  }

  private static void awaitReplicationDrained(Twin twin) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (twin.replicationStats().orElseThrow().pending() > 0) {
      assertTrue(System.currentTimeMillis() < deadline, "replication never drained");
      Thread.sleep(50);
    }
    Thread.sleep(1_000); // the streams' last records polled, and found to be echoes
  }

  /** Reads key 7's version in both regions every 50 ms, through the edge, as the SDK does. */
  private final class Sampler implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Sampler(Twin twin) {
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  for (String region : List.of(OLD_HOME, NEW_HOME)) {
                    long v = version(twin, region, "7");
                    if (v >= 0) {
                      seen.computeIfAbsent(
                              region, r -> new java.util.concurrent.CopyOnWriteArrayList<>())
                          .add(v);
                    }
                  }
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "home-move-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(5_000);
    }
  }
}
