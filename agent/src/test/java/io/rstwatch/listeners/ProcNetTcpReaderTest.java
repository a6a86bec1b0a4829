package io.rstwatch.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming reader of /proc/net/tcp{,6}: LISTEN lines only, whatever the buffer cuts and the file holds. */
class ProcNetTcpReaderTest {
    static final String HEADER =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid" + "  timeout inode\n";

    /** A line as the kernel writes it (get_tcp4_sock), for 127.0.0.1 in host order. */
    static String v4(int slot, int port, String state, int rxQueue, long inode) {
        return String.format(
                "%4d: 0100007F:%04X 00000000:0000 %s 00000000:%08X 00:00000000 00000000     0        0 %d 1"
                        + " 0000000000000000 100 0 0 10 0\n",
                slot, port, state, rxQueue, inode);
    }

    private static List<String> read(Path file, int buffer) throws Exception {
        List<String> out = new ArrayList<>();
        new ProcNetTcpReader(buffer)
                .read(file, l -> out.add(l.address() + ":" + l.port() + " q" + l.acceptQueue() + " i" + l.inode));
        return out;
    }

    @Test
    void onlyListenLinesWhereverTheBufferCutsThem(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder(HEADER);
        for (int i = 0; i < 500; i++) {
            sb.append(v4(i, 40000 + i, i % 100 == 0 ? "0A" : "01", i % 7, 1000 + i));
        }
        Path file = dir.resolve("tcp");
        Files.writeString(file, sb.toString());
        List<String> expected = List.of(
                "127.0.0.1:40000 q0 i1000",
                "127.0.0.1:40100 q2 i1100",
                "127.0.0.1:40200 q4 i1200",
                "127.0.0.1:40300 q6 i1300",
                "127.0.0.1:40400 q1 i1400");
        for (int buffer : new int[] {200, 257, 1000, 4096, 65536}) {
            assertEquals(expected, read(file, buffer), "buffer " + buffer);
        }
    }

    /** A v4-mapped listener (::ffff:127.0.0.1) shows as the IPv4 address it is. */
    @Test
    void ipv6WordsAreInHostOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tcp6");
        Files.writeString(
                file,
                HEADER
                        + "   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A"
                        + " 00000000:00000005 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0\n"
                        + "   1: 0000000000000000FFFF00000100007F:0016 00000000000000000000000000000000:0000 0A"
                        + " 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 100 0 0 10 0");
        assertEquals(List.of("::1:8080 q5 i4242", "127.0.0.1:22 q0 i4343"), read(file, 65536));
    }

    @Test
    void oddLinesAreSkippedAndNothingThrows(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tcp");
        String longLine = "x".repeat(5000) + "\n";
        Files.write(
                file,
                (HEADER
                                + "   0: 0100007F:ZZZZ 00000000:0000 0A 00000000:00000000 00:0 0 0 0 1 1\n"
                                + "   1: 0100007F 00000000:0000 0A 00000000:00000000 00:0 0 0 0 1 1\n"
                                + "   2: 0100007F:0050 00000000:0000 0A\n"
                                + longLine
                                + "\0\0\0\n"
                                + v4(3, 80, "0A", 0, 77).replace("\n", ""))
                        .getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(List.of("127.0.0.1:80 q0 i77"), read(file, 1024), "only the good line, the last without \\n");
    }

    /** SYN_SENT lines: the destination (IPv4 and IPv6) and how often the SYN went again (retrnsmt, in hex). */
    @Test
    void pendingConnectsWithTheirDestinationAndRetransmissions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tcp6");
        Files.writeString(
                file,
                HEADER
                        + "   0: 0000000000000000FFFF00000100007F:A123 0000000000000000FFFF00000203070A:1538 02"
                        + " 00000001:00000000 01:00000064 0000000B  1000        0 5151 1 0000000000000000 100 0 0 10 0\n"
                        + "   1: 00000000000000000000000001000000:A124 0200E7FD000000000000000000000000:1F90 02"
                        + " 00000001:00000000 01:00000064 00000002     0        0 5252 1 0000000000000000 100 0 0 10 0\n"
                        + "   2: 0100007F:A125 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 5353"
                        + " 1\n");
        List<String> out = new ArrayList<>();
        new ProcNetTcpReader().read(file, new ProcNetTcpReader.Sink() {
            @Override
            public void listener(Listener l) {
                out.add("listener " + l.port());
            }

            @Override
            public void connecting(Connecting c) {
                out.add(io.rstwatch.decode.Addresses.endpoint(c.remoteHi(), c.remoteLo(), c.remotePort()) + " uid"
                        + c.uid() + " i" + c.inode() + " r" + c.retransmits());
            }
        });
        assertEquals(List.of("10.7.3.2:5432 uid1000 i5151 r11", "[fde7:2::]:8080 uid0 i5252 r2"), out);
    }
}
