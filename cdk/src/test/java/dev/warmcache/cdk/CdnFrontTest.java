package dev.warmcache.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP front as deployed: function URL, Origin Access Control, permissions, cache policy. */
class CdnFrontTest {

  private static SynthesizedStack s;

  @BeforeAll
  static void synth() {
    s = SynthesizedStack.get();
  }

  private static JsonNode only(SynthesizedStack stack, String type) {
    Map<String, JsonNode> found = stack.resources(type);
    assertEquals(1, found.size(), type + ": " + found.keySet());
    return found.values().iterator().next().path("Properties");
  }

  private static String logicalId(SynthesizedStack stack, String type) {
    return stack.resources(type).keySet().iterator().next();
  }

  @Test
  void theFunctionUrlIsOnTheReadersAliasAndNeedsSignedRequests() {
    JsonNode url = only(s, "AWS::Lambda::Url");

    assertEquals("AWS_IAM", url.path("AuthType").asText());
    assertEquals("BUFFERED", url.path("InvokeMode").asText());
    assertEquals(Warmcache.ALIAS, url.path("Qualifier").asText());
    String function = url.path("TargetFunctionArn").path("Fn::GetAtt").path(0).asText();
    assertTrue(function.matches("Reader[0-9A-F]{8}"), url.toString());
  }

  @Test
  void cloudFrontSignsEveryOriginRequestWithALambdaOriginAccessControl() {
    JsonNode oac =
        only(s, "AWS::CloudFront::OriginAccessControl").path("OriginAccessControlConfig");
    JsonNode origin =
        only(s, "AWS::CloudFront::Distribution").path("DistributionConfig").path("Origins").path(0);

    assertEquals("lambda", oac.path("OriginAccessControlOriginType").asText());
    assertEquals("always", oac.path("SigningBehavior").asText());
    assertEquals("sigv4", oac.path("SigningProtocol").asText());
    assertEquals(
        logicalId(s, "AWS::CloudFront::OriginAccessControl"),
        origin.path("OriginAccessControlId").path("Fn::GetAtt").path(0).asText());
    assertEquals(
        "https-only", origin.path("CustomOriginConfig").path("OriginProtocolPolicy").asText());
  }

  @Test
  void onlyThisDistributionMayInvokeAndOnlyThroughTheUrl() {
    String distribution = logicalId(s, "AWS::CloudFront::Distribution");
    List<JsonNode> fromCloudFront =
        s.resources("AWS::Lambda::Permission").values().stream()
            .map(p -> p.path("Properties"))
            .filter(p -> p.path("Principal").asText().equals("cloudfront.amazonaws.com"))
            .toList();

    assertEquals(
        List.of("lambda:InvokeFunction", "lambda:InvokeFunctionUrl"),
        fromCloudFront.stream().map(p -> p.path("Action").asText()).sorted().toList());
    for (JsonNode permission : fromCloudFront) {
      assertTrue(
          permission.path("SourceArn").toString().contains("\"Ref\":\"" + distribution + "\""),
          "scoped to the distribution's ARN: " + permission.path("SourceArn"));
      assertTrue(
          permission.path("FunctionName").toString().contains("ReaderLive"), permission.toString());
    }
    JsonNode invoke =
        fromCloudFront.stream()
            .filter(p -> p.path("Action").asText().equals("lambda:InvokeFunction"))
            .findFirst()
            .orElseThrow();
    assertTrue(invoke.path("InvokedViaFunctionUrl").asBoolean(), invoke.toString());
    assertFalse(
        s.json.toString().contains("\"FunctionUrlAuthType\":\"NONE\""),
        "no public function URL permission");
  }

  @Test
  void theCachePolicyLetsTheOriginsCacheControlDecideAndKeysOnThePathAlone() {
    JsonNode policy = only(s, "AWS::CloudFront::CachePolicy").path("CachePolicyConfig");
    JsonNode key = policy.path("ParametersInCacheKeyAndForwardedToOrigin");

    assertEquals(0, policy.path("MinTTL").asInt());
    assertEquals(0, policy.path("DefaultTTL").asInt());
    assertEquals(31_536_000, policy.path("MaxTTL").asInt());
    assertEquals("none", key.path("HeadersConfig").path("HeaderBehavior").asText());
    assertEquals("none", key.path("QueryStringsConfig").path("QueryStringBehavior").asText());
    assertEquals("none", key.path("CookiesConfig").path("CookieBehavior").asText());
    assertTrue(key.path("EnableAcceptEncodingGzip").asBoolean());
    assertTrue(key.path("EnableAcceptEncodingBrotli").asBoolean());
  }

