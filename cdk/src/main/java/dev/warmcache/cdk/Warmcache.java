package dev.warmcache.cdk;

import dev.warmcache.events.EventNames;
import dev.warmcache.item.TableShape;
import dev.warmcache.settings.Setting;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.Billing;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ReplicaTableProps;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.FunctionUrl;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.pipes.CfnPipe;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

/**
 * warmcache on AWS, as one L3 construct: the table, the reader and refresh functions, the refresh
 * workflow and the three triggers that start it (CacheMiss and ForceRefresh rules on the bus, TTL
 * expiries through a Pipe from the table's stream), with alarms and a dashboard. The workflow
 * definition and the event patterns are the repository's own files, the ones the local twin runs.
 * {@link WarmcacheStack} is this construct alone; a CDK app of your own (Java) can place it next to
 * its functions and wire them to it:
 *
 * <pre>{@code
 * Warmcache cache = new Warmcache(stack, "Cache",
 *     WarmcacheConfig.fromContext(key -> app.getNode().tryGetContext(key)), ProjectFiles.locate());
 * cache.bind(productPage);                 // grantRead + the environment Warmcache.fromEnvironment() reads
 * cache.grantForceRefresh(adminFunction);  // ForceRefresh events, for Warmcache.refresh(id)
 * }</pre>
 *
 * <p>In {@link WarmcacheStack} its id is {@code Default}, which CDK leaves out of logical ids: the
 * stack's resources kept the ids they had before the construct existed, so an update replaces
 * nothing (a table with a new logical id would be a new, empty table).
 */
public final class Warmcache extends Construct {

  /** Every caller (rules, Pipe, workflow, README commands) uses this alias, never $LATEST. */
  public static final String ALIAS = "live";

  public static final String READER_HANDLER = "dev.warmcache.reader.ReaderHandler::handleRequest";
  public static final String REFRESH_HANDLER =
      "dev.warmcache.refresh.RefreshHandler::handleRequest";
  public static final String METRICS_NAMESPACE = "warmcache";
  public static final String READER_SOURCE = EventNames.SOURCE_READER;
  public static final String ADMIN_SOURCE = EventNames.SOURCE_ADMIN;

  /**
   * The attributes the reader may name in UpdateItem: the key and the idle counter it resets,
   * nothing else.
   */
  public static final List<String> READER_UPDATABLE_ATTRIBUTES =
      List.of("id", "idleRefreshes", "refreshRequestedAt");

  /**
   * Keys of the change feed's records ({@code dev.warmcache.changes.ChangeFeed.KEY_PREFIX}; a test
   * holds them equal).
   */
  public static final String CHANGE_FEED_KEYS = "#changes#*";

  private final ITable table;
  private final EventBus bus;
  private final Function reader;
  private final Alias readerAlias;
  private final java.util.Optional<FunctionUrl> httpUrl;
  private final java.util.Optional<CdnFront> http;
  private final Function refresh;
  private final Alias refreshAlias;
  private final StateMachine stateMachine;
  private final Map<String, Queue> deadLetterQueues = new LinkedHashMap<>();
  private final WarmcacheConfig config;
  private final CfnPipe pipe;
  private Role pipeRole;

