package io.rstwatch.listeners;

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

    public ListenersView(ListenerInventory inventory, Services services) {
        this.inventory = inventory;
        this.services = services;
    }

    @Override
    public ListenerRow[] getListeners() {
        List<ListenerRow> rows = new ArrayList<>();
        for (Listener l : inventory.current()) {
            rows.add(new ListenerRow(l.port(), l.address(), l.pid(), l.command(), l.acceptQueue(),
                    services.name(l.port())));
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
