package io.rstwatch.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.decode.Addresses;
import io.rstwatch.ebpf.ConnectErrors.Count;
import io.rstwatch.plugin.Scope;
import io.rstwatch.ports.ClientLookup.Client;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientTableTest {
    private static final long LOOPBACK = Addresses.v4Lo(0x7F000001);
    private static final long REMOTE = Addresses.v4Lo(0xC0000209); // 192.0.2.9
    private static final long T0 = 1_700_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private final ClientTable table = new ClientTable(60);
    private final List<Integer> described = new ArrayList<>();

    private void read(int second, Count... counts) {
        table.take(
                List.of(counts),
                (hi, lo) -> lo == LOOPBACK ? Scope.LOCAL : Scope.REMOTE,
                tgid -> {
                    described.add(tgid);
                    return new ClientTable.Who(tgid, "python3 poller.py", "app", "/user.slice");
                },
                T0 + second * 1000L,
                second * SECOND);
    }

    private static Count refused(int tgid, long n) {
        return new Count(7211, 111, tgid, 0, LOOPBACK, n);
    }

    @Test
    void eachReadAddsWhatTheKernelCountedSinceTheLast() {
        read(1, refused(4242, 2));
        read(2, refused(4242, 4));
        read(3, refused(4242, 6));
        List<Client> clients = table.clientsOf(Scope.LOCAL, 7211);
        assertEquals(1, clients.size(), clients.toString());
        Client c = clients.get(0);
        assertEquals(4242, c.pid());
        assertEquals(6, c.count());
        assertEquals(T0 + 3000, c.lastSeenMillis());
        assertEquals(2.0, c.perSecond(), 1e-9, "6 in the 3 s since the second before the first read");
        assertEquals("pid 4242 `python3 poller.py`", c.owner());
        assertEquals(List.of(4242), described, "a process is named once");
        assertEquals(List.of(), table.clientsOf(Scope.REMOTE, 7211), "by scope");
        assertEquals(List.of(), table.clientsOf(Scope.LOCAL, 7212), "by port");
    }

    @Test
    void aCountThatWentBackIsAKeyTheKernelTookInAgain() {
        read(1, refused(4242, 100));
        read(2); // the kernel's map dropped the key
        read(3, refused(4242, 3));
        read(4, refused(4242, 2)); // dropped and taken in again between reads
        assertEquals(105, table.clientsOf(Scope.LOCAL, 7211).get(0).count());
    }

    @Test
    void onlyConnectErrorsOfSocketsSeenConnectingCount() {
        read(
                1,
                new Count(7211, 104, 4242, 0, LOOPBACK, 5), // ECONNRESET: a connection's, not a connect's
                new Count(7211, 111, 0, 0, LOOPBACK, 5), // connecting before the hooks came: nobody to name
                new Count(5432, 110, 4242, 0, REMOTE, 1), // ETIMEDOUT
                new Count(5432, 113, 4242, 0, REMOTE, 1), // EHOSTUNREACH
                new Count(5432, 101, 4242, 0, REMOTE, 1)); // ENETUNREACH
        assertEquals(List.of(), table.clientsOf(Scope.LOCAL, 7211));
        assertEquals(3, table.clientsOf(Scope.REMOTE, 5432).get(0).count());
    }

    @Test
    void theMostFailingFirst() {
        read(1, refused(1, 1), refused(2, 1), refused(3, 1));
        read(2, refused(1, 2), refused(2, 11), refused(3, 4));
        List<Integer> pids =
                table.clientsOf(Scope.LOCAL, 7211).stream().map(Client::pid).toList();
        assertEquals(List.of(2, 3, 1), pids);
    }

    @Test
    void rowsAreBoundedTheLeastRecentGoesFirst() {
        for (int i = 1; i <= ClientTable.MAX_ROWS; i++) {
            read(i, refused(i, 1));
        }
        read(ClientTable.MAX_ROWS + 1, refused(1, 2)); // pid 1 fails again: now the most recent
        read(ClientTable.MAX_ROWS + 2, refused(100_000, 1));
        List<Integer> pids =
                table.clientsOf(Scope.LOCAL, 7211).stream().map(Client::pid).toList();
        assertEquals(ClientTable.MAX_ROWS, pids.size());
        assertTrue(pids.contains(1), "failed lately");
        assertTrue(pids.contains(100_000), "the new one");
        assertTrue(!pids.contains(2), "pid 2 failed least recently and gave its place");
    }

    @Test
    void aContainerIsTheControlGroupPath() {
        assertEquals(
                "/system.slice/docker-3f2a.scope",
                ConnectingClients.containerOf("0::/system.slice/docker-3f2a.scope\n"));
        assertEquals("", ConnectingClients.containerOf("0::/\n"), "the root group is no container");
        assertEquals(
                "/kubepods/pod1/abc",
                ConnectingClients.containerOf("12:cpu,cpuacct:/kubepods/pod1/abc\n11:memory:/kubepods/pod1/abc\n"),
                "cgroup v1: the first hierarchy's");
        assertEquals("/app?[31m", ConnectingClients.containerOf("0::/app\u001b[31m\n"), "no control characters");
    }
}
