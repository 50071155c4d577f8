package dev.warmcache.testing;

import dev.warmcache.aws.AwsClients;
import dev.warmcache.dynamodblocal.DynamoDbLocalServer;
import dev.warmcache.item.ItemAttributes;
import dev.warmcache.item.TableShape;
import dev.warmcache.settings.Settings;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/**
 * Amazon DynamoDB Local, in-process, on a random free port bound to 127.0.0.1 only, with telemetry
 * disabled and the {@code warmcache} table created (pk {@code id} S, TTL on {@code expiresAt},
 * stream NEW_AND_OLD_IMAGES).
 *
 * <p>Register it once per test class; each fixture is its own server with its own in-memory
 * database, so test classes cannot see each other's items.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final DynamoDbLocalFixture DYNAMODB = new DynamoDbLocalFixture();
 *
 * @Test void reads() {
 *     ReaderHandler handler = new ReaderHandler(DYNAMODB.env());
 *     DYNAMODB.client().putItem(...);
 * }
 * }</pre>
 *
 * <p>The server is {@link DynamoDbLocalServer}, the same host the twin uses. Consumers depend on
 * the warmcache-core test-jar AND on {@code warmcache-dynamodb-local} in test scope (test-scoped
 * dependencies are not transitive).
 */
public final class DynamoDbLocalFixture
    implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

  public static final String TABLE = "warmcache";

  private DynamoDbLocalServer server;
  private DynamoDbClient client;

  /** Starts the server now, for use outside JUnit's lifecycle (benchmarks, main methods). */
  public static DynamoDbLocalFixture startNow() {
    DynamoDbLocalFixture fixture = new DynamoDbLocalFixture();
    fixture.start();
    return fixture;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  public synchronized void start() {
    if (server != null) {
      return;
    }
    try {
      server = DynamoDbLocalServer.start(null);
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not start", e);
    }
    this.client = AwsClients.dynamoDb(Settings.from(env()));
    createTable(TABLE);
  }

  public int port() {
    return endpoint().getPort();
  }

  public URI endpoint() {
    requireStarted();
    return server.endpoint();
  }

  /** A client for arranging and inspecting table state; built once per fixture. */
  public DynamoDbClient client() {
    requireStarted();
    return client;
  }

  /**
   * The environment a handler needs to use this server: endpoint, region, dummy static credentials
   * (so no credential chain is consulted) and the table name. Mutable copy. The server shares one
   * database across access keys and regions, as the twin's does.
   */
  public Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ENDPOINT_URL_DYNAMODB", endpoint().toString());
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("TABLE_NAME", TABLE);
    return env;
  }

  /** Creates a table shaped like the product's (idempotent). */
  public void createTable(String name) {
    try {
      client()
          .createTable(
              b ->
                  b.tableName(name)
                      .attributeDefinitions(
                          AttributeDefinition.builder()
                              .attributeName(TableShape.PARTITION_KEY)
                              .attributeType(TableShape.PARTITION_KEY_TYPE)
                              .build())
                      .keySchema(
                          KeySchemaElement.builder()
                              .attributeName(TableShape.PARTITION_KEY)
                              .keyType(KeyType.HASH)
                              .build())
                      .billingMode(TableShape.BILLING_MODE)
                      .streamSpecification(
                          s -> s.streamEnabled(true).streamViewType(TableShape.STREAM_VIEW_TYPE)));
      client()
          .updateTimeToLive(
              b ->
                  b.tableName(name)
                      .timeToLiveSpecification(
                          t -> t.enabled(true).attributeName(TableShape.TTL_ATTRIBUTE)));
    } catch (ResourceInUseException alreadyThere) {
      // idempotent by design: several tests may ask for the same table
    }
  }

  /** Deletes every item of the {@code warmcache} table, so each test starts from nothing. */
  public void clear() {
    List<Map<String, AttributeValue>> items =
        client()
            .scanPaginator(
                b ->
                    b.tableName(TABLE)
                        .projectionExpression("#id")
                        .expressionAttributeNames(Map.of("#id", ItemAttributes.ID)))
            .items()
            .stream()
            .toList();
    for (Map<String, AttributeValue> key : items) {
      client().deleteItem(b -> b.tableName(TABLE).key(key));
    }
  }

  private void requireStarted() {
    if (server == null) {
      throw new IllegalStateException(
          "DynamoDB Local is not started; register the fixture with @RegisterExtension on a static field");
    }
  }

  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    client.close();
    try {
      server.close();
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not stop", e);
    } finally {
      server = null;
    }
  }
}
