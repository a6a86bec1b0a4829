package io.rstwatch.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.function.LongSupplier;

/**
 * The only rstwatch class on the application's class path. It creates the agent's private class loader and hands
 * over to it on a daemon thread, so that premain returns at once and never throws.
 *
 * <p>Written without lambdas and string concatenation on purpose: both bootstrap JDK machinery (invokedynamic)
 * that costs tens of milliseconds on first use, and premain runs on the application's clock.
 */
public final class AgentEntry {
    private static final String RUNTIME_CLASS = "io.rstwatch.core.AgentRuntime";

    private static volatile boolean started;
    /** How long premain itself took, for the agent's debug log; 0 until it returned. */
    private static volatile long premainDurationNanos;

    private AgentEntry() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, "premain");
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, "attach");
    }

    /** The agent jar is a command-line tool too: {@code java -jar rstwatch-agent.jar report PID}. */
    public static void main(String[] args) throws Exception {
        AgentClassLoader loader = AgentClassLoader.forJar(agentJar());
        Thread.currentThread().setContextClassLoader(loader);
        Method main = loader.loadClass("io.rstwatch.cli.Cli").getMethod("main", String[].class);
        main.invoke(null, (Object) args);
    }

    private static void start(String args, Instrumentation inst, String how) {
        long t0 = System.nanoTime();
        long startedAtMillis = System.currentTimeMillis();
        try {
            synchronized (AgentEntry.class) {
                if (started) {
                    System.err.println("[rstwatch] WARN the agent is already loaded in this JVM; the second load is ignored.");
                    return;
                }
                started = true;
            }
            Thread thread = new Thread(new Starter(args, inst, how, t0, startedAtMillis), "rstwatch-start");
            thread.setDaemon(true);
            thread.start();
            // A short-lived application may exit before the agent is up: bad options are still reported, once.
            Runtime.getRuntime().addShutdownHook(new Thread(new OptionsAtExit(args), "rstwatch-exit"));
            premainDurationNanos = System.nanoTime() - t0;
        } catch (Throwable t) {
            report(t);
        }
    }

    static File agentJar() throws Exception {
        return new File(AgentEntry.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static void report(Throwable t) {
        try {
            System.err.println(new StringBuilder("[rstwatch] ERROR the agent could not start and is inactive; the application runs unaffected: ")
                    .append(t).toString());
        } catch (Throwable ignored) {
            // Nothing may escape into the application.
        }
    }

    static boolean hasOptions(String args) {
        if (args != null && args.trim().length() > 0) {
            return true;
        }
        for (Object key : System.getProperties().keySet()) {
            if (key instanceof String && ((String) key).startsWith("rstwatch.")) {
                return true;
            }
        }
        return false;
    }

    private static final class PremainDuration implements LongSupplier {
        @Override
        public long getAsLong() {
            return premainDurationNanos;
        }
    }

    /** Reports option problems at exit unless the starting agent already did. */
    private static final class OptionsAtExit implements Runnable {
        private final String args;

        OptionsAtExit(String args) {
            this.args = args;
        }

        @Override
        public void run() {
            try {
                if (!hasOptions(args)) {
                    return; // defaults only: nothing can be wrong, and exit stays as fast as without the agent
                }
                AgentClassLoader loader = AgentClassLoader.forJar(agentJar());
                loader.loadClass(RUNTIME_CLASS).getMethod("reportOptionProblems", String.class).invoke(null, args);
            } catch (Throwable ignored) {
                // Exiting: nothing more to say.
            }
        }
    }

    /** Runs on the daemon thread: creates the isolated loader and calls the real agent. */
    private static final class Starter implements Runnable {
        private final String args;
        private final Instrumentation inst;
        private final String how;
        private final long premainStart;
        private final long startedAtMillis;

        Starter(String args, Instrumentation inst, String how, long premainStart, long startedAtMillis) {
            this.args = args;
            this.inst = inst;
            this.how = how;
            this.premainStart = premainStart;
            this.startedAtMillis = startedAtMillis;
        }

        @Override
        public void run() {
            try {
                AgentClassLoader loader = AgentClassLoader.forJar(agentJar());
                Thread.currentThread().setContextClassLoader(loader);
                Method start = loader.loadClass(RUNTIME_CLASS).getMethod("start", String.class,
                        Instrumentation.class, String.class, long.class, long.class, LongSupplier.class);
                start.invoke(null, args, inst, how, Long.valueOf(premainStart), Long.valueOf(startedAtMillis),
                        new PremainDuration());
            } catch (Throwable t) {
                report(t);
            }
        }
    }
}
