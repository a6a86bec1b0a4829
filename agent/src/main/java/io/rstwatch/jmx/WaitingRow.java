package io.rstwatch.jmx;

/**
 * One row of a Port MBean's Waiting: connects of one process on this host to one address of the port, still
 * waiting for an answer (SYN_SENT sockets). pid 0 when the process is not known or not shown, and then the
 * command says which. An open-type CompositeData in JMX clients.
 *
 * @param endpoint where the connects go, "10.0.3.7:5432"
 * @param count how many are waiting
 * @param oldestSeconds how long the oldest has waited, at least
 */
public record WaitingRow(int pid, String command, String user, String endpoint, int count, long oldestSeconds) {}
