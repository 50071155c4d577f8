package dev.warmcache.local;

import dev.warmcache.local.origin.DemoOrigin;
import java.time.Duration;

/** What the twin prints once it is ready: where it is, what to try, copy-paste commands. */
final class Banner {

  private Banner() {}

  /**
   * @param startup since the JVM started
   * @param sinceLaunch since {@code ./twin} started, build included; {@code null} when unknown
   */
  static String text(Twin twin, Duration startup, Duration sinceLaunch) {
    String e = twin.endpoint().toString();
    String aws = "aws --endpoint-url " + e;
    String machine = twin.stateMachine().stateMachineArn();
    String dataDir =
        twin.options().dataDir() == null
            ? "in memory"
            : twin.options().dataDir().toAbsolutePath().toString();
    return String.format(
        """

        warmcache twin ready in %.1f s%s on %s
          DynamoDB table %s (TTL on expiresAt, stream NEW_AND_OLD_IMAGES; data %s)
          functions %s, %s%s | bus %s | state machine %s | pipe %s
          demo ids: 1..20, %s  (origin %s/items/{id}; stats %s/stats)
          console: %s/console   dead letters: %s%s
          seeded: ForceRefresh for ids %s

        Try it with the AWS CLI v2 (any credentials work, e.g. export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=%s):
          %s lambda invoke --function-name %s --cli-binary-format raw-in-base64-out --payload '{"id":"15"}' /dev/stdout
          %s events put-events --entries '[{"EventBusName":"%s","Source":"warmcache.admin","DetailType":"ForceRefresh","Detail":"{\\"id\\":\\"15\\"}"}]'
          %s stepfunctions list-executions --state-machine-arn %s
          %s stepfunctions get-execution-history --execution-arn <executionArn from list-executions>
          %s dynamodb get-item --table-name %s --key '{"id":{"S":"15"}}'

        Read it over HTTP, with cache headers (the reader's function URL; CloudFront's origin on AWS):
          curl -i %s/items/15

        Ctrl-C stops the twin.
        """,
        startup.toMillis() / 1000.0,
        sinceLaunch == null
            ? ""
            : String.format(
                " (%.1f s since ./twin started, build included)", sinceLaunch.toMillis() / 1000.0),
        e,
        Twin.TABLE,
        dataDir,
        Twin.READER,
        Twin.REFRESH,
        twin.options().functions().stream()
            .map(f -> ", " + f.name() + " (yours)")
            .collect(java.util.stream.Collectors.joining()),
        Twin.BUS,
        Twin.STATE_MACHINE,
        Twin.PIPE,
        String.join(", ", DemoOrigin.NAMED_IDS),
        e + DemoOrigin.PATH,
        e + DemoOrigin.PATH,
        e,
        twin.deadLetters().path(),
        twin.regions().size() < 2
            ? ""
            : "\n  regions "
                + String.join(", ", twin.regions())
                + " (home first; --region picks one; replication "
                + twin.options().replicationDelay().toMillis()
                + " ms; TTL deletes in "
                + twin.options().ttlRegion()
                + "; GET /_twin/regions)",
        String.join(", ", Twin.SEED_IDS),
        twin.homeRegion(),
        aws,
        Twin.READER,
        aws,
        Twin.BUS,
        aws,
        machine,
        aws,
        aws,
        Twin.TABLE,
        twin.functionUrl(Twin.READER));
  }
}
