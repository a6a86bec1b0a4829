package io.rstwatch.testapps;

import java.lang.management.ManagementFactory;
import java.util.Properties;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A JVM that lies to {@code report}: it hands back, as its local connector address, whatever it likes. Needs
 * {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}, to set the agent property the attach API reads.
 * Modes: {@code offer ADDRESS}; {@code remote-stub}, a real connector whose stub points at
 * java.rmi.server.hostname; {@code escapes}, an honest connector with an rstwatch:type=Agent MBean of its own
 * whose Status holds terminal escape sequences. Prints "ready", then waits for stdin to close.
 */
public final class HostileTarget {
    public interface FakeAgentMBean {
        String getStatus();
    }

    public static void main(String[] args) throws Exception {
        String address;
        switch (args[0]) {
            case "offer":
                address = args[1];
                break;
            case "remote-stub":
                JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(
                        new JMXServiceURL("rmi", "127.0.0.1", 0), null, ManagementFactory.getPlatformMBeanServer());
                server.start();
                address = server.getAddress().toString();
                break;
            default:
                FakeAgentMBean fake = () -> "running\u001b]0;pwned\u0007\u001b[2J\r\nFAKE LINE \u202Eevil";
                ManagementFactory.getPlatformMBeanServer()
                        .registerMBean(
                                new StandardMBean(fake, FakeAgentMBean.class), new ObjectName("rstwatch:type=Agent"));
                address = null;
        }
        if (address != null) {
            Properties agent = (Properties) Class.forName("jdk.internal.vm.VMSupport")
                    .getMethod("getAgentProperties")
                    .invoke(null);
            agent.setProperty("com.sun.management.jmxremote.localConnectorAddress", address);
        }
        System.out.println("ready");
        while (System.in.read() >= 0) {
            // wait for the test to close stdin
        }
    }
}
