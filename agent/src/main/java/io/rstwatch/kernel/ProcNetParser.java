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
        String[] lines = text.split("\n");
        for (int i = 0; i + 1 < lines.length; i += 2) {
            String[] names = lines[i].trim().split("\\s+");
            String[] values = lines[i + 1].trim().split("\\s+");
            if (names.length < 2 || !names[0].endsWith(":") || !names[0].equals(values[0])) {
                i--; // out of step (a stray line): resynchronise on the next line
                continue;
            }
            String section = names[0].substring(0, names[0].length() - 1);
            for (int c = 1; c < Math.min(names.length, values.length); c++) {
                try {
                    into.put(section + "." + names[c], Long.parseLong(values[c]));
                } catch (NumberFormatException e) {
                    // not a number: skip this column
                }
            }
        }
        return into;
    }

    public static Map<String, Long> parse(String snmp, String netstat) {
        return parse(netstat, parse(snmp, new HashMap<>()));
    }
}
