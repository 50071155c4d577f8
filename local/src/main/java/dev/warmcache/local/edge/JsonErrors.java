package dev.warmcache.local.edge;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty itself answers before a handler runs (a malformed request line, headers too large, a
 * bad URI): JSON in the AWS error shape, never Jetty's HTML page or an exception's name.
 */
final class JsonErrors extends org.eclipse.jetty.server.handler.ErrorHandler {

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus() >= 400 ? response.getStatus() : 500;
    String code = status >= 500 ? "InternalFailure" : "InvalidRequest";
    String message =
        status >= 500
            ? "The local twin failed to process the request"
            : "The request could not be parsed (HTTP " + status + ")";
    EdgeResponse answer = ErrorShape.AWS.error(status, code, message);
    EdgeServer.send(response, callback, answer);
    return true;
  }
}
