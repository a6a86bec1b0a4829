package io.rstwatch.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.plugin.Scope;
import io.rstwatch.ports.PortStats.Counter;
import io.rstwatch.ports.PortStats.Rate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The bounded per-port table: ports.max entries in each scope, then one "other" per scope; an entry idle for
 * ports.idle gives its place to a new port of its scope.
 */
class PortTableTest {
    private static final long LOOPBACK = io.rstwatch.decode.Addresses.v4Lo(0x7F000001);
    private final List<PortStats> created = new ArrayList<>();
    private final List<PortStats> removed = new ArrayList<>();
    private final Set<Integer> listening = new HashSet<>();
    /** The table's wall clock, epoch ms: the test moves it. */
    private final AtomicLong clock = new AtomicLong(1_000_000);

    private PortTable table(int maxPorts) {
        return new PortTable(
                maxPorts,
                60,
                600,
                listening::contains,
                new PortTable.Changes() {
                    @Override
                    public void added(PortStats entry) {
                        synchronized (created) {
                            created.add(entry);
                        }
                    }

                    @Override
                    public void removed(PortStats entry) {
                        removed.add(entry);
                    }
                },
                clock::get);
    }

    private void refuse(PortStats s, int times) {
        for (int i = 0; i < times; i++) {
            s.record(Flows.of(ResetKind.REFUSED, true, 0, LOOPBACK, 0, LOOPBACK, true, 1, -1, clock.get()));
        }
    }

    @Test
    void anEntryIdleForPortsIdleGivesItsPlaceAndItsCountsToOther() {
        PortTable table = table(2);
        PortStats first = table.get(Scope.LOCAL, 1);
        refuse(first, 3);
        clock.addAndGet(100_000);
        PortStats second = table.get(Scope.LOCAL, 2);
        refuse(second, 1);
        PortStats other = table.get(Scope.LOCAL, 3);
        assertTrue(other.isOther(), "nothing idle for 600 s yet: the new port is counted under other");
        refuse(other, 1);
        long sampled = System.nanoTime() + 1_000_000_000L;
        table.sampleRates(sampled);
        double otherRate = other.perSecond(Rate.REFUSED);

        clock.addAndGet(500_000); // port 1 idle for 600 s, port 2 for 500 s
        PortStats third = table.get(Scope.LOCAL, 3);
        assertFalse(third.isOther(), "the new port has its own entry again");
        assertEquals(List.of(first), removed, "the least recently seen idle entry went");
        assertSame(second, table.get(Scope.LOCAL, 2));
        table.sampleRates(sampled + 500_000_000L); // the fold waits for a sample after the next
        table.sampleRates(sampled + 700_000_000L);
        assertEquals(
                4, other.total(Counter.REFUSED), "port 1's three refusals are in other now: no total went backwards");
        assertEquals(4, other.total(PortStats.Counter.REFUSED_LOCAL_CLIENTS));
        table.sampleRates(sampled + 1_000_000_000L);
        assertTrue(other.perSecond(Rate.REFUSED) <= otherRate, "folded counts never show as a rate");
    }

    @Test
    void aPortSomethingListensOnAndARecentOneKeepTheirPlaces() {
        PortTable table = table(2);
        table.get(Scope.LOCAL, 5432);
        listening.add(5432);
        clock.addAndGet(300_000);
        refuse(table.get(Scope.LOCAL, 7211), 1);
        clock.addAndGet(400_000); // 5432 idle 700 s but listening; 7211 idle 400 s
        assertTrue(table.get(Scope.LOCAL, 9000).isOther());
        assertTrue(removed.isEmpty());
        clock.addAndGet(200_000); // 7211 idle 600 s now; a second passed since the last look
        assertFalse(table.get(Scope.LOCAL, 9001).isOther());
        assertEquals(7211, removed.get(0).port());
    }

    @Test
    void anInJvmFailureIsAnEvent() {
        PortTable table = table(1);
        PortStats s = table.get(Scope.REMOTE, 5432);
        clock.addAndGet(599_000);
        s.recordJvmFailure("com.example.Poller.poll(Poller.java:42)", clock.get(), 0, LOOPBACK);
        clock.addAndGet(2_000);
        assertTrue(table.get(Scope.REMOTE, 80).isOther(), "idle for 2 s only");
    }

