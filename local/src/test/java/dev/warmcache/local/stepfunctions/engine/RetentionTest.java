package dev.warmcache.local.stepfunctions.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetentionTest {

  @Test
  void keepsTheNewestWithinTheCount() {
    List<Integer> forgotten = new ArrayList<>();
    Retention<Integer> retention = new Retention<>(3, Long.MAX_VALUE, forgotten::add);
    for (int i = 0; i < 5; i++) {
      retention.finished(i, 10);
    }
    assertEquals(List.of(0, 1), forgotten);
    assertEquals(3, retention.count());
    assertEquals(30, retention.bytes());
  }

  @Test
  void keepsTheNewestWithinTheSizeAndAlwaysTheLastOne() {
    List<Integer> forgotten = new ArrayList<>();
    Retention<Integer> retention = new Retention<>(100, 25, forgotten::add);
    retention.finished(0, 10);
    retention.finished(1, 10);
    retention.finished(2, 10);
    assertEquals(List.of(0), forgotten, "30 bytes are over 25: the earliest goes");
    retention.finished(3, 1_000);
    assertEquals(List.of(0, 1, 2), forgotten, "one run larger than the bound is still kept");
    assertEquals(1, retention.count());
    assertEquals(1_000, retention.bytes());
  }

  @Test
  void refusesABoundWithoutRoom() {
    assertThrows(IllegalArgumentException.class, () -> new Retention<>(0, 10, r -> {}));
    assertThrows(IllegalArgumentException.class, () -> new Retention<>(10, 0, r -> {}));
  }

  /** Executions finish on several threads at once: each is forgotten once, the bound holds. */
  @Test
  void concurrentFinishesForgetEachRunOnceAndHoldTheBound() throws Exception {
    Set<Integer> forgotten = ConcurrentHashMap.newKeySet();
    List<Integer> twice = Collections.synchronizedList(new ArrayList<>());
    Retention<Integer> retention =
        new Retention<>(
            50,
            Long.MAX_VALUE,
            r -> {
              if (!forgotten.add(r)) {
                twice.add(r);
              }
            });
    int threads = 8;
    int each = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    for (int t = 0; t < threads; t++) {
      int base = t * each;
      pool.submit(
          () -> {
            go.await();
            for (int i = 0; i < each; i++) {
              retention.finished(base + i, 1);
            }
            return null;
          });
    }
    go.countDown();
    pool.shutdown();
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    assertEquals(List.of(), twice);
    assertEquals(threads * each - 50, forgotten.size());
    assertEquals(50, retention.count());
    assertEquals(50, retention.bytes());
  }
}
