package io.rstwatch.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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
        assertEquals(303, c.get(TcpCounter.ATTEMPT_FAILS));
        assertEquals(40, c.get(TcpCounter.ESTAB_RESETS));
        assertEquals(10457519, c.get(TcpCounter.OUT_RSTS));
        assertEquals(-1L, read("linux-6.18").get("Tcp.MaxConn"), "a negative column is kept");
        assertEquals(57, c.get(TcpCounter.ABORT_ON_DATA));
        assertEquals(0, c.get(TcpCounter.LISTEN_OVERFLOWS));
    }

    @Test
    void linux310WithoutNewerColumns() throws IOException {
        TcpCounters c = new TcpCounters(read("linux-3.10"), 1);
        assertEquals(7216, c.get(TcpCounter.ATTEMPT_FAILS));
        assertEquals(9120, c.get(TcpCounter.OUT_RSTS));
        assertEquals(77, c.get(TcpCounter.LISTEN_OVERFLOWS));
        assertEquals(81, c.get(TcpCounter.LISTEN_DROPS));
        assertEquals(2877, c.get(TcpCounter.SYN_RETRANS));
        assertEquals(3, c.get(TcpCounter.REQ_Q_FULL_DROP));
        assertFalse(read("linux-3.10").containsKey("Tcp.InCsumErrors"));
        TcpCounters sparse = new TcpCounters(Map.of(TcpCounter.ATTEMPT_FAILS.key(), 5L), 1);
        assertEquals(5, sparse.get(TcpCounter.ATTEMPT_FAILS));
        assertEquals(0, sparse.get(TcpCounter.SYN_RETRANS), "a counter the kernel lacks reads 0");
    }

    @Test
    void reorderedAndUnknownColumnsAreFoundByName() throws IOException {
        TcpCounters c = new TcpCounters(read("linux-future"), 1);
        assertEquals(21, c.get(TcpCounter.ATTEMPT_FAILS));
        assertEquals(33, c.get(TcpCounter.OUT_RSTS));
        assertEquals(6, c.get(TcpCounter.CURR_ESTAB));
        assertEquals(7, c.get(TcpCounter.LISTEN_OVERFLOWS));
        assertEquals(8, c.get(TcpCounter.LISTEN_DROPS));
        assertEquals(5, c.get(TcpCounter.ABORT_ON_TIMEOUT));
        assertEquals(1, c.get(TcpCounter.REQ_Q_FULL_DROP));
        assertTrue(read("linux-future").containsKey("TcpExt.TCPNewFutureThing"));
    }

    @Test
    void oneCounterFoundAloneIsWhatTheWholeParseHas() throws IOException {
        for (String kernel : new String[] {"linux-3.10", "linux-6.18", "linux-future"}) {
            for (String file : new String[] {"snmp", "netstat"}) {
                String text = resource(kernel + "/" + file);
                Map<String, Long> all = ProcNetParser.parse(text, new HashMap<>());
                assertFalse(all.isEmpty());
                for (Map.Entry<String, Long> e : all.entrySet()) {
                    assertEquals(e.getValue(), ProcNetParser.find(text, e.getKey()), kernel + " " + e.getKey());
                }
                assertEquals(null, ProcNetParser.find(text, "TcpExt.NoSuchCounter"));
                assertEquals(null, ProcNetParser.find(text, "Tcp"), "a section is not a column");
            }
        }
    }
}
