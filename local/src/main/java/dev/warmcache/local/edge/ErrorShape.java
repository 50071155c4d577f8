package dev.warmcache.local.edge;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The JSON error body of whoever owns a path: an AWS service, or the twin's own endpoints. */
enum ErrorShape {
  /**
   * {@code {"__type","message","Type"}} with {@code x-amzn-ErrorType}, as every AWS SDK reads it.
   */
  AWS {
    @Override
    EdgeResponse error(int status, String code, String message) {
      return Router.error(null, new AwsException(status, code, message));
    }
  },
  /** {@code {"error","message"}}, as the console and {@code /_twin/...} answer. */
  TWIN {
    @Override
    EdgeResponse error(int status, String code, String message) {
      byte[] body = TwinError.body(code, message).toString().getBytes(StandardCharsets.UTF_8);
      return new EdgeResponse(
          status,
          Map.of(
              "Content-Type", "application/json; charset=utf-8",
              "Cache-Control", "no-store",
              "X-Content-Type-Options", "nosniff"),
          body);
    }
  };

  abstract EdgeResponse error(int status, String code, String message);
}
