package dev.warmcache.reader;

import dev.warmcache.events.EventPublisher;
import dev.warmcache.item.ItemStore;
import dev.warmcache.testing.DynamoDbLocalFixture;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Per test: an empty table, its {@link ItemStore}, and the reader harnesses the test opens, whose
 * clients are closed after it.
 *
 * <pre>{@code
 * @RegisterExtension static final DynamoDbLocalFixture DYNAMODB = new DynamoDbLocalFixture();
 * @RegisterExtension final ReaderScope scope = new ReaderScope(DYNAMODB);
 * Harness h = scope.open(Map.of(), events, clock);
 * }</pre>
 */
final class ReaderScope implements BeforeEachCallback, AfterEachCallback {

  private final DynamoDbLocalFixture dynamodb;
  private final List<Harness> open = new ArrayList<>();
  private ItemStore store;

  ReaderScope(DynamoDbLocalFixture dynamodb) {
    this.dynamodb = dynamodb;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    dynamodb.clear();
    store = new ItemStore(dynamodb.client(), DynamoDbLocalFixture.TABLE);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    open.forEach(h -> h.dynamoDb.close());
    open.clear();
  }

  ItemStore store() {
    return store;
  }

  Harness open(Map<String, String> env, EventPublisher events, Clock clock) {
    Harness h = new Harness(dynamodb, env, events, clock);
    open.add(h);
    return h;
  }
}
