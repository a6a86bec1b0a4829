package io.rstwatch.capture;

import io.rstwatch.common.AgentContext;
import io.rstwatch.common.DaemonThreads;
import io.rstwatch.common.Part;
import io.rstwatch.config.CaptureMethod;
import io.rstwatch.config.OptionKeys;
import io.rstwatch.ebpf.ConnectErrors;
import io.rstwatch.ebpf.KernelEvents;
import io.rstwatch.ebpf.LoadFailure;
import io.rstwatch.jmx.CaptureMXBean;
import io.rstwatch.jmx.MBeans;
import io.rstwatch.jmx.ObjectNames;
import io.rstwatch.ports.PacketSource;
import io.rstwatch.ports.PortRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture part, by {@code capture.method}: one {@link CaptureSource} thread per device, each handing the
 * packets it decodes to the port registry's intake; or the {@link KernelSource}, handing the kernel's socket events
 * to the same intake, and the packet sources in its place when its programs cannot load. Backs the Capture MBean,
 * and tells the registry whether packets are coming.
 */
public final class CaptureEngine implements Part, PacketSource, CaptureMXBean {
    private static final long FIRST_STATE_WAIT_MILLIS = 2000;

    private final PortRegistry ports;
    private static final Logger LOG = LoggerFactory.getLogger(CaptureEngine.class);
    /** The kernel source's ring: a burst of some 75,000 events while its thread is away. */
    private static final int KERNEL_RING_BYTES = 4 << 20;

    private final List<CaptureSource> sources = new ArrayList<>();
    private final Consumer<ConnectErrors> kernelClients;
    /** The in-kernel source, when capture.method chose it and its programs loaded. */
    private volatile KernelSource kernel;
    /** Why this method: a clause of the Status. */
    private volatile String chosen = "";
    /** Whether start() has decided what to capture: until then, the Status says so, not "off". */
    private volatile boolean configured;

    /**
     * @param kernelClients takes the Clients' counts when the in-kernel source counts them too (clients=on): one
     *     program on each state change, not the source's and the Clients' own
     */
    public CaptureEngine(PortRegistry ports, Consumer<ConnectErrors> kernelClients) {
        this.ports = ports;
        this.kernelClients = kernelClients;
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
            CaptureMethod method = context.options().get(OptionKeys.CAPTURE_METHOD);
            List<String> devices = context.options().get(OptionKeys.INTERFACES);
            boolean clients = context.options().get(OptionKeys.CLIENTS);
            String whyNot = method == CaptureMethod.PACKET ? null : startKernel(method, devices, clients);
            chosen = chosen(method, whyNot);
            if (kernel == null) {
                startSources(context, devices);
            }
        }
        configured = true;
        MBeans.register(ObjectNames.CAPTURE, this, CaptureMXBean.class);
        awaitFirstState(FIRST_STATE_WAIT_MILLIS);
    }

    @Override
    public String status() {
        return getStatus();
    }

    /** The Status's clause on the method: which, and why. {@code whyNot} says why not in the kernel, else null. */
    static String chosen(CaptureMethod method, String whyNot) {
        return switch (method) {
            case PACKET -> "";
            case EBPF -> whyNot == null ? " (capture.method=ebpf)" : " (capture.method=ebpf, but " + whyNot + ")";
            case AUTO ->
                " (capture.method=auto: " + (whyNot == null ? "this kernel and this JVM's grant allow it" : whyNot)
                        + ")";
        };
    }

    private void startSources(AgentContext context, List<String> devices) {
        int bufferBytes = context.options().get(OptionKeys.CAPTURE_BUFFER) << 20;
        DuplicateFilter duplicates = new DuplicateFilter(devices.size() > 1);
        for (String device : devices) {
            CaptureSource source = new CaptureSource(device, bufferBytes, ports.host(), ports.intake(), duplicates);
            sources.add(source);
            DaemonThreads.start("rstwatch-capture-" + device, source);
        }
    }

    /**
     * Loads the kernel's programs and starts reading them; null, or why they could not load. Asked for by name,
     * every failure is one WARN; under auto, interfaces named (the programs see the whole namespace), a kernel
     * that would miss refusals, or a JVM without the grant (the usual unprivileged one) is a choice made quietly
     * and said in the Status.
     */
    private String startKernel(CaptureMethod method, List<String> devices, boolean clients) {
        boolean asked = method == CaptureMethod.EBPF;
        String missed = asked
                ? null
                : !devices.equals(List.of("any"))
                        ? "interfaces=" + String.join(",", devices) + " names interfaces, which only the packet"
                                + " socket watches alone"
                        : LoadFailure.missedByThisKernel();
        if (missed != null) {
            LOG.debug("capture.method=auto: {}; capturing packets", missed);
            return missed;
        }
        try {
            KernelEvents events =
                    KernelEvents.attach(ConnectErrors.namespaceOfThisProcess(), KERNEL_RING_BYTES, clients);
            KernelSource k = new KernelSource(events, ports.host(), ports.intake());
            kernel = k;
            if (events.clients() != null) {
                kernelClients.accept(events.clients());
            }
            DaemonThreads.start("rstwatch-kernel", k);
            return null;
        } catch (IOException | RuntimeException | LinkageError e) {
            String why = asked ? "its programs could not load: " + LoadFailure.explain(e) : LoadFailure.explain(e);
            if (!asked && LoadFailure.isPermission(e)) {
                LOG.debug("capture.method=auto: {}; capturing packets", why);
            } else {
                LOG.warn("{}: {}; capturing packets instead", label(method), why);
            }
            return why;
        }
    }

    private static String label(CaptureMethod method) {
        return "capture.method=" + method.name().toLowerCase(Locale.ROOT);
    }

    private void awaitFirstState(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            if (kernel != null || sources.stream().noneMatch(s -> s.state() == CaptureSource.State.STARTING)) {
                return;
            }
            Thread.sleep(20);
        }
    }

    @Override
    public boolean isActive() {
        KernelSource k = kernel;
        return k != null ? k.problem() == null : sources.stream().anyMatch(CaptureSource::active);
    }

    @Override
    public String getMethod() {
        return kernel != null ? "ebpf" : sources.isEmpty() ? "" : "packet";
    }

    @Override
    public String getStatus() {
        if (!configured) {
            return "capture starting";
        }
        KernelSource k = kernel;
        if (k != null) {
            return k.problem() != null
                    ? "not counting in the kernel: " + k.problem() + chosen
                    : "counting in the kernel: eBPF programs on the TCP sockets of this network namespace" + chosen
                            + "; resets from netfilter REJECT and ICMP codes beyond the errno are not seen";
        }
        if (sources.isEmpty()) {
            return "capture is off (capture=off)";
        }
        List<String> clauses = new ArrayList<>();
        for (CaptureSource s : sources) {
            clauses.add(s.clause());
        }
        return String.join("; ", clauses) + chosen;
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
        KernelSource k = kernel;
        return k != null ? k.events() : sum(CaptureSource::packets);
    }

    @Override
    public long getDroppedTotal() {
        KernelSource k = kernel;
        return k != null ? k.lost() : sum(CaptureSource::dropped);
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
