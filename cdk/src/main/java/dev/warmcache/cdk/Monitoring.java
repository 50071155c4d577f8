package dev.warmcache.cdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * Alarms on everything that means a refresh did not happen (failed executions, parked triggers,
 * function errors and throttles) and one dashboard: reads by tier from the reader's EMF metrics,
 * refreshes, failures.
 */
final class Monitoring extends Construct {

  /**
   * The reader's EMF metric names (Powertools, namespace {@value Warmcache#METRICS_NAMESPACE},
   * default dimension Service = the function name) that count answers by tier.
   */
  static final List<String> READER_TIER_METRICS =
      List.of("MemoryHits", "DynamoDbHits", "OriginHits");

  static final List<String> READER_OTHER_METRICS =
      List.of("Misses", "StaleServes", "PendingAnswers", "Primes", "PrimeReloads");

  /**
   * A reader that cannot publish CacheMiss events silently stops absent keys from ever being
   * filled.
   */
  static final String READER_MISS_EVENT_FAILURES = "CacheMissEventFailures";

  private static final Duration PERIOD = Duration.minutes(5);

  Monitoring(Warmcache stack, String id, WarmcacheConfig config) {
    super(stack, id);
    String prefix = config.namePrefix();
    Topic topic = Parts.alarmTopic(this, "AlarmTopic", prefix + "-alarms", config);
    SnsAction notify = new SnsAction(topic);

    List<Alarm> alarms = new ArrayList<>();
    alarms.add(
        alarm(
            "WorkflowFailed",
            prefix + "-refresh-failed",
            "A refresh execution failed, timed out or was aborted: the origin kept failing or a task broke. "
                + "The old value stays readable with a grace TTL.",
            stack.stateMachine().metricFailed(sum()),
            1));
    alarms.add(
        alarm(
            "WorkflowTimedOut",
            prefix + "-refresh-timed-out",
            "A refresh execution timed out.",
            stack.stateMachine().metricTimedOut(sum()),
            1));
    stack
        .deadLetterQueues()
        .forEach(
            (trigger, queue) ->
                alarms.add(
                    alarm(
                        trigger + "DlqDepth",
                        prefix + "-" + kebab(trigger) + "-dlq-not-empty",
                        trigger
                            + " triggers could not start the workflow and were parked in "
                            + "the dead-letter queue.",
                        queue.metricApproximateNumberOfMessagesVisible(
                            MetricOptions.builder().statistic("Maximum").period(PERIOD).build()),
                        1)));
    // Any reader error is a bug (bad input is answered, not thrown).
    alarms.add(
        alarm(
            "ReaderErrors",
            prefix + "-reader-errors",
            "The reader function threw.",
            stack.reader().metricErrors(sum()),
            1));
    // Refresh tasks raise typed errors for origin failures that the workflow retries;
    // only a run of them is worth a page (persistent failures also fail executions).
    alarms.add(
        alarm(
            "RefreshErrors",
            prefix + "-refresh-errors",
            "Refresh tasks keep failing.",
            stack.refresh().metricErrors(sum()),
            5));
    alarms.add(
        alarm(
            "ReaderMissEventFailures",
            prefix + "-reader-miss-events-failing",
            "The reader could not publish CacheMiss events: misses are not being refreshed.",
            Metric.Builder.create()
                .namespace(Warmcache.METRICS_NAMESPACE)
                .metricName(READER_MISS_EVENT_FAILURES)
                .dimensionsMap(Map.of("Service", stack.reader().getFunctionName()))
                .statistic("Sum")
                .period(PERIOD)
                .build(),
            1));
    alarms.add(
        alarm(
            "ReaderThrottles",
            prefix + "-reader-throttles",
            "Reads are being throttled.",
            stack.reader().metricThrottles(sum()),
            1));
    alarms.add(
        alarm(
            "RefreshThrottles",
            prefix + "-refresh-throttles",
            "Refresh tasks are being throttled.",
            stack.refresh().metricThrottles(sum()),
            1));
    alarms.forEach(alarm -> alarm.addAlarmAction(notify));

    Dashboard dashboard = Dashboard.Builder.create(this, "Dashboard").dashboardName(prefix).build();
    Function reader = stack.reader();
    dashboard.addWidgets(
        TextWidget.Builder.create()
            .markdown(
                "# warmcache\nReads by tier come from the reader's EMF metrics (namespace `"
                    + Warmcache.METRICS_NAMESPACE
                    + "`); refreshes and failures from Step Functions, "
                    + "Lambda and the dead-letter queues.")
            .width(24)
            .height(2)
            .build());
    dashboard.addWidgets(
        graph("Reads by tier", readerMetrics(reader, READER_TIER_METRICS), true),
        graph(
            "Misses, stale serves, pending answers, primes",
            readerMetrics(reader, READER_OTHER_METRICS),
            false));
    dashboard.addWidgets(
        graph(
            "Refreshes",
            List.of(
                stack.stateMachine().metricStarted(sum()),
                stack.stateMachine().metricSucceeded(sum())),
            false),
        graph(
            "Refresh failures",
            List.of(
                stack.stateMachine().metricFailed(sum()),
                stack.stateMachine().metricTimedOut(sum()),
                stack.stateMachine().metricAborted(sum())),
            false));
    List<IMetric> dlqs = new ArrayList<>();
    stack
        .deadLetterQueues()
        .forEach(
            (trigger, queue) ->
                dlqs.add(
                    queue.metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder()
                            .statistic("Maximum")
                            .period(PERIOD)
                            .label(trigger + " DLQ")
                            .build())));
    dashboard.addWidgets(
        graph(
            "Function errors and throttles",
            List.of(
                reader.metricErrors(labelled("reader errors")),
                reader.metricThrottles(labelled("reader throttles")),
                stack.refresh().metricErrors(labelled("refresh errors")),
                stack.refresh().metricThrottles(labelled("refresh throttles"))),
            false),
        graph("Parked triggers (DLQ depth)", dlqs, false));
    dashboard.addWidgets(
        graph(
            "Reader latency (p50, p99)",
            List.of(
                reader.metricDuration(
                    MetricOptions.builder().statistic("p50").period(PERIOD).build()),
                reader.metricDuration(
                    MetricOptions.builder().statistic("p99").period(PERIOD).build())),
            false));

