package dev.warmcache.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Sends events to a custom bus with {@code PutEvents}. PutEvents reports per-entry failures in a
 * 200 response, so a failed entry is turned into an {@link EventPublishException} here rather than
 * being silently dropped.
 *
 * <pre>{@code
 * EventPublisher events = new EventBridgePublisher(AwsClients.eventBridge(settings), settings.eventBusName());
 * }</pre>
 */
public final class EventBridgePublisher implements EventPublisher {

  private final EventBridgeClient eventBridge;
  private final String busName;

  public EventBridgePublisher(EventBridgeClient eventBridge, String busName) {
    this.eventBridge = Objects.requireNonNull(eventBridge, "eventBridge");
    this.busName = Objects.requireNonNull(busName, "busName");
  }

  /** PutEvents' limit: at most 10 entries per request (see docs/client.md for the source). */
  public static final int MAX_BATCH_ENTRIES = 10;

  /**
   * {@code PutEvents} of at most {@value #MAX_BATCH_ENTRIES} entries each; an entry the bus rejects
   * (reported per entry in a 200 answer) or a request that fails is returned.
   */
  @Override
  public List<CacheEvent> publishAll(List<CacheEvent> events) {
    List<CacheEvent> failed = new ArrayList<>();
    for (int from = 0; from < events.size(); from += MAX_BATCH_ENTRIES) {
      List<CacheEvent> batch =
          events.subList(from, Math.min(events.size(), from + MAX_BATCH_ENTRIES));
      PutEventsResponse response;
      try {
        response = eventBridge.putEvents(b -> b.entries(batch.stream().map(this::entry).toList()));
      } catch (SdkException e) {
        failed.addAll(batch);
        continue;
      }
      List<PutEventsResultEntry> results = response.entries();
      for (int i = 0; i < batch.size(); i++) {
        PutEventsResultEntry result = i < results.size() ? results.get(i) : null;
        if (result == null || result.errorCode() != null) {
          failed.add(batch.get(i));
        }
      }
    }
    return failed;
  }

  private PutEventsRequestEntry entry(CacheEvent event) {
    return PutEventsRequestEntry.builder()
        .eventBusName(busName)
        .source(event.source())
        .detailType(event.detailType())
        .detail(event.detail())
        .build();
  }

  @Override
  public void publish(CacheEvent event) {
    PutEventsResponse response;
    try {
      response =
          eventBridge.putEvents(
              b ->
                  b.entries(
                      PutEventsRequestEntry.builder()
                          .eventBusName(busName)
                          .source(event.source())
                          .detailType(event.detailType())
                          .detail(event.detail())
                          .build()));
    } catch (SdkException e) {
      throw new EventPublishException(
          "PutEvents to bus " + busName + " failed: " + e.getMessage(), e);
    }
    Integer failed = response.failedEntryCount();
    if (failed != null && failed > 0) {
      PutEventsResultEntry entry = response.entries().isEmpty() ? null : response.entries().get(0);
      String why = entry == null ? "no detail" : entry.errorCode() + ": " + entry.errorMessage();
      throw new EventPublishException(
          "bus " + busName + " rejected " + event.detailType() + " (" + why + ")", null);
    }
  }
}
