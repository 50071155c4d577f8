package dev.warmcache.local.measure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Varnish (7.1) as a shared HTTP cache, for tests and benchmarks, in front of a function
 * URL, standing in for CloudFront, which cannot run here. Its VCL does what the CloudFront
 * distribution is configured to do and nothing more: the path alone is the cache key, the origin
 * request names the function URL's host, and the origin's {@code Cache-Control} decides every
 * lifetime. Varnish reads {@code s-maxage} and {@code max-age} (less {@code Age}) as the TTL and
 * {@code stale-while-revalidate} as grace on its own; the one rule added keeps the stale object
 * when a background revalidation fails, which is what {@code stale-if-error} asks and CloudFront
 * does natively.
 */
public final class Varnish implements AutoCloseable {

  static final Path VARNISHD = Path.of("/usr/sbin/varnishd");

  private final Process process;
  private final Path workDir;
  private final int port;

  private Varnish(Process process, Path workDir, int port) {
    this.process = process;
    this.workDir = workDir;
    this.port = port;
  }

  /** Why Varnish cannot run here, or {@code null} if it can. */
  public static String missing() {
    return Files.isExecutable(VARNISHD)
        ? null
        : "Varnish is not installed at " + VARNISHD + ": apt-get install -y varnish (.ci/run does)";
  }

  /** A Varnish on a free loopback port, caching {@code functionUrl}. */
  public static Varnish start(URI functionUrl) throws IOException, InterruptedException {
    Path workDir = Files.createTempDirectory("varnish-");
    Path vcl = workDir.resolve("front.vcl");
    Files.writeString(vcl, vcl(functionUrl), StandardCharsets.UTF_8);
    int port = freePort();
    Process process =
        new ProcessBuilder(
                List.of(
                    VARNISHD.toString(),
                    "-F",
                    // No privilege separation: the test runs it as whoever runs the build.
                    "-j",
                    "none",
                    "-n",
                    workDir.resolve("instance").toString(),
                    "-a",
                    "127.0.0.1:" + port,
                    "-T",
                    "none",
                    "-f",
                    vcl.toString(),
                    "-s",
                    "malloc,32m"))
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("varnishd.log").toFile())
            .start();
    Varnish varnish = new Varnish(process, workDir, port);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!varnish.listening()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        String log = Files.readString(workDir.resolve("varnishd.log"));
        varnish.close();
        throw new IOException("varnishd did not start: " + log);
      }
      Thread.sleep(100);
    }
    return varnish;
  }

  static String vcl(URI functionUrl) {
    return """
        vcl 4.1;

        backend function_url {
          .host = "127.0.0.1";
          .port = "%d";
          .connect_timeout = 2s;
          .first_byte_timeout = 30s;
        }

        sub vcl_recv {
          # The cache key is the path alone, as the CloudFront cache policy keys it.
          set req.url = regsub(req.url, "\\?.*$", "");
          unset req.http.Cookie;
          unset req.http.Authorization;
          if (req.method != "GET" && req.method != "HEAD") {
            return (pass);
          }
          return (hash);
        }

        sub vcl_backend_fetch {
          set bereq.http.Host = "%s:%d";
        }

        sub vcl_backend_response {
          # stale-if-error: a failed background revalidation keeps the stale object.
          if (beresp.status >= 500 && bereq.is_bgfetch) {
            return (abandon);
          }
        }

        sub vcl_backend_error {
          if (bereq.is_bgfetch) {
            return (abandon);
          }
        }

        sub vcl_deliver {
          if (obj.hits > 0) {
            set resp.http.X-Shared-Cache = "HIT";
          } else {
            set resp.http.X-Shared-Cache = "MISS";
          }
        }
        """
        .formatted(functionUrl.getPort(), functionUrl.getHost(), functionUrl.getPort());
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  private boolean listening() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    // varnishd -F stops its child and itself on SIGTERM.
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (var paths = Files.walk(workDir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }
}
