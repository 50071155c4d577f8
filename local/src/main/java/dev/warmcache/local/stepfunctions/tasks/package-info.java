/**
 * Step Functions' service integrations, executed against the twin's own services.
 *
 * <p>{@link dev.warmcache.local.stepfunctions.tasks.ServiceIntegrations} is the engine's {@link
 * dev.warmcache.local.stepfunctions.engine.TaskHandler}: it receives a Task state's resource and
 * effective Parameters and returns what AWS would return, in the same shape, so that {@code
 * ResultSelector}, {@code ResultPath} and {@code OutputPath} in the real ASL work unchanged.
 *
 * <table>
 *   <caption>Resources</caption>
 *   <tr><th>resource</th><th>goes to</th><th>result</th><th>errors</th></tr>
 *   <tr><td>{@code arn:aws:states:::lambda:invoke}</td><td>{@link dev.warmcache.local.stepfunctions.tasks.LambdaInvoker}</td>
 *       <td>{@code {ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata, StatusCode}}</td>
 *       <td>the function's {@code errorType}; {@code Lambda.TooManyRequestsException} and other
 *       {@code Lambda.<code>} for service errors</td></tr>
 *   <tr><td>a function ARN (the legacy form)</td><td>the same</td><td>the payload itself</td><td>the same</td></tr>
 *   <tr><td>{@code arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem}</td>
 *       <td>{@link dev.warmcache.local.stepfunctions.tasks.DynamoDbApi}, Parameters sent as the API request</td>
 *       <td>the API response plus {@code SdkHttpMetadata}, {@code SdkResponseMetadata}</td>
 *       <td>{@code DynamoDB.<code>}, e.g. {@code DynamoDB.ConditionalCheckFailedException}</td></tr>
 *   <tr><td>{@code arn:aws:states:::events:putEvents}</td><td>{@link dev.warmcache.local.eventbridge.bus.EventSink} (the twin's {@code EventBus})</td>
 *       <td>{@code {Entries:[{EventId}], FailedEntryCount}}</td><td>{@code EventBridge.FailedEntry}</td></tr>
 * </table>
 *
 * <p>Any other resource fails the task with {@code States.Runtime}, as an unsupported integration
 * would fail to deploy on AWS.
 */
package dev.warmcache.local.stepfunctions.tasks;
