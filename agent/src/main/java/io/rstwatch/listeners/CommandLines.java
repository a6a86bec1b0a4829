package io.rstwatch.listeners;

import io.rstwatch.config.CommandLineDisclosure;
import io.rstwatch.log.ForeignText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Listeners table and the diagnoses show of another process's command line. Those often carry
 * secrets, and the MBeans are read by whoever can reach a collector. {@link CommandLineDisclosure#REDACTED} (the
 * default) replaces with {@code ***}:
 * <ul>
 * <li>the value of every argument whose name holds one of {@link #SECRET_WORDS}: {@code --password=x},
 *     {@code -Dapp.secret=x}, {@code --db-pass=x}, {@code pass:x}, {@code PGPASSWORD=x};
 * <li>the argument after such a name given alone: {@code --password x}, {@code --requirepass x};
 * <li>the password of every URL, {@code postgres://user:x@host}, and every query parameter named so,
 *     {@code jdbc:...?user=a&password=x};
 * <li>a JSON member named so, {@code {"password":"x"}};
 * <li>the password of a {@code user:password} after {@code -u} or {@code --user} ({@code curl -u user:x});
 * <li>a MySQL or MariaDB client's {@code -px}, after the client's name;
 * <li>all of these inside one argument that holds a whole command ({@code sh -c "app --password x"}).
 * </ul>
 * {@link CommandLineDisclosure#OFF} keeps the executable's name only. Whatever is shown has its control
 * characters replaced ({@link ForeignText}).
 */
final class CommandLines {
    static final String HIDDEN = "***";
    static final List<String> SECRET_WORDS =
            List.of("password", "passwd", "pass", "pwd", "secret", "token", "key", "credential", "auth", "private");

    private static final String SECRET =
            "(?i:[^\\s\"=&;?:,{}]*(?:" + String.join("|", SECRET_WORDS) + ")[^\\s\"=&;?:,{}]*)";
    /** "--name=value", "-Dname=value", "name:value": the name and the value around the first '=' or ':'. */
    private static final Pattern NAMED = Pattern.compile("(-{0,2}[A-Za-z0-9_.\\-]*?)([=:])(.*)", Pattern.DOTALL);
    /** scheme://user:password@ anywhere in an argument. */
    private static final Pattern URL_PASSWORD = Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*://[^/:@\\s]*:)[^@/\\s]*@");
    /** A query parameter named like a secret: {@code ?password=x}, {@code &secret=x}, {@code ;password=x}. */
    private static final Pattern QUERY_SECRET = Pattern.compile("([?&;]" + SECRET + "=)[^&;#\\s]*");
    /** A JSON member named like a secret, its value a string or a bare word. */
    private static final Pattern JSON_SECRET =
            Pattern.compile("(\"" + SECRET + "\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s,}\\]]+)");
    /** MySQL's and MariaDB's clients, whose {@code -p} takes the password joined to it. */
    private static final Pattern MYSQL_CLIENT = Pattern.compile("(?:mysql|mariadb)[A-Za-z0-9_-]*");

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    /** Options whose value is {@code user:password} (curl, wget). */
    private static final List<String> USER_OPTIONS = List.of("-u", "--user", "--proxy-user");

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
                return ForeignText.clean(String.join(" ", argv));
            case OFF:
                String exe = argv.get(0);
                return ForeignText.clean(exe.substring(exe.lastIndexOf('/') + 1));
            default:
                return ForeignText.clean(String.join(" ", redacted(argv)));
        }
    }

    /** What may follow an argument: a value to hide whole, or a user:password to hide the password of. */
    private enum Next {
        ANY,
        SECRET,
        USER_AND_PASSWORD
    }

    static List<String> redacted(List<String> argv) {
        List<String> out = new ArrayList<>(argv.size());
        boolean mysql = false; // from the client's name on, as in "sudo mysql -p..." and "exec mysql -p..."
        Next next = Next.ANY;
        for (String arg : argv) {
            mysql |= MYSQL_CLIENT
                    .matcher(arg.substring(arg.lastIndexOf('/') + 1))
                    .matches();
            Next after = Next.ANY;
            if (next == Next.SECRET && !arg.startsWith("-")) {
                out.add(HIDDEN);
            } else if (next == Next.USER_AND_PASSWORD && !arg.startsWith("-")) {
                out.add(withoutPassword(arg));
            } else if (!WHITESPACE.matcher(arg.strip()).find()) {
                String a = redactedWithin(arg);
                Matcher named = NAMED.matcher(a);
                if (named.matches()
                        && !named.group(1).isEmpty()
                        && isSecretName(named.group(1))
                        && !named.group(3).isEmpty()) {
                    a = named.group(1) + named.group(2) + HIDDEN;
                } else if (USER_OPTIONS.contains(a)) {
                    after = Next.USER_AND_PASSWORD; // "curl -u user:password"
                } else if (a.startsWith("--user=") || a.startsWith("--proxy-user=")) {
                    int eq = a.indexOf('=');
                    a = a.substring(0, eq + 1) + withoutPassword(a.substring(eq + 1));
                } else if (a.startsWith("-u") && !a.startsWith("--") && a.length() > 2) {
                    a = "-u" + withoutPassword(a.substring(2)); // "-uuser:password"
                } else if (mysql && a.startsWith("-p") && !a.startsWith("--") && a.length() > 2) {
                    a = "-p" + HIDDEN; // "mysql -phunter2"
                } else if (a.startsWith("-") && a.indexOf('=') < 0 && isSecretName(a)) {
                    after = Next.SECRET; // "--password hunter2"
                }
                out.add(a);
            } else {
                // A whole command in one argument ("sh -c '...'"): its words, by the same rules.
                out.add(String.join(
                        " ",
                        redacted(List.of(WHITESPACE.split(redactedWithin(arg).strip())))));
            }
            next = after;
        }
        return out;
    }

    /** The secrets inside one argument: URL passwords, query parameters and JSON members. */
    private static String redactedWithin(String arg) {
        String a = URL_PASSWORD.matcher(arg).replaceAll("$1" + Matcher.quoteReplacement(HIDDEN) + "@");
        a = QUERY_SECRET.matcher(a).replaceAll("$1" + Matcher.quoteReplacement(HIDDEN));
        return JSON_SECRET.matcher(a).replaceAll("$1\"" + Matcher.quoteReplacement(HIDDEN) + "\"");
    }

    /** "user:password" becomes "user:***"; a value without a colon is a user name alone. */
    private static String withoutPassword(String userAndPassword) {
        int colon = userAndPassword.indexOf(':');
        return colon < 0 ? userAndPassword : userAndPassword.substring(0, colon + 1) + HIDDEN;
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
