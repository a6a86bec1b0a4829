package io.rstwatch.capture;

import io.rstwatch.config.OptionKeys;
import io.rstwatch.core.AgentContext;
import io.rstwatch.jmx.CaptureMXBean;
import io.rstwatch.jmx.MBeans;
import io.rstwatch.listeners.ListenerInventory;
import io.rstwatch.listeners.Services;
import io.rstwatch.ports.DuplicateFilter;
import io.rstwatch.ports.HostView;
import io.rstwatch.ports.PortStats;
import io.rstwatch.ports.PortTable;
import io.rstwatch.ports.PortView;
import io.rstwatch.ports.ResetClassifier;
import io.rstwatch.plugin.Scope;
import io.rstwatch.decode.Addresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires capture together: the host view, the port table, one {@link CaptureSource} thread per device, and the
 * once-a-second publisher that registers Port MBeans and refreshes rates and diagnoses.
 */
public final class CaptureEngine implements CaptureMXBean {
    public static final String CAPTURE_MBEAN = "rstwatch:type=Capture";
    private static final Logger LOG = LoggerFactory.getLogger(CaptureEngine.class);
    private static final long HOST_REFRESH_SECONDS = 2;

    private final AgentContext context;
    private final HostView host;
    private final PortTable table;
    private final List<CaptureSource> sources = new ArrayList<>();
    private final Map<PortStats, PortView> views = new ConcurrentHashMap<>();
    private final int window;

    private final ListenerInventory listeners;
    private final Services services;

    private CaptureEngine(AgentContext context, HostView host, ListenerInventory listeners, Services services) {
        this.context = context;
        this.host = host;
        this.listeners = listeners;
        this.services = services;
        this.window = context.options().get(OptionKeys.RATE_WINDOW);
        this.table = new PortTable(context.options().get(OptionKeys.PORTS_MAX), window,
                stats -> context.scheduler().execute(() -> publish(stats)));
    }

    /** Starts capturing (unless capture=off) and registers rstwatch:type=Capture; never throws. */
    public static CaptureEngine start(AgentContext context, ListenerInventory listeners, Services services) {
        HostView host = HostView.ofThisHost();
        host.setListening(listeners.listeningBits());
        CaptureEngine engine = new CaptureEngine(context, host, listeners, services);
        context.scheduler().scheduleWithFixedDelay(engine::everySecond, 1, 1, TimeUnit.SECONDS);
        context.scheduler().scheduleWithFixedDelay(host::refresh, HOST_REFRESH_SECONDS, HOST_REFRESH_SECONDS,
                TimeUnit.SECONDS);
        if ("on".equals(context.options().get(OptionKeys.CAPTURE))) {
            engine.startSources();
        }
        MBeans.register(CAPTURE_MBEAN, engine, CaptureMXBean.class);
        return engine;
    }

    private void startSources() {
        ResetClassifier classifier = new ResetClassifier(host, table, context.plugins());
        int bufferBytes = context.options().get(OptionKeys.CAPTURE_BUFFER) << 20;
        List<String> devices = new ArrayList<>();
        for (String device : context.options().get(OptionKeys.INTERFACES).split("[,;:\\s]+")) {
            if (!device.isEmpty() && !devices.contains(device)) {
                devices.add(device);
            }
        }
        DuplicateFilter duplicates = new DuplicateFilter(devices.size() > 1);
        for (String device : devices) {
            CaptureSource source = new CaptureSource(device, bufferBytes, host, classifier, duplicates);
            sources.add(source);
            AgentContext.daemonThreads("rstwatch-capture-" + device).newThread(source).start();
        }
    }

    /**
     * Counts a failed connect seen inside this JVM on its Port entry (which it creates, capture or not), so the
     * Port MBean shows the calling code beside what capture saw. On the application's thread: no I/O.
     */
    public void recordJvmFailure(java.net.InetSocketAddress endpoint, String caller, boolean count) {
        java.net.InetAddress a = endpoint.getAddress();
        if (a == null) {
            return; // unresolved: no address to scope
        }
        byte[] b = a.getAddress();
        Scope scope = host.isLocal(Addresses.hi(b), Addresses.lo(b)) ? Scope.LOCAL : Scope.REMOTE;
        table.get(scope, endpoint.getPort()).recordJvmFailure(caller, count);
    }

    /**
     * The ports whose refusals have clients on this host, most first: the refusals that appear in this
     * namespace's AttemptFails counter.
     */
    public List<PortView> localClientRefusals() {
        List<PortView> out = new ArrayList<>();
        for (PortView v : views.values()) {
            if (v.stats().refusedLocalClientsPerSecond() > 0) {
                out.add(v);
            }
        }
        out.sort((a, b) -> Double.compare(b.stats().refusedLocalClientsPerSecond(),
                a.stats().refusedLocalClientsPerSecond()));
        return out;
    }

    /** Waits up to {@code millis} for the first capture to be running or to have failed; for the start-up line. */
    public void awaitFirstState(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            boolean settled = true;
            for (CaptureSource s : sources) {
                settled &= !"starting".equals(s.state());
            }
            if (settled) {
                return;
            }
            Thread.sleep(20);
        }
    }

    private void publish(PortStats stats) {
        PortView view = new PortView(stats);
        view.refresh(host, listeners, services, window);
        views.put(stats, view);
        MBeans.register(view.objectName(), view, io.rstwatch.jmx.PortMXBean.class);
    }

    private void everySecond() {
        try {
            host.setListening(listeners.listeningBits());
            table.sampleRates();
            for (PortView view : views.values()) {
                view.refresh(host, listeners, services, window);
            }
        } catch (RuntimeException e) {
            LOG.debug("refreshing the port MBeans failed", e);
        }
    }

    @Override
    public boolean isActive() {
        for (CaptureSource s : sources) {
            if (s.active()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String getStatus() {
        if (sources.isEmpty()) {
            return "capture is off (capture=off)";
        }
        List<String> states = new ArrayList<>();
        for (CaptureSource s : sources) {
            states.add(s.state());
        }
        return String.join("; ", states);
    }

    @Override
    public String[] getInterfaces() {
        return sources.stream().map(CaptureSource::device).toArray(String[]::new);
    }

    @Override
    public String[] getLinkTypes() {
        return sources.stream().filter(CaptureSource::active).map(CaptureSource::linkTypeName).toArray(String[]::new);
    }

    @Override
    public long getPacketsTotal() {
        return sum(CaptureSource::packets);
    }

    @Override
    public long getDroppedTotal() {
        return sum(CaptureSource::dropped);
    }

    @Override
    public long getMalformedTotal() {
        return sum(CaptureSource::malformed);
    }

    @Override
    public long getDuplicatesTotal() {
        return sum(CaptureSource::duplicates);
    }

    private long sum(java.util.function.ToLongFunction<CaptureSource> counter) {
        return sources.stream().mapToLong(counter).sum();
    }
}
