package dev.warmcache.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CacheCookieBehavior;
import software.amazon.awscdk.services.cloudfront.CacheHeaderBehavior;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.CacheQueryStringBehavior;
import software.amazon.awscdk.services.cloudfront.CachedMethods;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.FunctionUrlOriginAccessControl;
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.IOrigin;
import software.amazon.awscdk.services.cloudfront.OriginProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.FunctionUrlOrigin;
import software.amazon.awscdk.services.cloudfront.origins.HttpOrigin;
import software.amazon.awscdk.services.cloudfront.origins.OriginGroup;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.amazon.awscdk.services.lambda.FunctionUrl;
import software.amazon.awscdk.services.lambda.FunctionUrlAuthType;
import software.amazon.awscdk.services.lambda.FunctionUrlOptions;
import software.amazon.awscdk.services.lambda.InvokeMode;
import software.amazon.awscdk.services.s3.Bucket;
import software.constructs.Construct;

/**
 * The HTTP front on AWS: function URLs on the readers' published alias with {@code AWS_IAM} auth,
 * reachable only through one CloudFront distribution that signs its requests with Origin Access
 * Control, and a cache policy that keys on the path alone and lets the function's {@code
 * Cache-Control} decide every lifetime (docs/http.md, docs/deploy.md).
 *
 * <p>With several regions its origin is a group: the refresh home's URL first, the next region's
 * when the home answers a 5xx, cannot be reached, or is too slow (docs/regions.md, <i>HTTP
 * failover</i>).
 */
final class CdnFront extends Construct {

  /**
   * What a function URL answers when its function or region fails (a throttle is 429 and stays: the
   * other region would be asked the same thing under the same load). A pending 503 fails over too,
   * and the other replica may already hold the value.
   */
  static final List<Number> FAILOVER_STATUS_CODES = List.of(500, 502, 503, 504);

  /**
   * How fast the home is given up: 2 connection attempts of 2 s each (CloudFront's defaults, 3 of
   * 10 s, would keep a viewer 30 s on a lost region before trying the next).
   */
  static final int FAILOVER_CONNECTION_ATTEMPTS = 2;

  static final Duration FAILOVER_CONNECTION_TIMEOUT = Duration.seconds(2);

  private final Distribution distribution;

  /**
   * A region's reader, reachable over HTTP with {@code httpFront}: on the alias, so always the
   * published version.
   */
  static java.util.Optional<FunctionUrl> functionUrl(Alias reader, WarmcacheConfig config) {
    if (!config.httpFront()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        reader.addFunctionUrl(
            FunctionUrlOptions.builder()
                .authType(FunctionUrlAuthType.AWS_IAM)
                .invokeMode(InvokeMode.BUFFERED)
                .build()));
  }

  /** One region: the home's URL is the only origin. */
  CdnFront(Construct scope, String id, FunctionUrl home, WarmcacheConfig config) {
    this(scope, id, home, null, config);
  }

  /**
   * @param failoverUrl the next region's function URL, or {@code null} for one region; that
   *     region's own stack lets this distribution invoke it ({@link #allowDistribution})
   */
  CdnFront(
      Construct scope, String id, FunctionUrl home, String failoverUrl, WarmcacheConfig config) {
    super(scope, id);
    // The function says how long (Cache-Control, never past expiresAt); the policy only refuses to
    // keep what comes without it (default 0) and never stretches or cuts it (min 0, max a year).
    // Nothing but the path is in the key: a query string or header cannot split or poison it.
    CachePolicy cachePolicy =
        CachePolicy.Builder.create(this, "CachePolicy")
            .comment("warmcache: the origin's Cache-Control decides; the path is the whole key")
            .minTtl(Duration.seconds(0))
            .defaultTtl(Duration.seconds(0))
            .maxTtl(Duration.days(365))
            .headerBehavior(CacheHeaderBehavior.none())
            .queryStringBehavior(CacheQueryStringBehavior.none())
            .cookieBehavior(CacheCookieBehavior.none())
            .enableAcceptEncodingGzip(true)
            .enableAcceptEncodingBrotli(true)
            .build();
    Distribution.Builder distribution =
        Distribution.Builder.create(this, "Distribution")
            .comment(config.namePrefix() + ": cached items over HTTP (GET /items/{id})")
            .httpVersion(HttpVersion.HTTP2_AND_3)
            .enableIpv6(true)
            .defaultBehavior(
                BehaviorOptions.builder()
                    .origin(
                        failoverUrl == null
                            ? FunctionUrlOrigin.withOriginAccessControl(home)
                            : originGroup(home, failoverUrl, config))
                    .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                    .cachedMethods(CachedMethods.CACHE_GET_HEAD)
                    .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                    .cachePolicy(cachePolicy)
                    .compress(true)
                    .build());
    config.httpWebAclArn().ifPresent(distribution::webAclId);
    config
        .httpLogBucket()
        .ifPresent(
            bucket ->
                distribution
                    .enableLogging(true)
                    .logBucket(Bucket.fromBucketName(this, "AccessLogBucket", bucket))
                    .logFilePrefix(config.namePrefix() + "/"));
    this.distribution = distribution.build();
    // CDK grants lambda:InvokeFunctionUrl to the distribution for an origin it built itself; a
    // function URL call needs lambda:InvokeFunction too, allowed only when it comes through the
    // URL.
    invokeThroughUrl(this, "InvokeFunctionThroughUrl", home.getFunctionArn(), distributionArn());
    suppressFindings(config);
  }

