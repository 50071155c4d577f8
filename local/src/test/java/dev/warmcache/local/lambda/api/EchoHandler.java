package dev.warmcache.local.lambda.api;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A function for the Lambda API tests, loaded by the pool from the test classes in its own class
 * loader: echoes its input, sleeps for {@code sleepMs}, or throws with {@code fail} as the message.
 * It logs the request id its Context carries, for the log tail to be checked against.
 */
public class EchoHandler {

  public Map<String, Object> handleRequest(Map<String, Object> input, Context context)
      throws InterruptedException {
    if (input.get("sleepMs") instanceof Number millis) {
      Thread.sleep(millis.longValue());
    }
    System.out.println("echo handling " + input.keySet());
    System.out.println("echo request id " + context.getAwsRequestId());
    if (input.get("fail") instanceof String message) {
      throw new IllegalStateException(message);
    }
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("echo", input);
    return output;
  }
}
