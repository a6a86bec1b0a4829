package io.rstwatch.jmx;

import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.DynamicMBean;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanRegistration;
import javax.management.MBeanServer;
import javax.management.NotificationEmitter;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the agent's MBeans in the platform MBean server, where collectors look. A registration that fails
 * (an MBeanServerBuilder of the application's that refuses it, a name taken by another loader) is never silent:
 * one WARN line, and the Agent MBean's Status counts it ({@link #status}).
 */
public final class MBeans {
    private static final Logger LOG = LoggerFactory.getLogger(MBeans.class);
    private static final AtomicInteger FAILED = new AtomicInteger();
    private static final AtomicReference<String> LAST_FAILURE = new AtomicReference<>("");

    private MBeans() {}

    /** Registers (replacing an earlier registration of the same name); false, with one warning, on failure. */
    public static <T> boolean register(ObjectName name, T implementation, Class<T> type) {
        try {
            return register(name, new DescribedMBean<>(implementation, type));
        } catch (JMException | RuntimeException e) {
            return failed(name, e);
        }
    }

    /** Registers a ready-made MBean (for those that also send notifications). */
    public static boolean register(ObjectName name, StandardMBean mbean) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(facade(mbean), name);
            return true;
        } catch (JMException | RuntimeException | LinkageError e) {
            return failed(name, e);
        }
    }

    /**
     * What the server holds: a JDK proxy defined by the boot loader, forwarding to the MBean. The server answers
     * {@code getClassLoaderFor(name)} with the loader of the object it holds; so it names no loader at all, rather
     * than handing the agent's to any code in the JVM.
     */
    static Object facade(StandardMBean mbean) {
        List<Class<?>> interfaces = new ArrayList<>(List.of(DynamicMBean.class, MBeanRegistration.class));
        if (mbean instanceof NotificationEmitter) {
            interfaces.add(NotificationEmitter.class);
        }
        InvocationHandler forward = (proxy, method, args) -> {
            try {
                return method.invoke(mbean, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return Proxy.newProxyInstance(null, interfaces.toArray(new Class<?>[0]), forward);
    }

    /** Removes an MBean (a Port entry that was evicted or folded into a scanner); a warning if that fails. */
    public static void unregister(ObjectName name) {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // gone already
        } catch (JMException | RuntimeException e) {
            LOG.warn("cannot unregister MBean {}: {}", name, e.toString());
        }
    }

    /** "MBeans under rstwatch:type=*", and how many could not be registered, for the Agent's Status. */
    public static String status() {
        int failed = FAILED.get();
        String under = "MBeans under " + ObjectNames.ALL_TEXT;
        return failed == 0
                ? under
                : under + "; " + failed + " could not be registered (last: " + LAST_FAILURE.get() + "; see the log)";
    }

    private static boolean failed(ObjectName name, Throwable e) {
        FAILED.incrementAndGet();
        LAST_FAILURE.set(name + ": " + e);
        LOG.warn("cannot register MBean {} ({}); the other MBeans keep working", name, e.toString());
        return false;
    }
}
