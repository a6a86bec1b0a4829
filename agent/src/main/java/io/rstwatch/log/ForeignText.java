package io.rstwatch.log;

/**
 * Text that came from another process or user (a command line, a process or user name, a status string of a JVM
 * that {@code report} attached to), made safe to publish, log or print: it may hold escape sequences that move a
 * terminal's cursor, rewrite its screen or set its title, or bidirectional overrides that make a line read other
 * than it is. Control characters (C0, DEL, C1) and bidirectional controls become '?'.
 */
public final class ForeignText {
    private ForeignText() {}

    /** The text with every control character replaced; the same instance when it has none; null stays null. */
    public static String clean(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (unsafe(ch)) {
                if (sb == null) {
                    sb = new StringBuilder(s.length()).append(s, 0, i);
                }
                sb.append('?');
            } else if (sb != null) {
                sb.append(ch);
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static boolean unsafe(char ch) {
        return ch < 0x20
                || (ch >= 0x7F && ch <= 0x9F)
                || ch == '\u061C' // Arabic letter mark
                || (ch >= '\u200E' && ch <= '\u200F') // left-to-right and right-to-left marks
                || (ch >= '\u202A' && ch <= '\u202E') // embeddings and overrides
                || (ch >= '\u2066' && ch <= '\u2069'); // isolates
    }
}
