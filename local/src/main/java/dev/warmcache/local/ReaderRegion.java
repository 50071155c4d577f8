package dev.warmcache.local;

import dev.warmcache.dynamodblocal.DynamoDbLocalServer;
import dev.warmcache.local.edge.AwsJsonClient;
import dev.warmcache.local.edge.Router;
import dev.warmcache.local.eventbridge.bus.EventBus;
import dev.warmcache.local.lambda.pool.LambdaPool;
import java.net.URI;

/**
 * One region of a multi-region twin that is not the refresh home, as the CDK's reader stack deploys
 * it: its own DynamoDB (the global table's replica), readers in their own Lambda pool, and a bus
 * whose rules forward refresh triggers to the home's bus. Its services answer requests signed for
 * its region.
 */
public final class ReaderRegion {

  private final String name;
  private final DynamoDbLocalServer dynamodb;
  private final AwsJsonClient client;
  private final String localStreamArn;
  private final LambdaPool lambda;
  private final EventBus bus;
  private final Router router;

  ReaderRegion(
      String name,
      DynamoDbLocalServer dynamodb,
      AwsJsonClient client,
      String localStreamArn,
      LambdaPool lambda,
      EventBus bus,
      Router router) {
    this.name = name;
    this.dynamodb = dynamodb;
    this.client = client;
    this.localStreamArn = localStreamArn;
    this.lambda = lambda;
    this.bus = bus;
    this.router = router;
  }

  public String name() {
    return name;
  }

  /** This region's replica's own DynamoDB Local endpoint. */
  public URI dynamoDbEndpoint() {
    return dynamodb.endpoint();
  }

  /** This region's reader instances. */
  public LambdaPool lambda() {
    return lambda;
  }

  public EventBus bus() {
    return bus;
  }

  AwsJsonClient client() {
    return client;
  }

  String localStreamArn() {
    return localStreamArn;
  }

  Router router() {
    return router;
  }
}