    @Test
    void anEntryIsMadeOnceAndAnnouncedOnce() {
        PortTable table = table(4);
        PortStats a = table.get(Scope.LOCAL, 7211);
        assertSame(a, table.get(Scope.LOCAL, 7211));
        assertNotSame(a, table.get(Scope.REMOTE, 7211), "each scope has its own entry");
        assertEquals(2, created.size());
        assertEquals("7211", a.portKey());
        assertTrue(a.isNamedLocalPort());
    }

    @Test
    void eachScopeHasItsOwnCapAndFurtherPortsGoToTheirScopesOther() {
        PortTable table = table(1);
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
    void aWallClockSteppedBackDelaysEvictionByPortsIdleNotByTheStep() {
        PortTable table = table(1);
        refuse(table.get(Scope.LOCAL, 1), 1);
        table.sampleRates(0);
        clock.addAndGet(-3_600_000); // NTP steps the clock back an hour
        table.sampleRates(1_000_000_000L);
        clock.addAndGet(599_000);
        assertTrue(table.get(Scope.LOCAL, 2).isOther(), "idle for less than ports.idle since the step");
        clock.addAndGet(2_000);
        assertFalse(table.get(Scope.LOCAL, 3).isOther(), "a place comes back ports.idle after the step");
    }

    @Test
    void remotePortsHoweverManyNeverTakeALocalPortsPlace() {
        PortTable table = table(4);
        clock.addAndGet(-700_000); // the remote ports were idle long ago: they could give their places
        for (int port = 1; port <= 4; port++) {
            table.get(Scope.REMOTE, port);
        }
        clock.addAndGet(700_000);
        for (int port = 5; port <= 1000; port++) {
            table.get(Scope.REMOTE, port);
        }
        for (int port = 7211; port < 7215; port++) {
            assertFalse(table.get(Scope.LOCAL, port).isOther(), "local port " + port + " has its own entry");
        }
        assertTrue(table.get(Scope.LOCAL, 9000).isOther(), "the fifth local port is over the local cap");
    }

    /**
     * The race, step by step: a capture thread takes port 1's entry; before it counts, another thread's new port
     * evicts that entry; then it counts. The count must reach port=other, not vanish with the entry.
     */
    @Test
    void aCountIntoAnEntryEvictedUnderTheCountingThreadIsNotLost() {
        PortTable table = table(1);
        PortStats first = table.get(Scope.LOCAL, 1);
        refuse(first, 2);
        clock.addAndGet(601_000);
        PortStats taken = table.get(Scope.LOCAL, 1); // the capture thread has it
        assertFalse(table.get(Scope.LOCAL, 2).isOther(), "another thread's new port takes its place");
        assertEquals(List.of(first), removed);
        refuse(taken, 1); // the capture thread counts, after the eviction
        table.sampleRates(1_000_000_000L);
        table.sampleRates(2_000_000_000L);
        assertEquals(
                3, table.get(Scope.LOCAL, 3).total(Counter.REFUSED), "all three of port 1's refusals are in other");
    }

    @Test
    void concurrentFirstUsesMakeOneEntry() throws Exception {
        PortTable table = table(256);
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
        PortTable table = table(4);
        PortStats s = table.get(Scope.LOCAL, 7211);
        for (int i = 0; i < 4; i++) {
            s.record(Flows.of(ResetKind.REFUSED, true, 0, 1, 0, 1, true, 1, -1, 1000));
        }
        table.sampleRates(System.nanoTime() + 1_000_000_000L); // a second after the table's start
        assertEquals(4.0, s.perSecond(Rate.REFUSED), 1e-3); // the table started a moment before the test read the clock
        assertEquals(4.0, s.perSecond(Rate.REFUSED_LOCAL_CLIENTS), 1e-3);
        assertEquals(0.0, s.perSecond(Rate.RESETS), 1e-9);
    }
}
