package dev.warmcache.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.local.edge.AwsException;
import java.io.IOException;

/**
 * An error the console API answers as {@code {"error": code, "message": ...}} with an HTTP status.
 * It carries no stack trace, so nothing of the twin's internals reaches the page.
 */
final class ConsoleException extends RuntimeException {

  private final int status;
  private final String code;

  ConsoleException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static ConsoleException badRequest(String code, String message) {
    return new ConsoleException(400, code, message);
  }

  /** A call the console makes to the twin's own AWS APIs. */
  @FunctionalInterface
  interface AwsCall {
    JsonNode run() throws IOException, InterruptedException;
  }

  /**
   * The answer of {@code call}, or the console's error for it: the service's own code (a 404 stays
   * a 404, anything else is the twin answering badly, 502), or 502 when the twin is unreachable.
   */
  static JsonNode answerOf(String what, AwsCall call) {
    try {
      return call.run();
    } catch (AwsException e) {
      throw new ConsoleException(
          e.status() == 404 ? 404 : 502, e.code(), what + ": " + e.getMessage());
    } catch (IOException e) {
      throw new ConsoleException(
          502, "TwinUnreachable", what + " could not reach the twin: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConsoleException(503, "Interrupted", what + " was interrupted");
    }
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
