package io.rstwatch.listeners;

import io.rstwatch.core.ProcFiles;
import io.rstwatch.core.Times;
import io.rstwatch.jmx.ListenerRow;
import io.rstwatch.jmx.ListenersMXBean;
import java.util.ArrayList;
import java.util.List;

/** Backs rstwatch:type=Listeners from the inventory's snapshots. */
public final class ListenersView implements ListenersMXBean {
    private static final int GONE_SHOWN = 20;

    private final ListenerInventory inventory;
    private final Services services;

    private final java.util.function.IntUnaryOperator ownBacklog;
    private final long ownPid = ProcessHandle.current().pid();
    /** The kernel's cap on any listen backlog. */
    private final int somaxconn = readSomaxconn();

    private static int readSomaxconn() {
        try {
            return Integer.parseInt(ProcFiles.read(java.nio.file.Paths.get("/proc/sys/net/core/somaxconn")).trim());
        } catch (java.io.IOException | RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** @param ownBacklog the backlog this JVM's listener on a port asked for, 0 when unknown */
    public ListenersView(ListenerInventory inventory, Services services, java.util.function.IntUnaryOperator ownBacklog) {
        this.inventory = inventory;
        this.services = services;
        this.ownBacklog = ownBacklog;
    }

    @Override
    public ListenerRow[] getListeners() {
        List<ListenerRow> rows = new ArrayList<>();
        for (Listener l : inventory.current()) {
            rows.add(new ListenerRow(l.port(), l.address(), l.pid(), l.command(), l.acceptQueue(),
                    services.name(l.port()), l.pid() == ownPid ? Math.min(somaxconn, ownBacklog.applyAsInt(l.port())) : 0));
        }
        rows.sort((a, b) -> Integer.compare(a.getPort(), b.getPort()));
        return rows.toArray(new ListenerRow[0]);
    }

    @Override
    public int getListenersTotal() {
        return inventory.current().size();
    }

    @Override
    public String[] getGone() {
        List<String> out = new ArrayList<>();
        for (ListenerInventory.GoneListener g : inventory.gone(GONE_SHOWN)) {
            Listener l = g.listener();
            out.add(l.port() + " on " + l.address() + ": " + l.owner() + ", gone since " + Times.iso(g.goneAtMillis()));
        }
        return out.toArray(new String[0]);
    }

    @Override
    public String getRefreshedAt() {
        return Times.iso(inventory.refreshedAtMillis());
    }
}
