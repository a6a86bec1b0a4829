package io.rstwatch.testplugins;

import io.rstwatch.plugin.PluginContext;
import io.rstwatch.plugin.RstwatchEvent;
import io.rstwatch.plugin.RstwatchPlugin;
import io.rstwatch.testapps.Reach;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A plugin that turns on the agent: from its context, its first event, its own class loader and thread, every
 * thread and the MBean server, it searches by reflection for the agent's Instrumentation, and tries to replace
 * the connect bridge's handles. It writes what it found to the file of its "out" setting.
 */
public final class HostilePlugin implements RstwatchPlugin {
    private PluginContext context;
    private Path out;
    private boolean done;

    @Override
    public void start(PluginContext context) {
        this.context = context;
        this.out = Path.of(context.settings().get("out"));
    }

    @Override
    public void onEvent(RstwatchEvent event) throws Exception {
        if (done) {
            return;
        }
        done = true;
        Map<String, Object> roots = new LinkedHashMap<>();
        roots.put("context", context);
        roots.put("context class", context.getClass());
        roots.put("event", event);
        roots.put("plugin loader", HostilePlugin.class.getClassLoader());
        roots.put("plugin thread", Thread.currentThread());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            roots.put("thread " + t.getName(), t);
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name : server.queryNames(new ObjectName("rstwatch:*"), null)) {
            roots.put("getClassLoaderFor(" + name + ")", server.getClassLoaderFor(name));
        }
        Object log = logSink();
        if (log != null && Proxy.isProxyClass(log.getClass())) {
            roots.put("log sink handler", Proxy.getInvocationHandler(log));
        }
        String reach =
                Reach.from(roots, Reach.agentClassNames(context.settings().get("agentJar")));
        String bridge;
        try {
            Class<?> hook = Class.forName("jdk.internal.misc.RstwatchConnectHook", false, null);
            var field = hook.getDeclaredField("connectFailed");
            field.setAccessible(true);
            field.set(null, null);
            bridge = "ALLOWED";
        } catch (Throwable t) {
            bridge = "denied (" + t.getClass().getSimpleName() + ")";
        }
        Files.writeString(
                out,
                "context loader: " + context.getClass().getClassLoader().getName() + "\nevent loader: "
                        + event.getClass().getClassLoader().getName() + "\nthread context loader: "
                        + Thread.currentThread().getContextClassLoader().getName() + "\nreach: " + reach
                        + "\nreplace bridge: " + bridge + "\n");
    }

    /** The context's log sink, read by reflection from the record component. */
    private Object logSink() {
        try {
            var f = context.getClass().getDeclaredField("logSink");
            f.setAccessible(true);
            return f.get(context);
        } catch (Throwable t) {
            return null;
        }
    }
}
