package io.rstwatch.jmx;

/**
 * One row of the Scans MBean: a remote source that drew refusals on many ports of this host, the distinct ports it
 * hit, its refusals, and when it was first and last seen (ISO-8601, UTC).
 */
public record ScannerRow(String address, int portsHit, long refusals, String firstSeen, String lastSeen) {}
