package io.rstwatch.jmx;

@Description("The kernel's TCP counters (/proc/net/snmp and /proc/net/netstat) of this JVM's network namespace"
        + " (a container's own, or the host's), and the failed-connection alert with its explanation. Totals count"
        + " since the namespace was created (boot, for the host).")
public interface TcpMXBean {
    @Description("Tcp AttemptFails: connection attempts that failed (SYN_SENT or SYN_RECV to CLOSED, e.g. refused"
            + " with a RST), in this network namespace.")
    long getAttemptFailsTotal();

    @Description("Tcp EstabResets: established connections that went to CLOSED abruptly. Counts resets received,"
            + " but also this host's own aborts and timeouts, not only resets from peers.")
    long getEstabResetsTotal();

    @Description("Tcp OutRsts: segments sent with the RST flag, by this network namespace.")
    long getOutRstsTotal();

    @Description("Tcp InErrs: segments received in error (bad checksum, bad header).")
    long getInErrsTotal();

    @Description("Tcp RetransSegs: segments retransmitted.")
    long getRetransSegsTotal();

    @Description("Tcp ActiveOpens: connections this namespace opened (connect).")
    long getActiveOpensTotal();

    @Description("Tcp PassiveOpens: connections this namespace accepted.")
    long getPassiveOpensTotal();

    @Description("Tcp CurrEstab: connections now in ESTABLISHED or CLOSE_WAIT (a gauge, not a total).")
    long getCurrEstab();

    @Description("TcpExt ListenOverflows: connections dropped because a listener's accept queue was full.")
    long getListenOverflowsTotal();

    @Description("TcpExt ListenDrops: SYNs or handshakes dropped at a listener, overflows included.")
    long getListenDropsTotal();

    @Description("TcpExt TCPAbortOnData: connections reset because data arrived after the application closed.")
    long getTCPAbortOnDataTotal();

    @Description("TcpExt TCPAbortOnClose: connections reset because the application closed with unread data.")
    long getTCPAbortOnCloseTotal();

    @Description("TcpExt TCPAbortOnTimeout: connections dropped after retransmission timeouts (keepalive, SYN or"
            + " data retries exhausted).")
    long getTCPAbortOnTimeoutTotal();

    @Description("TcpExt TCPSynRetrans: SYN and SYN-ACK retransmissions: peers that do not answer at all.")
    long getTCPSynRetransTotal();

    @Description("TcpExt TCPReqQFullDrop: SYNs dropped because the SYN queue was full and syncookies were off.")
    long getTCPReqQFullDropTotal();

    @Description("TcpExt SyncookiesSent: SYN cookies sent because a SYN queue overflowed.")
    long getSyncookiesSentTotal();

    @Description("AttemptFails per second over the last rate.window seconds (default 60), or since the agent"
            + " started if that is shorter: the failed-connection rate the alert watches.")
    double getFailedConnectionsPerSecond();

    @Description("OutRsts per second over the last rate.window seconds (default 60), or since the agent started.")
    double getResetsSentPerSecond();

    @Description("ListenOverflows per second over the last rate.window seconds (default 60), or since the agent"
            + " started.")
    double getListenOverflowsPerSecond();

    @Description("OK, WARN or CRITICAL: FailedConnectionsPerSecond against alert.warn (default 1.0) and"
            + " alert.critical (default 10.0); UNKNOWN while /proc/net/snmp cannot be read (AlertMessage says why)."
            + " Changes are sent as AttributeChangeNotifications.")
    String getAlertLevel();

    @Description("When the current AlertLevel began (ISO-8601, UTC).")
    String getAlertSince();

    @Description("One sentence: host, failed-connection rate, level and since when, and from the capture which"
            + " refused ports explain it (address, interface, rate, whether anything listens there).")
    String getAlertMessage();

    @Description("When the counters were last read (ISO-8601, UTC); they are read every proc.interval seconds.")
    String getSampledAt();

    @Description("AlertLevel notifications not delivered because a JMX client's listener was too slow or blocked"
            + " (its queue holds 256), since start. The alert itself is never held up by a listener.")
    long getAlertNotificationsDroppedTotal();
}
