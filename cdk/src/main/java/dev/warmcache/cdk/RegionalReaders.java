package dev.warmcache.cdk;

import dev.warmcache.settings.Setting;
import dev.warmcache.settings.Settings;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Arn;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.FunctionUrl;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * warmcache in a region that is not the refresh home: readers against the region's replica of the
 * global table, and a local bus whose rules forward {@code CacheMiss} and {@code ForceRefresh} to
 * the home's bus. No workflow, no Pipe, no origin access: refreshes write through the home only,
 * because a global table checks conditions against the local replica alone (docs/regions.md).
 *
 * <p>Readers publish to their own region's bus, not across the ocean: the miss path stays one
 * in-region call, and when the home is unreachable EventBridge keeps retrying the forward (up to 24
 * hours, 185 attempts) and then parks the event in this region's dead-letter queue, whose depth
 * raises an alarm. The readers themselves keep serving from the replica.
 *
 * <p>A function of your own in this region reads the cache the way the reader does:
 *
 * <pre>{@code
 * RegionalReaders cache = regionStack.readers();   // or new RegionalReaders(stack, "Cache", ...)
 * cache.bind(productPage);         // reads this region's replica, claims through the home
 * cache.grantForceRefresh(admin);  // ForceRefresh on this region's bus, forwarded home
 * }</pre>
 */
public final class RegionalReaders extends Construct {

  private final WarmcacheConfig config;
  private final String homeRegion;
  private final ITable replica;
  private final ITable homeTable;
  private final Function reader;
  private final Alias readerAlias;
  private final java.util.Optional<FunctionUrl> httpUrl;
  private final EventBus bus;
  private final Queue deadLetters;

  /**
   * @param homeRegion the refresh home, the first of {@link WarmcacheConfig#regions()}
   */
  public RegionalReaders(
      Construct scope, String id, WarmcacheConfig config, ProjectFiles files, String homeRegion) {
    super(scope, id);
    this.config = config;
    this.homeRegion = homeRegion;
    String prefix = config.namePrefix();
    Stack stack = Stack.of(this);
    // The replica the home stack's global table created here: same name, this region's ARN.
    this.replica = Table.fromTableName(this, "Replica", prefix);
    this.bus = EventBus.Builder.create(this, "Bus").eventBusName(prefix).build();
    this.reader =
        Parts.function(
            this,
            "Reader",
            prefix + "-reader",
            files.require(ProjectFiles.READER_JAR),
            Warmcache.READER_HANDLER,
            config.readerMemoryMb(),
            Duration.seconds(config.settings().readerFunctionTimeout().toSeconds()),
            config,
            Setting.Target.READER,
            "warmcache reader ("
                + stack.getRegion()
                + "): answers reads from memory, then the replica",
            replica.getTableName(),
            bus.getEventBusName());
    this.readerAlias = Parts.liveAlias(this, "ReaderLive", reader);
    // Every region serves HTTP; the region after the home is also the distribution's failover
    // origin (docs/regions.md). AWS_IAM: only a caller this account allows can use the URL.
    this.httpUrl = CdnFront.functionUrl(readerAlias, config);
    // Claims and idle resets go to the home's replica: under last-writer-wins a write to this
    // replica could overwrite a refresh the home had just written (docs/regions.md).
    reader.addEnvironment(Settings.HOME_REGION, homeRegion);
    this.homeTable =
        Table.fromTableArn(
            this,
            "HomeTable",
            Arn.format(
                ArnComponents.builder()
                    .service("dynamodb")
                    .region(homeRegion)
                    .resource("table")
                    .resourceName(prefix)
                    .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                    .build(),
                stack));
    Parts.grantReader(reader, replica, homeTable, bus);
    Parts.suppressFunctionFindings(reader);

    IEventBus home =
        EventBus.fromEventBusArn(
            this,
            "HomeBus",
            Arn.format(
                ArnComponents.builder()
                    .service("events")
                    .region(homeRegion)
                    .resource("event-bus")
                    .resourceName(prefix)
                    .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                    .build(),
                stack));
    this.deadLetters = Parts.deadLetterQueue(this, "ForwardDlq", config.removalPolicy());
    Role role =
        Role.Builder.create(this, "ForwardRole")
            .assumedBy(new ServicePrincipal("events.amazonaws.com"))
            .description("Lets this region's rules put refresh triggers on the home region's bus")
            .build();
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("PutOnHomeBus")
            .actions(List.of("events:PutEvents"))
            .resources(List.of(home.getEventBusArn()))
            .build());
    forward(
        "ForwardCacheMiss",
        prefix + "-forward-cache-miss",
        files,
        ProjectFiles.CACHE_MISS_RULE,
        home,
        role);
    forward(
        "ForwardForceRefresh",
        prefix + "-forward-force-refresh",
        files,
        ProjectFiles.FORCE_REFRESH_RULE,
        home,
        role);

