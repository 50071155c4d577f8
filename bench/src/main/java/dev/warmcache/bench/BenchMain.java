package dev.warmcache.bench;

import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemStore;
import dev.warmcache.testing.DynamoDbLocalFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link ReaderBenchmarks} and writes ns/op and the two ratios to a file (first argument,
 * default bench/target/results.txt; an optional second argument is a regex selecting benchmarks). Started by {@code mvn -B -o -pl bench -am -Pbench -DskipTests verify}.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws IOException, RunnerException {
        Path file = Path.of(args.length > 0 ? args[0] : "bench/target/results.txt");
        try (DynamoDbLocalFixture dynamoDb = DynamoDbLocalFixture.startNow()) {
            long now = System.currentTimeMillis();
            new ItemStore(dynamoDb.client(), DynamoDbLocalFixture.TABLE).put(Item.builder(ItemId.of(ReaderBenchmarks.KEY))
                    .value("{\"id\":15,\"name\":\"widget\",\"price\":{\"amount\":1999,\"currency\":\"EUR\"},"
                            + "\"tags\":[\"blue\",\"small\",\"metal\"],\"stock\":42}")
                    .contentType("application/json").version(1).fetchedAt(now).expiresAt(now / 1000 + 86_400)
                    .build());

            Options options = new OptionsBuilder()
                    .include(ReaderBenchmarks.class.getName() + "\\." + (args.length > 1 ? args[1] : ""))
                    .forks(1)
                    .warmupIterations(3).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(2))
                    .jvmArgsAppend("-D" + ReaderBenchmarks.ENDPOINT_PROPERTY + "=" + dynamoDb.endpoint(), "-Xmx1g")
                    .build();
            Collection<RunResult> results = new Runner(options).run();

            Map<String, double[]> scores = new LinkedHashMap<>();
            for (RunResult r : results) {
                String name = r.getParams().getBenchmark();
                name = name.substring(name.lastIndexOf('.') + 1);
                scores.put(name, new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
            }
            String report = report(scores);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, report, StandardCharsets.UTF_8);
            System.out.println();
            System.out.println(report);
            System.out.println("written to " + file.toAbsolutePath());
        }
        // DynamoDB Local leaves non-daemon threads behind; the results are written, so end here.
        System.exit(0);
    }

    private static String report(Map<String, double[]> s) {
        StringBuilder b = new StringBuilder();
        b.append("warmcache reader benchmarks, ").append(Instant.now()).append('\n');
        b.append("JVM ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs; JMH average time, 1 fork,")
                .append(" 3x2 s warm-up, 5x2 s measured; DynamoDB Local 2.6.1 on loopback in the host JVM\n\n");
        b.append(String.format(Locale.ROOT, "%-40s %14s %12s%n", "benchmark", "ns/op", "+/- (99.9%)"));
        s.forEach((name, v) -> b.append(String.format(Locale.ROOT, "%-40s %14.1f %12.1f%n", name, v[0], v[1])));
        b.append('\n');
        ratio(b, s, "memoryHitThroughHandler", "caffeineGetIfPresent",
                "memory hit, full handler call (parse + lookup + response JSON) vs bare Caffeine getIfPresent");
        ratio(b, s, "memoryHitThroughHandlerWithTelemetry", "caffeineGetIfPresent",
                "memory hit with the JSON log line and EMF document per call vs bare Caffeine getIfPresent");
        ratio(b, s, "dynamoDbReadThroughHandler", "rawGetItem",
                "DynamoDB-tier read through the reader vs raw GetItem on the same DynamoDB Local (target <= 1.10)");
        double[] hit = s.get("memoryHitThroughHandler");
        if (hit != null) {
            b.append(String.format(Locale.ROOT, "%nmemory hit per call: %.2f us (target < 2 us)%n", hit[0] / 1000));
        }
        return b.toString();
    }

    private static void ratio(StringBuilder b, Map<String, double[]> s, String a, String base, String what) {
        if (s.containsKey(a) && s.containsKey(base)) {
            b.append(String.format(Locale.ROOT, "ratio %-10.2f %s%n", s.get(a)[0] / s.get(base)[0], what));
        }
    }

}
