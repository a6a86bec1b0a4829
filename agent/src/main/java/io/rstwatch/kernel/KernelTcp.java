package io.rstwatch.kernel;

import io.rstwatch.core.ProcFiles;
import io.rstwatch.capture.CaptureEngine;
import io.rstwatch.config.OptionKeys;
import io.rstwatch.core.AgentContext;
import io.rstwatch.plugin.AlertChange;
import io.rstwatch.plugins.PluginHost;
import java.time.Instant;
import io.rstwatch.core.Times;
import io.rstwatch.jmx.DescribedEmitterMBean;
import io.rstwatch.jmx.MBeans;
import io.rstwatch.jmx.TcpMXBean;
import io.rstwatch.ports.PortView;
import io.rstwatch.ports.RateWindow;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.AttributeChangeNotification;
import javax.management.MBeanNotificationInfo;
import javax.management.NotificationBroadcasterSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rstwatch:type=Tcp: samples the kernel's TCP counters every proc.interval seconds, keeps the rates, and raises
 * the failed-connection alert, explained with what the capture saw. Getters serve the last sample.
 */
public final class KernelTcp implements TcpMXBean {
    public static final String TCP_MBEAN = "rstwatch:type=Tcp";
    private static final Logger LOG = LoggerFactory.getLogger(KernelTcp.class);
    /** How many refused ports the alert message names. */
    private static final int PORTS_IN_MESSAGE = 3;

    private final Path proc;
    private final String hostName;
    private final double warn;
    private final double critical;
    private final CaptureEngine capture;
    private final PluginHost plugins;
    private final RateWindow failed;
    private final RateWindow resetsSent;
    private final RateWindow overflows;
    private final NotificationBroadcasterSupport notifications = new NotificationBroadcasterSupport(
            new MBeanNotificationInfo(new String[] {AttributeChangeNotification.ATTRIBUTE_CHANGE},
                    AttributeChangeNotification.class.getName(), "AlertLevel changed"));
    private final AtomicLong sequence = new AtomicLong();
    private volatile TcpCounters last = TcpCounters.NONE;
    private volatile AlertLevel level = AlertLevel.OK;
    private volatile long levelSince = System.currentTimeMillis();
    private volatile String message = "";
    private volatile String readProblem;

    KernelTcp(Path proc, String hostName, double warn, double critical, int window, int interval,
            CaptureEngine capture, PluginHost plugins) {
        this.plugins = plugins;
        this.proc = proc;
        this.hostName = hostName;
        this.warn = warn;
        this.critical = critical;
        this.capture = capture;
        this.failed = RateWindow.ofRunningTotal(window, interval);
        this.resetsSent = RateWindow.ofRunningTotal(window, interval);
        this.overflows = RateWindow.ofRunningTotal(window, interval);
    }

    /** Starts sampling and registers rstwatch:type=Tcp; {@code capture} may be null. Never throws. */
    public static KernelTcp start(AgentContext context, CaptureEngine capture) {
        int interval = context.options().get(OptionKeys.PROC_INTERVAL);
        Path proc = Paths.get("/proc");
        KernelTcp tcp = new KernelTcp(proc, hostName(proc), context.options().get(OptionKeys.ALERT_WARN),
                context.options().get(OptionKeys.ALERT_CRITICAL), context.options().get(OptionKeys.RATE_WINDOW),
                interval, capture, context.plugins());
        tcp.sample();
        MBeans.register(TCP_MBEAN, new DescribedEmitterMBean<>(tcp, TcpMXBean.class, tcp.notifications));
        context.scheduler().scheduleWithFixedDelay(tcp::sample, interval, interval, TimeUnit.SECONDS);
        return tcp;
    }

    /** Where AttributeChangeNotifications for AlertLevel come from. */
    NotificationBroadcasterSupport notificationEmitter() {
        return notifications;
    }

    /** The clause for the Agent's Status. */
    public String status() {
        String problem = readProblem;
        return problem != null ? "kernel TCP counters unreadable: " + problem
                : "kernel TCP counters read, failed-connection alert " + level;
    }

    private static String hostName(Path proc) {
        try {
            return ProcFiles.read(proc.resolve("sys/kernel/hostname")).trim();
        } catch (IOException | RuntimeException e) {
            return "this host";
        }
    }

    /** Reads the counters, updates rates and the alert. On the scheduler's thread. */
    void sample() {
        try {
            TcpCounters c = new TcpCounters(ProcNetParser.parse(ProcFiles.read(proc.resolve("net/snmp")),
                    ProcFiles.read(proc.resolve("net/netstat"))), System.currentTimeMillis());
            readProblem = null;
            last = c;
            failed.sample(c.attemptFails());
            resetsSent.sample(c.outRsts());
            overflows.sample(c.listenOverflows());
            evaluate(c);
        } catch (IOException | RuntimeException e) {
            readProblem = e.toString() + " (rstwatch needs read access to /proc/net/snmp and /proc/net/netstat)";
            LOG.debug("reading the kernel's TCP counters failed", e);
        }
    }

