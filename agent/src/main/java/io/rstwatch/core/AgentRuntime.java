package io.rstwatch.core;

import io.rstwatch.capture.CaptureEngine;
import io.rstwatch.config.OptionKeys;
import io.rstwatch.config.Options;
import io.rstwatch.config.OptionsLoader;
import io.rstwatch.jmx.AgentMXBean;
import io.rstwatch.instrument.ConnectEvents;
import io.rstwatch.instrument.ConnectInstrumentation;
import io.rstwatch.instrument.ConnectRecorder;
import io.rstwatch.instrument.ConnectsView;
import io.rstwatch.jmx.ConnectsMXBean;
import io.rstwatch.jmx.ListenersMXBean;
import io.rstwatch.kernel.KernelTcp;
import io.rstwatch.listeners.ListenerInventory;
import io.rstwatch.listeners.ListenersView;
import io.rstwatch.listeners.Services;
import java.nio.file.Paths;
import io.rstwatch.jmx.MBeans;
import io.rstwatch.log.AgentLog;
import io.rstwatch.log.LogLevel;
import io.rstwatch.plugins.PluginHost;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent proper, started on the "rstwatch-start" daemon thread inside the agent's class loader. Each part is
 * started on its own: one that fails says why in the Agent MBean's Status and the others carry on.
 */
public final class AgentRuntime {
    public static final String AGENT_MBEAN = "rstwatch:type=Agent";
    public static final String LISTENERS_MBEAN = "rstwatch:type=Listeners";
    public static final String CONNECTS_MBEAN = "rstwatch:type=Connects";
    private static final AtomicBoolean OPTIONS_REPORTED = new AtomicBoolean();

    private AgentRuntime() {
    }

    /**
     * Called reflectively by io.rstwatch.bootstrap.AgentEntry, and by {@code watch} with no instrumentation;
     * returns when every part has started or failed.
     */
    public static void start(String args, Instrumentation inst, String how, long premainNanos, long startedAtMillis,
            LongSupplier premainDuration) {
        Options options = reportOptionProblems(args);
        Logger log = LoggerFactory.getLogger(AgentRuntime.class);
        try {
            long waited = HostGate.awaitApplicationLogging();
            if (waited > 0) {
                log.debug("waited {} ms for the application to choose its java.util.logging manager", waited);
            }
            Health health = new Health();
            PluginHost plugins = PluginHost.start(options.get(OptionKeys.PLUGINS), AgentRuntime.class.getClassLoader());
            AgentContext context = new AgentContext(options, health, inst, plugins);
            MBeans.register(AGENT_MBEAN, new AgentInfo(startedAtMillis, options, health, plugins), AgentMXBean.class);
            health.set("jmx", "MBeans under rstwatch:type=*");
            health.set("plugins", plugins::status);
            Services services = Services.read(Paths.get("/etc/services")).withNames(plugins::portName);
            AtomicReference<ConnectRecorder> connects = new AtomicReference<>();
            ListenerInventory listeners = startListeners(context, services, port -> {
                ConnectRecorder r = connects.get();
                return r == null ? 0 : r.backlog(port);
            });
            CaptureEngine capture = startCapture(context, listeners, services);
            startKernelCounters(context, capture);
            connects.set(startConnectInstrumentation(context, capture));

            long readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - premainNanos);
            log.debug("{} returned after {} µs", how, TimeUnit.NANOSECONDS.toMicros(premainDuration.getAsLong()));
            log.info("{} ({}, {} ms after {})", health.sentence(), options, readyMillis, how);
        } catch (Throwable t) {
            log.error("the agent stopped while starting; the application is unaffected", t);
        }
    }

    private static void startKernelCounters(AgentContext context, CaptureEngine capture) {
        try {
            KernelTcp tcp = KernelTcp.start(context, capture);
            context.health().set("tcp", tcp::status);
        } catch (Throwable t) {
            context.health().set("tcp", "kernel TCP counters failed to start: " + t);
            LoggerFactory.getLogger(AgentRuntime.class).warn("kernel TCP counters failed to start; the other parts"
                    + " keep working", t);
        }
    }

    /** Off the application's main thread, like everything here; a failure leaves the other parts running. */
    private static ConnectRecorder startConnectInstrumentation(AgentContext context, CaptureEngine capture) {
        Logger log = LoggerFactory.getLogger(AgentRuntime.class);
        if (context.instrumentation() == null) {
            context.health().set("connects", "no in-JVM connects (standalone)");
            return null;
        }
        try {
            ConnectRecorder recorder = new ConnectRecorder(AgentRuntime.class.getClassLoader(),
                    new ConnectEvents(capture, context.plugins()));
            MBeans.register(CONNECTS_MBEAN, new ConnectsView(recorder), ConnectsMXBean.class);
            String problem = ConnectInstrumentation.install(context.instrumentation(), recorder);
            context.health().set("connects", problem == null ? "connect failures in this JVM counted"
                    : "connect failures in this JVM not counted: " + problem);
            if (problem != null) {
                log.warn("cannot instrument the JDK's connect methods ({}); in-JVM connect failures are not"
                        + " counted, the rest keeps working", problem);
            }
            return recorder;
        } catch (Throwable t) {
            context.health().set("connects", "connect instrumentation failed: " + t);
            log.warn("connect instrumentation failed; the other parts keep working", t);
            return null;
        }
    }

    private static ListenerInventory startListeners(AgentContext context, Services services,
            IntUnaryOperator ownBacklog) {
        ListenerInventory inventory = new ListenerInventory(Paths.get("/proc"));
        try {
            inventory.refresh();
            int interval = context.options().get(OptionKeys.LISTENERS_INTERVAL);
            context.scheduler().scheduleWithFixedDelay(inventory::refresh, interval, interval, TimeUnit.SECONDS);
            MBeans.register(LISTENERS_MBEAN, new ListenersView(inventory, services, ownBacklog), ListenersMXBean.class);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(AgentRuntime.class).warn("the listener inventory failed to start", e);
        }
        return inventory;
    }

    /** Null when capture could not be started at all. */
    private static CaptureEngine startCapture(AgentContext context, ListenerInventory listeners,
            Services services) throws InterruptedException {
        Logger log = LoggerFactory.getLogger(AgentRuntime.class);
        String problem = context.instrumentation() == null ? null
                : NativeAccess.isolateJna(AgentRuntime.class.getClassLoader(), context.instrumentation());
        if (problem != null) {
            log.debug("JNA stays in the unnamed module ({}); JDK 24+ may warn when it loads", problem);
        }
        try {
            CaptureEngine engine = CaptureEngine.start(context, listeners, services);
            context.health().set("capture", engine::getStatus);
            engine.awaitFirstState(2000);
            return engine;
        } catch (Throwable t) {
            context.health().set("capture", "capture failed to start: " + t);
            log.warn("capture failed to start; the other parts keep working", t);
            return null;
        }
    }

    /**
     * Reads the options, sets the log level and writes one line per problem: on start, or at exit when the
     * application ends before the agent got that far (called by the bootstrap's shutdown hook). Only once;
     * synchronized so that the exit hook waits for lines the starting thread is still writing.
     */
    public static synchronized Options reportOptionProblems(String args) {
        Options options = OptionsLoader.load(args, System.getProperties());
        if (OPTIONS_REPORTED.compareAndSet(false, true)) {
            AgentLog.setLevel(LogLevel.parse(options.get(OptionKeys.LOG)));
            for (String problem : options.problems()) {
                AgentLog.write(LogLevel.WARN, problem, null);
            }
        }
        return options;
    }
}
