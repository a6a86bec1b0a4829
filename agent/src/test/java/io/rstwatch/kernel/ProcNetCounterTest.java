package io.rstwatch.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstwatch.common.ProcFiles;
import io.rstwatch.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One counter read by name: the same figure as the whole parser gives, on this host's kernel and on odd files. */
class ProcNetCounterTest {
    @Test
    void readsWhatTheParserReadsFromThisKernel() throws Exception {
        Path proc = Paths.get("/proc");
        ProcNetCounter retrans = new ProcNetCounter(proc, TcpCounter.SYN_RETRANS);
        ProcNetCounter fails = new ProcNetCounter(proc, TcpCounter.ATTEMPT_FAILS);
        // Both counters may move between two reads: read again until one read of each agrees with the parser.
        Await.until("the counter and the parser agreeing", Duration.ofSeconds(10), () -> {
            long a = retrans.getAsLong();
            long b = fails.getAsLong();
            var all = ProcNetParser.parse(
                    ProcFiles.read(proc.resolve("net/snmp")), ProcFiles.read(proc.resolve("net/netstat")));
            return a >= 0 && a == all.get(TcpCounter.SYN_RETRANS.key()) && b == all.get(TcpCounter.ATTEMPT_FAILS.key());
        });
    }

    @Test
    void readsTheFileAgainFromItsStartEachTime(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        ProcNetCounter counter = new ProcNetCounter(proc, TcpCounter.SYN_RETRANS);
        assertEquals(-1, counter.getAsLong(), "no file yet");
        Files.writeString(proc.resolve("net/netstat"), "TcpExt: A TCPSynRetrans B\nTcpExt: 1 22 3\n");
        assertEquals(22, counter.getAsLong());
        Files.writeString(proc.resolve("net/netstat"), "TcpExt: A TCPSynRetrans B\nTcpExt: 1 23 3\n");
        assertEquals(23, counter.getAsLong(), "the same file, read again");
    }

    private static long find(String text) {
        return new ProcNetCounter(Paths.get("/nonexistent"), TcpCounter.SYN_RETRANS).find(text);
    }

    @Test
    void findsTheColumnByNameAndNothingElse() {
        assertEquals(7, find("IpExt: InNoRoutes\nIpExt: 5\nTcpExt: SyncookiesSent TCPSynRetrans\nTcpExt: 0 7\n"));
        assertEquals(7, find("TcpExt:  TCPSynRetrans   X\r\nTcpExt:  7   9\r\n"), "spaces and CRLF");
        assertEquals(-1, find("TcpExt: SyncookiesSent TCPSynRetransX\nTcpExt: 0 7\n"), "a longer name is not it");
        assertEquals(-1, find("TcpExt: SyncookiesSent\nTcpExt: 0\n"), "an older kernel without the column");
        assertEquals(-1, find("TcpExt: SyncookiesSent TCPSynRetrans\n"), "no value line");
        assertEquals(-1, find("TcpExt: SyncookiesSent TCPSynRetrans\nTcpExt: 0\n"), "a value line cut short");
        assertEquals(-1, find("TcpExt: SyncookiesSent TCPSynRetrans\nTcpExt: 0 -3\n"), "not a count");
        assertEquals(-1, find("TcpExt: TCPSynRetrans\nTcpExt: 99999999999999999999999\n"), "more than a long");
        assertEquals(-1, find(""));
    }
}
