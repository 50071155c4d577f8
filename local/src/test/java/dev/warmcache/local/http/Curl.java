package dev.warmcache.local.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The system's curl, as the README tells a user to run it: {@code curl -i URL}. Its own resolver
 * sends every name under {@code .localhost} to loopback (RFC 6761), which is how the twin's
 * function URLs work without configuration.
 */
final class Curl {

  static final Path CURL = Path.of("/usr/bin/curl");

  /** One response: status, headers (names lower case) and body. */
  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private Curl() {}

  static void assumeInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(CURL), "curl is not installed at " + CURL);
  }

  /** {@code curl -s -i [args] url}; the last response of the exchange. */
  static Response run(String url, String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(CURL.toString(), "-s", "-i", "--max-time", "30"));
    command.addAll(List.of(args));
    command.add(url);
    Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(40, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(
          "curl failed ("
              + process.exitValue()
              + "): "
              + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    return parse(new String(out, StandardCharsets.UTF_8));
  }

  static Response parse(String raw) {
    int split = raw.indexOf("\r\n\r\n");
    String head = split < 0 ? raw : raw.substring(0, split);
    String body = split < 0 ? "" : raw.substring(split + 4);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    return new Response(status, headers, body);
  }
}
