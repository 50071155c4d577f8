/**
 * Step Functions for the local twin: the real ASL file, walked by {@code aws-local-stepfunctions}
 * in a Node sidecar ({@code local/sidecar}), with executions, statuses and an AWS-shaped history
 * kept here in Java.
 *
 * <h2>API, and the Step Functions action each call backs</h2>
 *
 * <pre>{@code
 * StepFunctionsEngine sfn = StepFunctionsEngine.start(Path.of("local/sidecar"), taskHandler);
 * StateMachine sm = sfn.createStateMachine("warmcache-refresh",            // CreateStateMachine
 *     Files.readString(Path.of("statemachine/refresh.asl.json")),
 *     Map.of("TableName", "warmcache", "EventBusName", "warmcache",
 *            "RefreshFunctionArn", refreshArn),
 *     roleArn);
 * Execution e = sfn.startExecution(sm.stateMachineArn(), null, inputJson);  // StartExecution
 * sfn.describeExecution(e.executionArn());                                 // DescribeExecution
 * sfn.listExecutions(sm.stateMachineArn(), ExecutionStatus.RUNNING);        // ListExecutions (newest first)
 * sfn.history(e.executionArn());                                           // GetExecutionHistory
 * sfn.stopExecution(e.executionArn(), "Operator", "stopped by hand");       // StopExecution
 * sfn.awaitExecution(e.executionArn(), Duration.ofSeconds(30));           // for tests and tools
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.warmcache.local.stepfunctions.engine.Execution} is a DescribeExecution snapshot:
 *       ARNs, name, {@link dev.warmcache.local.stepfunctions.engine.ExecutionStatus}, start/stop
 *       dates, input, output, error and cause.
 *   <li>{@link dev.warmcache.local.stepfunctions.engine.HistoryEvent#toAwsJson()} is one element of
 *       GetExecutionHistory's {@code events}: {@code ExecutionStarted}, {@code <Type>StateEntered}
 *       / {@code <Type>StateExited} (Task, Choice, Pass, Map, Succeed, Fail), {@code
 *       TaskScheduled}, {@code TaskStarted}, {@code TaskSucceeded} / {@code TaskFailed} (with the
 *       error name Retry and Catch matched), {@code MapIterationStarted/Succeeded/Failed}, and one
 *       of {@code ExecutionSucceeded}, {@code ExecutionFailed}, {@code ExecutionTimedOut}, {@code
 *       ExecutionAborted}. A retry shows as {@code TaskFailed} followed by a new {@code
 *       TaskScheduled}, as on AWS.
 *   <li>API errors are {@link dev.warmcache.local.stepfunctions.engine.StepFunctionsException} with
 *       the AWS error code ({@code ExecutionDoesNotExist}, {@code StateMachineDoesNotExist}, {@code
 *       ExecutionAlreadyExists}, {@code InvalidDefinition}, {@code InvalidName}, {@code
 *       InvalidExecutionInput}).
 *   <li>Every Task state attempt goes to the {@link
 *       dev.warmcache.local.stepfunctions.engine.TaskHandler} with its resource and effective
 *       Parameters; it answers with the raw result or a {@link
 *       dev.warmcache.local.stepfunctions.engine.TaskFailedException} carrying the Step Functions
 *       error name. {@code dev.warmcache.local.stepfunctions.tasks.ServiceIntegrations} is the
 *       twin's handler.
 *   <li>{@link dev.warmcache.local.stepfunctions.engine.ExecutionListener} sees every history event
 *       as it is appended (the watch console).
 * </ul>
 *
 * <p>Placeholders are substituted by {@link
 * dev.warmcache.local.stepfunctions.engine.StepFunctionsEngine#substitute} exactly as CDK's {@code
 * definitionSubstitutions} do, so the file on disk is the one definition both run. Retry intervals,
 * backoff and jitter are the file's own: the engine does not scale time.
 *
 * <p>Inside: {@code StepFunctionsEngine} keeps state machines and executions ({@code Run}, each
 * with its history) and turns the sidecar's messages into history events and task calls; {@code
 * SidecarSupervisor} keeps one Node process ({@code Sidecar}) alive, knows which process walks
 * which execution, and replaces a dead one; {@code Retention} bounds the finished executions kept,
 * by count and by size.
 */
package dev.warmcache.local.stepfunctions.engine;