    CfnOutput.Builder.create(stack, "DashboardUrl")
        .description("CloudWatch dashboard")
        .value(
            Fn.join(
                "",
                List.of(
                    "https://",
                    Aws.REGION,
                    ".console.aws.amazon.com/cloudwatch/home?region=",
                    Aws.REGION,
                    "#dashboards:name=",
                    dashboard.getDashboardName())))
        .build();
    CfnOutput.Builder.create(stack, "AlarmTopicArn")
        .description("SNS topic of all alarms; subscribe to be told")
        .value(topic.getTopicArn())
        .build();
  }

  private Alarm alarm(String id, String name, String description, IMetric metric, int threshold) {
    return Alarm.Builder.create(this, id)
        .alarmName(name)
        .alarmDescription(description)
        .metric(metric)
        .threshold(threshold)
        .evaluationPeriods(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        // No datapoints means nothing ran, which is healthy for these counters.
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();
  }

  private static List<IMetric> readerMetrics(Function reader, List<String> names) {
    List<IMetric> metrics = new ArrayList<>();
    for (String name : names) {
      metrics.add(
          Metric.Builder.create()
              .namespace(Warmcache.METRICS_NAMESPACE)
              .metricName(name)
              .dimensionsMap(Map.of("Service", reader.getFunctionName()))
              .statistic("Sum")
              .period(PERIOD)
              .label(name)
              .build());
    }
    return metrics;
  }

  private static GraphWidget graph(String title, List<IMetric> metrics, boolean stacked) {
    return GraphWidget.Builder.create()
        .title(title)
        .left(metrics)
        .stacked(stacked)
        .width(12)
        .height(6)
        .build();
  }

  private static MetricOptions sum() {
    return MetricOptions.builder().statistic("Sum").period(PERIOD).build();
  }

  private static MetricOptions labelled(String label) {
    return MetricOptions.builder().statistic("Sum").period(PERIOD).label(label).build();
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }
}
