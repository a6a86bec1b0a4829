package io.rstwatch.jmx;

@Description("Refused connections and resets for one service port. scope=local: the port's address belongs to"
        + " this host (loopback included); scope=remote: to another host. port=other collects ports beyond ports.max,"
        + " and the counts of entries that gave their place to a new port after ports.idle seconds without events.")
public interface PortMXBean {
    @Description("Connection attempts refused on this port: RST+ACK with seq 0 answering a SYN (nothing listens),"
            + " or ICMP port unreachable. Monotonic while the JVM lives.")
    long getRefusedTotal();

    @Description("Resets on established or half-known connections of this port (stale + abort), refusals not"
            + " included. Monotonic while the JVM lives.")
    long getResetsTotal();

    @Description("Refused connections per second, averaged over the last rate.window seconds (default 60), or"
            + " since the agent started if that is shorter.")
    double getRefusedPerSecond();

    @Description("Resets per second, averaged over the last rate.window seconds (default 60), or since the agent"
            + " started if that is shorter.")
    double getResetsPerSecond();

    @Description("Connection attempts to this port that nothing answered, not even a RST: the client sent its SYN"
            + " again after the retransmission timeout (a firewall that drops, a host that is gone, a full accept"
            + " queue). Each attempt once. Monotonic while the JVM lives.")
    long getUnansweredTotal();

    @Description("Unanswered connection attempts per second, averaged over the last rate.window seconds (default"
            + " 60), or since the agent started if that is shorter.")
    double getUnansweredPerSecond();

    @Description("Unanswered attempts that a SYN-ACK answered after all, late (the server was slow, or a SYN was"
            + " lost on the way). Included in UnansweredTotal.")
    long getSlowTotal();

    @Description("Connection attempts answered by an ICMP or ICMPv6 destination unreachable other than port"
            + " unreachable: no route, no host, or a firewall that rejects (admin-prohibited). Diagnosis names the"
            + " last code. Monotonic while the JVM lives.")
    long getUnreachableTotal();

    @Description("Unreachable connection attempts per second, averaged over the last rate.window seconds (default"
            + " 60), or since the agent started if that is shorter.")
    double getUnreachablePerSecond();

    @Description("Resets without the ACK flag: the sender had no such connection (a segment for a connection it"
            + " does not know, e.g. after a restart).")
    long getStaleResetsTotal();

    @Description("Resets with ACK and seq != 0: a live connection was torn down (abortive close, SO_LINGER 0,"
            + " a crashed or timed-out peer).")
    long getAbortResetsTotal();

    @Description("Resets (stale + abort) sent by this host, loopback included.")
    long getResetsSentTotal();

    @Description("Resets (stale + abort) received from another host.")
    long getResetsReceivedTotal();

    @Description("The service address last seen with this port (the refusing or resetting side).")
    String getAddress();

    @Description("When the first refusal or reset on this port was seen (ISO-8601, UTC).")
    String getFirstSeen();

    @Description("When the latest refusal or reset on this port was seen (ISO-8601, UTC).")
    String getLastSeen();

    @Description("The interfaces the packets were seen on.")
    String[] getInterfaces();

    @Description("The other side's addresses seen most often (the clients, for refusals), with counts; at most 10.")
    String[] getTopPeers();

    @Description("One sentence a person can act on: what happens on this port, who listens or listened there,"
            + " and what it means.")
    String getDiagnosis();

    @Description("scope=local: whether some socket of this network namespace listens on the port now.")
    boolean isListening();

    @Description("scope=local: who listens on the port now, e.g. pid 4242 `java -jar collector.jar`; empty if nobody.")
    String getListener();

    @Description("scope=local: who listened on the port last and when it went, e.g."
            + " pid 4242 `java -jar collector.jar`, gone since 10:54:50Z; empty if no listener was seen to go.")
    String getLastListener();

    @Description("The processes on this host with a connect to this port waiting for an answer right now (SYN_SENT"
            + " sockets, read every listeners.interval seconds): pid, command line as listeners.cmdline shows it, user,"
            + " endpoint, how many, and how long the oldest has waited; at most 20 rows, most waiting first.")
    WaitingRow[] getWaiting();

    @Description("The processes on this host whose connects to this port failed (refused, timed out or unreachable),"
            + " as the kernel saw them connect: pid, command line as listeners.cmdline shows it, user, container"
            + " (control group), failed connects while the agent watched, and when one failed last; at most 5 rows,"
            + " most failing first. Needs the eBPF hooks (clients=on: root, or CAP_BPF with CAP_PERFMON); empty"
            + " without them.")
    ClientRow[] getClients();

    @Description("The port's service name: from a plugin when one names it, else from /etc/services; empty if it"
            + " has none.")
    String getService();

    @Description("Connects to this port by code in this JVM that failed (any cause), seen by the instrumented"
            + " JDK connect methods rather than by capture.")
    long getJvmFailuresTotal();

    @Description("The code in this JVM whose connects to this port failed, most recent last (at most 5), e.g."
            + " com.example.Poller.poll(Poller.java:42).")
    String[] getJvmCallers();
}
