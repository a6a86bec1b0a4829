package io.rstwatch.alert;

import io.rstwatch.common.AgentContext;
import io.rstwatch.common.EventSink;
import io.rstwatch.common.Part;
import io.rstwatch.common.Rates;
import io.rstwatch.common.Times;
import io.rstwatch.common.TopPeers;
import io.rstwatch.config.OptionKeys;
import io.rstwatch.jmx.DescribedEmitterMBean;
import io.rstwatch.jmx.MBeans;
import io.rstwatch.jmx.NotificationDispatcher;
import io.rstwatch.jmx.ObjectNames;
import io.rstwatch.jmx.TcpMXBean;
import io.rstwatch.kernel.KernelTcp;
import io.rstwatch.kernel.TcpCounter;
import io.rstwatch.kernel.TcpCounters;
import io.rstwatch.plugin.AlertChange;
import io.rstwatch.ports.PacketSource;
import io.rstwatch.ports.PortRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.AttributeChangeNotification;
import javax.management.MBeanNotificationInfo;
import javax.management.NotificationBroadcasterSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failed-connection alert and the Tcp MBean: samples the kernel's counters every proc.interval seconds, keeps
 * the level with its hysteresis, sends a notification on each change, and writes the sentence that explains the
 * rate with what the port registry saw. The counters' getters serve the kernel's last sample.
 */
public final class TcpAlert implements Part, TcpMXBean {
    private static final Logger LOG = LoggerFactory.getLogger(TcpAlert.class);
    /** How many ports the alert message names per cause. */
    private static final int PORTS_IN_MESSAGE = 3;
    /** How many client addresses the message names when refusals outnumber failed connects. */
    private static final int SOURCES_IN_MESSAGE = 3;
    /** Captured refusals may exceed AttemptFails by this much before the message says so (rates are averages). */
    private static final double EXCESS = 1.10;

    private static final long NEVER = Long.MIN_VALUE;

    /** The kernel's counters and rates: this alert samples them every proc.interval. */
    private final KernelTcp kernel;

    private final PortRegistry ports;
    /** Whether capture runs, and if not why; null when there is no capture at all. */
    private final PacketSource capture;

    private double warn;
    private double critical;
    /** alert.hold: how long the rate must stay under a level's threshold before the alert leaves it. */
    private long holdNanos;
    /** When the rate was last at or above each threshold (System.nanoTime()); NEVER before it ever was. */
    private long aboveWarnAt = NEVER;

    private long aboveCriticalAt = NEVER;
    private EventSink events = EventSink.NONE;
    private final NotificationDispatcher dispatcher = new NotificationDispatcher();
    private final NotificationBroadcasterSupport notifications = dispatcher.broadcaster(new MBeanNotificationInfo(
            new String[] {AttributeChangeNotification.ATTRIBUTE_CHANGE},
            AttributeChangeNotification.class.getName(),
            "AlertLevel changed"));
    private final AtomicLong sequence = new AtomicLong();
    private volatile AlertLevel level = AlertLevel.OK;
    private volatile long levelSince = System.currentTimeMillis();
    private volatile String message = "";

    /** @param capture the packet capture, for the explanation; null when there is none */
    public TcpAlert(KernelTcp kernel, PortRegistry ports, PacketSource capture) {
        this.kernel = kernel;
        this.ports = ports;
        this.capture = capture;
    }

    @Override
    public String name() {
        return "kernel TCP counters";
    }

    /** Takes its settings, samples once and registers the Tcp MBean, then samples every proc.interval. */
    @Override
    public void start(AgentContext context) {
        int interval = context.options().get(OptionKeys.PROC_INTERVAL);
        configure(
                context.options().get(OptionKeys.ALERT_WARN),
                context.options().get(OptionKeys.ALERT_CRITICAL),
                context.options().get(OptionKeys.ALERT_HOLD),
                context.events());
        sample();
        MBeans.register(ObjectNames.TCP, new DescribedEmitterMBean<>(this, TcpMXBean.class, notifications));
        context.sampler().every("sampling the kernel's TCP counters", interval, TimeUnit.SECONDS, this::sample);
    }

    /** The alert's thresholds, alert.hold, and where its changes are published. */
    void configure(double warnAt, double criticalAt, int holdSeconds, EventSink sink) {
        this.warn = warnAt;
        this.critical = criticalAt;
        this.holdNanos = TimeUnit.SECONDS.toNanos(holdSeconds);
        this.events = sink;
    }

    /** Where AttributeChangeNotifications for AlertLevel come from. */
    NotificationBroadcasterSupport notificationEmitter() {
        return notifications;
    }

