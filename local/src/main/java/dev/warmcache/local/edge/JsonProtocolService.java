package dev.warmcache.local.edge;

/**
 * A service spoken with the AWS JSON 1.0/1.1 protocols: {@code POST /} with {@code X-Amz-Target:
 * <prefix>.<Operation>}. One implementation per AWS service.
 */
public interface JsonProtocolService {

  /** The part of {@code X-Amz-Target} before the dot, such as {@code AWSEvents}. */
  String targetPrefix();

  /** {@code 1.0} or {@code 1.1}: the content type answers use. */
  String jsonVersion();

  /**
   * Answers one operation. Throw {@link AwsException} for errors the caller should see; {@link
   * AwsException#unknownOperation} for operations this service does not implement.
   */
  EdgeResponse handle(String operation, EdgeRequest request) throws Exception;
}
