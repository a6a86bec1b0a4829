package io.rstwatch.listeners;

import io.rstwatch.common.AgentContext;
import io.rstwatch.common.Part;
import io.rstwatch.common.ProcFiles;
import io.rstwatch.config.OptionKeys;
import io.rstwatch.ebpf.ConnectErrors;
import io.rstwatch.ebpf.LoadFailure;
import io.rstwatch.host.HostView;
import io.rstwatch.log.ForeignText;
import io.rstwatch.plugin.Scope;
import io.rstwatch.ports.ClientLookup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who connects, host-wide: the processes of the JVM's network namespace whose connects fail, named by the kernel
 * as they connect ({@link ConnectErrors}: an eBPF program on a tracepoint, assembled in Java), for the Port
 * entries' Clients and Diagnosis. A packet has no pid, and by the time a refusal is seen the connecting socket is
 * gone from /proc; the kernel knows the process when the socket starts connecting. Needs root, or CAP_BPF with
 * CAP_PERFMON, a kernel with BTF and Linux 5.14; without them it says why in its status and the rest of the agent
 * works as before. The programs and maps live as long as the JVM's file descriptors to them: nothing is pinned, so
 * nothing stays loaded after the JVM exits. Read once a second on the scanner thread.
 */
public final class ConnectingClients implements Part, ClientLookup {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectingClients.class);
    private static final Path PROC = Path.of("/proc");

    private static final int MAX_CGROUP_BYTES = 4096;
    private static final int MAX_CONTAINER = 200;
    private static final String NAMING =
            "naming the processes whose connects fail, host-wide, with an eBPF hook on inet_sock_set_state";

    private final HostView host;
    private final ListenerInventory inventory;
    private final int window;
    private volatile String status = "clients starting";
    private volatile ClientTable table;
    private ConnectErrors hooks;
    /** The counts the capture's programs keep, when it counts in the kernel: set before {@link #start}. */
    private volatile ConnectErrors countedByCapture;

    /**
     * @param inventory whose owner resolver names the processes (command line, user, hidepid), on the scanner
     *     thread it runs on too
     * @param window rate.window, seconds
     */
    public ConnectingClients(HostView host, ListenerInventory inventory, int window) {
        this.host = host;
        this.inventory = inventory;
        this.window = window;
    }

    @Override
    public String name() {
        return "clients";
    }

    @Override
    public String status() {
        return status;
    }

    /**
     * Takes the counts that the in-kernel capture's program keeps as it watches the same state changes: one
     * program's run where two would run. Before {@link #start}, which then loads no program of its own.
     */
    public void countedByCapture(ConnectErrors counts) {
        countedByCapture = counts;
    }

    /**
     * Loads the hook, unless the capture's counts for it (this kernel's BTF is read once a JVM, for every program),
     * then reads it every second.
     */
    @Override
    public void start(AgentContext context) {
        if (!context.options().get(OptionKeys.CLIENTS)) {
            status = "not naming the processes whose connects fail (clients=off)";
            return;
        }
        try {
            ConnectErrors shared = countedByCapture;
            hooks = shared != null ? shared : ConnectErrors.attach(ConnectErrors.namespaceOfThisProcess());
        } catch (IOException | RuntimeException | LinkageError e) {
            String why = LoadFailure.explain(e);
            status = "not naming the processes whose connects fail: " + why;
            if (LoadFailure.isPermission(e)) {
                LOG.debug("not naming the processes whose connects fail: {}", why); // the usual unprivileged JVM
            } else {
                LOG.warn("not naming the processes whose connects fail: {}; the rest of the agent keeps working", why);
            }
            return;
        }
        table = new ClientTable(window);
        status = NAMING;
        context.scanner().every("reading the kernel's failed connects", 1, TimeUnit.SECONDS, this::refresh);
    }

    @Override
    public List<Client> clientsOf(Scope scope, int port) {
        ClientTable t = table;
        return t == null ? List.of() : t.clientsOf(scope, port);
    }

    private void refresh() {
        try {
            List<ConnectErrors.Count> counts = hooks.counts();
            table.take(counts, host::scopeOf, this::describe, System.currentTimeMillis(), System.nanoTime());
        } catch (IOException | RuntimeException e) {
            String s = "not reading the kernel's failed connects: " + e.getMessage();
            if (!s.equals(status)) {
                LOG.warn("{}; trying again every second", s);
            }
            status = s;
        }
    }

    /**
     * Who a process is: as {@code listeners.cmdline} shows it while it runs, as the kernel kept it once gone. The
     * table asks once a row, when the process first fails on a port: a pid used again later is named anew.
     */
    private ClientTable.Who describe(int tgid) {
        OwnerResolver owners = inventory.owners();
        ConnectErrors.Task task = null;
        try {
            task = hooks.task(tgid);
        } catch (IOException e) {
            // its name is not kept: /proc must say
        }
        long uid = task != null ? task.uid() & 0xFFFF_FFFFL : -1;
        String user = uid >= 0 ? owners.userName(uid) : OwnerResolver.Owner.UNKNOWN.command();
        if (uid >= 0 && owners.hidden(uid)) {
            return new ClientTable.Who(0, OwnerResolver.HIDDEN_BY_HIDEPID, user, "");
        }
        String command = owners.command(tgid);
        if (Listener.UNKNOWN.equals(command) && task != null) {
            command = ForeignText.clean(task.comm()) + " (exited)";
        }
        return new ClientTable.Who(tgid, command, user, container(tgid));
    }

    /** The process's control group (cgroup v2's, else the first hierarchy's); empty for the root one or gone. */
    static String container(int tgid) {
        try {
            String text =
                    ProcFiles.readAtMost(PROC.resolve(Integer.toString(tgid)).resolve("cgroup"), MAX_CGROUP_BYTES);
            return containerOf(text);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** From /proc/PID/cgroup's text: "0::/system.slice/docker-3f2a.scope" gives the path. */
    static String containerOf(String cgroupFile) {
        String path = null;
        for (String line : cgroupFile.split("\n")) {
            int second = line.indexOf(':', line.indexOf(':') + 1);
            if (second < 0) {
                continue;
            }
            if (line.startsWith("0::")) {
                path = line.substring(second + 1);
                break;
            }
            if (path == null) {
                path = line.substring(second + 1);
            }
        }
        if (path == null || path.equals("/")) {
            return "";
        }
        String p = ForeignText.clean(path.strip());
        return p.length() > MAX_CONTAINER ? "..." + p.substring(p.length() - MAX_CONTAINER) : p;
    }
}