    @Override
    public String status() {
        String problem = kernel.readProblem();
        return problem != null
                ? "kernel TCP counters unreadable: " + problem
                : "kernel TCP counters read, failed-connection alert " + level;
    }

    /** Reads the counters, updates rates and the alert. On the sampler's thread. */
    void sample() {
        sample(System.nanoTime());
    }

    /** The same, at {@code nowNanos} (System.nanoTime(); tests move it). */
    void sample(long nowNanos) {
        String problem = kernel.sample(nowNanos);
        if (problem == null) {
            evaluate(kernel.counters(), nowNanos);
            return;
        }
        LOG.debug("reading the kernel's TCP counters failed: {}", problem);
        if (level != AlertLevel.UNKNOWN) {
            change(
                    AlertLevel.UNKNOWN,
                    System.currentTimeMillis(),
                    Double.NaN,
                    kernel.hostName() + ": the failed-connection rate is unknown: the kernel's TCP counters cannot be"
                            + " read: " + problem);
        }
    }

    /**
     * The level with hysteresis: up at once, when the rate reaches a threshold; down only once the rate has stayed
     * under that level's threshold for alert.hold, so a rate that wavers around a threshold does not flap.
     */
    private AlertLevel level(double rate, long nowNanos) {
        if (rate >= critical) {
            aboveCriticalAt = nowNanos;
        }
        if (rate >= warn) {
            aboveWarnAt = nowNanos;
        }
        if (aboveCriticalAt != NEVER && nowNanos - aboveCriticalAt <= holdNanos) {
            return AlertLevel.CRITICAL;
        }
        if (aboveWarnAt != NEVER && nowNanos - aboveWarnAt <= holdNanos) {
            return AlertLevel.WARN;
        }
        return AlertLevel.OK;
    }

    private void evaluate(TcpCounters c, long nowNanos) {
        double rate = perSecond(TcpCounter.ATTEMPT_FAILS);
        AlertLevel now = level(rate, nowNanos);
        if (now != level) {
            change(now, c.sampledAtMillis(), rate, compose(rate, now));
        } else {
            message = compose(rate, now);
        }
        TcpCountersEvent e = new TcpCountersEvent();
        e.attemptFails = c.get(TcpCounter.ATTEMPT_FAILS);
        e.estabResets = c.get(TcpCounter.ESTAB_RESETS);
        e.outRsts = c.get(TcpCounter.OUT_RSTS);
        e.listenOverflows = c.get(TcpCounter.LISTEN_OVERFLOWS);
        e.failedPerSecond = rate;
        e.alertLevel = now.name();
        e.commit();
    }

    /**
     * The alert goes to level {@code now}: the attribute, its notification, a WARN line, JFR, and the plugins' event
     * when both levels are ones the plugin API knows (it has no UNKNOWN: an older plugin would fail on it).
     */
    private void change(AlertLevel now, long atMillis, double rate, String sentence) {
        AlertLevel before = level;
        level = now;
        levelSince = atMillis;
        message = sentence;
        LOG.warn("failed-connection alert {} -> {}: {}", before, now, message);
        notifications.sendNotification(new AttributeChangeNotification(
                ObjectNames.TCP,
                sequence.incrementAndGet(),
                atMillis,
                message,
                "AlertLevel",
                String.class.getName(),
                before.name(),
                now.name()));
        AlertChangedEvent e = new AlertChangedEvent();
        e.previous = before.name();
        e.level = now.name();
        e.failedPerSecond = rate;
        e.message = message;
        e.commit();
        if (before != AlertLevel.UNKNOWN && now != AlertLevel.UNKNOWN) {
            // Rare, so built without asking admit: a flood that spends the plugins' budgets must not hide it.
            events.publish(new AlertChange(
                    Instant.ofEpochMilli(atMillis),
                    AlertChange.Level.valueOf(before.name()),
                    AlertChange.Level.valueOf(now.name()),
                    rate,
                    message));
        }
    }

    /**
     * "labutil01: 2.01 failed TCP connections/s (WARN) since 15:13:13Z; 2.00/s are refused connections to
     * 127.0.0.1:7211 on lo, where nothing listens; the captured refusals explain 100% of it."
     */
    String compose(double rate, AlertLevel now) {
        StringBuilder sb = new StringBuilder(kernel.hostName())
                .append(": ")
                .append(Rates.format(rate))
                .append(" failed TCP connections/s (")
                .append(now)
                .append(") since ")
                .append(Times.timeOfDay(levelSince));
        if (rate <= 0) {
            return sb.append('.').toString();
        }
        if (capture == null || !capture.isActive()) {
            sb.append("; the capture is not running (")
                    .append(capture == null ? "capture=off" : capture.getStatus())
                    .append("), so only this JVM's own connects are seen");
            return withoutCapture(sb, ports.jvmFailures()).toString();
        }
        return explain(sb, rate, ports.localClientFailures(), perSecond(TcpCounter.EMBRYONIC_RSTS))
                .append('.')
                .toString();
    }

