package io.rstwatch.jmx;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers the agent's MBeans in the platform MBean server, where collectors look. */
public final class MBeans {
    private static final Logger LOG = LoggerFactory.getLogger(MBeans.class);

    private MBeans() {}

    /** Registers (replacing an earlier registration of the same name); false, with one warning, on failure. */
    public static <T> boolean register(ObjectName name, T implementation, Class<T> type) {
        try {
            return register(name, new DescribedMBean<>(implementation, type));
        } catch (JMException e) {
            LOG.warn("cannot register MBean {}; the other MBeans keep working", name, e);
            return false;
        }
    }

    /** Registers a ready-made MBean (for those that also send notifications). */
    public static boolean register(ObjectName name, StandardMBean mbean) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(mbean, name);
            return true;
        } catch (JMException e) {
            LOG.warn("cannot register MBean {}; the other MBeans keep working", name, e);
            return false;
        }
    }
}
