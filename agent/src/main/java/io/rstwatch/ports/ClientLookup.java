package io.rstwatch.ports;

import io.rstwatch.plugin.Scope;
import java.util.List;

/**
 * The processes on this host whose connects to a port failed, as the kernel saw them connect: answered by the
 * connecting-clients part (which sits above this package and implements it), read by the Port entries once a
 * second.
 */
public interface ClientLookup {
    /** Nobody is watched (the hooks are off or could not load): no clients. */
    ClientLookup NONE = (scope, port) -> List.of();

    /**
     * One process whose connects to the port failed.
     *
     * @param pid the process, 0 when it is not to be shown ({@code command} then says why)
     * @param command its command line as {@code listeners.cmdline} allows, or its name when it has exited
     * @param user its user's name
     * @param container its control group ("/system.slice/docker-3f2a.scope"), empty for the root one
     * @param count its failed connects to the port since the agent started
     * @param lastSeenMillis when one failed last (epoch ms, to the second)
     * @param perSecond its failed connects per second, over rate.window
     */
    record Client(
            int pid, String command, String user, String container, long count, long lastSeenMillis, double perSecond) {
        /** "pid 4242 `python3 poller.py`", as the listeners are named. */
        public String owner() {
            return ListenerLookup.owner(pid, command);
        }
    }

    /** The processes whose connects to {@code port} of this scope failed, most failures per second first. */
    List<Client> clientsOf(Scope scope, int port);
}
