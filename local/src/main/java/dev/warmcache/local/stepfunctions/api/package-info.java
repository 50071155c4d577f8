/**
 * Step Functions' wire API on the edge (JSON 1.0, {@code AWSStepFunctions}): StartExecution,
 * DescribeExecution, ListExecutions, GetExecutionHistory and the state machine reads, over the
 * engine in {@code dev.warmcache.local.stepfunctions.engine}.
 */
package dev.warmcache.local.stepfunctions.api;
