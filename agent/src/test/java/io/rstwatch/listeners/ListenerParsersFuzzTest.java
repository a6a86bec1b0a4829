package io.rstwatch.listeners;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The two readers of the kernel's socket tables on input that lies: netlink sock_diag datagrams with corrupt
 * lengths, types and sequence numbers, and /proc/net/tcp text with lines cut, shifted, overlong or made of random
 * bytes. Nothing may throw, nor read past what was received. CI runs 10^5 cases of each (junit-platform.properties);
 * bench/parser-fuzz runs 10^7.
 */
class ListenerParsersFuzzTest {
    private static final ProcNetTcpReader.Sink COUNTING = new ProcNetTcpReader.Sink() {
        @Override
        public void listener(Listener l) {
            assertTrue(l.port() >= 0 && l.port() <= 65535, "port " + l.port());
        }

        @Override
        public void connecting(Connecting c) {
            assertTrue(c.remotePort() >= 0 && c.remotePort() <= 65535, "port " + c.remotePort());
        }
    };

    @Property
    void noSockDiagDatagramMakesTheParserThrowOrReadPastIt(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SockDiag diag = new SockDiag();
        byte[] buffer = diag.replyBuffer();
        int n = random.nextInt(0, 2048);
        ByteBuffer b = ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder());
        int at = 0;
        while (at + 16 <= n) {
            int length = random.nextInt(6) == 0 ? random.nextInt() : random.nextInt(16, 140);
            b.putInt(at, length);
            b.putShort(at + 4, (short) (random.nextBoolean() ? 20 : random.nextInt(0, 5)));
            b.putInt(at + 8, random.nextInt(4) == 0 ? random.nextInt() : 7);
            for (int i = at + 16; i < Math.min(n, at + 140); i++) {
                buffer[i] = (byte) random.nextInt();
            }
            at += Math.max(16, (Math.abs(length % 200) + 3) & ~3);
        }
        // Past n: what an earlier, longer datagram left in the buffer, which must never be read as this one's.
        for (int i = n; i < Math.min(buffer.length, n + 256); i++) {
            buffer[i] = (byte) random.nextInt();
        }
        int result = diag.parse(n, 7, COUNTING);
        assertTrue(result == SockDiag.MORE || result == SockDiag.DONE || result == SockDiag.FAILED);
    }

    @Property
    void noProcNetTcpTextMakesTheReaderThrow(@ForAll long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        int lines = random.nextInt(0, 20);
        for (int i = 0; i < lines; i++) {
            String line = "   " + i + ": " + hex(random, 8) + ":" + hex(random, 4) + " " + hex(random, 8) + ":"
                    + hex(random, 4) + " " + (random.nextBoolean() ? "0A" : "02") + " " + hex(random, 8) + ":"
                    + hex(random, 8) + " 00:00000000 00000000  " + random.nextInt(0, 70000) + "        0 "
                    + random.nextLong(0, Long.MAX_VALUE) + " 1\n";
            switch (random.nextInt(6)) {
                case 0 -> line = line.substring(0, random.nextInt(0, line.length())); // cut
                case 1 -> line = line.replace(' ', random.nextBoolean() ? '\t' : 'x'); // shifted fields
                case 2 -> line = line.replaceAll("[0-9A-F]", random.nextBoolean() ? "G" : "F".repeat(9)); // no hex
                case 3 -> line = randomBytes(random, random.nextInt(0, 300)); // garbage, overlong
                default -> {}
            }
            text.append(line);
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
        new ProcNetTcpReader(random.nextInt(64, 512)).read(new ByteArrayInputStream(bytes), COUNTING);
    }

    private static String hex(SplittableRandom random, int digits) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            sb.append("0123456789ABCDEF".charAt(random.nextInt(16)));
        }
        return sb.toString();
    }

    private static String randomBytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
