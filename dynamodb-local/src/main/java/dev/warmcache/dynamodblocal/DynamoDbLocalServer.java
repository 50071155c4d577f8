package dev.warmcache.dynamodblocal;

import com.amazonaws.services.dynamodbv2.local.main.CommandLineInput;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Amazon DynamoDB Local running inside this JVM, reachable only on 127.0.0.1.
 *
 * <p>DynamoDB Local's Jetty binds every interface and its command line has no host option, so the
 * connector is rebound to loopback (and to an ephemeral port) before it starts. {@code -sharedDb}
 * makes every access key and region see the same tables, as the CLI, the handlers and the tests all
 * sign with different dummy credentials.
 *
 * <pre>{@code
 * try (DynamoDbLocalServer ddb = DynamoDbLocalServer.start(null)) {
 *   URI endpoint = ddb.endpoint();
 * }
 * }</pre>
 */
public final class DynamoDbLocalServer implements AutoCloseable {

  private final DynamoDBProxyServer server;
  private final URI endpoint;

  private DynamoDbLocalServer(DynamoDBProxyServer server, URI endpoint) {
    this.server = server;
    this.endpoint = endpoint;
  }

  /**
   * Starts DynamoDB Local on an ephemeral loopback port.
   *
   * @param dataDir where the database file lives across restarts, or {@code null} for in memory
   */
  public static DynamoDbLocalServer start(Path dataDir) throws Exception {
    List<String> args = new ArrayList<>(List.of("-port", "8000", "-disableTelemetry", "-sharedDb"));
    if (dataDir == null) {
      args.add("-inMemory");
    } else {
      Files.createDirectories(dataDir);
      args.add("-dbPath");
      args.add(dataDir.toAbsolutePath().toString());
    }
    // createServer, not createServerFromCommandLineArgs: the latter also prints a banner naming
    // port 8000, which is neither the port it ends up on nor one a user of the host should use.
    CommandLineInput input = new CommandLineInput(args.toArray(String[]::new));
    if (!input.init()) {
      throw new IllegalArgumentException("DynamoDB Local refused its options: " + args);
    }
    DynamoDBProxyServer proxy = ServerRunner.createServer(input);
    ServerConnector connector = loopbackConnector(proxy);
    proxy.start();
    return new DynamoDbLocalServer(
        proxy, URI.create("http://127.0.0.1:" + connector.getLocalPort()));
  }

  private static ServerConnector loopbackConnector(DynamoDBProxyServer proxy)
      throws ReflectiveOperationException {
    // The Jetty server is private in DynamoDBProxyServer and no option exposes the bind host.
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    ServerConnector loopback = null;
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof ServerConnector serverConnector) {
        serverConnector.setHost("127.0.0.1");
        serverConnector.setPort(0);
        loopback = serverConnector;
      }
    }
    if (loopback == null) {
      throw new IllegalStateException(
          "DynamoDB Local has no network connector to bind to 127.0.0.1");
    }
    return loopback;
  }

  /** The loopback URL DynamoDB Local answers on (DynamoDB and DynamoDB Streams). */
  public URI endpoint() {
    return endpoint;
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
