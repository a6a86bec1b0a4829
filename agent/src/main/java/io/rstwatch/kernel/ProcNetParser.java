package io.rstwatch.kernel;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads /proc/net/snmp and /proc/net/netstat: pairs of lines, a header ("Tcp: RtoAlgorithm RtoMin ...") and its
 * values ("Tcp: 1 200 ..."). Columns are found by name, since kernels add, drop and reorder them; unknown ones
 * are kept but never needed. Keys are "Section.Name", e.g. "Tcp.AttemptFails", "TcpExt.ListenOverflows".
 */
public final class ProcNetParser {
    private ProcNetParser() {}

    public static Map<String, Long> parse(String text, Map<String, Long> into) {
        // Words are found by hand, not with split("\\s+"): a regex per line was most of a read's cost on the
        // threads that read these files every few seconds, whose code the JIT never compiles.
        String[] lines = text.split("\n");
        for (int i = 0; i + 1 < lines.length; i += 2) {
            String names = lines[i];
            String values = lines[i + 1];
            int n = skipSpaces(names, 0);
            int v = skipSpaces(values, 0);
            int nameEnd = wordEnd(names, n);
            int valueEnd = wordEnd(values, v);
            String section = names.substring(n, nameEnd);
            if (!section.endsWith(":")
                    || skipSpaces(names, nameEnd) == names.length()
                    || !values.regionMatches(v, section, 0, section.length())
                    || valueEnd - v != section.length()) {
                i--; // out of step (a stray line): resynchronise on the next line
                continue;
            }
            String prefix = section.substring(0, section.length() - 1) + ".";
            n = skipSpaces(names, nameEnd);
            v = skipSpaces(values, valueEnd);
            while (n < names.length() && v < values.length()) {
                nameEnd = wordEnd(names, n);
                valueEnd = wordEnd(values, v);
                try {
                    into.put(prefix + names.substring(n, nameEnd), Long.parseLong(values, v, valueEnd, 10));
                } catch (NumberFormatException e) {
                    // not a number: skip this column
                }
                n = skipSpaces(names, nameEnd);
                v = skipSpaces(values, valueEnd);
            }
        }
        return into;
    }

    /** Whitespace as the regex \s has it. */
    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static int skipSpaces(String s, int at) {
        while (at < s.length() && space(s.charAt(at))) {
            at++;
        }
        return at;
    }

    private static int wordEnd(String s, int at) {
        while (at < s.length() && !space(s.charAt(at))) {
            at++;
        }
        return at;
    }

    public static Map<String, Long> parse(String snmp, String netstat) {
        return parse(netstat, parse(snmp, new HashMap<>()));
    }
}
