package io.rstwatch.cli;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.Closeable;
import java.io.IOException;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;

/**
 * A JMX connection to another JVM on this host through the attach API, the way JConsole connects to a local
 * process: it starts the target's local management agent if needed (a JMX connector on a loopback port that
 * stays open until that JVM exits, for processes of the same user). Only the local connector's own address is
 * followed ({@link LocalConnector}). Used by {@code report} and by the tests.
 */
public final class AttachedJvm implements Closeable {
    private final JMXConnector connector;
    private final MBeanServerConnection connection;

    private AttachedJvm(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.connection = Printable.cleaning(connector.getMBeanServerConnection());
    }

    public static AttachedJvm attach(long pid) throws IOException {
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException e) {
            throw new IOException(
                    "cannot attach to JVM " + pid + ": " + e.getMessage() + " (run as the same user as that JVM)", e);
        }
        try {
            String address = vm.startLocalManagementAgent();
            return new AttachedJvm(LocalConnector.connect(address));
        } finally {
            vm.detach();
        }
    }

    public MBeanServerConnection connection() {
        return connection;
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
