package io.rstwatch.plugins;

import io.rstwatch.common.EventSink;
import io.rstwatch.config.ConfigFiles;
import io.rstwatch.jmx.PluginRow;
import io.rstwatch.log.AgentLog;
import io.rstwatch.log.LogLevel;
import io.rstwatch.plugin.RstwatchEvent;
import io.rstwatch.plugin.RstwatchPlugin;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The plugins of {@code plugins=DIR}: one {@link PluginJar} per jar, in file-name order. Events go to the
 * queue of every jar whose plugins handle events (override onEvent); a port's name comes from the first jar that names it. With no plugins, {@link #admit(long)} is false and
 * the capture threads build no events at all.
 */
public final class PluginHost implements EventSink {
    /** At most this many jars are loaded from the directory, so a wrong directory cannot start hundreds of threads. */
    static final int MAX_JARS = 16;

    private static final long STOP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final List<PluginJar> jars;
    private final String problem;
    /** Ports whose name was asked for already: each is asked once. Null without plugins. */
    private final AtomicIntegerArray asked;
    /** Set while no jar has room because every budget is spent: then admit reads no clock. */
    private final SpentBudgets spent = new SpentBudgets();

    private PluginHost(List<PluginJar> jars, String problem) {
        this.jars = List.copyOf(jars);
        this.problem = problem;
        this.asked = jars.isEmpty() ? null : new AtomicIntegerArray(65536);
    }

    public static PluginHost none() {
        return new PluginHost(List.of(), null);
    }

    /**
     * Starts the plugins in {@code directory} ("" for none), each on its own daemon thread; returns at once and
     * never throws. A problem with the directory is one WARN line and no plugins.
     */
    public static PluginHost start(String directory) {
        if (directory.isEmpty()) {
            return none();
        }
        Path dir = Paths.get(directory);
        String changeable = ConfigFiles.othersCanChange(dir);
        if (changeable != null) {
            String problem = "plugins=" + directory + " is refused: " + changeable;
            AgentLog.write(LogLevel.WARN, problem + "; the agent runs without plugins", null);
            return new PluginHost(List.of(), problem);
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar")) {
            stream.forEach(files::add);
        } catch (IOException | RuntimeException e) {
            String problem = "plugins=" + directory + " is not a readable directory (" + e + "); create it and put"
                    + " plugin jars in it, or remove the option";
            AgentLog.write(LogLevel.WARN, problem + "; the agent runs without plugins", null);
            return new PluginHost(List.of(), problem);
        }
        files.sort(null);
        String problem = null;
        if (files.size() > MAX_JARS) {
            problem = "plugins=" + directory + " holds " + files.size() + " jars; only the first " + MAX_JARS
                    + " by name are loaded";
            AgentLog.write(LogLevel.WARN, problem, null);
            files = files.subList(0, MAX_JARS);
        }
        // The API's own loader (the bootstrap makes one that defines io.rstwatch.plugin only): the parent of every
        // plugin jar's loader, so a plugin sees the JDK and the API, and no path from it leads to the agent's.
        ClassLoader api = RstwatchPlugin.class.getClassLoader();
        List<PluginJar> jars = new ArrayList<>();
        for (Path f : files) {
            jars.add(new PluginJar(f, api));
        }
        PluginHost host = new PluginHost(jars, problem);
        for (PluginJar j : jars) {
            j.start();
        }
        if (!jars.isEmpty()) {
            Runtime.getRuntime().addShutdownHook(new Thread(host::stop, "rstwatch-plugins-stop"));
        }
        return host;
    }

    /**
     * Asked before building an event: true when some plugin jar has room for it (queue not full, the budget its
     * plugins asked for not spent this second). When none has, the event is not built at all, and counts as held
     * back or dropped for each jar: a flood then costs the capture thread no allocation, and once every budget is
     * spent, no clock read either until its window ends ({@link SpentBudgets}).
     */
    @Override
    public boolean admit(long nowMillis) {
        if (jars.isEmpty() || spent.holdBack(nowMillis)) {
            return false;
        }
        long now = System.nanoTime();
        for (PluginJar j : jars) {
            if (j.hasRoom(now)) {
                spent.open();
                return true;
            }
        }
        boolean dropped = false;
        for (PluginJar j : jars) {
            dropped |= j.countNotBuilt(now);
        }
        // A full queue can empty at any moment: asked again next event. Spent budgets hold until a window ends,
        // so the array is built about once a window, and a flood into full queues allocates nothing.
        EventBudget[] budgets = dropped ? null : spentBudgets(now);
        if (budgets == null) {
            spent.open();
        } else {
            spent.spent(budgets, now, nowMillis);
        }
        return false;
    }

    /**
     * The budgets of the jars that take events, when every one is spent; null when one has room again (its window
     * rolled since the event was counted).
     */
    private EventBudget[] spentBudgets(long nowNanos) {
        List<EventBudget> budgets = new ArrayList<>(jars.size());
        for (PluginJar j : jars) {
            if (j.acceptingEvents()) {
                EventBudget b = j.spentBudget(nowNanos);
                if (b == null) {
                    return null;
                }
                budgets.add(b);
            }
        }
        return budgets.toArray(new EventBudget[0]);
    }

    /** Hands the event to every plugin jar's queue; never blocks. Call after {@link #admit(long)}. */
    @Override
    public void publish(RstwatchEvent event) {
        long now = System.nanoTime();
        for (PluginJar j : jars) {
            j.offer(event, now);
        }
    }

    /** The name a plugin gave the port, or null; the first call for a port asks the plugins (answer comes later). */
    public String portName(int port) {
        if (jars.isEmpty() || port < 0 || port > 65535) {
            return null;
        }
        for (PluginJar j : jars) {
            String n = j.nameOf(port);
            if (n != null) {
                return n;
            }
        }
        if (asked.compareAndSet(port, 0, 1)) {
            for (PluginJar j : jars) {
                j.requestName(port);
            }
        }
        return null;
    }

    public PluginRow[] rows() {
        return jars.stream().map(PluginJar::row).toArray(PluginRow[]::new);
    }

    public long droppedTotal() {
        return jars.stream().mapToLong(PluginJar::dropped).sum();
    }

    public int disabledCount() {
        return (int) jars.stream().filter(PluginJar::disabled).count();
    }

    /** The clause for the Agent's Status. */
    public String status() {
        if (jars.isEmpty()) {
            return problem != null ? "no plugins: " + problem : "no plugins";
        }
        int disabled = disabledCount();
        String clause = (jars.size() - disabled) + " of " + jars.size() + " plugin jars running";
        if (disabled > 0) {
            clause += " (" + disabled + " disabled, see Plugins)";
        }
        return problem != null ? clause + "; " + problem : clause;
    }

    /** At JVM exit: lets each jar deliver what is queued and call stop, for at most a second in all. */
    void stop() {
        long deadline = System.nanoTime() + STOP_WAIT_NANOS;
        for (PluginJar j : jars) {
            j.stop(deadline);
        }
    }
}