    Topic topic = Parts.alarmTopic(this, "AlarmTopic", prefix + "-alarms", config);
    Alarm.Builder.create(this, "ForwardDlqDepth")
        .alarmName(prefix + "-forward-dlq-not-empty")
        .alarmDescription(
            "Refresh triggers of this region could not reach the home region's bus within "
                + "EventBridge's retries and were parked in the dead-letter queue: the home is down "
                + "or unreachable. Reads go on from the replica; these keys refresh once it is back.")
        .metric(
            deadLetters.metricApproximateNumberOfMessagesVisible(
                MetricOptions.builder().statistic("Maximum").period(Duration.minutes(5)).build()))
        .threshold(1)
        .evaluationPeriods(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build()
        .addAlarmAction(new SnsAction(topic));
    NagSuppressions.addResourceSuppressions(
        role,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("events:PutEvents is granted on the home bus's ARN only")
                .build()),
        true);

    output(
        "ReaderAliasArn", readerAlias.getFunctionArn(), "aws lambda invoke --function-name <this>");
    output(
        "EventBusName", bus.getEventBusName(), "this region's bus; its rules forward to the home");
    output("ForwardDlqUrl", deadLetters.getQueueUrl(), "triggers that could not reach the home");
    httpUrl.ifPresent(
        url ->
            output(
                "HttpFunctionUrl",
                url.getUrl(),
                "this region's reader over HTTP (AWS_IAM); the second region's is the CloudFront "
                    + "failover origin"));
  }

  /**
   * Grants what a reading client in this region needs: reads of this region's replica, the claim
   * and idle reset on the home's (every write of a global table goes through the home,
   * docs/regions.md), and {@code CacheMiss} events on this region's bus, whose rule forwards them.
   */
  public void grantRead(IGrantable grantee) {
    Parts.grantClient(grantee, replica, homeTable, bus);
  }

  /**
   * {@link #grantRead}, and the environment {@code Warmcache.fromEnvironment()} reads: this
   * region's table and bus, {@code HOME_REGION}, and the reader settings the configuration changes.
   * The function must run in this stack's region: it reads the replica of its own {@code
   * AWS_REGION}.
   */
  public void bind(Function function) {
    grantRead(function);
    Parts.clientEnvironment(function, replica, bus, config);
    function.addEnvironment(Settings.HOME_REGION, homeRegion);
  }

  /**
   * Grants {@code PutEvents} of {@code ForceRefresh} only on this region's bus; its rule forwards
   * the event to the home, where the refresh runs.
   */
  public void grantForceRefresh(IGrantable grantee) {
    Parts.grantEvents(grantee, bus, Warmcache.ADMIN_SOURCE);
  }

  /** This region's function URL, with {@code httpFront}. */
  java.util.Optional<FunctionUrl> httpUrl() {
    return httpUrl;
  }

  private void forward(
      String id, String name, ProjectFiles files, String patternFile, IEventBus home, Role role) {
    Rule.Builder.create(this, id)
        .ruleName(name)
        .description("Forwards to the refresh home's bus; pattern from " + patternFile)
        .eventBus(bus)
        .eventPattern(EventPatternFile.rulePattern(files, patternFile))
        .targets(
            List.of(
                software.amazon.awscdk.services.events.targets.EventBus.Builder.create(home)
                    .role(role)
                    .deadLetterQueue(deadLetters)
                    .build()))
        .build();
  }

  private void output(String id, String value, String description) {
    CfnOutput.Builder.create(this, id).value(value).description(description).build();
  }
}
