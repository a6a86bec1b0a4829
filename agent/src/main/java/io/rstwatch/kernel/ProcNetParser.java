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
        return parse(text, into, null);
    }

    /**
     * One counter's value ("TcpExt.TCPSynRetrans"), or null when the text has no such column: the same walk,
     * which makes neither a key nor a number of the other columns (netstat has some 300).
     */
    public static Long find(String text, String key) {
        return parse(text, new HashMap<>(2), key).get(key);
    }

    /** Puts every column into {@code into}, or only the one {@code only} names when it is not null. */
    private static Map<String, Long> parse(String text, Map<String, Long> into, String only) {
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
                if (only == null || names(only, prefix, names, n, nameEnd)) {
                    try {
                        into.put(prefix + names.substring(n, nameEnd), Long.parseLong(values, v, valueEnd, 10));
                    } catch (NumberFormatException e) {
                        // not a number: skip this column
                    }
                }
                n = skipSpaces(names, nameEnd);
                v = skipSpaces(values, valueEnd);
            }
        }
        return into;
    }

    /** Whether {@code key} is prefix + the name at names[from, to), without making that string. */
    private static boolean names(String key, String prefix, String names, int from, int to) {
        return key.length() == prefix.length() + to - from
                && key.startsWith(prefix)
                && key.regionMatches(prefix.length(), names, from, to - from);
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