  /**
   * The primary signs with CDK's own origin access for a function URL; the secondary, whose URL is
   * only a string here (it lives in another region's stack), signs with the same access control.
   */
  private IOrigin originGroup(FunctionUrl home, String failoverUrl, WarmcacheConfig config) {
    FunctionUrlOriginAccessControl access =
        FunctionUrlOriginAccessControl.Builder.create(this, "OriginAccessControl").build();
    IOrigin primary =
        FunctionUrlOrigin.withOriginAccessControl(
            home,
            software.amazon.awscdk.services.cloudfront.origins.FunctionUrlOriginWithOACProps
                .builder()
                .originAccessControl(access)
                .connectionAttempts(FAILOVER_CONNECTION_ATTEMPTS)
                .connectionTimeout(FAILOVER_CONNECTION_TIMEOUT)
                .readTimeout(readTimeout(config))
                .build());
    IOrigin secondary =
        HttpOrigin.Builder.create(Fn.select(2, Fn.split("/", failoverUrl)))
            .protocolPolicy(OriginProtocolPolicy.HTTPS_ONLY)
            .originAccessControlId(access.getOriginAccessControlId())
            .readTimeout(readTimeout(config))
            .build();
    return OriginGroup.Builder.create()
        .primaryOrigin(primary)
        .fallbackOrigin(secondary)
        .fallbackStatusCodes(FAILOVER_STATUS_CODES)
        .build();
  }

  /** Long enough for the reader's slowest answer (a miss waited for), within CloudFront's 60 s. */
  private static Duration readTimeout(WarmcacheConfig config) {
    return Duration.seconds(
        Math.min(60, config.settings().readerFunctionTimeout().toSeconds() + 1));
  }

  /** The ARN Lambda permissions name this distribution by. */
  String distributionArn() {
    return distributionArn(distribution.getDistributionId());
  }

  private static String distributionArn(String distributionId) {
    return Fn.join(
        "",
        List.of(
            "arn:",
            Aws.PARTITION,
            ":cloudfront::",
            Aws.ACCOUNT_ID,
            ":distribution/",
            distributionId));
  }

  /**
   * Lets the distribution {@code distributionId} call the function URL of {@code functionArn} in
   * the stack of {@code scope}, which must be the function's region: the failover region's side of
   * the origin group, deployed after the distribution exists.
   */
  static void allowDistribution(Construct scope, String functionArn, String distributionId) {
    String source = distributionArn(distributionId);
    CfnPermission.Builder.create(scope, "InvokeFunctionUrl")
        .action("lambda:InvokeFunctionUrl")
        .principal("cloudfront.amazonaws.com")
        .functionName(functionArn)
        .sourceArn(source)
        .functionUrlAuthType("AWS_IAM")
        .build();
    invokeThroughUrl(scope, "InvokeFunctionThroughUrl", functionArn, source);
  }

  private static void invokeThroughUrl(
      Construct scope, String id, String functionArn, String distributionArn) {
    CfnPermission.Builder.create(scope, id)
        .action("lambda:InvokeFunction")
        .principal("cloudfront.amazonaws.com")
        .functionName(functionArn)
        .sourceArn(distributionArn)
        .invokedViaFunctionUrl(true)
        .build();
  }

  Distribution distribution() {
    return distribution;
  }

  private void suppressFindings(WarmcacheConfig config) {
    List<NagPackSuppression> reasons = new ArrayList<>();
    reasons.add(
        NagPackSuppression.builder()
            .id("AwsSolutions-CFR1")
            .reason(
                "Cached items are served worldwide by design; a geo restriction is a business "
                    + "choice the user adds on the distribution")
            .build());
    reasons.add(
        NagPackSuppression.builder()
            .id("AwsSolutions-CFR4")
            .reason(
                "The distribution uses the default *.cloudfront.net certificate, whose TLS policy "
                    + "CloudFront fixes; HTTPS is enforced (HTTPS_ONLY) and a custom domain with "
                    + "TLSv1.2_2021 is the user's to add")
            .build());
    if (config.httpWebAclArn().isEmpty()) {
      reasons.add(
          NagPackSuppression.builder()
              .id("AwsSolutions-CFR2")
              .reason(
                  "Read-only, cacheable GETs of public items; a WAF web ACL costs per request and "
                      + "is attached with -c "
                      + WarmcacheConfig.HTTP_WEB_ACL_ARN
                      + "=<arn>")
              .build());
    }
    if (config.httpLogBucket().isEmpty()) {
      reasons.add(
          NagPackSuppression.builder()
              .id("AwsSolutions-CFR3")
              .reason(
                  "Standard logs need a bucket with ACLs enabled, which the user names with -c "
                      + WarmcacheConfig.HTTP_LOG_BUCKET
                      + "=<bucket>; the function's own logs record every origin request")
              .build());
    }
    NagSuppressions.addResourceSuppressions(distribution, reasons, true);
  }
}
