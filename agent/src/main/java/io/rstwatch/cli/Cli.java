package io.rstwatch.cli;

import io.rstwatch.config.OptionKeys;
import io.rstwatch.jmx.Catalog;
import java.io.File;
import java.io.PrintStream;
import java.util.Arrays;

/** The agent jar's command line: {@code java -jar rstwatch-agent.jar COMMAND ...}. */
public final class Cli {
    private Cli() {}

    /** Called by io.rstwatch.bootstrap.AgentEntry's main, which knows the agent jar. */
    public static void main(File agentJar, String[] args) {
        System.exit(run(agentJar, args, System.out, System.err));
    }

    static int run(File agentJar, String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "report":
                    return Report.run(rest, out, err);
                case "attach":
                    return Attach.run(agentJar, rest, out, err);
                case "watch":
                    return Watch.run(rest, out, err);
                case "options":
                    out.print(OptionKeys.markdownTable());
                    return 0;
                case "mbeans":
                    out.print(Catalog.markdown());
                    return 0;
                default:
                    err.println("rstwatch: unknown command '" + args[0] + "'.");
                    usage(err);
                    return 2;
            }
        } catch (Exception e) {
            err.println("rstwatch: " + Printable.clean(message(e)));
            return 1;
        }
    }

    /**
     * What went wrong, in the words of the innermost cause that has any: a proxy's UndeclaredThrowableException
     * (an MXBean getter that met an IOException) says nothing itself.
     */
    static String message(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private static void usage(PrintStream out) {
        out.println("usage: java -jar rstwatch-agent.jar COMMAND");
        out.println("  attach PID [key=value,...]   load the agent into the running JVM PID");
        out.println("  report PID                   print what the rstwatch agent in JVM PID sees");
        out.println(
                "  watch [INTERFACES] [--for S] capture here and show ports with refusals and resets, every second");
        out.println("  options                      print the agent's options as a Markdown table");
        out.println("  mbeans                       print the agent's MBeans and their attributes, in Markdown");
        out.println("As an agent: java -javaagent:rstwatch-agent.jar[=key=value,...] -jar app.jar");
    }
}
