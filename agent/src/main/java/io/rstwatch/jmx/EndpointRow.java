package io.rstwatch.jmx;

/**
 * One row of the Connects MBean's Endpoints: failed connects from this JVM to one endpoint, by cause (dnsFailed: its
 * name did not resolve), its failed TLS handshakes, and the code that called last. An open-type CompositeData in JMX
 * clients, with these component names as items.
 */
public record EndpointRow(
        String endpoint,
        long refused,
        long timedOut,
        long unreachable,
        long other,
        long dnsFailed,
        long tlsFailed,
        String caller) {}
