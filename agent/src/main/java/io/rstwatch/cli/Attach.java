package io.rstwatch.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.VirtualMachine;
import io.rstwatch.bootstrap.AgentEntry;
import io.rstwatch.jmx.ObjectNames;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code attach PID [key=value,...]}: loads the agent into a running JVM. On JDK 21 and later the target JVM
 * prints a warning about a dynamically loaded agent unless it was started with -XX:+EnableDynamicAgentLoading;
 * that warning is the JVM's, on the target's stderr, and starting with -javaagent avoids it.
 */
final class Attach {
    private Attach() {}

    static int run(File jar, String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length < 1 || args.length > 2 || !args[0].matches("\\d+")) {
            err.println("usage: java -jar rstwatch-agent.jar attach PID [key=value,...]");
            return 2;
        }
        VirtualMachine vm;
        try {
            vm = AttachedJvm.virtualMachine(Long.parseLong(args[0]));
        } catch (IOException e) {
            err.println("rstwatch: " + Printable.clean(e.getMessage()));
            return 1;
        }
        try {
            String loaded = vm.getSystemProperties().getProperty(AgentEntry.LOADED_PROPERTY);
            if (loaded != null) {
                err.println("rstwatch: the agent is already running in JVM " + args[0] + " (since its "
                        + Printable.clean(loaded) + "), with the options it started with; nothing was loaded. Restart"
                        + " that JVM to change them");
                return 1;
            }
            vm.loadAgent(jar.getAbsolutePath(), args.length > 1 ? args[1] : null);
            out.println("rstwatch is loading into JVM " + args[0] + "; see " + ObjectNames.AGENT + ", or run: "
                    + "java -jar " + jar.getName() + " report " + args[0]);
            return 0;
        } catch (AgentLoadException | AgentInitializationException e) {
            err.println("rstwatch: JVM " + args[0] + " refused the agent: " + Printable.clean(e.getMessage()));
            return 1;
        } finally {
            vm.detach();
        }
    }
}
