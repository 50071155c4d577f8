package dev.warmcache.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwinOptionsTest {

  @Test
  void defaultsAndOverrides() {
    TwinOptions defaults = TwinOptions.parse(new String[0], Map.of());
    assertEquals(4566, defaults.port());
    assertEquals(null, defaults.dataDir());
    assertTrue(Files.isRegularFile(defaults.projectDir().resolve("statemachine/refresh.asl.json")));
    assertTrue(defaults.seed());

    TwinOptions set =
        TwinOptions.parse(
            new String[] {"--port", "0", "--data-dir", "x", "--no-seed"},
            Map.of("TWIN_PORT", "5000", "TTL_SECONDS", "30", "HOME", "/root"));
    assertEquals(0, set.port(), "the option wins over the environment");
    assertEquals(Path.of("x"), set.dataDir());
    assertFalse(set.seed());
    assertEquals(
        Map.of("TTL_SECONDS", "30"), set.settings(), "only known settings reach the functions");
  }

  @Test
  void badCommandLinesAreExplained() {
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> TwinOptions.parse(new String[] {"--port", "http"}, Map.of()))
            .getMessage()
            .contains("must be a number"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> TwinOptions.parse(new String[] {"--port", "70000"}, Map.of()))
            .getMessage()
            .contains("between 0 and 65535"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> TwinOptions.parse(new String[] {"--data-dir"}, Map.of()))
            .getMessage()
            .contains("needs a value"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> TwinOptions.parse(new String[] {"--frobnicate"}, Map.of()))
            .getMessage()
            .contains("usage: twin"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> TwinOptions.findProjectDir(Path.of("/")))
            .getMessage()
            .contains("--project-dir"));
  }

  /** {@code --function NAME=JAR:HANDLER}, repeatable; the handler's own {@code ::} is kept. */
  @Test
  void userFunctionsAreParsedAndCheckedAtOnce() throws Exception {
    Path jar = Files.createTempFile("user", ".jar");
    try {
      TwinOptions options =
          TwinOptions.parse(
              new String[] {
                "--function", "product-page=" + jar + ":example.Page::handleRequest",
                "--function", "other=" + jar + ":example.Other"
              },
              Map.of());
      assertEquals(2, options.functions().size());
      UserFunction page = options.functions().get(0);
      assertEquals("product-page", page.name());
      assertEquals(jar, page.jar());
      assertEquals("example.Page::handleRequest", page.poolHandler());
      assertEquals("example.Other::handleRequest", options.functions().get(1).poolHandler());

      for (String[] bad :
          new String[][] {
            {"no-jar", "--function takes NAME=JAR:HANDLER"},
            {"=" + jar + ":example.Page", "--function takes NAME=JAR:HANDLER"},
            {"bad name!=" + jar + ":example.Page", "the name must be"},
            {"page=" + jar + ":not a class", "the handler must be"},
            {"page=/nowhere/x.jar:example.Page", "no jar at"}
          }) {
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> TwinOptions.parse(new String[] {"--function", bad[0]}, Map.of()),
                bad[0]);
        assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
      }
    } finally {
      Files.deleteIfExists(jar);
    }
  }

  @org.junit.jupiter.api.Test
  void regionsReplicationTtlAndFailedRegionsAreParsedAndChecked() {
    TwinOptions o =
        TwinOptions.parse(
            new String[] {
              "--regions", "us-east-1,eu-west-1", "--replication-delay-ms", "200",
              "--ttl-region", "eu-west-1", "--fail-region", "eu-west-1"
            },
            java.util.Map.of());

    org.junit.jupiter.api.Assertions.assertEquals(
        java.util.List.of("us-east-1", "eu-west-1"), o.regions());
    org.junit.jupiter.api.Assertions.assertEquals(200, o.replicationDelay().toMillis());
    org.junit.jupiter.api.Assertions.assertEquals("eu-west-1", o.ttlRegion());
    org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of("eu-west-1"), o.failRegions());
    org.junit.jupiter.api.Assertions.assertEquals(
        java.util.List.of("us-east-1"),
        TwinOptions.parse(new String[0], java.util.Map.of()).regions());
    TwinOptions moved =
        TwinOptions.parse(new String[] {"--regions", "eu-west-1,us-east-1"}, java.util.Map.of());
    org.junit.jupiter.api.Assertions.assertEquals(
        "eu-west-1", moved.ttlRegion(), "the home, listed first, deletes by default");
    for (String[] bad :
        java.util.List.of(
            new String[] {"--regions", "eu-west-1,eu-west-1"},
            new String[] {"--regions", "us-east-1,nowhere"},
            new String[] {"--regions", "us-east-1,eu-west-1", "--fail-region", "ap-south-1"},
            new String[] {"--ttl-region", "eu-west-1"},
            new String[] {"--replication-delay-ms", "soon"})) {
      org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class,
          () -> TwinOptions.parse(bad, java.util.Map.of()),
          String.join(" ", bad));
    }
  }
}
