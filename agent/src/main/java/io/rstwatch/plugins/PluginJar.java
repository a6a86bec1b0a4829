package io.rstwatch.plugins;

import io.rstwatch.common.DaemonThreads;
import io.rstwatch.common.Version;
import io.rstwatch.jmx.PluginRow;
import io.rstwatch.log.AgentLog;
import io.rstwatch.log.LogLevel;
import io.rstwatch.plugin.AlertChange;
import io.rstwatch.plugin.NameNotResolved;
import io.rstwatch.plugin.PluginContext;
import io.rstwatch.plugin.RstwatchEvent;
import io.rstwatch.plugin.RstwatchPlugin;
import io.rstwatch.plugin.TlsHandshakeFailed;
import io.rstwatch.plugin.UnansweredConnect;
import io.rstwatch.plugin.UnreachableConnect;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One plugin jar at work: the one daemon thread that makes every call into its plugins ({@link PluginLoader} finds
 * them), fed by a bounded queue. The capture threads only ever offer to the queue; when it is full the event is dropped and
 * counted. The jar is disabled when its plugins fail to load or start, or fail {@link FailureStreak#LIMIT} calls
 * in a row.
 */
final class PluginJar implements Runnable {
    static final int QUEUE = 4096;
    /** Events the jar's thread takes from its queue at once: out of the queue, though not yet handed over. */
    static final int BATCH = 512;

    private static final long BURST_PAUSE_MILLIS = 2;
    /** A call running longer than this is reported as blocked. */
    private static final long BLOCKED_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final int LOG_LINES_MAX = 100;

    private final Path jar;
    private final String name;
    private final PluginLoader loader;
    private final EventQueue queue = new EventQueue(QUEUE);
    /** Event kinds added after API version 1: a plugin built before them may not know them. */
    private static final Set<Class<?>> NEWER_KINDS =
            Set.of(UnansweredConnect.class, UnreachableConnect.class, NameNotResolved.class, TlsHandshakeFailed.class);
    /** The kinds each plugin showed it does not handle; only the jar's thread touches it. */
    private final Map<RstwatchPlugin, Set<Class<?>>> unknownKinds = new IdentityHashMap<>();

    private final ConcurrentLinkedQueue<Integer> nameRequests = new ConcurrentLinkedQueue<>();
    private final Map<Integer, String> names = new ConcurrentHashMap<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong logLines = new AtomicLong();
    private volatile List<String> pluginNames = List.of();
    /** Where the jar is; its row shows it in lower case, with why when disabled, or "blocked" during a long call. */
    private enum State {
        STARTING,
        RUNNING,
        DISABLED,
        /** Its thread ended while it was not stopping: nothing more is queued for it. */
        ENDED
    }

    private volatile State state = State.STARTING;
    /** False once the jar's plugins are loaded and none of them overrides onEvent: then no event is queued. */
    private volatile boolean wantsEvents = true;
    /** The most events a second any of the jar's plugins asks for; held back beyond it, before being built. */
    private volatile EventBudget budget = EventBudget.UNLIMITED;
    /** A plugin that asks for fewer than the jar's budget has its own; only the jar's thread touches it. */
    private final Map<RstwatchPlugin, EventBudget> ownBudgets = new IdentityHashMap<>();

    private volatile String disabledBecause = "";
    private volatile boolean stopping;
    private volatile String lastError = "";
    private volatile long callStartedNanos;
    private volatile String callName = "";
    private final FailureStreak streak = new FailureStreak();
    private Thread thread;

    PluginJar(Path jar, ClassLoader apiLoader) {
        this.jar = jar;
        this.loader = new PluginLoader(jar, apiLoader);
        this.name = loader.name();
    }

    String name() {
        return name;
    }

    void start() {
        thread = DaemonThreads.start("rstwatch-plugin-" + name, this);
    }

    /** Events and name requests are taken until the jar is disabled or the JVM exits. */
    private boolean accepting() {
        return !disabled() && !stopping;
    }

    /** Whether events are queued for this jar: not disabled, and some plugin of it handles them. */
    boolean acceptingEvents() {
        return wantsEvents && accepting();
    }

    /** Whether an event offered now would be queued (accepting events, within the budget, queue not full). */
    boolean hasRoom(long nowNanos) {
        return acceptingEvents() && queue.hasRoom() && budget.hasRoom(nowNanos);
    }

    /** The jar's budget when it is spent now, else null (room in it). */
    EventBudget spentBudget(long nowNanos) {
        EventBudget b = budget;
        return b.hasRoom(nowNanos) ? null : b;
    }

    /**
     * Counts an event this jar would have been offered but that was not built, since no jar had room: held back
     * when the jar's budget is spent (the plugin asked for no more), else dropped; true when dropped (its queue
     * is full while its budget has room).
     */
    boolean countNotBuilt(long nowNanos) {
        if (!acceptingEvents()) {
            return false;
        }
        if (budget.hasRoom(nowNanos)) {
            dropped.incrementAndGet();
            return true;
        }
        budget.countHeldBack();
        return false;
    }

    /** From any thread, capture threads included: never blocks. An alert change is never held back. */
    void offer(RstwatchEvent event, long nowNanos) {
        if (!acceptingEvents() || (!(event instanceof AlertChange) && !budget.take(nowNanos))) {
            return;
        }
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    /** The name this jar's plugins gave the port, or null (also while not yet asked). */
    String nameOf(int port) {
        return names.get(port);
    }

    void requestName(int port) {
        if (accepting()) {
            nameRequests.add(port);
        }
    }

    boolean disabled() {
        State now = state;
        return now == State.DISABLED || now == State.ENDED;
    }

    long dropped() {
        return dropped.get();
    }

    /**
     * The jar's thread. Whatever ends it other than the JVM's exit (an Error in the agent's own code, say) is said in
     * its row, and no event is queued for it from then on: a worker never dies silently with its row "running".
     */
    @Override
    public void run() {
        try {
            work();
        } catch (Throwable t) {
            end(AgentLog.describe(t));
        }
    }

    private void end(String why) {
        stopTaking(State.ENDED, why, "'s thread ended: " + why);
    }

    private void work() {
        List<RstwatchPlugin> plugins = load();
        if (plugins == null) {
            return;
        }
        List<RstwatchPlugin> handling =
                plugins.stream().filter(PluginJar::handlesEvents).toList();
        if (handling.isEmpty()) {
            wantsEvents = false; // a jar that only names ports: a flood's events would be built for nothing
            queue.clear();
        } else {
            setBudgets(handling);
        }
        state = State.RUNNING;
        List<RstwatchEvent> batch = new ArrayList<>(BATCH);
        boolean unflushed = false;
        long reported = System.nanoTime();
        while (!disabled() && !(stopping && queue.isEmpty())) {
            if (System.nanoTime() - reported >= EventBudget.WINDOW_NANOS) {
                unflushed |= reportHeldBack(handling);
                reported = System.nanoTime();
            }
            Integer port = nameRequests.poll();
            if (port != null) {
                askNames(plugins, port);
                continue;
            }
            batch.clear();
            queue.drainTo(batch, BATCH);
            for (int i = 0; i < batch.size() && !disabled(); i++) {
                deliver(plugins, batch.get(i));
            }
            if (!batch.isEmpty()) {
                unflushed = true;
                // During a burst, take events in batches a few ms apart instead of waiting on the queue: a
                // waiting consumer must be woken by every offer, a futex call on the capture thread each time.
                pause(BURST_PAUSE_MILLIS);
                continue;
            }
            if (unflushed) {
                for (RstwatchPlugin p : plugins) {
                    call(p, "flush", () -> p.flush());
                }
                unflushed = false;
            }
            RstwatchEvent first = next(100); // idle: one wake-up per burst
            if (first != null) {
                deliver(plugins, first);
                unflushed = true;
            }
        }
        if (!disabled()) {
            reportHeldBack(handling);
            for (RstwatchPlugin p : plugins) {
                call(p, "stop", () -> p.stop());
            }
        }
    }

    /**
     * Sleeps; an interrupt ends the pause early and is otherwise ignored: no one but the JVM's exit stops this
     * thread, and a plugin that restores the flag (the standard idiom) would else end it.
     */
    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // cleared by the exception; see above
        }
    }

    /** The next event within {@code millis}, or null; interrupts as in {@link #pause}. */
    private RstwatchEvent next(long millis) {
        try {
            return queue.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return null;
        }
    }

    /**
     * Asks each plugin that handles events for its {@code maxEventsPerSecond}. The jar's budget, applied before an
     * event is built, is the largest of them (none if any plugin wants every event); a plugin that asks for less
     * gets a budget of its own, applied here on the jar's thread.
     */
    private void setBudgets(List<RstwatchPlugin> handling) {
        Map<RstwatchPlugin, Integer> asked = new IdentityHashMap<>();
        for (RstwatchPlugin p : handling) {
            int[] answer = new int[1];
            call(p, "maxEventsPerSecond", () -> answer[0] = p.maxEventsPerSecond());
            asked.put(p, Math.max(0, answer[0]));
        }
        boolean anyUnlimited = asked.containsValue(0);
        int jarBudget = anyUnlimited
                ? 0
                : asked.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        long now = System.nanoTime();
        asked.forEach((p, perSecond) -> {
            if (perSecond > 0 && (jarBudget == 0 || perSecond < jarBudget)) {
                ownBudgets.put(p, new EventBudget(perSecond, now));
            }
        });
        budget = jarBudget == 0 ? EventBudget.UNLIMITED : new EventBudget(jarBudget, now);
    }

    /** Hands each plugin the count of events held back from it since the last report; true when any was told. */
    private boolean reportHeldBack(List<RstwatchPlugin> handling) {
        long jarHeldBack = budget.drainHeldBack();
        boolean told = false;
        for (RstwatchPlugin p : handling) {
            EventBudget own = ownBudgets.get(p);
            long n = jarHeldBack + (own == null ? 0 : own.drainHeldBack());
            if (n > 0 && !disabled()) {
                call(p, "onSuppressed", () -> p.onSuppressed(n));
                told = true;
            }
        }
        return told;
    }

    /** Whether the plugin's class (or a superclass of it) overrides onEvent; if unsure, yes. */
    private static boolean handlesEvents(RstwatchPlugin plugin) {
        try {
            return plugin.getClass().getMethod("onEvent", RstwatchEvent.class).getDeclaringClass()
                    != RstwatchPlugin.class;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return true;
        }
    }

    /** The jar's plugins, started; null when it has none or one failed to start (then the jar is disabled). */
    private List<RstwatchPlugin> load() {
        List<RstwatchPlugin> plugins;
        try {
            plugins = loader.plugins();
        } catch (PluginLoader.Refused e) {
            disable(e.getMessage());
            return null;
        }
        List<String> classes = new ArrayList<>();
        for (RstwatchPlugin p : plugins) {
            classes.add(p.getClass().getName());
        }
        pluginNames = List.copyOf(classes);
        PluginContext context = context();
        for (RstwatchPlugin p : plugins) {
            if (!call(p, "start", () -> p.start(context))) {
                disable(p.getClass().getName() + " failed to start: " + lastError);
                return null;
            }
        }
        return plugins;
    }

    private void askNames(List<RstwatchPlugin> plugins, int port) {
        for (RstwatchPlugin p : plugins) {
            String[] answer = new String[1];
            call(p, "portName", () -> answer[0] = p.portName(port));
            if (answer[0] != null && !answer[0].isBlank()) {
                names.putIfAbsent(port, answer[0].strip());
                return;
            }
        }
    }

    private void deliver(List<RstwatchPlugin> plugins, RstwatchEvent event) {
        long now = ownBudgets.isEmpty() ? 0 : System.nanoTime();
        for (RstwatchPlugin p : plugins) {
            Set<Class<?>> unknown = unknownKinds.get(p);
            if (unknown != null && unknown.contains(event.getClass())) {
                continue;
            }
            EventBudget own = ownBudgets.get(p);
            if (own != null && !(event instanceof AlertChange) && !own.take(now)) {
                continue;
            }
            call(p, "onEvent", () -> {
                try {
                    p.onEvent(event);
                } catch (RuntimeException | IncompatibleClassChangeError e) {
                    if (!NEWER_KINDS.contains(event.getClass()) || !isNoMatch(e)) {
                        throw e;
                    }
                    // Built for an API version without this kind: its exhaustive switch has no branch for it.
                    unknownKinds.computeIfAbsent(p, k -> new HashSet<>()).add(event.getClass());
                    AgentLog.write(
                            LogLevel.INFO,
                            "plugin " + jar.getFileName() + " does not handle "
                                    + event.getClass().getSimpleName()
                                    + " events, which plugin API 2 added: they are not handed to it again",
                            null);
                }
            });
        }
        delivered.incrementAndGet();
    }

    /** What a switch over the event kinds built before a kind existed throws for it (Java 21+, or 17 preview). */
    private static boolean isNoMatch(Throwable e) {
        return e instanceof IncompatibleClassChangeError
                || e.getClass().getName().equals("java.lang.MatchException");
    }

    private interface Call {
        void run() throws Exception;
    }

    /** Runs one call into plugin code; a failure is counted, and too many in a row disable the jar. */
    private boolean call(RstwatchPlugin p, String method, Call c) {
        callName = method;
        callStartedNanos = System.nanoTime();
        try {
            c.run();
            streak.succeeded(method);
            return true;
        } catch (Throwable t) {
            failures.incrementAndGet();
            lastError = p.getClass().getSimpleName() + "." + method + ": " + AgentLog.describe(t);
            if (streak.failed(method)) {
                disable("failed " + FailureStreak.LIMIT + " calls in a row, the last with " + lastError
                        + "; fix the plugin, then restart the JVM");
            }
            return false;
        } finally {
            callStartedNanos = 0;
            Thread.interrupted(); // a flag the plugin set is not ours to obey (see pause)
        }
    }

    private void disable(String why) {
        stopTaking(State.DISABLED, why, " is disabled: it " + why);
    }

    /** No more events or name requests for the jar, with {@code why} in its row and one WARN line. */
    private void stopTaking(State to, String why, String said) {
        disabledBecause = why;
        state = to;
        queue.clear();
        nameRequests.clear();
        AgentLog.write(
                LogLevel.WARN, "plugin " + jar.getFileName() + said + "; the agent keeps working without it", null);
    }

    /**
     * The context handed to the jar's plugins. Its class is the API's, and its log sink a JDK proxy over a bound
     * method handle: nothing a plugin can reflect on leads to the agent's class loader or its objects.
     */
    private PluginContext context() {
        Consumer<String> sink;
        try {
            MethodHandle log = MethodHandles.lookup()
                    .findVirtual(PluginJar.class, "log", MethodType.methodType(void.class, String.class))
                    .bindTo(this);
            sink = MethodHandleProxies.asInterfaceInstance(Consumer.class, log);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return PluginContext.of(loader.settings(), jar.toAbsolutePath().getParent(), Version.get(), sink);
    }

    /** A plugin's log line, bounded per jar. */
    private void log(String sentence) {
        long n = logLines.incrementAndGet();
        if (n <= LOG_LINES_MAX) {
            AgentLog.write(
                    LogLevel.INFO,
                    "plugin " + name + ": " + sentence
                            + (n == LOG_LINES_MAX ? " (its further lines are not shown)" : ""),
                    null);
        }
    }

    /** Asks the thread to deliver what is queued, call stop, and end; waits until {@code deadlineNanos}. */
    void stop(long deadlineNanos) {
        stopping = true;
        long left = deadlineNanos - System.nanoTime();
        if (thread != null && left > 0) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    PluginRow row() {
        long started = callStartedNanos;
        State at = state;
        String now = at == State.DISABLED
                ? "disabled: " + disabledBecause
                : at == State.ENDED ? "ended: " + disabledBecause : at.name().toLowerCase(Locale.ROOT);
        if (started != 0 && System.nanoTime() - started > BLOCKED_NANOS) {
            now = "blocked: in " + callName + " for " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)
                    + " s (events are dropped meanwhile)";
        }
        return new PluginRow(
                jar.getFileName().toString(),
                String.join(", ", pluginNames),
                now,
                delivered.get(),
                dropped.get(),
                failures.get(),
                lastError);
    }
}
