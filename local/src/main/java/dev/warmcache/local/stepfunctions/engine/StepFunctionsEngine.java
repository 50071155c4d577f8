package dev.warmcache.local.stepfunctions.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Step Functions for the twin: state machines, executions and their histories, with the ASL walked
 * by the Node sidecar and every Task state handed to a {@link TaskHandler}. See the package
 * documentation for the API and its AWS mapping.
 */
public final class StepFunctionsEngine implements AutoCloseable {

  /** The region of an engine started without one, the twin's default refresh home. */
  public static final String DEFAULT_REGION = "us-east-1";

  static final String ACCOUNT = "000000000000";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}");

  /**
   * Finished executions kept for Describe/List/History, at most; the oldest go first, so a
   * long-lived twin stays bounded.
   */
  public static final int RETAINED_FINISHED = 2_000;

  /**
   * The size the retained finished executions may hold together, counted as the characters of their
   * inputs, outputs and history event details: 2,000 executions at their 256 KiB input limit would
   * otherwise hold half a gigabyte.
   */
  public static final long RETAINED_BYTES = 64L << 20;

  static final String SIDECAR_ERROR = "States.Runtime";

  private final TaskHandler tasks;
  private final SidecarSupervisor supervisor;
  private final Map<String, StateMachine> machines = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> definitions = new ConcurrentHashMap<>();
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final Retention<Run> retention;

  private final List<ExecutionListener> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService taskThreads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "sfn-task");
            t.setDaemon(true);
            return t;
          });

  private final String region;

  private StepFunctionsEngine(
      Path sidecarDirectory, String node, TaskHandler tasks, long retainedBytes, String region) {
    this.tasks = tasks;
    this.region = region;
    this.retention =
        new Retention<>(
            RETAINED_FINISHED, retainedBytes, run -> runs.remove(run.executionArn, run));
    this.supervisor =
        SidecarSupervisor.start(
            sidecarDirectory, node, this::onMessage, this::definitionMessages, this::onLost);
  }

  /** Starts the sidecar with {@code node} from the PATH. */
  public static StepFunctionsEngine start(Path sidecarDirectory, TaskHandler tasks) {
    return start(sidecarDirectory, tasks, DEFAULT_REGION);
  }

  /** Starts the sidecar with {@code node} from the PATH, for state machines of {@code region}. */
  public static StepFunctionsEngine start(Path sidecarDirectory, TaskHandler tasks, String region) {
    return new StepFunctionsEngine(sidecarDirectory, "node", tasks, RETAINED_BYTES, region);
  }

  public static StepFunctionsEngine start(
      Path sidecarDirectory, String nodeExecutable, TaskHandler tasks) {
    return new StepFunctionsEngine(
        sidecarDirectory, nodeExecutable, tasks, RETAINED_BYTES, DEFAULT_REGION);
  }

  /** For tests: an engine that retains finished executions up to {@code retainedBytes}. */
  static StepFunctionsEngine start(Path sidecarDirectory, TaskHandler tasks, long retainedBytes) {
    return new StepFunctionsEngine(sidecarDirectory, "node", tasks, retainedBytes, DEFAULT_REGION);
  }

  /** The twin's ARN for a state machine name in {@code region}. */
  public static String stateMachineArn(String region, String name) {
    return "arn:aws:states:" + region + ":" + ACCOUNT + ":stateMachine:" + name;
  }

  /** The region this engine runs its state machines in. */
  public String region() {
    return region;
  }

  /**
   * Fills {@code ${Name}} placeholders as CDK's definitionSubstitutions do. The values land inside
   * JSON strings, so they are escaped as string content; a placeholder without a value is an error.
   */
  public static String substitute(String definition, Map<String, String> substitutions) {
    Matcher m = PLACEHOLDER.matcher(definition);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = substitutions.get(m.group(1));
      if (value == null) {
        throw new StepFunctionsException(
            "InvalidDefinition", "No substitution for placeholder ${" + m.group(1) + "}");
      }
      String escaped = JSON.getNodeFactory().textNode(value).toString();
      m.appendReplacement(
          out, Matcher.quoteReplacement(escaped.substring(1, escaped.length() - 1)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * Registers a state machine (CreateStateMachine). The definition is substituted, then validated
   * by the sidecar's interpreter; an invalid one is refused with {@code InvalidDefinition}.
   */
  public StateMachine createStateMachine(
      String name, String definition, Map<String, String> substitutions, String roleArn) {
    if (!NAME.matcher(name).matches()) {
      throw new StepFunctionsException("InvalidName", "Invalid state machine name: " + name);
    }
    String arn = stateMachineArn(region, name);
    String text = substitute(definition, substitutions);
    try {
      JSON.readTree(text);
    } catch (IOException e) {
      throw new StepFunctionsException(
          "InvalidDefinition", "The definition is not JSON: " + e.getMessage());
    }
    CompletableFuture<Void> defined = new CompletableFuture<>();
    definitions.put(arn, defined);
    try {
      supervisor.define(defineMessage(arn, text));
    } catch (RuntimeException e) {
      definitions.remove(arn);
      throw e;
    }
    try {
      defined.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new StepFunctionsException("InvalidDefinition", e.getCause().getMessage());
    } catch (TimeoutException | InterruptedException e) {
      throw new IllegalStateException("The Step Functions sidecar did not answer", e);
    } finally {
      definitions.remove(arn);
    }
    StateMachine machine = new StateMachine(arn, name, text, roleArn, Instant.now());
    machines.put(arn, machine);
    return machine;
  }

  private static JsonNode defineMessage(String stateMachineArn, String definition) {
    return JSON.createObjectNode()
        .put("type", "define")
        .put("stateMachineArn", stateMachineArn)
        .put("definition", definition);
  }

  /** Every state machine, as a successor sidecar must learn them. */
  private List<JsonNode> definitionMessages() {
    return machines.values().stream()
        .map(m -> defineMessage(m.stateMachineArn(), m.definition()))
        .toList();
  }

  public Optional<StateMachine> stateMachine(String arn) {
    return Optional.ofNullable(machines.get(arn));
  }

  public List<StateMachine> stateMachines() {
    return machines.values().stream().sorted(Comparator.comparing(StateMachine::name)).toList();
  }

  /**
   * Starts an execution (StartExecution). As for Standard workflows, starting a running execution's
   * name again with the same input returns that execution; any other reuse of a name is {@code
   * ExecutionAlreadyExists}.
   *
   * @param name {@code null} for a generated one
   * @param input JSON text, {@code null} for {@code {}}
   */
  /** Largest execution input, in UTF-8 bytes: 256 KiB, as on AWS. */
  public static final int MAX_INPUT_BYTES = 262_144;

  public Execution startExecution(String stateMachineArn, String name, String input) {
    StateMachine machine = machines.get(stateMachineArn);
    if (machine == null) {
      throw new StepFunctionsException(
          "StateMachineDoesNotExist", "State Machine Does Not Exist: '" + stateMachineArn + "'");
    }
    String executionName = name == null ? UUID.randomUUID().toString() : name;
    if (!NAME.matcher(executionName).matches()) {
      throw new StepFunctionsException("InvalidName", "Invalid Name: '" + executionName + "'");
    }
    String inputText = input == null ? "{}" : input;
    if (inputText.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_INPUT_BYTES) {
      // StartExecution's input has "Length Constraints: Maximum length of 262144" (API
      // reference), refused as AWS refuses any member over its constraint.
      throw new StepFunctionsException(
          "ValidationException",
          "1 validation error detected: Value at 'input' failed to satisfy constraint: "
              + "Member must have length less than or equal to "
              + MAX_INPUT_BYTES);
    }
    JsonNode inputJson;
    try {
      inputJson = JSON.readTree(inputText);
    } catch (IOException e) {
      throw new StepFunctionsException(
          "InvalidExecutionInput",
          "Invalid State Machine Execution Input: '" + e.getMessage() + "'");
    }
    if (inputJson == null) {
      throw new StepFunctionsException(
          "InvalidExecutionInput", "Invalid State Machine Execution Input: empty");
    }
    String executionArn =
        "arn:aws:states:"
            + region
            + ":"
            + ACCOUNT
            + ":execution:"
            + machine.name()
            + ":"
            + executionName;
    Run run = new Run(executionArn, stateMachineArn, executionName, inputText);
    Run existing = runs.putIfAbsent(executionArn, run);
    if (existing != null) {
      Execution e = existing.snapshot();
      if (e.status() == ExecutionStatus.RUNNING && e.input().equals(inputText)) {
        return e;
      }
      throw new StepFunctionsException(
          "ExecutionAlreadyExists", "Execution Already Exists: '" + executionArn + "'");
    }
    ObjectNode message =
        JSON.createObjectNode()
            .put("type", "start")
            .put("executionArn", executionArn)
            .put("name", executionName)
            .put("stateMachineArn", stateMachineArn)
            .put("roleArn", machine.roleArn())
            .put("startTime", run.startDate.toString());
    message.set("input", inputJson);
    // While a crashed sidecar is replaced the start waits for its successor; if none comes, the
    // execution fails with the reason: it never stays RUNNING with no process behind it, and the
    // caller gets an execution, not an error.
    String lost = supervisor.start(executionArn, message, run::running);
    if (lost != null) {
      failLost(run, lost);
    }
    return run.snapshot();
  }

  private void failLost(Run run, String cause) {
    finish(
        run,
        ExecutionStatus.FAILED,
        null,
        SIDECAR_ERROR,
        cause,
        "ExecutionFailed",
        "executionFailedEventDetails",
        JSON.createObjectNode().put("error", SIDECAR_ERROR).put("cause", cause));
  }

  public Optional<Execution> describeExecution(String executionArn) {
    Run run = runs.get(executionArn);
    return run == null ? Optional.empty() : Optional.of(run.snapshot());
  }

  /** Executions of one state machine, newest first, optionally only those with one status. */
  public List<Execution> listExecutions(String stateMachineArn, ExecutionStatus statusFilter) {
    if (!machines.containsKey(stateMachineArn)) {
      throw new StepFunctionsException(
          "StateMachineDoesNotExist", "State Machine Does Not Exist: '" + stateMachineArn + "'");
    }
    // Filter and sort the runs before copying them: pollers ask for the few RUNNING executions
    // among thousands retained, and a copy of each (input, output) per poll cost a third of the
    // twin's CPU at 100 refreshes a second (docs/scale.md).
    return runs.values().stream()
        .filter(r -> r.stateMachineArn.equals(stateMachineArn))
        .filter(r -> statusFilter == null || r.status() == statusFilter)
        .sorted(Comparator.comparing((Run r) -> r.startDate).reversed())
        .map(Run::snapshot)
        // A run may finish between the two reads of its status.
        .filter(e -> statusFilter == null || e.status() == statusFilter)
        .toList();
  }

  /**
   * How many of the state machine's retained executions have {@code status} (null: any): what a
   * poller waiting for the RUNNING ones to end needs, without the copy and sort of {@link
   * #listExecutions}, which grow with the backlog the poller is waiting on.
   */
  public long countExecutions(String stateMachineArn, ExecutionStatus status) {
    return runs.values().stream()
        .filter(r -> r.stateMachineArn.equals(stateMachineArn))
        .filter(r -> status == null || r.status() == status)
        .count();
  }

  /** The execution's history so far, oldest first (GetExecutionHistory). */
  public List<HistoryEvent> history(String executionArn) {
    Run run = runs.get(executionArn);
    if (run == null) {
      throw new StepFunctionsException(
          "ExecutionDoesNotExist", "Execution Does Not Exist: '" + executionArn + "'");
    }
    return run.events();
  }

  /** Stops a running execution (StopExecution); stopping a finished one changes nothing. */
  public Execution stopExecution(String executionArn, String error, String cause) {
    Run run = runs.get(executionArn);
    if (run == null) {
      throw new StepFunctionsException(
          "ExecutionDoesNotExist", "Execution Does Not Exist: '" + executionArn + "'");
    }
    ObjectNode details = JSON.createObjectNode();
    if (error != null) details.put("error", error);
    if (cause != null) details.put("cause", cause);
    if (finish(
        run,
        ExecutionStatus.ABORTED,
        null,
        error,
        cause,
        "ExecutionAborted",
        "executionAbortedEventDetails",
        details)) {
      supervisor.sendTo(
          executionArn,
          JSON.createObjectNode().put("type", "stop").put("executionArn", executionArn));
      supervisor.done(executionArn);
    }
    return run.snapshot();
  }

  /** Waits until the execution is no longer running and returns its final snapshot. */
  public Execution awaitExecution(String executionArn, Duration timeout)
      throws TimeoutException, InterruptedException {
    Run run = runs.get(executionArn);
    if (run == null) {
      throw new StepFunctionsException(
          "ExecutionDoesNotExist", "Execution Does Not Exist: '" + executionArn + "'");
    }
    try {
      return run.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  public void addListener(ExecutionListener listener) {
    listeners.add(listener);
  }

  // ---- sidecar messages (one reader thread, in execution order) ----

  private void onMessage(Sidecar from, JsonNode message) {
    String type = message.path("type").asText();
    switch (type) {
      case "defined" -> complete(message.path("stateMachineArn").asText(), null);
      case "defineFailed" ->
          complete(message.path("stateMachineArn").asText(), message.path("message").asText());
      case "event" -> onEvent(message);
      case "task" -> onTask(from, message);
      case "finished" -> onFinished(message);
      default -> System.err.println("[sfn] unknown sidecar message " + type);
    }
  }

  private void complete(String arn, String failure) {
    CompletableFuture<Void> defined = definitions.get(arn);
    if (defined == null) {
      return;
    }
    if (failure == null) {
      defined.complete(null);
    } else {
      defined.completeExceptionally(new IllegalArgumentException(failure));
    }
  }

  private void onTask(Sidecar asking, JsonNode message) {
    Run run = runs.get(message.path("executionArn").asText());
    long callId = message.path("callId").asLong();
    String state = message.path("state").asText();
    String resource = message.path("resource").asText();
    JsonNode parameters = message.path("input");
    if (run == null) {
      replyError(asking, callId, "States.Runtime", "unknown execution");
      return;
    }
    // The sidecar may still ask for a task of an execution just stopped: it must not run (its
    // side effects would land after ExecutionAborted) nor be recorded.
    if (!run.running()) {
      replyError(asking, callId, "States.Runtime", "the execution is no longer running");
      return;
    }
    ObjectNode scheduled = resourceDetails(resource);
    scheduled.put("region", region);
    scheduled.put("parameters", parameters.toString());
    append(run, "TaskScheduled", "taskScheduledEventDetails", scheduled);
    append(run, "TaskStarted", "taskStartedEventDetails", resourceDetails(resource));
    taskThreads.submit(
        () -> {
          try {
            JsonNode output =
                tasks.execute(new TaskCall(run.executionArn, state, resource, parameters));
            ObjectNode succeeded =
                data(
                    resourceDetails(resource),
                    "output",
                    output == null ? "null" : output.toString());
            if (run.running()) {
              append(run, "TaskSucceeded", "taskSucceededEventDetails", succeeded);
            }
            ObjectNode reply =
                JSON.createObjectNode().put("type", "taskResult").put("callId", callId);
            reply.set("output", output == null ? JSON.nullNode() : output);
            SidecarSupervisor.reply(asking, reply);
          } catch (TaskFailedException e) {
            failTask(asking, run, resource, callId, e.error(), e.cause());
          } catch (RuntimeException e) {
            failTask(
                asking,
                run,
                resource,
                callId,
                "States.TaskFailed",
                "The task could not run: " + e.getMessage());
          }
        });
  }

  private void failTask(
      Sidecar asking, Run run, String resource, long callId, String error, String cause) {
    ObjectNode failed = resourceDetails(resource);
    failed.put("error", error);
    failed.put("cause", cause);
    if (run.running()) {
      append(run, "TaskFailed", "taskFailedEventDetails", failed);
    }
    replyError(asking, callId, error, cause);
  }

  private void replyError(Sidecar asking, long callId, String error, String cause) {
    SidecarSupervisor.reply(
        asking,
        JSON.createObjectNode()
            .put("type", "taskError")
            .put("callId", callId)
            .put("error", error)
            .put("cause", cause));
  }

  /**
   * {@code arn:aws:states:::dynamodb:putItem} is resourceType dynamodb, resource putItem, as AWS
   * reports them.
   */
  private static ObjectNode resourceDetails(String resource) {
    ObjectNode details = JSON.createObjectNode();
    String prefix = "arn:aws:states:::";
    if (resource.startsWith(prefix)) {
      String rest = resource.substring(prefix.length());
      int colon = rest.indexOf(':');
      details.put("resourceType", colon < 0 ? rest : rest.substring(0, colon));
      details.put("resource", colon < 0 ? "" : rest.substring(colon + 1));
    } else {
      details.put("resourceType", "lambda");
      details.put("resource", resource);
    }
    return details;
  }

  private void onEvent(JsonNode message) {
    Run run = runs.get(message.path("executionArn").asText());
    if (run == null || !run.running()) {
      return;
    }
    JsonNode event = message.path("event");
    String type = event.path("type").asText();
    JsonNode state = event.path("state");
    String stateType = state.path("type").asText();
    switch (type) {
      case "ExecutionStarted" -> {
        ObjectNode d = data(JSON.createObjectNode(), "input", event.path("input").toString());
        d.put("roleArn", machines.get(run.stateMachineArn).roleArn());
        append(run, "ExecutionStarted", "executionStartedEventDetails", d);
      }
      case "StateEntered" -> {
        ObjectNode d =
            data(
                JSON.createObjectNode().put("name", state.path("name").asText()),
                "input",
                state.path("input").toString());
        append(run, stateType + "StateEntered", "stateEnteredEventDetails", d);
      }
      case "StateExited" -> {
        ObjectNode d =
            data(
                JSON.createObjectNode().put("name", state.path("name").asText()),
                "output",
                state.path("output").toString());
        append(run, stateType + "StateExited", "stateExitedEventDetails", d);
      }
      case "StateFailed" -> {
        // Task failures are already recorded as TaskFailed when the task answered.
        if ("Map".equals(stateType) || "Parallel".equals(stateType)) {
          append(run, stateType + "StateFailed", null, null);
        }
      }
      case "MapIterationStarted", "MapIterationSucceeded", "MapIterationFailed" -> {
        ObjectNode d =
            JSON.createObjectNode()
                .put("name", event.path("parentState").path("name").asText())
                .put("index", event.path("index").asInt());
        String field = Character.toLowerCase(type.charAt(0)) + type.substring(1) + "EventDetails";
        append(run, type, field, d);
      }
      default -> {
        // ExecutionSucceeded/Failed come with "finished"; StateRetried and StateCaught have no AWS
        // event.
      }
    }
  }

  private void onFinished(JsonNode message) {
    String executionArn = message.path("executionArn").asText();
    supervisor.done(executionArn);
    Run run = runs.get(executionArn);
    if (run == null) {
      return;
    }
    ExecutionStatus status = ExecutionStatus.valueOf(message.path("status").asText("FAILED"));
    String output = message.has("output") ? message.get("output").toString() : null;
    String error = message.hasNonNull("error") ? message.get("error").asText() : null;
    String cause = message.hasNonNull("cause") ? message.get("cause").asText() : null;
    ObjectNode d = JSON.createObjectNode();
    switch (status) {
      case SUCCEEDED -> {
        data(d, "output", output);
        finish(
            run,
            status,
            output,
            null,
            null,
            "ExecutionSucceeded",
            "executionSucceededEventDetails",
            d);
      }
      case TIMED_OUT -> {
        d.put("error", error).put("cause", cause);
        finish(
            run,
            status,
            null,
            error,
            cause,
            "ExecutionTimedOut",
            "executionTimedOutEventDetails",
            d);
      }
      case ABORTED ->
          finish(
              run,
              status,
              null,
              error,
              cause,
              "ExecutionAborted",
              "executionAbortedEventDetails",
              d);
      default -> {
        d.put("error", error).put("cause", cause);
        finish(
            run,
            ExecutionStatus.FAILED,
            null,
            error,
            cause,
            "ExecutionFailed",
            "executionFailedEventDetails",
            d);
      }
    }
  }

  /**
   * The executions a dead sidecar was walking cannot go on, so they fail, as an execution fails
   * when Step Functions loses it.
   */
  private void onLost(List<String> executionArns, String cause) {
    for (String executionArn : executionArns) {
      Run run = runs.get(executionArn);
      if (run != null) {
        failLost(run, cause);
      }
    }
  }

  /** For tests: the current sidecar's process id, or -1 while there is none. */
  long sidecarPid() {
    return supervisor.pid();
  }

  /**
   * Adds {@code field} and, beside it, AWS's {@code <field>Details} ({@code truncated: false}: the
   * twin never truncates execution data).
   */
  private static ObjectNode data(ObjectNode details, String field, String value) {
    details.put(field, value);
    details.set(field + "Details", JSON.createObjectNode().put("truncated", false));
    return details;
  }

  private void append(Run run, String type, String field, ObjectNode details) {
    HistoryEvent event = run.append(type, field, details);
    if (event != null) {
      notifyListeners(run.snapshot(), event);
    }
  }

  /** Records the final event and status together, so a finished execution's history is complete. */
  private boolean finish(
      Run run,
      ExecutionStatus status,
      String output,
      String error,
      String cause,
      String type,
      String field,
      ObjectNode details) {
    HistoryEvent event = run.finish(status, output, error, cause, type, field, details);
    if (event == null) {
      return false;
    }
    retention.finished(run, run.bytes());
    notifyListeners(run.snapshot(), event);
    return true;
  }

  private void notifyListeners(Execution snapshot, HistoryEvent event) {
    for (ExecutionListener listener : listeners) {
      try {
        listener.onEvent(snapshot, event);
      } catch (RuntimeException e) {
        System.err.println("[sfn] listener failed: " + e);
      }
    }
  }

  @Override
  public void close() {
    supervisor.close();
    taskThreads.shutdownNow();
  }
}
