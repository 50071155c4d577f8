package dev.warmcache.local.stepfunctions.engine;

/** Step Functions' execution statuses (Standard workflows). */
public enum ExecutionStatus {
  RUNNING,
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  ABORTED
}