  public Warmcache(Construct scope, String id, WarmcacheConfig config, ProjectFiles files) {
    super(scope, id);
    this.config = config;
    String prefix = config.namePrefix();
    RemovalPolicy removal = config.removalPolicy();

    this.table = config.multiRegion() ? globalTable(prefix, removal) : table(prefix, removal);

    this.bus = EventBus.Builder.create(this, "Bus").eventBusName(prefix).build();

    // Both timeouts come from Settings, as in the twin: the reader's grows with MISS_WAIT_MS,
    // the refresh function's with one origin fetch and stays below the ASL tasks' 30 s
    // TimeoutSeconds, so a stuck call surfaces as a Lambda error the workflow's Retry and
    // Catch understand, not as States.Timeout.
    this.reader =
        function(
            "Reader",
            prefix + "-reader",
            files.require(ProjectFiles.READER_JAR),
            READER_HANDLER,
            config.readerMemoryMb(),
            Duration.seconds(config.settings().readerFunctionTimeout().toSeconds()),
            config,
            Setting.Target.READER,
            "warmcache reader: answers reads from memory, then DynamoDB");
    this.readerAlias = Parts.liveAlias(this, "ReaderLive", reader);

    // Several regions: the distribution lives in a stack of its own, after every region's URL
    // (WarmcacheApp); here only the home's URL, its origin group's primary.
    this.httpUrl = CdnFront.functionUrl(readerAlias, config);
    this.http =
        httpUrl
            .filter(url -> !config.multiRegion())
            .map(url -> new CdnFront(this, "Http", url, config));

    this.refresh =
        function(
            "Refresh",
            prefix + "-refresh",
            files.require(ProjectFiles.REFRESH_JAR),
            REFRESH_HANDLER,
            config.refreshMemoryMb(),
            Duration.seconds(config.settings().refreshFunctionTimeout().toSeconds()),
            config,
            Setting.Target.REFRESH,
            "warmcache refresh tasks: origin fetch, lease, TTL arithmetic");
    this.refreshAlias = Parts.liveAlias(this, "RefreshLive", refresh);

    grantReader();
    grantRefreshPrimes();
    if (config.multiRegion()) {
      // The lease task tells a replicated expiry from a delete (docs/workflow.md).
      refresh.addEnvironment(
          dev.warmcache.settings.Settings.GLOBAL_TABLE_REGIONS, String.join(",", config.regions()));
    }

    this.stateMachine = stateMachine(prefix, config, files);

    this.deadLetterQueues.put("CacheMiss", deadLetterQueue("CacheMissDlq", removal));
    this.deadLetterQueues.put("ForceRefresh", deadLetterQueue("ForceRefreshDlq", removal));
    this.deadLetterQueues.put("TtlExpiry", deadLetterQueue("TtlExpiryDlq", removal));

    // A miss older than 10 minutes is superseded: readers publish a fresh one every
    // MISS_INTERVAL_SECONDS while the key is still missing.
    rule(
        "CacheMissRule",
        prefix + "-cache-miss",
        files,
        ProjectFiles.CACHE_MISS_RULE,
        deadLetterQueues.get("CacheMiss"),
        5,
        Duration.minutes(10));
    // An operator's forced refresh is worth retrying for longer than a reader's miss.
    rule(
        "ForceRefreshRule",
        prefix + "-force-refresh",
        files,
        ProjectFiles.FORCE_REFRESH_RULE,
        deadLetterQueues.get("ForceRefresh"),
        20,
        Duration.hours(1));

    this.pipe = ttlExpiryPipe(prefix, removal, config, files, deadLetterQueues.get("TtlExpiry"));

    new Monitoring(this, "Monitoring", config);

    outputs();
    suppressFindings();
  }

  private Function function(
      String id,
      String name,
      java.nio.file.Path jar,
      String handler,
      int memoryMb,
      Duration timeout,
      WarmcacheConfig config,
      Setting.Target target,
      String description) {
    return Parts.function(
        this,
        id,
        name,
        jar,
        handler,
        memoryMb,
        timeout,
        config,
        target,
        description,
        table.getTableName(),
        bus.getEventBusName());
  }

  /**
   * The refresh function's one AWS call: the prime fan-out to the reader's alias (one workflow task
   * instead of a Map iteration per prime, docs/transitions.md). No table or bus grant: every write
   * and event is a workflow integration.
   */
  private void grantRefreshPrimes() {
    refresh.addEnvironment("READER_FUNCTION_NAME", readerAlias.getFunctionArn());
    refresh.addToRolePolicy(
        PolicyStatement.Builder.create()
            .sid("PrimeReaders")
            .actions(List.of("lambda:InvokeFunction"))
            .resources(List.of(readerAlias.getFunctionArn()))
            .build());
  }

  private void grantReader() {
    Parts.grantReader(reader, table, bus);
  }

