package io.rstwatch.listeners;

import io.rstwatch.common.Times;
import io.rstwatch.host.Services;
import io.rstwatch.jmx.ListenerRow;
import io.rstwatch.jmx.ListenersMXBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Backs the Listeners MBean from the inventory's snapshots. */
final class ListenersView implements ListenersMXBean {
    private static final int GONE_SHOWN = 20;
    /** Rows shown, lowest ports first; ListenersTotal counts them all. A big host has tens of thousands. */
    static final int MAX_ROWS = 1024;

    private final ListenerInventory inventory;
    private final Services services;

    ListenersView(ListenerInventory inventory, Services services) {
        this.inventory = inventory;
        this.services = services;
    }

    @Override
    public ListenerRow[] getListeners() {
        List<ListenerRow> rows = new ArrayList<>();
        for (Listener l : inventory.current()) {
            rows.add(new ListenerRow(
                    l.port(),
                    l.address(),
                    l.pid(),
                    l.command(),
                    inventory.userName(l.uid()),
                    l.acceptQueue(),
                    services.name(l.port()),
                    inventory.backlog(l)));
        }
        rows.sort(Comparator.comparingInt(ListenerRow::port));
        return rows.subList(0, Math.min(MAX_ROWS, rows.size())).toArray(new ListenerRow[0]);
    }

    @Override
    public int getListenersTotal() {
        return inventory.current().size();
    }

    @Override
    public String[] getGone() {
        List<String> out = new ArrayList<>();
        for (ListenerHistory.GoneListener g : inventory.gone(GONE_SHOWN)) {
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
