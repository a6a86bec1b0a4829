package io.rstwatch.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.plugin.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bounded per-port table: ports.max entries across both scopes, then one "other" per scope. */
class PortTableTest {
    private final List<PortStats> created = new ArrayList<>();

    @Test
    void anEntryIsMadeOnceAndAnnouncedOnce() {
        PortTable table = new PortTable(4, 60, created::add);
        PortStats a = table.get(Scope.LOCAL, 7211);
        assertSame(a, table.get(Scope.LOCAL, 7211));
        assertNotSame(a, table.get(Scope.REMOTE, 7211), "each scope has its own entry");
        assertEquals(2, created.size());
        assertEquals("7211", a.portKey());
        assertTrue(a.isNamedLocalPort());
    }

    @Test
    void theCapCountsBothScopesAndFurtherPortsGoToTheirScopesOther() {
        PortTable table = new PortTable(2, 60, created::add);
        table.get(Scope.LOCAL, 1);
        table.get(Scope.REMOTE, 2);
        PortStats localOther = table.get(Scope.LOCAL, 3);
        PortStats remoteOther = table.get(Scope.REMOTE, 4);
        assertTrue(localOther.isOther());
        assertEquals(Scope.LOCAL, localOther.scope());
        assertEquals("other", localOther.portKey());
        assertTrue(remoteOther.isOther());
        assertEquals(Scope.REMOTE, remoteOther.scope());
        assertSame(localOther, table.get(Scope.LOCAL, 5));
        assertEquals(4, created.size(), "two ports and one other entry per scope");
        assertEquals(4, table.entries().size());
    }

    @Test
    void concurrentFirstUsesMakeOneEntry() throws Exception {
        PortTable table = new PortTable(256, 60, s -> {
            synchronized (created) {
                created.add(s);
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<PortStats> seen = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                try {
                    go.await();
                    PortStats s = table.get(Scope.LOCAL, 9000);
                    synchronized (seen) {
                        seen.add(s);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(4, seen.size());
        assertTrue(seen.stream().allMatch(s -> s == seen.get(0)));
        assertEquals(1, created.size());
    }

    @Test
    void ratesAreSampledForEveryEntry() {
        PortTable table = new PortTable(4, 60, created::add);
        PortStats s = table.get(Scope.LOCAL, 7211);
        for (int i = 0; i < 4; i++) {
            s.record(ResetKind.REFUSED, true, 0, 1, 0, 1, true, 1, 1000);
        }
        table.sampleRates(System.nanoTime() + 1_000_000_000L); // a second after the table's start
        assertEquals(4.0, s.refusedPerSecond(), 1e-3); // the table started a moment before the test read the clock
        assertEquals(4.0, s.refusedLocalClientsPerSecond(), 1e-3);
        assertEquals(0.0, s.resetsPerSecond(), 1e-9);
    }
}
