package io.rstwatch.jmx;

import java.util.Map;

@Description("Connects made by this JVM's code to one endpoint, host and port as the application gave them, that"
        + " failed, by cause, with the code behind them: one MBean per row of Connects.Endpoints (at most 256, then"
        + " host=other,port=other for all others), so that collectors can alert on one dependency."
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

    @Description("Failed connects per second, averaged over the last rate.window seconds (default 60), or since"
            + " the agent started if that is shorter.")
    double getFailedPerSecond();

    @Description("Refused connects per second, averaged over the last rate.window seconds.")
    double getRefusedPerSecond();

    @Description("Timed-out connects per second, averaged over the last rate.window seconds.")
    double getTimedOutPerSecond();

    @Description("Unreachable connects per second, averaged over the last rate.window seconds.")
    double getUnreachablePerSecond();

    @Description("When the latest failure was (ISO-8601, UTC).")
    String getLastFailed();

    @Description("The code in this JVM whose connects here failed, each with how many of them failed (the latest 5"
            + " callers; a table of key and value), e.g. com.example.orders.OrderService.place(OrderService.java:42)"
            + " via com.zaxxer.hikari.HikariDataSource.getConnection(...) = 12. Monotonic per caller while it is kept.")
    Map<String, Long> getCallers();
}
