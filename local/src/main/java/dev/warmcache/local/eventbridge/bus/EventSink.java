package dev.warmcache.local.eventbridge.bus;

/**
 * Where one {@code PutEvents} entry goes: the twin's {@link EventBus}, or a test's capture. The
 * workflow's {@code events:putEvents} tasks depend on this and nothing else of EventBridge.
 */
@FunctionalInterface
public interface EventSink {

  /** Delivers one entry; the result is its event id or AWS's per-entry error. */
  PutEntry.Result put(PutEntry entry);
}
