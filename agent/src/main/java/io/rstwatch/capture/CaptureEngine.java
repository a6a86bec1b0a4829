package io.rstwatch.capture;

import io.rstwatch.common.AgentContext;
import io.rstwatch.common.DaemonThreads;
import io.rstwatch.common.Part;
import io.rstwatch.config.OptionKeys;
import io.rstwatch.jmx.CaptureMXBean;
import io.rstwatch.jmx.MBeans;
import io.rstwatch.jmx.ObjectNames;
import io.rstwatch.ports.PacketSource;
import io.rstwatch.ports.PortRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The capture part: one {@link CaptureSource} thread per device, each handing the packets it decodes to the
 * port registry's intake. Backs the Capture MBean, and tells the registry whether packets are coming.
 */
public final class CaptureEngine implements Part, PacketSource, CaptureMXBean {
    private static final long FIRST_STATE_WAIT_MILLIS = 2000;

    private final PortRegistry ports;
    private final List<CaptureSource> sources = new ArrayList<>();
    /** Whether start() has decided what to capture: until then, the Status says so, not "off". */
    private volatile boolean configured;

    public CaptureEngine(PortRegistry ports) {
        this.ports = ports;
    }

    @Override
    public String name() {
        return "capture";
    }

    /**
     * Starts capturing (unless capture=off) and registers the Capture MBean; waits up to two seconds for the
     * first state, so that the start-up line says whether capture runs.
     */
    @Override
    public void start(AgentContext context) throws InterruptedException {
        if (context.options().get(OptionKeys.CAPTURE)) {
            startSources(context);
        }
        configured = true;
        MBeans.register(ObjectNames.CAPTURE, this, CaptureMXBean.class);
        awaitFirstState(FIRST_STATE_WAIT_MILLIS);
    }

    @Override
    public String status() {
        return getStatus();
    }

    private void startSources(AgentContext context) {
        int bufferBytes = context.options().get(OptionKeys.CAPTURE_BUFFER) << 20;
        List<String> devices = context.options().get(OptionKeys.INTERFACES);
        DuplicateFilter duplicates = new DuplicateFilter(devices.size() > 1);
        for (String device : devices) {
            CaptureSource source = new CaptureSource(device, bufferBytes, ports.host(), ports.intake(), duplicates);
            sources.add(source);
            DaemonThreads.start("rstwatch-capture-" + device, source);
        }
    }

    private void awaitFirstState(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            if (sources.stream().noneMatch(s -> s.state() == CaptureSource.State.STARTING)) {
                return;
            }
            Thread.sleep(20);
        }
    }

    @Override
    public boolean isActive() {
        return sources.stream().anyMatch(CaptureSource::active);
    }

    @Override
    public String getStatus() {
        if (!configured) {
            return "capture starting";
        }
        if (sources.isEmpty()) {
            return "capture is off (capture=off)";
        }
        List<String> clauses = new ArrayList<>();
        for (CaptureSource s : sources) {
            clauses.add(s.clause());
        }
        return String.join("; ", clauses);
    }

    @Override
    public String[] getInterfaces() {
        return sources.stream().map(CaptureSource::device).toArray(String[]::new);
    }

    @Override
    public String[] getLinkTypes() {
        return sources.stream()
                .filter(CaptureSource::active)
                .map(CaptureSource::linkTypeName)
                .toArray(String[]::new);
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

    @Override
    public long getSpoofedTotal() {
        return sum(CaptureSource::spoofed);
    }

    @Override
    public long getForwardedTotal() {
        return sum(CaptureSource::forwarded);
    }

    @Override
    public long getUnmatchedResetsTotal() {
        return ports.intake().unmatchedTotal();
    }

    private long sum(ToLongFunction<CaptureSource> counter) {
        return sources.stream().mapToLong(counter).sum();
    }
}
