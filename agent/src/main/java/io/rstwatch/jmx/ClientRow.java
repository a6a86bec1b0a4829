package io.rstwatch.jmx;

/**
 * One row of a Port MBean's Clients: a process on this host whose connects to the port failed, as the kernel saw
 * it connect. pid 0 when the process is not to be shown, and then the command says why. An open-type
 * CompositeData in JMX clients.
 *
 * @param command its command line as listeners.cmdline shows it; its name and "(exited)" once it is gone
 * @param container its control group, empty for the root one
 * @param count its failed connects to the port while the agent watched
 * @param lastSeen when one failed last (ISO-8601, UTC)
 */
public record ClientRow(int pid, String command, String user, String container, long count, String lastSeen) {}
