package dev.warmcache.cdk;

import dev.warmcache.settings.Setting;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The resources every region's warmcache is built from, made the same way wherever they appear: the
 * home region's {@link Warmcache} and a reader region's {@link RegionalReaders}. Each takes the
 * scope and construct id it is given, so the home stack's logical ids stay what they always were.
 */
final class Parts {

  private Parts() {}

  /**
   * {@code base-<first 8 hex digits of this stack's id>}: unique per stack instance, so a log group
   * retained by {@code cdk destroy} never blocks the next deploy of the same stack.
   */
  static String uniqueName(String base) {
    return base + "-" + Fn.select(0, Fn.split("-", Fn.select(2, Fn.split("/", Aws.STACK_ID))));
  }

  /**
   * A Java function with its own log group and role (logs to that group only), SnapStart on
   * published versions, X-Ray, arm64, and the environment of {@code target}'s settings.
   */
  static Function function(
      Construct scope,
      String id,
      String name,
      java.nio.file.Path jar,
      String handler,
      int memoryMb,
      Duration timeout,
      WarmcacheConfig config,
      Setting.Target target,
      String description,
      String tableName,
      String busName) {
    LogGroup logs =
        LogGroup.Builder.create(scope, id + "Logs")
            .logGroupName(uniqueName("/aws/lambda/" + name))
            .retention(config.logRetention())
            .removalPolicy(config.removalPolicy())
            .build();
    // An own role instead of AWSLambdaBasicExecutionRole: logs go to this log group only.
    Role role =
        Role.Builder.create(scope, id + "Role")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .description("Execution role of " + name)
            .build();
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("WriteOwnLogs")
            .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
            .resources(List.of(logs.getLogGroupArn()))
            .build());
    Map<String, String> env = new TreeMap<>(config.environmentOf(target));
    env.put("TABLE_NAME", tableName);
    env.put("EVENT_BUS_NAME", busName);
    env.put("POWERTOOLS_SERVICE_NAME", name);
    env.put("POWERTOOLS_METRICS_NAMESPACE", Warmcache.METRICS_NAMESPACE);
    Function function =
        Function.Builder.create(scope, id)
            .functionName(name)
            .description(description)
            .runtime(Runtime.JAVA_21)
            .architecture(Architecture.ARM_64)
            .handler(handler)
            .code(Code.fromAsset(jar.toString()))
            .memorySize(memoryMb)
            .timeout(timeout)
            .tracing(Tracing.ACTIVE)
            .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
            .logGroup(logs)
            .role(role)
            .environment(env)
            .build();
    Annotations.of(function)
        .acknowledgeWarning(
            "@aws-cdk/aws-lambda:snapStartRequirePublish",
            "the function is published through currentVersion behind the alias '"
                + Warmcache.ALIAS
                + "'");
    return function;
  }

  /**
   * The alias every caller uses, never {@code $LATEST}: the published, SnapStart-restored version
   * of {@code function}.
   */
  static Alias liveAlias(Construct scope, String id, Function function) {
    return Alias.Builder.create(scope, id)
        .aliasName(Warmcache.ALIAS)
        .version(function.getCurrentVersion())
        .build();
  }

  /**
   * The reader's own grants: reads, the change feed's batched read, an idle-counter reset confined
   * to its own attributes, and CacheMiss events. No value write, no origin.
   */
  static void grantReader(Function reader, ITable table, IEventBus bus) {
    grantReader(reader, table, table, bus);
  }

  /**
   * @param writeTable where the reader's claim and idle reset go: the refresh home's replica, so
   *     that every write of a global table goes through one region (docs/regions.md)
   */
  static void grantReader(Function reader, ITable table, ITable writeTable, IEventBus bus) {
    reader.addToRolePolicy(
        PolicyStatement.Builder.create()
            .sid("ReadItems")
            .actions(List.of("dynamodb:GetItem"))
            .resources(List.of(table.getTableArn()))
            .build());
    reader.addToRolePolicy(
        PolicyStatement.Builder.create()
            .sid("ReadChangeFeedOnly")
            .actions(List.of("dynamodb:BatchGetItem"))
            .resources(List.of(table.getTableArn()))
            // The coherence sync's one batched read, confined to the change records' keys.
            .conditions(
                Map.of(
                    "ForAllValues:StringLike",
                    Map.of("dynamodb:LeadingKeys", List.of(Warmcache.CHANGE_FEED_KEYS))))
            .build());
    reader.addToRolePolicy(
        claimOnly(PolicyStatement.Builder.create().sid("ResetIdleCounterOnly"), writeTable)
            .build());
    reader.addToRolePolicy(putEvents(bus, Warmcache.READER_SOURCE).sid("PublishCacheMiss").build());
  }

  /**
   * What a reading client needs, wherever it runs: reads of {@code table} (its region's replica),
   * the claim and idle reset on {@code writeTable} (the refresh home's), and {@code CacheMiss}
   * events on {@code bus}. No value write, no other event.
   */
  static void grantClient(IGrantable grantee, ITable table, ITable writeTable, IEventBus bus) {
    Grant.addToPrincipal(
        GrantOnPrincipalOptions.builder()
            .grantee(grantee)
            .actions(List.of("dynamodb:GetItem", "dynamodb:BatchGetItem"))
            .resourceArns(List.of(table.getTableArn()))
            .build());
    grantee
        .getGrantPrincipal()
        .addToPrincipalPolicy(claimOnly(PolicyStatement.Builder.create(), writeTable).build());
    grantEvents(grantee, bus, Warmcache.READER_SOURCE);
  }

  /** {@code PutEvents} on {@code bus} of events from {@code source} only. */
  static void grantEvents(IGrantable grantee, IEventBus bus, String source) {
    grantee.getGrantPrincipal().addToPrincipalPolicy(putEvents(bus, source).build());
  }

  private static PolicyStatement.Builder putEvents(IEventBus bus, String source) {
    return PolicyStatement.Builder.create()
        .actions(List.of("events:PutEvents"))
        .resources(List.of(bus.getEventBusArn()))
        .conditions(Map.of("StringEquals", Map.of("events:source", source)));
  }

  /**
   * The environment {@code Warmcache.fromEnvironment()} reads: the table and bus names and every
   * reader setting the configuration changes from its default. Never the origin's URL.
   */
  static void clientEnvironment(
      Function function, ITable table, IEventBus bus, WarmcacheConfig config) {
    function.addEnvironment("TABLE_NAME", table.getTableName());
    function.addEnvironment("EVENT_BUS_NAME", bus.getEventBusName());
    config.environmentOf(Setting.Target.READER).forEach(function::addEnvironment);
  }

  /**
   * {@code UpdateItem} on the table, confined by AWS's attribute-level pattern: the request may
   * name only {@link Warmcache#READER_UPDATABLE_ATTRIBUTES} and may not ask for whole items back.
   */
  static PolicyStatement.Builder claimOnly(PolicyStatement.Builder statement, ITable table) {
    return statement
        .actions(List.of("dynamodb:UpdateItem"))
        .resources(List.of(table.getTableArn()))
        .conditions(
            Map.of(
                "ForAllValues:StringEquals",
                    Map.of("dynamodb:Attributes", Warmcache.READER_UPDATABLE_ATTRIBUTES),
                "StringEqualsIfExists",
                    Map.of(
                        "dynamodb:ReturnValues", List.of("NONE", "UPDATED_OLD", "UPDATED_NEW"))));
  }

  /**
   * A retained queue outlives {@code cdk destroy}; with a fixed name the next deploy would fail on
   * it, so CloudFormation names the queue (the alarms and outputs find it by reference).
   */
  static Queue deadLetterQueue(Construct scope, String id, RemovalPolicy removal) {
    Queue queue =
        Queue.Builder.create(scope, id)
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            // The longest SQS allows: a failed trigger should outlive a long weekend.
            .retentionPeriod(Duration.days(14))
            .removalPolicy(removal)
            .build();
    NagSuppressions.addResourceSuppressions(
        queue,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason(
                    "This queue is itself a dead-letter queue (of an EventBridge target or the "
                        + "Pipe); cdk-nag only recognises queues used in an SQS redrive policy")
                .build()),
        true);
    return queue;
  }

  /** The SNS topic every alarm of a region notifies, with the optional e-mail subscription. */
  static Topic alarmTopic(Construct scope, String id, String topicName, WarmcacheConfig config) {
    Topic topic =
        Topic.Builder.create(scope, id)
            .topicName(topicName)
            .displayName("warmcache alarms")
            .enforceSsl(true)
            .build();
    // A topic policy replaces SNS's default one, and enforceSsl creates one holding only the TLS
    // deny; without this grant CloudWatch could not publish and no alarm would notify anyone.
    topic.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("CloudWatchAlarmsOfThisAccountPublish")
            .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
            .actions(List.of("sns:Publish"))
            .resources(List.of(topic.getTopicArn()))
            .conditions(
                Map.of(
                    "ArnLike",
                        Map.of(
                            "aws:SourceArn",
                            "arn:"
                                + Aws.PARTITION
                                + ":cloudwatch:"
                                + Aws.REGION
                                + ":"
                                + Aws.ACCOUNT_ID
                                + ":alarm:*"),
                    "StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID)))
            .build());
    config.alarmEmail().ifPresent(email -> topic.addSubscription(new EmailSubscription(email)));
    NagSuppressions.addResourceSuppressions(
        topic,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-SNS2")
                .reason(
                    "CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key; "
                        + "notifications carry only alarm names and states, no cached data")
                .build()));
    return topic;
  }

  /** The cdk-nag findings every warmcache function keeps, each with its reason. */
  static void suppressFunctionFindings(Function function) {
    NagSuppressions.addResourceSuppressions(
        function.getRole(),
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, "
                        + "which support no resource-level permissions")
                .appliesTo(List.of("Resource::*"))
                .build()),
        true);
    NagSuppressions.addResourceSuppressions(
        function,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-L1")
                .reason(
                    "The handlers are compiled for Java 17 bytecode (the build's release level) and "
                        + "deployed on the java21 managed runtime with SnapStart, Powertools 2 and CRaC "
                        + "priming; a newer runtime is a tested upgrade, not a setting")
                .build()),
        true);
  }
}