  private StateMachine stateMachine(String prefix, WarmcacheConfig config, ProjectFiles files) {
    String definition = files.text(ProjectFiles.STATE_MACHINE);
    Set<String> unknown = new TreeSet<>(WorkflowIntegrations.placeholdersIn(definition));
    unknown.removeAll(WorkflowIntegrations.PLACEHOLDERS);
    if (!unknown.isEmpty()) {
      throw new MalformedProjectFileException(
          ProjectFiles.STATE_MACHINE
              + " uses placeholders "
              + unknown
              + " that neither the stack nor the twin fills; allowed: "
              + new TreeSet<>(WorkflowIntegrations.PLACEHOLDERS));
    }
    WorkflowIntegrations calls = WorkflowIntegrations.of(files.json(ProjectFiles.STATE_MACHINE));
    boolean express = config.workflowType() == WorkflowType.EXPRESS;

    LogGroup logs =
        LogGroup.Builder.create(this, "WorkflowLogs")
            // The vendedlogs prefix keeps Step Functions' log delivery clear of the
            // account-wide CloudWatch Logs resource-policy size limit.
            .logGroupName(uniqueName("/aws/vendedlogs/states/" + prefix + "-refresh"))
            .retention(config.logRetention())
            .removalPolicy(config.removalPolicy())
            .build();
    Map<String, String> substitutions = new TreeMap<>();
    substitutions.put(WorkflowIntegrations.TABLE_NAME, table.getTableName());
    substitutions.put(WorkflowIntegrations.EVENT_BUS_NAME, bus.getEventBusName());
    substitutions.put(WorkflowIntegrations.REFRESH_FUNCTION_ARN, refreshAlias.getFunctionArn());
    StateMachine machine =
        StateMachine.Builder.create(this, "RefreshWorkflow")
            .stateMachineName(prefix + "-refresh")
            .stateMachineType(express ? StateMachineType.EXPRESS : StateMachineType.STANDARD)
            // Inlined from the file (read here, once), so the template is self-contained.
            .definitionBody(DefinitionBody.fromString(definition))
            .definitionSubstitutions(substitutions)
            .tracingEnabled(true)
            // ALL events. Standard keeps the data in its execution history, so the logs carry
            // none (cached values gain no second copy); Express keeps no history, so its logs
            // carry the execution data and are what the console shows.
            .logs(
                LogOptions.builder()
                    .destination(logs)
                    .level(LogLevel.ALL)
                    .includeExecutionData(express)
                    .build())
            .build();

    CfnOutput.Builder.create(this, "WorkflowLogGroupName")
        .value(logs.getLogGroupName())
        .description(
            "the workflow's execution log (Express: its only history): aws logs tail <this> --follow")
        .build();

    if (!calls.dynamoDbActions().isEmpty()) {
      machine.addToRolePolicy(
          PolicyStatement.Builder.create()
              .sid("WorkflowTableCalls")
              .actions(new ArrayList<>(calls.dynamoDbActions()))
              .resources(List.of(table.getTableArn()))
              .build());
    }
    List<String> functions = new ArrayList<>();
    for (String placeholder : calls.invokedFunctions()) {
      functions.add(substitutions.get(placeholder));
    }
    if (!functions.isEmpty()) {
      machine.addToRolePolicy(
          PolicyStatement.Builder.create()
              .sid("WorkflowInvokesAliases")
              .actions(List.of("lambda:InvokeFunction"))
              .resources(functions)
              .build());
    }
    if (calls.putsEvents()) {
      PolicyStatement.Builder put =
          PolicyStatement.Builder.create()
              .sid("WorkflowPublishesEvents")
              .actions(List.of("events:PutEvents"))
              .resources(List.of(bus.getEventBusArn()));
      if (!calls.eventSources().isEmpty()) {
        put.conditions(
            Map.of("StringEquals", Map.of("events:source", new ArrayList<>(calls.eventSources()))));
      }
      machine.addToRolePolicy(put.build());
    }
    return machine;
  }

  private Queue deadLetterQueue(String id, RemovalPolicy removal) {
    return Parts.deadLetterQueue(this, id, removal);
  }

  private Rule rule(
      String id,
      String name,
      ProjectFiles files,
      String patternFile,
      Queue dlq,
      int retryAttempts,
      Duration maxEventAge) {
    // An own role per rule, granted StartExecution on this workflow only; the rule waits for
    // the role's policy, or its first deliveries could be refused before the policy exists.
    Role role =
        Role.Builder.create(this, id + "Role")
            .assumedBy(new ServicePrincipal("events.amazonaws.com"))
            .description("Lets the rule " + name + " start the refresh workflow, and nothing else")
            .build();
    stateMachine.grantStartExecution(role);
    Rule rule =
        Rule.Builder.create(this, id)
            .ruleName(name)
            .description("Starts the refresh workflow; pattern from " + patternFile)
            .eventBus(bus)
            .eventPattern(EventPatternFile.rulePattern(files, patternFile))
            .targets(
                List.of(
                    SfnStateMachine.Builder.create(stateMachine)
                        .role(role)
                        .deadLetterQueue(dlq)
                        .retryAttempts(retryAttempts)
                        .maxEventAge(maxEventAge)
                        .build()))
            .build();
    rule.getNode().addDependency(role);
    return rule;
  }

