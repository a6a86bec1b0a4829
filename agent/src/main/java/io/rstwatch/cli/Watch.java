package io.rstwatch.cli;

import io.rstwatch.runtime.AgentRuntime;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;
import javax.management.MBeanServer;

/**
 * {@code watch [interfaces] [--for SECONDS]}: the agent's engine in this process, for hosts without a JVM
 * application: a table of the ports with refusals and resets, every second. On a terminal the screen is
 * redrawn; piped, each table follows the last.
 */
final class Watch {
    private static final String USAGE = "usage: java -jar rstwatch-agent.jar watch [INTERFACES] [--for SECONDS]"
            + "   (INTERFACES: any, or a list such as lo,eth0; runs until Ctrl-C unless --for is given)";

    /**
     * Interface names as Linux allows them (at most 15 characters, no '/', ',', '=' or white space), comma
     * separated: the list goes into the agent's options, where a ',' or '=' of its own would set another option.
     */
    private static final Pattern INTERFACE_LIST =
            Pattern.compile("[A-Za-z0-9_.:@][A-Za-z0-9_.:@-]{0,14}(,[A-Za-z0-9_.:@][A-Za-z0-9_.:@-]{0,14})*");

    private Watch() {}

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        String interfaces = "any";
        long seconds = Long.MAX_VALUE;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--for") && i + 1 < args.length && args[i + 1].matches("\\d{1,9}")) {
                seconds = Long.parseLong(args[++i]);
            } else if (INTERFACE_LIST.matcher(args[i]).matches() && interfaces.equals("any")) {
                interfaces = args[i];
            } else {
                err.println(USAGE);
                return 2;
            }
        }
        // The same engine as the agent. No log lines: the table shows the alert and the capture's status, and
        // lines between tables would break them up. A 10 s rate window: a live view follows changes within seconds.
        AgentRuntime.start(
                "log=off,rate.window=10,proc.interval=1,interfaces=" + interfaces,
                null,
                "watch",
                System.nanoTime(),
                System.currentTimeMillis(),
                () -> 0);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Answer answer = new Answer(Printable.cleaning(server)); // command lines of other users are shown
        boolean terminal = System.console() != null;
        long end = seconds == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            StringBuilder screen = new StringBuilder(terminal ? "\033[H\033[2J" : "");
            screen.append("rstwatch watch on ")
                    .append(interfaces)
                    .append(" at ")
                    .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                    .append('\n');
            screen.append(answer.header()).append(answer.ports(false)).append('\n');
            out.print(screen);
            out.flush();
            if (System.nanoTime() >= end) {
                return 0;
            }
            Thread.sleep(1000);
        }
    }
}
