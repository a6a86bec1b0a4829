package io.rstwatch.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.LongSupplier;

/**
 * The entry point: {@code premain}, {@code agentmain} and the command line's {@code main}. With
 * {@link AgentClassLoader}, the only rstwatch classes on the application's class path.
 *
 * <p>The rules this package keeps, and why:
 * <ul>
 * <li><b>premain returns in milliseconds.</b> It runs on the application's main thread, before {@code main}: it
 *     only starts the "rstwatch-start" daemon thread and registers one shutdown hook. Everything else (options,
 *     JMX, libpcap, instrumentation) happens on that thread, inside {@code io.rstwatch.runtime.AgentRuntime}.</li>
 * <li><b>premain throws nothing.</b> Any {@link Throwable} becomes one {@code [rstwatch] ERROR} line on stderr and
 *     the application starts as if there were no agent. A second load of the agent is one WARN line.</li>
 * <li><b>Nothing of ours is visible to the application.</b> This package names no other rstwatch class at
 *     compile time (the architecture test checks it); the agent and its libraries are loaded by name from
 *     {@code inst/} in the jar, by a loader whose parent is the platform loader. Nothing goes on the bootstrap
 *     class path, which would make HotSpot print a CDS warning.</li>
 * <li><b>No JDK machinery on the application's clock.</b> No lambdas and no string concatenation here: both start
 *     invokedynamic bootstrapping, tens of milliseconds on first use. No logging framework, no JMX, no
 *     java.util.logging: touching them this early would fix the JDK's choices before the application makes its
 *     own (see {@code HostGate}).</li>
 * <li><b>Short-lived applications still hear about bad options.</b> The shutdown hook reports option problems
 *     once, unless the starting thread already did; with no options given it does nothing, so exit stays as fast
 *     as without the agent.</li>
 * </ul>
 */
public final class AgentEntry {
    private static final String RUNTIME_CLASS = "io.rstwatch.runtime.AgentRuntime";
    private static final String CLI_CLASS = "io.rstwatch.cli.Cli";

    private static volatile boolean started;
    /**
     * Set once the agent starts, to how it came ("premain" or "attach"). Outside the "rstwatch." prefix, which the
     * options own.
     */
    public static final String LOADED_PROPERTY = "io.rstwatch.loaded";
    /** How long premain itself took, for the agent's debug log; 0 until it returned. */
    private static volatile long premainDurationNanos;

    private AgentEntry() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, "premain");
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, "attach");
    }

    /** The agent jar is a command-line tool too: {@code java -jar rstwatch-agent.jar report PID}. */
    public static void main(String[] args) throws Exception {
        File jar = agentJar();
        AgentClassLoader loader = AgentClassLoader.forJar(jar);
        Thread.currentThread().setContextClassLoader(loader);
        Method main = loader.loadClass(CLI_CLASS).getMethod("main", File.class, String[].class);
        main.invoke(null, jar, args);
    }

    private static void start(String args, Instrumentation inst, String how) {
        long t0 = System.nanoTime();
        long startedAtMillis = System.currentTimeMillis();
        try {
            synchronized (AgentEntry.class) {
                if (started) {
                    System.err.println(
                            "[rstwatch] WARN the agent is already loaded in this JVM; the second load is ignored.");
                    return;
                }
                started = true;
            }
            if (securityManagerInstalled()) {
                System.err.println("[rstwatch] WARN the agent is inactive: a SecurityManager is installed"
                        + " (-Djava.security.manager), under which rstwatch does not run; remove that option to"
                        + " use rstwatch. The application runs unaffected.");
                return;
            }
            // What `attach` reads first: a second load would ignore its options, so it refuses to make one.
            System.setProperty(LOADED_PROPERTY, how);
            Loader loader = new Loader();
            Thread thread = new Thread(new Starter(args, inst, how, t0, startedAtMillis, loader), "rstwatch-start");
            thread.setDaemon(true);
            thread.start();
            // A short-lived application may exit before the agent is up: bad options are still reported, once.
            Runtime.getRuntime().addShutdownHook(new Thread(new OptionsAtExit(args, loader), "rstwatch-exit"));
            premainDurationNanos = System.nanoTime() - t0;
        } catch (Throwable t) {
            report(t);
        }
    }

    /**
     * Under a SecurityManager (JDK 17-23) every permission the agent needs (threads, JMX, /proc, the protection
     * domains of callers) would be denied one by one, with half the parts started: it says so once instead.
     */
    @SuppressWarnings("removal")
    private static boolean securityManagerInstalled() {
        return System.getSecurityManager() != null;
    }

    static File agentJar() throws Exception {
        return new File(AgentEntry.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }

    static void report(Throwable t) {
        try {
            System.err.println(new StringBuilder(
                            "[rstwatch] ERROR the agent could not start and is inactive; the application runs unaffected: ")
                    .append(t)
                    .toString());
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

    /**
     * The agent's class loader, made once by whichever thread needs it first. Held by the two threads' tasks only,
     * never in a static field, where the application could read it by reflection.
     */
    private static final class Loader {
        private AgentClassLoader loader;

        synchronized AgentClassLoader get() throws Exception {
            if (loader == null) {
                loader = AgentClassLoader.forJar(agentJar());
            }
            return loader;
        }
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
        private final Loader loader;

        OptionsAtExit(String args, Loader loader) {
            this.args = args;
            this.loader = loader;
        }

        @Override
        public void run() {
            try {
                if (!hasOptions(args)) {
                    return; // defaults only: nothing can be wrong, and exit stays as fast as without the agent
                }
                loader.get()
                        .loadClass(RUNTIME_CLASS)
                        .getMethod("reportOptionProblems", String.class)
                        .invoke(null, args);
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
        private final Loader loader;

        Starter(String args, Instrumentation inst, String how, long premainStart, long startedAtMillis, Loader loader) {
            this.args = args;
            this.inst = inst;
            this.how = how;
            this.premainStart = premainStart;
            this.startedAtMillis = startedAtMillis;
            this.loader = loader;
        }

        @Override
        public void run() {
            try {
                // The context class loader stays the application's: every thread the agent starts inherits it, and
                // the agent's own loader must not be handed to whoever enumerates threads.
                Method start = loader.get()
                        .loadClass(RUNTIME_CLASS)
                        .getMethod(
                                "start",
                                String.class,
                                Instrumentation.class,
                                String.class,
                                long.class,
                                long.class,
                                LongSupplier.class);
                start.invoke(
                        null,
                        args,
                        inst,
                        how,
                        Long.valueOf(premainStart),
                        Long.valueOf(startedAtMillis),
                        new PremainDuration());
            } catch (InvocationTargetException e) {
                // What went wrong in the runtime, not the reflection that called it.
                report(e.getCause() != null ? e.getCause() : e);
            } catch (Throwable t) {
                report(t);
            }
        }
    }
}