  @Test
  void theDistributionIsHttpsOnlyReadOnlyAndSpeaksHttp2And3() {
    JsonNode config = only(s, "AWS::CloudFront::Distribution").path("DistributionConfig");
    JsonNode behavior = config.path("DefaultCacheBehavior");

    assertEquals("http2and3", config.path("HttpVersion").asText());
    assertEquals("https-only", behavior.path("ViewerProtocolPolicy").asText());
    assertEquals(List.of("GET", "HEAD"), texts(behavior.path("AllowedMethods")));
    assertEquals(List.of("GET", "HEAD"), texts(behavior.path("CachedMethods")));
    assertEquals(
        logicalId(s, "AWS::CloudFront::CachePolicy"),
        behavior.path("CachePolicyId").path("Ref").asText());
    assertTrue(s.json.path("Outputs").has("HttpDomainName"), "the stack outputs the domain name");
  }

  @Test
  void theFrontIsOptionalAndItsContextKeysAreValidated() {
    SynthesizedStack off = SynthesizedStack.with(Map.of(WarmcacheConfig.HTTP_FRONT, "false"));

    assertTrue(off.resources("AWS::CloudFront::Distribution").isEmpty());
    assertTrue(off.resources("AWS::Lambda::Url").isEmpty());
    assertFalse(off.json.path("Outputs").has("HttpDomainName"));
    assertThrows(
        InvalidContextException.class,
        () -> SynthesizedStack.with(Map.of(WarmcacheConfig.HTTP_FRONT, "yes")));
    assertThrows(
        InvalidContextException.class,
        () ->
            SynthesizedStack.with(
                Map.of(
                    WarmcacheConfig.HTTP_WEB_ACL_ARN, "arn:aws:wafv2:eu-west-1:123:regional/x")));
  }

  @Test
  void aWebAclAndALogBucketFromContextAreAttachedAndNeedNoSuppression() throws IOException {
    String acl =
        "arn:aws:wafv2:us-east-1:123456789012:global/webacl/warmcache/"
            + "a1b2c3d4-5678-90ab-cdef-0123456789ab";
    SynthesizedStack guarded =
        SynthesizedStack.with(
            Map.of(
                WarmcacheConfig.HTTP_WEB_ACL_ARN,
                acl,
                WarmcacheConfig.HTTP_LOG_BUCKET,
                "my-cdn-logs"));
    JsonNode config = only(guarded, "AWS::CloudFront::Distribution").path("DistributionConfig");

    assertEquals(acl, config.path("WebACLId").asText());
    assertTrue(config.path("Logging").path("Bucket").toString().contains("my-cdn-logs"));
    Map<String, String> distributionRules = nagRules(guarded);
    assertEquals("Compliant", distributionRules.get("AwsSolutions-CFR2"));
    assertEquals("Compliant", distributionRules.get("AwsSolutions-CFR3"));
    Map<String, String> defaults = nagRules(s);
    assertEquals("Suppressed", defaults.get("AwsSolutions-CFR2"));
    assertEquals("Suppressed", defaults.get("AwsSolutions-CFR3"));
  }

  /** cdk-nag's verdict per rule on the distribution. */
  private static Map<String, String> nagRules(SynthesizedStack stack) throws IOException {
    Path report =
        stack.outdir.resolve("AwsSolutions-" + stack.stack.getStackName() + "-NagReport.csv");
    Map<String, String> rules = new java.util.TreeMap<>();
    for (String line : Files.readAllLines(report)) {
      String[] cells = line.replace("\"", "").split(",", -1);
      if (cells.length > 2 && cells[1].contains("Distribution") && cells[0].contains("CFR")) {
        rules.put(cells[0], cells[2]);
      }
    }
    return rules;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