    private void evaluate(TcpCounters c) {
        double rate = failed.perSecond();
        AlertLevel now = AlertLevel.of(rate, warn, critical);
        AlertLevel before = level;
        if (now != before) {
            level = now;
            levelSince = c.sampledAtMillis();
        }
        message = compose(rate, now);
        if (now != before) {
            LOG.warn("failed-connection alert {} -> {}: {}", before, now, message);
            AttributeChangeNotification n = new AttributeChangeNotification(TCP_MBEAN, sequence.incrementAndGet(),
                    c.sampledAtMillis(), message, "AlertLevel", String.class.getName(), before.name(), now.name());
            notifications.sendNotification(n);
            AlertChangedEvent e = new AlertChangedEvent();
            e.previous = before.name();
            e.level = now.name();
            e.failedPerSecond = rate;
            e.message = message;
            e.commit();
            if (plugins.admit()) {
                plugins.publish(new AlertChange(Instant.ofEpochMilli(c.sampledAtMillis()),
                        AlertChange.Level.valueOf(before.name()), AlertChange.Level.valueOf(now.name()), rate, message));
            }
        }
        TcpCountersEvent e = new TcpCountersEvent();
        e.attemptFails = c.attemptFails();
        e.estabResets = c.get("Tcp.EstabResets");
        e.outRsts = c.outRsts();
        e.listenOverflows = c.listenOverflows();
        e.failedPerSecond = rate;
        e.alertLevel = now.name();
        e.commit();
    }

    /**
     * "labutil01: 2.01 failed TCP connections/s (WARN) since 15:13:13Z; 2.00/s are refused connections to
     * 127.0.0.1:7211 on lo, where nothing listens; the captured refusals explain 100% of it."
     */
    String compose(double rate, AlertLevel now) {
        StringBuilder sb = new StringBuilder(hostName).append(": ").append(rate(rate))
                .append(" failed TCP connections/s (").append(now).append(") since ")
                .append(Times.timeOfDay(levelSince));
        if (rate <= 0) {
            return sb.append('.').toString();
        }
        if (capture == null || !capture.isActive()) {
            return sb.append("; the capture is not running, so the ports are unknown (")
                    .append(capture == null ? "capture=off" : capture.getStatus()).append(").").toString();
        }
        List<PortView> ports = capture.localClientRefusals();
        double explained = 0;
        for (PortView p : ports) {
            explained += p.stats().refusedLocalClientsPerSecond();
        }
        for (int i = 0; i < Math.min(PORTS_IN_MESSAGE, ports.size()); i++) {
            sb.append("; ").append(ports.get(i).refusalClause());
        }
        if (ports.size() > PORTS_IN_MESSAGE) {
            sb.append("; and ").append(ports.size() - PORTS_IN_MESSAGE).append(" more ports");
        }
        if (ports.isEmpty()) {
            sb.append("; no refused connection was captured: the failures are connections that timed out or were"
                    + " reset during the handshake (see TCPSynRetransTotal and the resets on the Port MBeans)");
        } else {
            long share = Math.round(Math.min(100, 100 * explained / rate));
            sb.append("; the captured refusals explain ").append(share).append("% of it");
        }
        return sb.append('.').toString();
    }

    private static String rate(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    @Override
    public long getAttemptFailsTotal() {
        return last.attemptFails();
    }

    @Override
    public long getEstabResetsTotal() {
        return last.get("Tcp.EstabResets");
    }

    @Override
    public long getOutRstsTotal() {
        return last.outRsts();
    }

    @Override
    public long getInErrsTotal() {
        return last.get("Tcp.InErrs");
    }

    @Override
    public long getRetransSegsTotal() {
        return last.get("Tcp.RetransSegs");
    }

    @Override
    public long getActiveOpensTotal() {
        return last.get("Tcp.ActiveOpens");
    }

    @Override
    public long getPassiveOpensTotal() {
        return last.get("Tcp.PassiveOpens");
    }

    @Override
    public long getCurrEstab() {
        return last.get("Tcp.CurrEstab");
    }

    @Override
    public long getListenOverflowsTotal() {
        return last.listenOverflows();
    }

    @Override
    public long getListenDropsTotal() {
        return last.get("TcpExt.ListenDrops");
    }

    @Override
    public long getTCPAbortOnDataTotal() {
        return last.get("TcpExt.TCPAbortOnData");
    }

    @Override
    public long getTCPAbortOnCloseTotal() {
        return last.get("TcpExt.TCPAbortOnClose");
    }

    @Override
    public long getTCPAbortOnTimeoutTotal() {
        return last.get("TcpExt.TCPAbortOnTimeout");
    }

    @Override
    public long getTCPSynRetransTotal() {
        return last.get("TcpExt.TCPSynRetrans");
    }

    @Override
    public long getTCPReqQFullDropTotal() {
        return last.get("TcpExt.TCPReqQFullDrop");
    }

    @Override
    public long getSyncookiesSentTotal() {
        return last.get("TcpExt.SyncookiesSent");
    }

    @Override
    public double getFailedConnectionsPerSecond() {
        return failed.perSecond();
    }

    @Override
    public double getResetsSentPerSecond() {
        return resetsSent.perSecond();
    }

    @Override
    public double getListenOverflowsPerSecond() {
        return overflows.perSecond();
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
    public String getSampledAt() {
        return Times.iso(last.sampledAtMillis());
    }
}
