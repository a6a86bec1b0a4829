package io.rstwatch.jmx;

@Description("TCP connects made by this JVM's application code that failed, seen inside the JVM (java.net.Socket"
        + " and NIO SocketChannel, so JDBC, HTTP clients and Netty alike): by cause, by endpoint, with the calling"
        + " code."
        + " Works without capture privileges; the agent's and JMX tooling's own connections are not counted.")
public interface ConnectsMXBean {
    @Description("Failed connects in all, since the agent started.")
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

    @Description("The endpoints with most failures first (at most 256, then one row for all others; when full, an"
            + " endpoint without failures for ports.idle seconds gives its row to a new one and its counts to the row"
            + " for all others): failures by cause and the code that called last.")
    EndpointRow[] getEndpoints();
}
