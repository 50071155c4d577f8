package dev.warmcache.local.stepfunctions.engine;

import java.time.Instant;

/**
 * An immutable snapshot of one execution: what {@code DescribeExecution} returns.
 *
 * @param stopDate {@code null} while running
 * @param input the input JSON text
 * @param output the output JSON text once succeeded, else {@code null}
 * @param error the error name once failed, timed out or aborted, else {@code null}
 * @param cause the cause text for {@code error}, else {@code null}
 */
public record Execution(
    String executionArn,
    String stateMachineArn,
    String name,
    ExecutionStatus status,
    Instant startDate,
    Instant stopDate,
    String input,
    String output,
    String error,
    String cause) {}
