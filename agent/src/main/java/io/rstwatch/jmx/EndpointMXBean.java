package io.rstwatch.jmx;

import java.util.Map;

@Description("Connects made by this JVM's code to one endpoint, host and port as the application gave them: those"
        + " that failed, by cause, with the code behind them, and how long those that connected took. One MBean per"
        + " endpoint connected to (at most 256, then host=other,port=other for all others; Connects.Endpoints lists"
        + " those with failures), so that collectors can alert on one dependency."
        + " Seen inside the JVM: works without capture privileges.")
public interface EndpointMXBean {
    @Description("The host as the application gave it: a name (payments-db) or an address literal.")
    String getHost();

    @Description("The port connected to.")
    int getPort();

    @Description("The address the host had at the latest failure, as the application's connect resolved it;"
            + " empty if it was never resolved.")
    String getAddress();

    @Description("Failed connects to this endpoint in all, since the agent started. Monotonic while the JVM lives.")
    long getFailedTotal();

    @Description("Connects to this endpoint refused (nothing listens, or the peer rejects). Monotonic.")
    long getRefusedTotal();

    @Description("Connects to this endpoint that timed out in the application (its own connect timeout). Monotonic.")
    long getTimedOutTotal();

    @Description("Connects to this endpoint that found the host or network unreachable (no route, or a firewall's"
            + " reject). Monotonic.")
    long getUnreachableTotal();

    @Description("Connects to this endpoint that failed for any other reason. Monotonic.")
    long getOtherTotal();

    @Description("Attempts to reach this endpoint that failed because its host name did not resolve, each counted"
            + " whether the name service or the JVM's cache of failed names answered: a connect that threw for it, an"
            + " address made unresolved (a client that checks its servers), a look-up with no connect after it (a"
            + " library's resolver, a driver's). A look-up made before any port was known counts on port 0. Not in"
            + " OtherTotal. Monotonic.")
    long getDnsFailedTotal();

    @Description("Why the name did not resolve at the latest such failure: a word (not known: no such name, NXDOMAIN;"
            + " temporary failure: the resolver timed out or its server failed, SERVFAIL; other) and what the"
            + " resolver said, e.g. \"not known: db.invalid: Name or service not known\". Empty if it always"
            + " resolved.")
    String getDnsFailure();

    @Description("Failed connects per second, averaged over the last rate.window seconds (default 60), or since"
            + " the agent started if that is shorter.")
    double getFailedPerSecond();

    @Description("Refused connects per second, averaged over the last rate.window seconds.")
    double getRefusedPerSecond();

    @Description("Timed-out connects per second, averaged over the last rate.window seconds.")
    double getTimedOutPerSecond();

    @Description("Unreachable connects per second, averaged over the last rate.window seconds.")
    double getUnreachablePerSecond();

    @Description("Connects to this endpoint that succeeded, since the agent started. Monotonic.")
    long getConnectedTotal();

    @Description("The median time of the successful connects to this endpoint over the last rate.window seconds (to"
            + " a fifth more), in ms, from connect() to connected: about one round trip, more when the peer's"
            + " accept queue is full or a SYN is lost. Within 1/16. 0 when none connected in that time.")
    double getConnectMillisP50();

    @Description("The 99th percentile of the same connect times, in ms: the slowest one in a hundred.")
    double getConnectMillisP99();

    @Description("The longest of the same connect times, in ms. A dependency that takes seconds to connect is the"
            + " warning before the timeouts.")
    double getConnectMillisMax();

    @Description("How long the latest failed connect to this endpoint took, from connect() to its failure, in ms:"
            + " about a round trip when refused, the application's timeout when nothing answered. 0 if none, or"
            + " not known (Netty's io_uring transport).")
    double getFailedAfterMillis();

    @Description("TLS handshakes with this endpoint that failed (SSLSocket and SSLEngine: HttpClient, Netty with the"
            + " JDK's provider, OkHttp), since the agent started. Not in FailedTotal: the connect itself succeeded."
            + " Monotonic.")
    long getTlsFailedTotal();

    @Description("Why the latest TLS handshake here failed: a word (expired, not yet valid, untrusted: no trusted"
            + " chain (PKIX), hostname mismatch, protocol or cipher mismatch: no TLS or nothing in common, peer's"
            + " alert, peer closed, other) and JSSE's sentence, e.g. \"untrusted: PKIX path building failed: ...\"."
            + " Empty if none failed.")
    String getTlsFailure();

    @Description("When the certificate this endpoint showed at the latest completed handshake stops being valid"
            + " (its notAfter, ISO-8601, UTC); empty before one.")
    String getCertificateNotAfter();

    @Description("Days until CertificateNotAfter, with a fraction; 0 once it passed; -1 before a handshake completed"
            + " (not TLS, or not yet). Alert on 0 to 14.")
    double getCertificateDaysLeft();

    @Description("When the latest failure was (ISO-8601, UTC); empty if none.")
    String getLastFailed();

    @Description("The code in this JVM whose connects here failed, each with how many of them failed (the latest 5"
            + " callers; a table of key and value), e.g. com.example.orders.OrderService.place(OrderService.java:42)"
            + " via com.zaxxer.hikari.HikariDataSource.getConnection(...) = 12. Monotonic per caller while it is kept.")
    Map<String, Long> getCallers();
}
