package dev.warmcache.local.stepfunctions.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The Node process that walks state machines (sidecar.js). Messages are JSON lines both ways; this
 * class owns the process, serializes writes and hands every incoming message to one consumer on one
 * reader thread, in arrival order, which is execution order. The callbacks receive the sidecar they
 * came from, so the engine can tell a replaced process's last words from the current one's.
 */
final class Sidecar implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final OutputStream stdin;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final Thread reader;

  /**
   * Set before onExit runs, so whoever holds a Sidecar can tell that its exit was (or is being)
   * reported.
   */
  private volatile boolean exited;

  private Sidecar(
      Process process, BiConsumer<Sidecar, JsonNode> onMessage, Consumer<Sidecar> onExit) {
    this.process = process;
    this.stdin = process.getOutputStream();
    this.reader = new Thread(() -> read(onMessage, onExit), "sfn-sidecar-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts the process and waits for its "ready"; {@code onExit} runs once the process is gone,
   * even if it never got ready.
   */
  static Sidecar start(
      Path directory,
      String node,
      BiConsumer<Sidecar, JsonNode> onMessage,
      Consumer<Sidecar> onExit) {
    Path script = directory.resolve("sidecar.js");
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException("No Step Functions sidecar at " + script);
    }
    if (!Files.isDirectory(directory.resolve("node_modules/aws-local-stepfunctions"))) {
      throw new IllegalStateException(
          "The sidecar's packages are not installed in "
              + directory
              + "; the Maven build installs them with npm ci (mvn -pl local -am verify)");
    }
    Process process;
    try {
      process =
          new ProcessBuilder(List.of(node, script.toString()))
              .directory(directory.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot start " + node + " for the Step Functions sidecar: " + e.getMessage(), e);
    }
    Sidecar sidecar = new Sidecar(process, onMessage, onExit);
    try {
      sidecar.ready.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      sidecar.close();
      throw new IllegalStateException(
          "The Step Functions sidecar did not start: " + e.getMessage(), e);
    }
    return sidecar;
  }

  private void read(BiConsumer<Sidecar, JsonNode> onMessage, Consumer<Sidecar> onExit) {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        JsonNode message;
        try {
          message = JSON.readTree(line);
        } catch (IOException e) {
          System.err.println("[sfn-sidecar] unreadable line: " + line);
          continue;
        }
        if ("ready".equals(message.path("type").asText())) {
          ready.complete(null);
          continue;
        }
        try {
          onMessage.accept(this, message);
        } catch (RuntimeException e) {
          System.err.println("[sfn-sidecar] message handling failed: " + e);
        }
      }
    } catch (IOException e) {
      // The process went away; onExit below reports it.
    } finally {
      ready.completeExceptionally(new IllegalStateException("sidecar exited"));
      exited = true;
      onExit.accept(this);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** True once the process is gone and its exit has been, or is being, handed to onExit. */
  boolean exited() {
    return exited;
  }

  synchronized void send(JsonNode message) {
    try {
      stdin.write(JSON.writeValueAsBytes(message));
      stdin.write('\n');
      stdin.flush();
    } catch (IOException e) {
      throw new IllegalStateException("The Step Functions sidecar is gone: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      stdin.close();
    } catch (IOException e) {
      // Closing stdin is how the sidecar is told to exit; if that fails, destroy it below.
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
