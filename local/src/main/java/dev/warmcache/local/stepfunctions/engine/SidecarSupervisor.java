package dev.warmcache.local.stepfunctions.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Keeps one Step Functions sidecar alive for the engine. It starts the Node process, hands it the
 * executions to walk and remembers which process walks which. When a process dies (a crash, a
 * {@code kill}), it reports the executions that died with it and starts a successor, which learns
 * every state machine again; starts that arrive meanwhile wait for the successor, up to {@link
 * #WAIT}. The engine keeps the executions themselves: it never sees a process come or go.
 */
final class SidecarSupervisor implements AutoCloseable {

  /**
   * How long a start waits for a sidecar while a crashed one is being replaced. Node comes up in
   * about half a second; this is the same patience {@link Sidecar#start} gives a new process.
   */
  static final Duration WAIT = Duration.ofSeconds(30);

  private final Path directory;
  private final String node;
  private final BiConsumer<Sidecar, JsonNode> onMessage;
  private final Supplier<Collection<JsonNode>> definitions;
  private final BiConsumer<List<String>, String> onLost;

  /**
   * Which process walks each execution handed over and not yet done. Entries are added and swept
   * under {@link #lock}, so no start falls between two processes; they are read and removed without
   * it, because the thread that reads a process's messages removes them, and it must never wait for
   * a start that holds the lock while it writes to that same process (each would wait for the
   * other's full pipe).
   */
  private final Map<String, Sidecar> walking = new ConcurrentHashMap<>();

  /** Guards the fields below, and the adding and sweeping of {@link #walking}. */
  private final Object lock = new Object();

  /** The process new executions go to; null while a successor starts, or after one failed to. */
  private Sidecar current;

  private boolean restarting;

  /** Counts failed successors, so a waiting start knows the attempt it waited for is over. */
  private long failedRestarts;

  private String lastRestartFailure;
  private boolean closed;

  /**
   * @param onMessage every message of every process, with the process it came from
   * @param definitions the {@code define} message of every state machine, for a successor
   * @param onLost the executions a dead process was walking, and why they are lost
   */
  private SidecarSupervisor(
      Path directory,
      String node,
      BiConsumer<Sidecar, JsonNode> onMessage,
      Supplier<Collection<JsonNode>> definitions,
      BiConsumer<List<String>, String> onLost) {
    this.directory = directory;
    this.node = node;
    this.onMessage = onMessage;
    this.definitions = definitions;
    this.onLost = onLost;
  }

  /** Starts the first process; throws {@link IllegalStateException} if it cannot. */
  static SidecarSupervisor start(
      Path directory,
      String node,
      BiConsumer<Sidecar, JsonNode> onMessage,
      Supplier<Collection<JsonNode>> definitions,
      BiConsumer<List<String>, String> onLost) {
    SidecarSupervisor supervisor =
        new SidecarSupervisor(directory, node, onMessage, definitions, onLost);
    Sidecar first = supervisor.launch();
    synchronized (supervisor.lock) {
      supervisor.current = first;
    }
    return supervisor;
  }

  private Sidecar launch() {
    return Sidecar.start(directory, node, onMessage, this::onExit);
  }

  /**
   * Sends a state machine's definition to the live process, waiting for one if a successor is
   * starting.
   *
   * @throws IllegalStateException when no process comes up within {@link #WAIT}
   */
  void define(JsonNode message) {
    synchronized (lock) {
      Sidecar target = awaitLive(null, System.nanoTime() + WAIT.toNanos());
      if (target == null) {
        throw new IllegalStateException(noSidecar());
      }
      target.send(message);
    }
  }

  /**
   * Hands an execution's start message to a live process and remembers that it walks there. While a
   * crashed process is being replaced the start waits, up to {@link #WAIT}, for its successor; a
   * pipe that breaks under the write means the process has just died, so the start waits for the
   * successor too.
   *
   * @param wanted false once the execution stopped while it waited: then nothing is sent
   * @return {@code null} when sent (or no longer wanted); otherwise why no process could take it
   */
  String start(String executionArn, JsonNode message, BooleanSupplier wanted) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Sidecar broken = null;
    synchronized (lock) {
      while (true) {
        Sidecar target = awaitLive(broken, deadline);
        if (target == null) {
          return noSidecar();
        }
        if (!wanted.getAsBoolean()) {
          return null;
        }
        // Bound before the write and under the lock: if this process dies now, its exit reports
        // the execution lost.
        walking.put(executionArn, target);
        try {
          target.send(message);
          return null;
        } catch (IllegalStateException gone) {
          walking.remove(executionArn, target);
          broken = target;
        }
      }
    }
  }

  /** Sends a message to the process walking the execution, if one still is (a stop). */
  void sendTo(String executionArn, JsonNode message) {
    Sidecar walker = walking.get(executionArn);
    if (walker != null) {
      reply(walker, message);
    }
  }

  /** The execution is over: forget where it ran. Called on the process's reader thread too. */
  void done(String executionArn) {
    walking.remove(executionArn);
  }

  /** Answers a process; one that has exited has nobody to answer, and its executions were lost. */
  static void reply(Sidecar to, JsonNode message) {
    try {
      to.send(message);
    } catch (IllegalStateException gone) {
      // Its exit reported the executions it was walking.
    }
  }

  /** The current process's id, or -1 while there is none (for tests). */
  long pid() {
    synchronized (lock) {
      return current == null ? -1 : current.pid();
    }
  }

  /**
   * The live process other than {@code broken}, waiting while one is being started (and starting
   * one if the last attempt failed); null when the deadline passes, the attempt waited for fails,
   * or the supervisor closes. The caller holds {@link #lock}.
   */
  private Sidecar awaitLive(Sidecar broken, long deadline) {
    long failuresBefore = failedRestarts;
    boolean asked = false;
    while (!closed) {
      if (current != null && current != broken) {
        return current;
      }
      if (failedRestarts != failuresBefore) {
        return null;
      }
      if (current == null && !restarting && !asked) {
        // The last successor failed: this caller gives it one more try rather than failing for
        // good.
        restart();
        asked = true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      try {
        lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  /** Why there is no process to run on; the caller holds {@link #lock}. */
  private String noSidecar() {
    if (closed) {
      return "The Step Functions engine is shutting down";
    }
    if (!restarting && lastRestartFailure != null) {
      return "The Step Functions sidecar exited and could not be restarted: " + lastRestartFailure;
    }
    return "No Step Functions sidecar came up within "
        + WAIT.toSeconds()
        + " s after the last one exited";
  }

  /**
   * A process died: the executions it walked cannot go on, and a successor takes over. A process
   * that never got ready (a failed successor) walked nothing and was never current, so its exit
   * changes nothing.
   */
  private void onExit(Sidecar dead) {
    List<String> lost = new ArrayList<>();
    synchronized (lock) {
      for (Iterator<Map.Entry<String, Sidecar>> it = walking.entrySet().iterator();
          it.hasNext(); ) {
        Map.Entry<String, Sidecar> entry = it.next();
        if (entry.getValue() == dead) {
          lost.add(entry.getKey());
          it.remove();
        }
      }
      if (dead == current) {
        current = null;
        if (!closed) {
          restart();
        }
        lock.notifyAll();
      }
    }
    if (!lost.isEmpty()) {
      onLost.accept(lost, "The Step Functions sidecar exited");
    }
  }

  /** Starts a successor on its own thread; the caller holds {@link #lock}. */
  private void restart() {
    restarting = true;
    Thread restart = new Thread(this::replace, "sfn-sidecar-restart");
    restart.setDaemon(true);
    restart.start();
  }

  private void replace() {
    Sidecar fresh = null;
    String failure = null;
    try {
      fresh = launch();
      for (JsonNode definition : definitions.get()) {
        fresh.send(definition);
      }
    } catch (RuntimeException e) {
      failure = e.getMessage();
      if (fresh != null) {
        fresh.close();
        fresh = null;
      }
    }
    boolean unwanted;
    synchronized (lock) {
      restarting = false;
      if (fresh != null && fresh.exited()) {
        // It died before it was current, so its exit was ignored; publishing it would strand
        // every start.
        failure = "the new sidecar exited as soon as it started";
        fresh = null;
      }
      unwanted = closed && fresh != null;
      if (fresh != null && !unwanted) {
        current = fresh;
        lastRestartFailure = null;
      } else if (fresh == null) {
        failedRestarts++;
        lastRestartFailure = failure;
      }
      lock.notifyAll();
    }
    if (unwanted) {
      fresh.close();
    } else {
      System.err.println(
          fresh != null
              ? "[sfn] the sidecar exited; a new one took over"
              : "[sfn] the sidecar exited and could not be restarted: " + failure);
    }
  }

  @Override
  public void close() {
    Sidecar last;
    synchronized (lock) {
      closed = true;
      last = current;
      lock.notifyAll();
    }
    if (last != null) {
      last.close();
    }
  }
}
