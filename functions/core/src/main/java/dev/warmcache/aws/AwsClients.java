package dev.warmcache.aws;

import dev.warmcache.settings.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Builds the SDK clients from {@link Settings}. Call once per function instance (in the handler's
 * constructor, i.e. the Lambda init phase) and keep the client: building one costs far more than a
 * request.
 *
 * <p>All clients use the JDK's {@code HttpURLConnection} client: no Netty or Apache classes to
 * load, which is the cheapest cold start. Endpoints come from {@code AWS_ENDPOINT_URL_<SERVICE>} or
 * {@code AWS_ENDPOINT_URL} in the settings map, so the same handler talks to AWS or to the local
 * twin.
 *
 * <pre>{@code
 * Settings settings = Settings.from(System.getenv());
 * DynamoDbClient dynamoDb = AwsClients.dynamoDb(settings);
 * }</pre>
 */
public final class AwsClients {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);

  private AwsClients() {}

  public static DynamoDbClient dynamoDb(Settings settings) {
    return configure(DynamoDbClient.builder(), settings, settings.dynamoDbEndpoint()).build();
  }

  /**
   * A DynamoDB client for the refresh home's replica ({@link Settings#homeRegion()}): where a
   * reader outside the home sends its few writes, so that every write of a global table goes
   * through one region. The same as {@link #dynamoDb} when this is the home.
   */
  public static DynamoDbClient homeDynamoDb(Settings settings) {
    return configure(DynamoDbClient.builder(), settings, settings.dynamoDbEndpoint())
        .region(Region.of(settings.homeRegion()))
        .build();
  }

  public static EventBridgeClient eventBridge(Settings settings) {
    return configure(EventBridgeClient.builder(), settings, settings.eventBridgeEndpoint()).build();
  }

  /**
   * Applies region, endpoint, credentials and the lean HTTP client to any SDK client builder, for
   * modules that need clients not built here (Lambda, Step Functions).
   */
  public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
      B builder, Settings settings, Optional<URI> endpoint) {
    builder
        .region(Region.of(settings.region()))
        .credentialsProvider(credentials(settings))
        .httpClient(httpClient());
    endpoint.ifPresent(builder::endpointOverride);
    return builder;
  }

  public static AwsCredentialsProvider credentials(Settings settings) {
    return settings
        .credentials()
        .<AwsCredentialsProvider>map(
            c ->
                StaticCredentialsProvider.create(
                    c.sessionToken()
                        .<software.amazon.awssdk.auth.credentials.AwsCredentials>map(
                            t ->
                                AwsSessionCredentials.create(
                                    c.accessKeyId(), c.secretAccessKey(), t))
                        .orElseGet(
                            () ->
                                AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey()))))
        .orElseGet(DefaultCredentialsProvider::create);
  }

  private static SdkHttpClient httpClient() {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(CONNECT_TIMEOUT)
        .socketTimeout(SOCKET_TIMEOUT)
        .build();
  }
}