  private static String uniqueName(String base) {
    return Parts.uniqueName(base);
  }

  /**
   * The Pipe passes a record that matches any of its filters. A global table's home also passes the
   * replicated deletions, which carry no identity (docs/workflow.md, docs/regions.md).
   */
  private List<CfnPipe.FilterProperty> ttlFilters(ProjectFiles files) {
    List<CfnPipe.FilterProperty> filters = new ArrayList<>();
    filters.add(
        CfnPipe.FilterProperty.builder()
            .pattern(EventPatternFile.filterPattern(files, ProjectFiles.TTL_EXPIRY_FILTER))
            .build());
    if (config.multiRegion()) {
      filters.add(
          CfnPipe.FilterProperty.builder()
              .pattern(
                  EventPatternFile.filterPattern(files, ProjectFiles.TTL_EXPIRY_REPLICATED_FILTER))
              .build());
    }
    return filters;
  }

  /**
   * TTL deletions reach the workflow as the Pipe delivers them: a one-record array. Standard
   * workflows can only be started fire-and-forget; failed starts go to the DLQ after retries.
   */
  private CfnPipe ttlExpiryPipe(
      String prefix, RemovalPolicy removal, WarmcacheConfig config, ProjectFiles files, Queue dlq) {
    String name = prefix + "-ttl-expiry";
    LogGroup logs =
        LogGroup.Builder.create(this, "PipeLogs")
            .logGroupName(uniqueName("/aws/vendedlogs/pipes/" + name))
            .retention(config.logRetention())
            .removalPolicy(removal)
            .build();
    Role role =
        this.pipeRole =
            Role.Builder.create(this, "PipeRole")
                .assumedBy(
                    ServicePrincipal.Builder.create("pipes.amazonaws.com")
                        .conditions(
                            Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID)))
                        .build())
                .description("Execution role of the " + name + " pipe")
                .build();
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("ReadTableStream")
            .actions(
                List.of(
                    "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"))
            .resources(List.of(table.getTableStreamArn()))
            .build());
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("ListStreams")
            .actions(List.of("dynamodb:ListStreams"))
            .resources(List.of("*"))
            .build());
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("StartRefresh")
            .actions(List.of("states:StartExecution"))
            .resources(List.of(stateMachine.getStateMachineArn()))
            .build());
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("DeadLetter")
            .actions(List.of("sqs:SendMessage", "sqs:GetQueueAttributes"))
            .resources(List.of(dlq.getQueueArn()))
            .build());
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("WritePipeLogs")
            .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
            .resources(List.of(logs.getLogGroupArn()))
            .build());

    CfnPipe created =
        CfnPipe.Builder.create(this, "TtlExpiryPipe")
            .name(name)
            .description(
                "TTL deletions of the table start the refresh workflow; filter from "
                    + ProjectFiles.TTL_EXPIRY_FILTER)
            .roleArn(role.getRoleArn())
            .source(table.getTableStreamArn())
            .sourceParameters(
                CfnPipe.PipeSourceParametersProperty.builder()
                    .filterCriteria(
                        CfnPipe.FilterCriteriaProperty.builder().filters(ttlFilters(files)).build())
                    .dynamoDbStreamParameters(
                        CfnPipe.PipeSourceDynamoDBStreamParametersProperty.builder()
                            .startingPosition("LATEST")
                            .batchSize(1)
                            .maximumBatchingWindowInSeconds(0)
                            // Each expiry is retried for up to an hour, then parked in the DLQ
                            // so one poisoned record never blocks its shard.
                            .maximumRetryAttempts(10)
                            .maximumRecordAgeInSeconds(3600)
                            .deadLetterConfig(
                                CfnPipe.DeadLetterConfigProperty.builder()
                                    .arn(dlq.getQueueArn())
                                    .build())
                            .build())
                    .build())
            .target(stateMachine.getStateMachineArn())
            .targetParameters(
                CfnPipe.PipeTargetParametersProperty.builder()
                    .stepFunctionStateMachineParameters(
                        // Standard workflows can only be started asynchronously; Express ones
                        // are too, so a slow refresh never holds the stream's shard.
                        CfnPipe.PipeTargetStateMachineParametersProperty.builder()
                            .invocationType("FIRE_AND_FORGET")
                            .build())
                    .build())
            .logConfiguration(
                CfnPipe.PipeLogConfigurationProperty.builder()
                    .level("ERROR")
                    .cloudwatchLogsLogDestination(
                        CfnPipe.CloudwatchLogsLogDestinationProperty.builder()
                            .logGroupArn(logs.getLogGroupArn())
                            .build())
                    .build())
            .build();
    // The role's policy must exist before the Pipe validates its source and target.
    created.getNode().addDependency(role);
    return created;
  }

  private void outputs() {
    output("TableName", table.getTableName(), "DynamoDB table of cached items");
    output("EventBusName", bus.getEventBusName(), "bus for ForceRefresh (aws events put-events)");
    output("ReaderFunctionName", reader.getFunctionName(), "reader function");
    output("ReaderAliasName", readerAlias.getAliasName(), "alias every caller uses");
    output(
        "ReaderAliasArn", readerAlias.getFunctionArn(), "aws lambda invoke --function-name <this>");
    output(
        "RefreshAliasArn",
        refreshAlias.getFunctionArn(),
        "refresh tasks, as the workflow calls them");
    output(
        "StateMachineArn",
        stateMachine.getStateMachineArn(),
        "aws stepfunctions list-executions --state-machine-arn <this>");
    output(
        "StateMachineConsoleUrl",
        Fn.join(
            "",
            List.of(
                "https://",
                Aws.REGION,
                ".console.aws.amazon.com/states/home?region=",
                Aws.REGION,
                "#/statemachines/view/",
                stateMachine.getStateMachineArn())),
        "watch refreshes in the Step Functions console");
    output("TtlExpiryPipeName", pipe.getRef(), "Pipe from the table stream to the workflow");
    output(
        "ReaderLogGroupName",
        reader.getLogGroup().getLogGroupName(),
        "aws logs tail <this> --follow");
    output(
        "RefreshLogGroupName",
        refresh.getLogGroup().getLogGroupName(),
        "aws logs tail <this> --follow");
    http.ifPresent(
        front ->
            output(
                "HttpDomainName",
                front.distribution().getDistributionDomainName(),
                "curl -i https://<this>/items/15"));
    httpUrl.ifPresent(
        url ->
            output(
                "HttpFunctionUrl",
                url.getUrl(),
                "the reader's function URL (AWS_IAM: only the distribution may call it)"));
  }

  private void output(String id, String value, String description) {
    CfnOutput.Builder.create(this, id).value(value).description(description).build();
  }

  /** Each cdk-nag finding that stays is a deliberate choice; the reason says why. */
  private void suppressFindings() {
    for (Function function : List.of(reader, refresh)) {
      Parts.suppressFunctionFindings(function);
    }
    NagSuppressions.addResourceSuppressions(
        stateMachine,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "X-Ray tracing and CloudWatch Logs vended delivery (logs:*LogDelivery, "
                        + "logs:PutResourcePolicy, logs:Describe*) support no resource-level permissions")
                .appliesTo(List.of("Resource::*"))
                .build()),
        true);
    NagSuppressions.addResourceSuppressions(
        pipeRole,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "dynamodb:ListStreams supports no resource-level permissions; the stream itself "
                        + "is read through its own ARN")
                .appliesTo(List.of("Resource::*"))
                .build()),
        true);
  }

  /**
   * Grants exactly what a reading client ({@code dev.warmcache.client.Warmcache}) needs: {@code
   * GetItem} and {@code BatchGetItem} on the table, the claim and idle-reset write confined to the
   * attributes {@link #READER_UPDATABLE_ATTRIBUTES} (no item comes back through it), and {@code
   * PutEvents} of {@code CacheMiss} only ({@code events:source} = {@value #READER_SOURCE}). No
   * value write, no other event.
   */
  public void grantRead(IGrantable grantee) {
    Parts.grantClient(grantee, table, table, bus);
  }

  /**
   * {@link #grantRead}, and the environment {@code Warmcache.fromEnvironment()} reads: {@code
   * TABLE_NAME}, {@code EVENT_BUS_NAME}, and every reader setting this cache's configuration
   * changes from its default (the same values the reader Lambda gets; the client's defaults are the
   * reader's). Never the origin's URL. In another region, bind with {@link RegionalReaders#bind}.
   */
  public void bind(Function function) {
    grantRead(function);
    Parts.clientEnvironment(function, table, bus, config);
  }

  /**
   * Grants {@code PutEvents} of {@code ForceRefresh} only ({@code events:source} = {@value
   * #ADMIN_SOURCE}), what {@code Warmcache.refresh(id)} and an operator's {@code aws events
   * put-events} send. Separate from {@link #grantRead}: a refresh costs an origin fetch.
   */
  public void grantForceRefresh(IGrantable grantee) {
    Parts.grantEvents(grantee, bus, ADMIN_SOURCE);
  }

  /** The one table shape the twin and the test fixture create too, in one region. */
  private Table table(String prefix, RemovalPolicy removal) {
    return Table.Builder.create(this, "Table")
        .tableName(prefix)
        .partitionKey(partitionKey())
        .billingMode(BillingMode.valueOf(TableShape.BILLING_MODE))
        .timeToLiveAttribute(TableShape.TTL_ATTRIBUTE)
        .stream(StreamViewType.valueOf(TableShape.STREAM_VIEW_TYPE))
        .pointInTimeRecoverySpecification(pointInTimeRecovery())
        .deletionProtection(removal == RemovalPolicy.RETAIN)
        .removalPolicy(removal)
        .build();
  }

  /**
   * The same shape as a global table (version 2019.11.21, multi-Region eventual consistency: the
   * only mode with TTL) with a replica in every other region of {@code regions}. Each replica has
   * its own stream; only this, the refresh home's, feeds a Pipe (docs/regions.md).
   */
  private TableV2 globalTable(String prefix, RemovalPolicy removal) {
    if (!BillingMode.valueOf(TableShape.BILLING_MODE).equals(BillingMode.PAY_PER_REQUEST)) {
      throw new IllegalStateException("the global table is built on demand, as TableShape says");
    }
    List<ReplicaTableProps> replicas = new ArrayList<>();
    for (String region : config.regions().subList(1, config.regions().size())) {
      replicas.add(
          ReplicaTableProps.builder()
              .region(region)
              .deletionProtection(removal == RemovalPolicy.RETAIN)
              .pointInTimeRecoverySpecification(pointInTimeRecovery())
              .build());
    }
    return TableV2.Builder.create(this, "Table")
        .tableName(prefix)
        .partitionKey(partitionKey())
        .billing(Billing.onDemand())
        .timeToLiveAttribute(TableShape.TTL_ATTRIBUTE)
        .dynamoStream(StreamViewType.valueOf(TableShape.STREAM_VIEW_TYPE))
        .pointInTimeRecoverySpecification(pointInTimeRecovery())
        .deletionProtection(removal == RemovalPolicy.RETAIN)
        .removalPolicy(removal)
        .replicas(replicas)
        .build();
  }

  /** The key of TableShape, the one shape the twin and the test fixture create too. */
  private static Attribute partitionKey() {
    return Attribute.builder()
        .name(TableShape.PARTITION_KEY)
        .type(partitionKeyType(TableShape.PARTITION_KEY_TYPE))
        .build();
  }

  private static PointInTimeRecoverySpecification pointInTimeRecovery() {
    return PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build();
  }

  /** The reader's function URL, with {@code httpFront}. */
  java.util.Optional<FunctionUrl> httpUrl() {
    return httpUrl;
  }

  public ITable table() {
    return table;
  }

  public EventBus bus() {
    return bus;
  }

  public Function reader() {
    return reader;
  }

  public Function refresh() {
    return refresh;
  }

  public StateMachine stateMachine() {
    return stateMachine;
  }

  /** The dead-letter queues by trigger: CacheMiss, ForceRefresh, TtlExpiry. */
  public Map<String, Queue> deadLetterQueues() {
    return java.util.Collections.unmodifiableMap(deadLetterQueues);
  }

  /** The CDK's name for a DynamoDB scalar attribute type ({@code S}, {@code N}, {@code B}). */
  static AttributeType partitionKeyType(String dynamoDbType) {
    return switch (dynamoDbType) {
      case "S" -> AttributeType.STRING;
      case "N" -> AttributeType.NUMBER;
      case "B" -> AttributeType.BINARY;
      default -> throw new IllegalArgumentException("not a key attribute type: " + dynamoDbType);
    };
  }
}
