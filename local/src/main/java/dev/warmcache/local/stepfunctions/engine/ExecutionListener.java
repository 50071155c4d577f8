package dev.warmcache.local.stepfunctions.engine;

/**
 * Observes executions as they run (the watch console). Called on the engine's reader thread; keep
 * it quick.
 */
public interface ExecutionListener {

  /** A history event was appended to {@code execution} (a snapshot taken right after). */
  void onEvent(Execution execution, HistoryEvent event);
}