    /**
     * Without capture, the explanation the connect advice still gives: this JVM's own failing endpoints and the
     * code behind them. Other processes' connects, and this JVM's outside java.net, are not seen, and it says so.
     */
    static StringBuilder withoutCapture(StringBuilder sb, List<PortRegistry.JvmFailure> own) {
        if (own.isEmpty()) {
            return sb.append(", and none of them failed (connects of other processes, and of native transports,"
                    + " are not seen).");
        }
        appendTop(sb, own.stream().map(PortRegistry.JvmFailure::clause).toList(), " more ports");
        return sb.append("; connects of other processes are not seen.");
    }

    /** The first {@link #PORTS_IN_MESSAGE} clauses, then "; and N" and {@code more} for the rest. */
    private static void appendTop(StringBuilder sb, List<String> clauses, String more) {
        for (int i = 0; i < Math.min(PORTS_IN_MESSAGE, clauses.size()); i++) {
            sb.append("; ").append(clauses.get(i));
        }
        if (clauses.size() > PORTS_IN_MESSAGE) {
            sb.append("; and ").append(clauses.size() - PORTS_IN_MESSAGE).append(more);
        }
    }

    /**
     * The explanation of AttemptFails, cause by cause. The kernel counts a connect that it ends in SYN-SENT:
     * refused (a RST), unreachable (an ICMP error), or given up after its last SYN (net.ipv4.tcp_syn_retries), and
     * a handshake reset in SYN-RECV; not a connect the application closes first (its own connect timeout). The
     * first three come from the captured ports whose clients are on this host, the last from the kernel's
     * EmbryonicRsts counter, which has no port. Each cause names its top ports and its share of the rate.
     *
     * <p>It never claims more than it knows: when the captured refusals outnumber the failed connects, some were
     * raw packets (a port scan from this host, a packet generator), which the kernel does not count; the sentence
     * says so and names who sent them.
     *
     * @param embryonicPerSecond the EmbryonicRsts rate
     */
    static StringBuilder explain(
            StringBuilder sb, double rate, List<PortRegistry.LocalFailure> failures, double embryonicPerSecond) {
        Map<PortRegistry.Cause, Double> byCause = new EnumMap<>(PortRegistry.Cause.class);
        for (PortRegistry.LocalFailure f : failures) {
            byCause.merge(f.cause(), f.perSecond(), Double::sum);
        }
        for (PortRegistry.Cause cause : PortRegistry.Cause.values()) {
            List<PortRegistry.LocalFailure> ofCause =
                    failures.stream().filter(f -> f.cause() == cause).toList();
            appendTop(
                    sb,
                    ofCause.stream().map(PortRegistry.LocalFailure::clause).toList(),
                    " more ports with " + cause.label() + " connects");
        }
        if (embryonicPerSecond > 0) {
            sb.append("; ")
                    .append(Rates.format(embryonicPerSecond))
                    .append("/s are handshakes reset in SYN-RECV (the kernel's EmbryonicRsts; no port is known)");
        }
        double explained = embryonicPerSecond;
        for (double perSecond : byCause.values()) {
            explained += perSecond;
        }
        double refused = byCause.getOrDefault(PortRegistry.Cause.REFUSED, 0.0);
        if (explained == 0) {
            sb.append("; none of it was captured: connects given up by the kernel before capture started, or on an"
                    + " interface the capture does not see");
        } else if (refused > rate * EXCESS) {
            sb.append("; the captured refusals to local clients (")
                    .append(Rates.format(refused))
                    .append("/s) are more than the failed connections, so not all of them are connects of"
                            + " sockets: raw packets (a port scan or packet generator on this host) draw refusals the"
                            + " kernel does not count; top sources: ")
                    .append(String.join(
                            ", ",
                            topSources(failures.stream()
                                    .filter(f -> f.cause() == PortRegistry.Cause.REFUSED)
                                    .toList())));
        } else if (explained == refused) {
            sb.append("; the captured refusals explain ")
                    .append(Math.round(100 * explained / rate))
                    .append("% of it");
        } else {
            List<String> shares = new ArrayList<>();
            for (Map.Entry<PortRegistry.Cause, Double> e : byCause.entrySet()) {
                shares.add(e.getKey().label() + " " + Math.round(100 * e.getValue() / rate) + "%");
            }
            if (embryonicPerSecond > 0) {
                shares.add("reset in SYN-RECV " + Math.round(100 * embryonicPerSecond / rate) + "%");
            }
            sb.append("; of it: ")
                    .append(String.join(", ", shares))
                    .append("; together they explain ")
                    .append(Math.round(100 * explained / rate))
                    .append('%');
            if (explained > rate * EXCESS) {
                sb.append(" (more than all: an IPv4 ICMP error that reaches a connect while its socket is busy is"
                        + " read by the application, which closes it, and the kernel does not count that)");
            }
        }
        return sb;
    }

