package dev.warmcache.cdk;

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
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.FunctionUrlOrigin;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.amazon.awscdk.services.lambda.FunctionUrl;
import software.amazon.awscdk.services.lambda.FunctionUrlAuthType;
import software.amazon.awscdk.services.lambda.FunctionUrlOptions;
import software.amazon.awscdk.services.lambda.InvokeMode;
import software.amazon.awscdk.services.s3.Bucket;
import software.constructs.Construct;

/**
 * The HTTP front on AWS: a function URL on the reader's published alias with {@code AWS_IAM} auth,
 * reachable only through one CloudFront distribution that signs its requests with Origin Access
 * Control, and a cache policy that keys on the path alone and lets the function's {@code
 * Cache-Control} decide every lifetime (docs/http.md, docs/deploy.md).
 */
final class CdnFront extends Construct {

  private final FunctionUrl url;
  private final CachePolicy cachePolicy;
  private final Distribution distribution;

  CdnFront(Construct scope, String id, Alias reader, WarmcacheConfig config) {
    super(scope, id);
    // On the alias, so CloudFront always reaches the published, SnapStart-restored version.
    this.url =
        reader.addFunctionUrl(
            FunctionUrlOptions.builder()
                .authType(FunctionUrlAuthType.AWS_IAM)
                .invokeMode(InvokeMode.BUFFERED)
                .build());
    // The function says how long (Cache-Control, never past expiresAt); the policy only refuses to
    // keep what comes without it (default 0) and never stretches or cuts it (min 0, max a year).
    // Nothing but the path is in the key: a query string or header cannot split or poison it.
    this.cachePolicy =
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
                    .origin(FunctionUrlOrigin.withOriginAccessControl(url))
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
    // CDK grants lambda:InvokeFunctionUrl to the distribution; a function URL call now needs
    // lambda:InvokeFunction too, allowed only when it comes through the URL.
    CfnPermission.Builder.create(this, "InvokeFunctionThroughUrl")
        .action("lambda:InvokeFunction")
        .principal("cloudfront.amazonaws.com")
        .functionName(url.getFunctionArn())
        .sourceArn(
            Fn.join(
                "",
                List.of(
                    "arn:",
                    Aws.PARTITION,
                    ":cloudfront::",
                    Aws.ACCOUNT_ID,
                    ":distribution/",
                    this.distribution.getDistributionId())))
        .invokedViaFunctionUrl(true)
        .build();
  }

  FunctionUrl url() {
    return url;
  }

  Distribution distribution() {
    return distribution;
  }
}
