package dev.warmcache.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AWS calls the refresh workflow makes, read from its ASL, so the state machine's role grants
 * exactly what the file uses and nothing else. Every integration must target this stack's table,
 * bus or functions through their placeholders; anything else fails the synth with the state's name
 * instead of failing at run time with AccessDenied.
 *
 * <pre>{@code
 * WorkflowIntegrations calls = WorkflowIntegrations.of(files.json(ProjectFiles.STATE_MACHINE));
 * calls.dynamoDbActions();   // e.g. [dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem]
 * }</pre>
 */
public final class WorkflowIntegrations {

  public static final String TABLE_NAME = "TableName";
  public static final String EVENT_BUS_NAME = "EventBusName";
  public static final String REFRESH_FUNCTION_ARN = "RefreshFunctionArn";

  /** The ASL's placeholders (docs/workflow.md), the only ones the stack and the twin substitute. */
  public static final Set<String> PLACEHOLDERS =
      Set.of(TABLE_NAME, EVENT_BUS_NAME, REFRESH_FUNCTION_ARN);

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern OPTIMISED_DYNAMODB =
      Pattern.compile("arn:aws:states:::dynamodb:(getItem|putItem|updateItem|deleteItem)");
  private static final Pattern SDK_DYNAMODB =
      Pattern.compile("arn:aws:states:::aws-sdk:dynamodb:([a-zA-Z]+)");
  private static final Pattern INTEGRATION_SUFFIX =
      Pattern.compile("\\.(sync(:2)?|waitForTaskToken)$");
  private static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
  private static final String EVENTS_PUT = "arn:aws:states:::events:putEvents";

  private final Set<String> dynamoDbActions = new TreeSet<>();
  private final Set<String> invokedFunctions = new TreeSet<>();
  private final Set<String> eventSources = new TreeSet<>();
  private boolean putsEvents;
  private boolean dynamicEventSource;

  private WorkflowIntegrations() {}

  /** Reads the integrations of every Task state, including those inside Parallel and Map states. */
  public static WorkflowIntegrations of(JsonNode definition) {
    WorkflowIntegrations calls = new WorkflowIntegrations();
    calls.visitStates(definition, "the state machine");
    return calls;
  }

  /**
   * The placeholders a definition text uses; the stack substitutes exactly {@link #PLACEHOLDERS}.
   */
  public static Set<String> placeholdersIn(String definitionText) {
    Set<String> found = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(definitionText);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  /** IAM actions on the table, e.g. {@code dynamodb:UpdateItem}. */
  public Set<String> dynamoDbActions() {
    return Collections.unmodifiableSet(dynamoDbActions);
  }

  /**
   * The function placeholders invoked: {@link #REFRESH_FUNCTION_ARN} (the refresh function primes
   * the readers itself).
   */
  public Set<String> invokedFunctions() {
    return Collections.unmodifiableSet(invokedFunctions);
  }

  public boolean putsEvents() {
    return putsEvents;
  }

  /** The event sources the workflow publishes, or empty if any entry computes its source. */
  public Set<String> eventSources() {
    return dynamicEventSource ? Set.of() : Collections.unmodifiableSet(eventSources);
  }

  private void visitStates(JsonNode container, String where) {
    JsonNode states = container.path("States");
    if (!states.isObject()) {
      throw new MalformedProjectFileException(
          ProjectFiles.STATE_MACHINE + ": " + where + " has no States object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = states.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String name = entry.getKey();
      JsonNode state = entry.getValue();
      switch (state.path("Type").asText()) {
        case "Task":
          visitTask(name, state);
          break;
        case "Parallel":
          for (JsonNode branch : state.path("Branches")) {
            visitStates(branch, "a branch of '" + name + "'");
          }
          break;
        case "Map":
          JsonNode processor =
              state.has("ItemProcessor") ? state.get("ItemProcessor") : state.path("Iterator");
          visitStates(processor, "the item processor of '" + name + "'");
          break;
        default:
          break;
      }
    }
  }

  private void visitTask(String name, JsonNode state) {
    String resource = INTEGRATION_SUFFIX.matcher(state.path("Resource").asText()).replaceFirst("");
    JsonNode parameters = state.path("Parameters");
    Matcher optimised = OPTIMISED_DYNAMODB.matcher(resource);
    Matcher sdk = SDK_DYNAMODB.matcher(resource);
    if (resource.equals(LAMBDA_INVOKE)) {
      invokedFunctions.add(placeholder(name, parameters, "FunctionName", REFRESH_FUNCTION_ARN));
    } else if (PLACEHOLDER.matcher(resource).matches()) {
      invokedFunctions.add(placeholder(name, state, "Resource", REFRESH_FUNCTION_ARN));
    } else if (optimised.matches() || sdk.matches()) {
      placeholder(name, parameters, "TableName", TABLE_NAME);
      String api = optimised.matches() ? optimised.group(1) : sdk.group(1);
      dynamoDbActions.add("dynamodb:" + Character.toUpperCase(api.charAt(0)) + api.substring(1));
    } else if (resource.equals(EVENTS_PUT)) {
      putsEvents = true;
      JsonNode entries = parameters.path("Entries");
      if (!entries.isArray()) {
        throw unsupported(
            name, "events:putEvents needs a literal Entries array, so the bus can be checked");
      }
      for (JsonNode entry : entries) {
        placeholder(name, entry, "EventBusName", EVENT_BUS_NAME);
        if (entry.path("Source").isTextual()) {
          eventSources.add(entry.get("Source").asText());
        } else {
          dynamicEventSource = true;
        }
      }
    } else {
      throw unsupported(
          name,
          "its Resource '"
              + state.path("Resource").asText()
              + "' is not an integration the stack grants (lambda:invoke, dynamodb:*, events:putEvents)");
    }
  }

  /** The placeholder in {@code node.field}, which must be one of {@code allowed}. */
  private static String placeholder(String state, JsonNode node, String field, String... allowed) {
    String value = node.path(field).asText("");
    Matcher m = PLACEHOLDER.matcher(value);
    if (m.matches()) {
      for (String candidate : allowed) {
        if (candidate.equals(m.group(1))) {
          return candidate;
        }
      }
    }
    throw unsupported(
        state,
        field
            + " must be one of "
            + String.join(", ", wrap(allowed))
            + " (a literal placeholder, so IAM can name the resource), got '"
            + (node.has(field + ".$")
                ? node.get(field + ".$").asText() + "' (a path)"
                : value + "'"));
  }

  private static String[] wrap(String... names) {
    String[] out = new String[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = "${" + names[i] + "}";
    }
    return out;
  }

  private static MalformedProjectFileException unsupported(String state, String why) {
    return new MalformedProjectFileException(
        ProjectFiles.STATE_MACHINE + ": state '" + state + "': " + why);
  }
}
