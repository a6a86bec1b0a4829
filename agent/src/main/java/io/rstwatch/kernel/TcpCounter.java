package io.rstwatch.kernel;

/**
 * The kernel TCP counters rstwatch publishes, each with its section and name in /proc/net/snmp ("Tcp") or
 * /proc/net/netstat ("TcpExt"), as {@link ProcNetParser} keys them.
 */
public enum TcpCounter {
    ATTEMPT_FAILS("Tcp", "AttemptFails"),
    ESTAB_RESETS("Tcp", "EstabResets"),
    OUT_RSTS("Tcp", "OutRsts"),
    IN_ERRS("Tcp", "InErrs"),
    RETRANS_SEGS("Tcp", "RetransSegs"),
    ACTIVE_OPENS("Tcp", "ActiveOpens"),
    PASSIVE_OPENS("Tcp", "PassiveOpens"),
    CURR_ESTAB("Tcp", "CurrEstab"),
    LISTEN_OVERFLOWS("TcpExt", "ListenOverflows"),
    LISTEN_DROPS("TcpExt", "ListenDrops"),
    ABORT_ON_DATA("TcpExt", "TCPAbortOnData"),
    ABORT_ON_CLOSE("TcpExt", "TCPAbortOnClose"),
    ABORT_ON_TIMEOUT("TcpExt", "TCPAbortOnTimeout"),
    SYN_RETRANS("TcpExt", "TCPSynRetrans"),
    REQ_Q_FULL_DROP("TcpExt", "TCPReqQFullDrop"),
    SYNCOOKIES_SENT("TcpExt", "SyncookiesSent"),
    /** Handshakes a RST ended in SYN-RECV: AttemptFails counts each (tcp_check_req). Not published. */
    EMBRYONIC_RSTS("TcpExt", "EmbryonicRsts");

    private final String section;
    private final String key;

    TcpCounter(String section, String name) {
        this.section = section;
        this.key = section + "." + name;
    }

    /** Where under /proc it is: "net/snmp" for Tcp, "net/netstat" for TcpExt. */
    String file() {
        return section.equals("Tcp") ? "net/snmp" : "net/netstat";
    }

    /** "Tcp.AttemptFails": the parser's key. */
    String key() {
        return key;
    }
}
