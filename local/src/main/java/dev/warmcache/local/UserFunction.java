package dev.warmcache.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A function of the user's own that the twin hosts beside warmcache's (`--function
 * NAME=JAR:HANDLER`), with the environment the CDK construct's {@code bind} gives it on AWS.
 *
 * @param name the function name the CLI invokes it by
 * @param jar its deployable jar
 * @param handler {@code package.Class::method}, or {@code package.Class} for {@code handleRequest}
 */
public record UserFunction(String name, Path jar, String handler) {

  /** Lambda's own rule for a function name. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static final Pattern HANDLER =
      Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*(::[A-Za-z_$][\\w$]*)?");

  public UserFunction {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "--function: the name must be 1 to 64 letters, digits, - or _, not '" + name + "'");
    }
    if (handler == null || !HANDLER.matcher(handler).matches()) {
      throw new IllegalArgumentException(
          "--function "
              + name
              + ": the handler must be package.Class::method, not '"
              + handler
              + "'");
    }
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("--function " + name + ": no jar at " + jar);
    }
  }

  /** {@code NAME=JAR:HANDLER}, the jar's path ending in {@code .jar}. */
  static UserFunction parse(String spec) {
    int equals = spec.indexOf('=');
    int jarEnd = spec.indexOf(".jar:", Math.max(equals, 0));
    if (equals <= 0 || jarEnd < 0) {
      throw new IllegalArgumentException(
          "--function takes NAME=JAR:HANDLER, e.g. product-page=target/product-page.jar:"
              + "example.productpage.ProductPageHandler::handleRequest; not '"
              + spec
              + "'");
    }
    return new UserFunction(
        spec.substring(0, equals),
        Path.of(spec.substring(equals + 1, jarEnd + 4)),
        spec.substring(jarEnd + 5));
  }

  /** The handler in the pool's form, {@code Class::method}. */
  String poolHandler() {
    return handler.contains("::") ? handler : handler + "::handleRequest";
  }
}
