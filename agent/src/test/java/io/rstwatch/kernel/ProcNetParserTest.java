package io.rstwatch.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The parser on /proc files of several kernels (src/test/resources/proc): linux-6.18 was read from this
 * project's machines; linux-3.10 has that kernel's columns (no InCsumErrors, TCPPrequeued and friends);
 * linux-future reorders columns and adds ones no kernel has yet.
 */
class ProcNetParserTest {
    private static Map<String, Long> read(String kernel) throws IOException {
        return ProcNetParser.parse(resource(kernel + "/snmp"), resource(kernel + "/netstat"));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ProcNetParserTest.class.getResourceAsStream("/proc/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void linux618() throws IOException {
        TcpCounters c = new TcpCounters(read("linux-6.18"), 1);
        assertEquals(303, c.attemptFails());
        assertEquals(40, c.get("Tcp.EstabResets"));
        assertEquals(10457519, c.outRsts());
        assertEquals(-1, c.get("Tcp.MaxConn"));
        assertEquals(57, c.get("TcpExt.TCPAbortOnData"));
        assertEquals(0, c.listenOverflows());
    }

    @Test
    void linux310WithoutNewerColumns() throws IOException {
        TcpCounters c = new TcpCounters(read("linux-3.10"), 1);
        assertEquals(7216, c.attemptFails());
        assertEquals(9120, c.outRsts());
        assertEquals(77, c.listenOverflows());
        assertEquals(81, c.get("TcpExt.ListenDrops"));
        assertEquals(2877, c.get("TcpExt.TCPSynRetrans"));
        assertEquals(3, c.get("TcpExt.TCPReqQFullDrop"));
        assertFalse(c.has("Tcp.InCsumErrors"));
        assertEquals(0, c.get("Tcp.InCsumErrors"), "a column this kernel lacks reads 0");
    }

    @Test
    void reorderedAndUnknownColumnsAreFoundByName() throws IOException {
        TcpCounters c = new TcpCounters(read("linux-future"), 1);
        assertEquals(21, c.attemptFails());
        assertEquals(33, c.outRsts());
        assertEquals(6, c.get("Tcp.CurrEstab"));
        assertEquals(7, c.listenOverflows());
        assertEquals(8, c.get("TcpExt.ListenDrops"));
        assertEquals(5, c.get("TcpExt.TCPAbortOnTimeout"));
        assertEquals(1, c.get("TcpExt.TCPReqQFullDrop"));
        assertTrue(c.has("TcpExt.TCPNewFutureThing"));
    }
}
