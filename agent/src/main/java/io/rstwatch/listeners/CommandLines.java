package io.rstwatch.listeners;

import io.rstwatch.config.CommandLineDisclosure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Listeners table and the diagnoses show of another process's command line. Those often carry
 * secrets ({@code --password=...}, {@code -Dapp.secret=...}, {@code postgres://user:pass@host}), and the MBeans
 * are read by whoever can reach a collector. {@link CommandLineDisclosure#REDACTED} (the default) replaces the
 * value of every argument whose name holds one of {@link #SECRET_WORDS}, the argument after such a name given
 * alone, and the password of every URL with {@code ***}; {@link CommandLineDisclosure#OFF} keeps the executable's
 * name only.
 */
final class CommandLines {
    static final String HIDDEN = "***";
    static final List<String> SECRET_WORDS =
            List.of("password", "passwd", "pwd", "secret", "token", "key", "credential", "auth", "private");

    /** "--name=value", "-Dname=value", "name:value": the name and the value around the first '=' or ':'. */
    private static final Pattern NAMED = Pattern.compile("(-{0,2}[A-Za-z0-9_.\\-]*?)([=:])(.*)", Pattern.DOTALL);
    /** scheme://user:password@ anywhere in an argument. */
    private static final Pattern URL_PASSWORD = Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*://[^/:@\\s]*:)[^@/\\s]*@");

    private final CommandLineDisclosure disclosure;

    CommandLines(CommandLineDisclosure disclosure) {
        this.disclosure = disclosure;
    }

    /** The arguments (argv, from /proc/PID/cmdline) as one line, as much as the option allows. */
    String shown(List<String> argv) {
        if (argv.isEmpty()) {
            return "";
        }
        switch (disclosure) {
            case FULL:
                return String.join(" ", argv);
            case OFF:
                String exe = argv.get(0);
                return exe.substring(exe.lastIndexOf('/') + 1);
            default:
                return String.join(" ", redacted(argv));
        }
    }

    static List<String> redacted(List<String> argv) {
        List<String> out = new ArrayList<>(argv.size());
        boolean nextIsSecret = false;
        for (String arg : argv) {
            if (nextIsSecret && !arg.startsWith("-")) {
                out.add(HIDDEN);
                nextIsSecret = false;
                continue;
            }
            nextIsSecret = false;
            String a = URL_PASSWORD.matcher(arg).replaceAll("$1" + Matcher.quoteReplacement(HIDDEN) + "@");
            Matcher named = NAMED.matcher(a);
            if (named.matches()
                    && !named.group(1).isEmpty()
                    && isSecretName(named.group(1))
                    && !named.group(3).isEmpty()) {
                a = named.group(1) + named.group(2) + HIDDEN;
            } else if (a.startsWith("-") && a.indexOf('=') < 0 && isSecretName(a)) {
                nextIsSecret = true; // "--password hunter2"
            }
            out.add(a);
        }
        return out;
    }

    private static boolean isSecretName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (n.contains(word)) {
                return true;
            }
        }
        return false;
    }
}
