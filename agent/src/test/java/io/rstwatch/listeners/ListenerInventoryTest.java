package io.rstwatch.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inventory on a fake /proc: LISTEN lines, fd links to socket inodes, command lines. */
class ListenerInventoryTest {
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
            + "   uid  timeout inode\n";

    @Test
    void ownersAreFoundByInodeAndRememberedWhenTheyGo(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        // 127.0.0.1:7211 listening with 3 waiting in its accept queue, inode 4711; an established socket ignored.
        Files.writeString(proc.resolve("net/tcp"), HEADER
                + "   0: 0100007F:1C2B 00000000:0000 0A 00000000:00000003 00:00000000 00000000  1000        0 4711 1\n"
                + "   1: 0100007F:1C2C 0100007F:A000 01 00000000:00000000 00:00000000 00000000  1000        0 4712 1\n");
        // [::1]:8080 listening, inode 4800, owner not findable
        Files.writeString(proc.resolve("net/tcp6"), HEADER
                + "   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A"
                + " 00000000:00000000 00:00000000 00000000  1000        0 4800 1\n");
        Path pid = Files.createDirectories(proc.resolve("4242/fd"));
        Files.createSymbolicLink(pid.resolve("3"), Paths.get("socket:[4711]"));
        Files.createSymbolicLink(pid.resolve("4"), Paths.get("/dev/null"));
        Files.write(proc.resolve("4242/cmdline"), "java\0-jar\0collector.jar\0".getBytes());

        ListenerInventory inventory = new ListenerInventory(proc);
        inventory.refresh();
        assertEquals(2, inventory.current().size());
        Listener l = inventory.listenerOn(7211);
        assertEquals("127.0.0.1", l.address());
        assertEquals(3, l.acceptQueue());
        assertEquals("pid 4242 `java -jar collector.jar`", l.owner());
        assertEquals("::1", inventory.listenerOn(8080).address());
        assertEquals("an unknown process", inventory.listenerOn(8080).owner());
        assertTrue((inventory.listeningBits()[7211 >>> 6] & 1L << (7211 & 63)) != 0);

        Files.writeString(proc.resolve("net/tcp"), HEADER);
        long before = System.currentTimeMillis();
        inventory.refresh();
        assertNull(inventory.listenerOn(7211));
        ListenerInventory.GoneListener gone = inventory.lastOn(7211);
        assertEquals("pid 4242 `java -jar collector.jar`", gone.listener().owner());
        assertTrue(gone.goneAtMillis() >= before);
        assertEquals(1, inventory.gone(20).size());
    }

    @Test
    void historyIsBounded(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        ListenerInventory inventory = new ListenerInventory(proc);
        for (int port = 1; port <= ListenerInventory.MAX_HISTORY + 50; port++) {
            Files.writeString(proc.resolve("net/tcp"), HEADER + "   0: 0100007F:" + String.format("%04X", port)
                    + " 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 " + (9000 + port) + " 1\n");
            inventory.refresh();
        }
        Files.writeString(proc.resolve("net/tcp"), HEADER);
        inventory.refresh();
        assertEquals(ListenerInventory.MAX_HISTORY, inventory.gone(Integer.MAX_VALUE).size());
        assertNull(inventory.lastOn(1), "the oldest went first");
    }
}
