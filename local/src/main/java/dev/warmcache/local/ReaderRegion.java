package dev.warmcache.local;

import dev.warmcache.dynamodblocal.DynamoDbLocalServer;
import dev.warmcache.local.edge.AwsJsonClient;
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
  private final LambdaPool lambda;

  ReaderRegion(String name, DynamoDbLocalServer dynamodb, AwsJsonClient client, LambdaPool lambda) {
    this.name = name;
    this.dynamodb = dynamodb;
    this.client = client;
    this.lambda = lambda;
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

  AwsJsonClient client() {
    return client;
  }
}
