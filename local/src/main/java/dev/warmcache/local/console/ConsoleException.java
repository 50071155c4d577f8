package dev.warmcache.local.console;

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

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
