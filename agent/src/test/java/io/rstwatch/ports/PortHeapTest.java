package io.rstwatch.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.decode.Addresses;
import io.rstwatch.host.HostView;
import io.rstwatch.host.Services;
import io.rstwatch.jmx.MBeans;
import io.rstwatch.jmx.PortMXBean;
import io.rstwatch.plugin.Scope;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heap a Port entry takes, measured on full entries published as MBeans, held to the estimate that the heap
 * budget counts with; and the budget itself, which no option can lift.
 */
class PortHeapTest {
    private static final int ENTRIES = 1500;

    @Test
    void aFullPublishedEntryTakesNoMoreThanTheBudgetCountsWhateverTheWindow(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("sys/net/ipv4"));
        Files.writeString(proc.resolve("sys/net/ipv4/ip_local_port_range"), "32768\t60999\n");
        HostView host = new HostView(proc);
        host.refresh();
        Services services = Services.read(proc.resolve("no-services"));
        for (int window : new int[] {60, 3600}) {
            long before = usedAfterGc();
            List<PortView> views = new ArrayList<>();
            PortTable table = new PortTable(ENTRIES, window, 600, p -> false, new PortTable.Changes() {
                @Override
                public void added(PortStats entry) {}

                @Override
                public void removed(PortStats entry) {}
            });
            long now = System.currentTimeMillis();
            long nanos = System.nanoTime();
            for (int port = 1; port <= ENTRIES; port++) {
                PortStats s = table.get(Scope.REMOTE, port);
                for (int peer = 0; peer < 20; peer++) { // more peers than it keeps
                    s.record(Flows.of(
                            ResetKind.REFUSED,
                            false,
                            0,
                            Addresses.v4Lo(0xC0000200 + port),
                            0,
                            Addresses.v4Lo(0xC6336400 + peer),
                            false,
                            peer % 10,
                            -1,
                            now));
                }
                for (int caller = 0; caller < 8; caller++) { // more callers than it keeps
                    s.recordJvmFailure("com.example.Client" + caller + ".connect(Client.java:" + port + ")", now, 0, 1);
                }
            }
            for (int second = 0; second < 70; second++) { // more samples than the window keeps
                table.sampleRates(nanos + second * 1_000_000_000L);
            }
            for (PortStats s : table.entries()) {
                PortView v = new PortView(s);
                v.refresh(host, ListenerLookup.NONE, ClientLookup.NONE, services, window, 0);
                assertTrue(MBeans.register(v.objectName(), v, PortMXBean.class));
                views.add(v);
            }
            long perEntry = (usedAfterGc() - before) / ENTRIES;
            for (PortView v : views) {
                MBeans.unregister(v.objectName());
            }
            assertEquals(ENTRIES, views.size());
            assertTrue(
                    perEntry <= PortStats.bytes(window),
                    "a full entry at rate.window=" + window + " took " + perEntry + " bytes; the budget counts "
                            + PortStats.bytes(window));
        }
    }

    @Test
    void noPortsMaxLetsTheTablesTakeMoreThanTheirBudget() {
        for (int window : new int[] {1, 60, 600, 3600}) {
            PortRegistry.Limits defaults = new PortRegistry.Limits(256, window, 600, 32);
            assertEquals(defaults, defaults.inBudget(), "the default ports.max fits at rate.window=" + window);
            PortRegistry.Limits most = new PortRegistry.Limits(65536, window, 600, 32).inBudget();
            assertTrue(most.tableBytes() <= PortRegistry.Limits.TABLE_BUDGET_BYTES);
            assertTrue(most.maxPorts() >= 512, "room for twice the default a scope: " + most.maxPorts());
            PortRegistry.Limits oneMore = new PortRegistry.Limits(most.maxPorts() + 1, window, 600, 32);
            assertTrue(oneMore.tableBytes() > PortRegistry.Limits.TABLE_BUDGET_BYTES, "the largest that fits");
        }
        PortRegistry.Limits asked = new PortRegistry.Limits(4096, 3600, 600, 32);
        String warning = asked.overBudget(asked.inBudget());
        assertTrue(warning.startsWith("ports.max=4096 would let the port tables take "), warning);
        assertTrue(warning.contains("budget of 16 MiB"), warning);
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(used - last) < 64 * 1024) {
                return used;
            }
            last = used;
            Thread.sleep(20); // lets the collector's finishing work settle; not a wait for a condition
        }
        return last;
    }
}
