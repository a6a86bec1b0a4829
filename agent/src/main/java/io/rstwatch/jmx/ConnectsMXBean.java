package io.rstwatch.jmx;

@Description("TCP connects made by this JVM's application code that failed, seen inside the JVM (java.net.Socket"
        + " and NIO SocketChannel, so JDBC, HTTP clients and Netty alike): by cause, by endpoint, with the calling"
        + " code."
        + " Works without capture privileges; the agent's and JMX tooling's own connections are not counted.")
public interface ConnectsMXBean {
    @Description("Failed connects in all, since the agent started, those whose name did not resolve included.")
    long getFailedTotal();

    @Description("Connects refused (ConnectException: nothing listens, or the peer rejects).")
    long getRefusedTotal();

    @Description("Connects that timed out in the application (its own connect timeout). The kernel never counts"
            + " these in AttemptFails: only rstwatch shows them.")
    long getTimedOutTotal();

    @Description("Connects that failed because the host or network was unreachable (no route).")
    long getUnreachableTotal();

    @Description("Connects that failed for any other reason.")
    long getOtherTotal();

    @Description("Attempts to connect that failed because the host name did not resolve (UnknownHostException, an"
            + " unresolved address, a failed look-up with no connect after it), each counted, whether the name"
            + " service answered it or the JVM's cache of failed names (networkaddress.cache.negative.ttl, 10 s by"
            + " default) did. Not in OtherTotal.")
    long getDnsFailedTotal();

    @Description("Look-ups of a host name that reached the name service (the system's resolver: /etc/hosts, DNS)"
            + " and failed, whatever code asked; a name answered from the JVM's cache is not counted again here.")
    long getDnsResolverFailedTotal();

    @Description("TLS handshakes of this JVM's connections that failed, since the agent started; not in FailedTotal.")
    long getTlsFailedTotal();

    @Description("Connects made by this JVM's code that succeeded, since the agent started.")
    long getConnectedTotal();

    @Description("The median time of every successful connect over the last rate.window seconds, in ms, whatever"
            + " its endpoint (the Endpoint MBeans give each endpoint's); 0 when none.")
    double getConnectMillisP50();

    @Description("The 99th percentile of the same connect times, in ms.")
    double getConnectMillisP99();

    @Description("The longest of the same connect times, in ms.")
    double getConnectMillisMax();

    @Description("The endpoints with most failures first (at most 256, then one row for all others; when full, an"
            + " endpoint without failures for ports.idle seconds gives its row to a new one and its counts to the row"
            + " for all others): failures by cause and the code that called last.")
    EndpointRow[] getEndpoints();
}
