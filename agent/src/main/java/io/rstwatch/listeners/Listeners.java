package io.rstwatch.listeners;

import io.rstwatch.common.AgentContext;
import io.rstwatch.common.Part;
import io.rstwatch.config.CommandLineDisclosure;
import io.rstwatch.config.OptionKeys;
import io.rstwatch.host.Services;
import io.rstwatch.jmx.ListenersMXBean;
import io.rstwatch.jmx.MBeans;
import io.rstwatch.jmx.ObjectNames;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The listener part: reads the inventory once at start (so that the reset rules know the listening ports before
 * the first packet), then every {@code listeners.interval} seconds, and publishes the Listeners MBean. The same
 * reads find the connects waiting for an answer, for the Port entries' Waiting.
 */
public final class Listeners implements Part {
    private final ListenerInventory inventory;
    private final ListenBacklogs backlogs = new ListenBacklogs();
    private final Services services;

    /** @param synRetransmissions the kernel's TcpExt TCPSynRetrans now, -1 when unknown: when to list connects */
    public Listeners(Path proc, Services services, CommandLineDisclosure disclosure, LongSupplier synRetransmissions) {
        this.inventory = new ListenerInventory(proc, disclosure, backlogs, synRetransmissions);
        this.services = services;
    }

    /** Who listens where, for the Port entries and the reset rules. */
    public ListenerInventory inventory() {
        return inventory;
    }

    /** Where the connect instrumentation tells the backlogs this JVM's listeners ask for. */
    public ListenBacklogs backlogs() {
        return backlogs;
    }

    @Override
    public String name() {
        return "listener inventory";
    }

    @Override
    public void start(AgentContext context) {
        inventory.refresh();
        int interval = context.options().get(OptionKeys.LISTENERS_INTERVAL);
        context.scanner().every("reading the listening sockets", interval, TimeUnit.SECONDS, inventory::refresh);
        MBeans.register(ObjectNames.LISTENERS, new ListenersView(inventory, services), ListenersMXBean.class);
    }

    @Override
    public String status() {
        return ""; // the Listeners MBean says what there is; RefreshedAt says when
    }
}
