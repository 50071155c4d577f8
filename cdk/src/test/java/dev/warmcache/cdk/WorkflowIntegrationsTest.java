package dev.warmcache.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reading of ASL integrations that the workflow role is built from. */
class WorkflowIntegrationsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode asl(String states) throws Exception {
    return JSON.readTree(("{'StartAt':'A','States':{" + states + "}}").replace('\'', '"'));
  }

  @Test
  void findsCallsInsideMapAndParallelStates() throws Exception {
    WorkflowIntegrations calls =
        WorkflowIntegrations.of(
            asl(
                "'A':{'Type':'Task','Resource':'arn:aws:states:::dynamodb:updateItem','Parameters':{'TableName':'${TableName}'},'Next':'B'},"
                    + "'B':{'Type':'Map','ItemProcessor':{'StartAt':'P','States':{'P':{'Type':'Task',"
                    + "'Resource':'arn:aws:states:::lambda:invoke','Parameters':{'FunctionName':'${RefreshFunctionArn}'},'End':true}}},'Next':'C'},"
                    + "'C':{'Type':'Parallel','Branches':[{'StartAt':'Q','States':{'Q':{'Type':'Task',"
                    + "'Resource':'arn:aws:states:::aws-sdk:dynamodb:getItem','Parameters':{'TableName':'${TableName}'},'End':true}}}],'Next':'D'},"
                    + "'D':{'Type':'Task','Resource':'arn:aws:states:::events:putEvents','Parameters':{'Entries':["
                    + "{'EventBusName':'${EventBusName}','Source':'warmcache.refresh','DetailType':'CacheRefreshed','Detail.$':'$'}]},'End':true}"));
    assertEquals(Set.of("dynamodb:UpdateItem", "dynamodb:GetItem"), calls.dynamoDbActions());
    assertEquals(Set.of(WorkflowIntegrations.REFRESH_FUNCTION_ARN), calls.invokedFunctions());
    assertTrue(calls.putsEvents());
    assertEquals(Set.of("warmcache.refresh"), calls.eventSources());
  }

  @Test
  void aTableOtherThanThePlaceholderFailsTheSynthNamingTheState() throws Exception {
    JsonNode definition =
        asl(
            "'Write':{'Type':'Task','Resource':'arn:aws:states:::dynamodb:putItem','Parameters':{'TableName':'other'},'End':true}");
    MalformedProjectFileException e =
        assertThrows(
            MalformedProjectFileException.class, () -> WorkflowIntegrations.of(definition));
    assertTrue(
        e.getMessage().contains("state 'Write'") && e.getMessage().contains("${TableName}"),
        e.getMessage());
  }

  @Test
  void aFunctionChosenAtRunTimeCannotBeGrantedAndFails() throws Exception {
    JsonNode definition =
        asl(
            "'Call':{'Type':'Task','Resource':'arn:aws:states:::lambda:invoke','Parameters':{'FunctionName.$':'$.fn'},'End':true}");
    MalformedProjectFileException e =
        assertThrows(
            MalformedProjectFileException.class, () -> WorkflowIntegrations.of(definition));
    assertTrue(e.getMessage().contains("$.fn"), e.getMessage());
  }

  @Test
  void anUnknownIntegrationFails() throws Exception {
    JsonNode definition =
        asl(
            "'Mail':{'Type':'Task','Resource':'arn:aws:states:::sns:publish','Parameters':{},'End':true}");
    assertThrows(MalformedProjectFileException.class, () -> WorkflowIntegrations.of(definition));
  }

  @Test
  void aDynamicEventSourceDropsTheSourceCondition() throws Exception {
    WorkflowIntegrations calls =
        WorkflowIntegrations.of(
            asl(
                "'E':{'Type':'Task','Resource':'arn:aws:states:::events:putEvents',"
                    + "'Parameters':{'Entries':[{'EventBusName':'${EventBusName}','Source.$':'$.source'}]},'End':true}"));
    assertTrue(calls.putsEvents());
    assertEquals(Set.of(), calls.eventSources());
  }

  @Test
  void placeholdersAreListed() {
    assertEquals(
        Set.of("TableName", "Typo"),
        WorkflowIntegrations.placeholdersIn("{\"a\":\"${TableName}\",\"b\":\"${Typo}\"}"));
  }
}
