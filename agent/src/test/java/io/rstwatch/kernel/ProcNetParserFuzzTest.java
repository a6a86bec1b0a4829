package io.rstwatch.kernel;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The reader of /proc/net/snmp and /proc/net/netstat on text that lies: header and value lines of different
 * lengths, missing or extra lines, words that are no numbers, numbers past a long, stray bytes. Nothing may throw.
 * CI runs 10^5 cases (junit-platform.properties); bench/parser-fuzz runs 10^7.
 */
class ProcNetParserFuzzTest {
    private static final String[] KEYS = {
        "RtoAlgorithm",
        "ActiveOpens",
        "AttemptFails",
        "EstabResets",
        "OutRsts",
        "ListenOverflows",
        "EmbryonicRsts",
        "TCPSynRetrans",
        "",
        "x"
    };

    @Property
    void noTextMakesTheParserThrow(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ProcNetParser.parse(text(random), text(random));
    }

    private static String text(SplittableRandom random) {
        StringBuilder sb = new StringBuilder();
        for (int group = random.nextInt(0, 4); group > 0; group--) {
            String prefix = random.nextBoolean() ? "Tcp:" : random.nextBoolean() ? "TcpExt:" : "Ip:";
            int keys = random.nextInt(0, 8);
            int values = random.nextInt(4) == 0 ? random.nextInt(0, 10) : keys;
            sb.append(prefix);
            for (int i = 0; i < keys; i++) {
                sb.append(' ').append(KEYS[random.nextInt(KEYS.length)]);
            }
            sb.append(random.nextInt(6) == 0 ? "" : "\n").append(prefix);
            for (int i = 0; i < values; i++) {
                sb.append(' ').append(value(random));
            }
            sb.append('\n');
        }
        if (random.nextInt(5) == 0) {
            byte[] b = new byte[random.nextInt(0, 100)];
            random.nextBytes(b);
            sb.insert(random.nextInt(0, sb.length() + 1), new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }

    private static String value(SplittableRandom random) {
        switch (random.nextInt(6)) {
            case 0:
                return "-" + random.nextInt(1000);
            case 1:
                return "99999999999999999999999";
            case 2:
                return "12ab";
            default:
                return Long.toString(random.nextLong(0, Long.MAX_VALUE));
        }
    }
}