    /** The clients with the most failures, over the ports named, most first: "127.0.0.1 (1530000)". */
    private static List<String> topSources(List<PortRegistry.LocalFailure> failures) {
        Map<String, Long> counts = new HashMap<>();
        for (PortRegistry.LocalFailure r : failures) {
            for (TopPeers.Peer peer : r.clients()) {
                counts.merge(peer.address(), peer.count(), Long::sum);
            }
        }
        return counts.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(SOURCES_IN_MESSAGE)
                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                .toList();
    }

    @Override
    public long getAttemptFailsTotal() {
        return kernel.counters().get(TcpCounter.ATTEMPT_FAILS);
    }

    @Override
    public long getEstabResetsTotal() {
        return kernel.counters().get(TcpCounter.ESTAB_RESETS);
    }

    @Override
    public long getOutRstsTotal() {
        return kernel.counters().get(TcpCounter.OUT_RSTS);
    }

    @Override
    public long getInErrsTotal() {
        return kernel.counters().get(TcpCounter.IN_ERRS);
    }

    @Override
    public long getRetransSegsTotal() {
        return kernel.counters().get(TcpCounter.RETRANS_SEGS);
    }

    @Override
    public long getActiveOpensTotal() {
        return kernel.counters().get(TcpCounter.ACTIVE_OPENS);
    }

    @Override
    public long getPassiveOpensTotal() {
        return kernel.counters().get(TcpCounter.PASSIVE_OPENS);
    }

    @Override
    public long getCurrEstab() {
        return kernel.counters().get(TcpCounter.CURR_ESTAB);
    }

    @Override
    public long getListenOverflowsTotal() {
        return kernel.counters().get(TcpCounter.LISTEN_OVERFLOWS);
    }

    @Override
    public long getListenDropsTotal() {
        return kernel.counters().get(TcpCounter.LISTEN_DROPS);
    }

    @Override
    public long getTCPAbortOnDataTotal() {
        return kernel.counters().get(TcpCounter.ABORT_ON_DATA);
    }

    @Override
    public long getTCPAbortOnCloseTotal() {
        return kernel.counters().get(TcpCounter.ABORT_ON_CLOSE);
    }

    @Override
    public long getTCPAbortOnTimeoutTotal() {
        return kernel.counters().get(TcpCounter.ABORT_ON_TIMEOUT);
    }

    @Override
    public long getTCPSynRetransTotal() {
        return kernel.counters().get(TcpCounter.SYN_RETRANS);
    }

    @Override
    public long getTCPReqQFullDropTotal() {
        return kernel.counters().get(TcpCounter.REQ_Q_FULL_DROP);
    }

    @Override
    public long getSyncookiesSentTotal() {
        return kernel.counters().get(TcpCounter.SYNCOOKIES_SENT);
    }

    private double perSecond(TcpCounter counter) {
        return kernel.perSecond(counter);
    }

    @Override
    public double getFailedConnectionsPerSecond() {
        return perSecond(TcpCounter.ATTEMPT_FAILS);
    }

    @Override
    public double getResetsSentPerSecond() {
        return perSecond(TcpCounter.OUT_RSTS);
    }

    @Override
    public double getListenOverflowsPerSecond() {
        return perSecond(TcpCounter.LISTEN_OVERFLOWS);
    }

    @Override
    public String getAlertLevel() {
        return level.name();
    }

    @Override
    public String getAlertSince() {
        return Times.iso(levelSince);
    }

    @Override
    public String getAlertMessage() {
        return message;
    }

    @Override
    public long getAlertNotificationsDroppedTotal() {
        return dispatcher.droppedTotal();
    }

    @Override
    public String getSampledAt() {
        return Times.iso(kernel.counters().sampledAtMillis());
    }
}
