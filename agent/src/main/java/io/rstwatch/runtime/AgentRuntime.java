package io.rstwatch.runtime;

import io.rstwatch.alert.TcpAlert;
import io.rstwatch.capture.CaptureEngine;
import io.rstwatch.common.AgentContext;
import io.rstwatch.common.Part;
import io.rstwatch.config.OptionKeys;
import io.rstwatch.config.Options;
import io.rstwatch.config.OptionsLoader;
import io.rstwatch.host.HostView;
import io.rstwatch.host.Services;
import io.rstwatch.instrument.ConnectInstrumentation;
import io.rstwatch.jmx.AgentMXBean;
import io.rstwatch.jmx.MBeans;
import io.rstwatch.jmx.ObjectNames;
import io.rstwatch.kernel.KernelTcp;
import io.rstwatch.kernel.ProcNetCounter;
import io.rstwatch.kernel.TcpCounter;
import io.rstwatch.listeners.ConnectingClients;
import io.rstwatch.listeners.Listeners;
import io.rstwatch.log.AgentLog;
import io.rstwatch.log.LogLevel;
import io.rstwatch.plugins.PluginHost;
import io.rstwatch.ports.PortRegistry;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the agent proper, started on the "rstwatch-start" daemon thread inside the agent's class
 * loader. It builds what the parts share (plugins, the port registry, the listener inventory), then starts the
 * parts in order; one that fails says why in the Agent MBean's Status, and the others carry on.
 */
public final class AgentRuntime {
    private static final Path PROC = Paths.get("/proc");
    private static final Path SERVICES = Paths.get("/etc/services");
    /** The options as read once, at start or at exit, whichever came first: a file is never read twice. */
    private static Options loaded;

    private AgentRuntime() {}

    /**
     * Called reflectively by io.rstwatch.bootstrap.AgentEntry, and by {@code watch} with no instrumentation;
     * returns when every part has started or failed.
     */
    public static void start(
            String args,
            Instrumentation inst,
            String how,
            long premainNanos,
            long startedAtMillis,
            LongSupplier premainDuration) {
        Options options = reportOptionProblems(args);
        Logger log = LoggerFactory.getLogger(AgentRuntime.class);
        try {
            long waited = HostGate.awaitApplicationLogging();
            if (waited > 0) {
                log.debug("waited {} ms for the application to choose its java.util.logging manager", waited);
            }
            Health health = new Health();
            PluginHost plugins = PluginHost.start(options.get(OptionKeys.PLUGINS));
            AgentContext context = new AgentContext(options, plugins);
            MBeans.register(
                    ObjectNames.AGENT, new AgentInfo(startedAtMillis, options, health, plugins), AgentMXBean.class);
            health.set("jmx", MBeans::status);
            health.set("plugins", plugins::status);
            isolateJna(inst, log);

            Services services = Services.read(SERVICES).withNames(plugins::portName);
            Listeners listeners = new Listeners(
                    PROC,
                    services,
                    options.get(OptionKeys.LISTENERS_CMDLINE),
                    new ProcNetCounter(PROC, TcpCounter.SYN_RETRANS));
            PortRegistry.Limits asked = new PortRegistry.Limits(
                    options.get(OptionKeys.PORTS_MAX),
                    options.get(OptionKeys.RATE_WINDOW),
                    options.get(OptionKeys.PORTS_IDLE),
                    options.get(OptionKeys.SCAN_PORTS));
            PortRegistry.Limits limits = asked.inBudget();
            if (limits != asked) {
                log.warn(asked.overBudget(limits));
            }
            KernelTcp kernel =
                    new KernelTcp(PROC, options.get(OptionKeys.RATE_WINDOW), options.get(OptionKeys.PROC_INTERVAL));
            HostView host = HostView.ofThisHost();
            ConnectingClients clients =
                    new ConnectingClients(host, listeners.inventory(), options.get(OptionKeys.RATE_WINDOW));
            PortRegistry ports = new PortRegistry(
                    host, limits, listeners.inventory(), clients, services, plugins, kernel::listenOverflowsPerSecond);
            CaptureEngine capture = new CaptureEngine(ports, clients::countedByCapture);
            List<Part> parts = List.of(
                    listeners,
                    ports,
                    capture,
                    clients,
                    new TcpAlert(kernel, ports, capture),
                    new ConnectInstrumentation(ports, listeners.backlogs(), inst));
            for (Part part : parts) {
                start(part, context, health, log);
            }

            long readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - premainNanos);
            log.debug("{} returned after {} µs", how, TimeUnit.NANOSECONDS.toMicros(premainDuration.getAsLong()));
            log.info("{} ({}, {} ms after {})", health.sentence(), options, readyMillis, how);
        } catch (Throwable t) {
            log.error("the agent stopped while starting; the application is unaffected", t);
        }
    }

    /**
     * Starts one part. Its live clause is in the Status from the start (a part may take seconds, and its MBeans
     * already speak meanwhile); whatever it throws replaces that clause and is one WARN line.
     */
    private static void start(Part part, AgentContext context, Health health, Logger log) {
        health.set(part.name(), part::status);
        try {
            part.start(context);
        } catch (Throwable t) {
            health.set(part.name(), part.name() + " failed to start: " + t);
            log.warn("{} failed to start; the other parts keep working", part.name(), t);
        }
    }

    /** Before any JNA class loads (capture): see {@link NativeAccess}. Not needed, nor possible, standalone. */
    private static void isolateJna(Instrumentation inst, Logger log) {
        String problem = inst == null ? null : NativeAccess.isolateJna(AgentRuntime.class.getClassLoader(), inst);
        if (problem != null) {
            log.debug("JNA stays in the unnamed module ({}); JDK 24+ may warn when it loads", problem);
        }
    }

    /**
     * Reads the options, sets the log level and writes one line per problem: on start, or at exit when the
     * application ends before the agent got that far (called by the bootstrap's shutdown hook). Only once;
     * synchronized so that the exit hook waits for lines the starting thread is still writing.
     */
    public static synchronized Options reportOptionProblems(String args) {
        if (loaded == null) {
            loaded = OptionsLoader.load(args, System.getProperties());
            AgentLog.setLevel(loaded.get(OptionKeys.LOG));
            for (String problem : loaded.problems()) {
                AgentLog.write(LogLevel.WARN, problem, null);
            }
        }
        return loaded;
    }
}
