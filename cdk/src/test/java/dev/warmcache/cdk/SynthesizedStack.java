package dev.warmcache.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * The one synth every stack test shares: jsii start-up and a synth with cdk-nag and CloudFormation
 * validation cost tens of seconds, so the suite pays it once. It synthesizes the app exactly as
 * `cdk synth` does: cdk.json's context, the repository's ASL, patterns and Lambda jars, cdk-nag as
 * an aspect, and the default template validation (the context turns its findings into errors).
 */
final class SynthesizedStack {

  static final ObjectMapper JSON = new ObjectMapper();

  private static SynthesizedStack instance;

  final ProjectFiles files;
  final JsonNode cdkContext;
  final App app;
  final WarmcacheStack stack;
  final Template template;

  /** The template as a JSON tree, for exact comparisons with the repository's files. */
  final JsonNode json;

  final Path outdir;

  private SynthesizedStack() {
    this(Map.of());
  }

  /**
   * A synth of its own, with {@code overrides} on top of cdk.json's context (not shared, not
   * cached).
   */
  static SynthesizedStack with(Map<String, Object> overrides) {
    return new SynthesizedStack(overrides);
  }

  private SynthesizedStack(Map<String, Object> overrides) {
    files = ProjectFiles.locate();
    cdkContext = files.json("cdk.json").path("context");
    try {
      outdir = Files.createTempDirectory("warmcache-cdk-test");
      // The cloud assembly holds copies of both Lambda jars (tens of MB): never leave it behind.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(outdir)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> context = new java.util.HashMap<>(JSON.convertValue(cdkContext, Map.class));
    context.putAll(overrides);
    app = App.Builder.create().context(context).outdir(outdir.toString()).build();
    stack = WarmcacheApp.build(app, files);
    app.synth();
    template = Template.fromStack(stack);
    json = JSON.valueToTree(template.toJSON());
  }

  private static void deleteTree(Path root) {
    try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort at shutdown: the directory is under the system temp dir anyway.
    }
  }

  static synchronized SynthesizedStack get() {
    if (instance == null) {
      instance = new SynthesizedStack();
    }
    return instance;
  }

  /** Resources of one CloudFormation type, by logical id. */
  Map<String, JsonNode> resources(String type) {
    Map<String, JsonNode> found = new java.util.TreeMap<>();
    json.path("Resources")
        .fields()
        .forEachRemaining(
            e -> {
              if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
              }
            });
    return found;
  }

  /** The single resource of a type whose property {@code name} equals {@code value}. */
  Map.Entry<String, JsonNode> resourceNamed(String type, String property, String value) {
    return resources(type).entrySet().stream()
        .filter(e -> value.equals(e.getValue().path("Properties").path(property).asText()))
        .reduce(
            (a, b) -> {
              throw new AssertionError("two " + type + " with " + property + " = " + value);
            })
        .orElseThrow(() -> new AssertionError("no " + type + " with " + property + " = " + value));
  }
}
