package dev.warmcache.local.pipes;

/** What the pipe starts with each batch; the twin wires it to StartExecution of the workflow. */
@FunctionalInterface
public interface PipeTarget {

  /**
   * Starts the target with one batch. Throwing means "not started": the pipe retries, then
   * dead-letters the batch, and only then moves past the record.
   *
   * @param batch a JSON array of records in the Pipes shape (batch size 1: {@code [record]})
   */
  void start(String batch) throws Exception;
}
