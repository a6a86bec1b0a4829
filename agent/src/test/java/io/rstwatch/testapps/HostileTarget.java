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
 * whose Status holds terminal escape sequences, and a Port MBean whose port key does; {@code gadget}, one whose Status is a java.net.URL (the URLDNS
 * probe: deserialising it resolves the host). Prints "ready", then waits for stdin to close.
 */
public final class HostileTarget {
    public interface FakeAgentMBean {
        String getStatus();
    }

    /** An MBean whose every attribute is a URL. */
    static final class UrlStatus implements javax.management.DynamicMBean {
        @Override
        public Object getAttribute(String attribute) {
            try {
                return new java.net.URL("http://rstwatch-gadget.invalid/");
            } catch (java.net.MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void setAttribute(javax.management.Attribute attribute) {}

        @Override
        public javax.management.AttributeList getAttributes(String[] attributes) {
            return new javax.management.AttributeList();
        }

        @Override
        public javax.management.AttributeList setAttributes(javax.management.AttributeList attributes) {
            return attributes;
        }

        @Override
        public Object invoke(String action, Object[] params, String[] signature) {
            return null;
        }

        @Override
        public javax.management.MBeanInfo getMBeanInfo() {
            return new javax.management.MBeanInfo(
                    UrlStatus.class.getName(),
                    "a hostile target's fake agent",
                    new javax.management.MBeanAttributeInfo[] {
                        new javax.management.MBeanAttributeInfo("Status", "java.net.URL", "a URL", true, false, false)
                    },
                    null,
                    null,
                    null);
        }
    }

    /** What report reads of a Port MBean, as a target of its own may register one. */
    public interface FakePortMBean {
        double getRefusedPerSecond();

        double getUnansweredPerSecond();

        double getUnreachablePerSecond();

        double getResetsPerSecond();

        long getRefusedTotal();

        long getUnansweredTotal();

        long getUnreachableTotal();

        long getResetsTotal();

        String getAddress();

        String[] getInterfaces();

        boolean isListening();

        String getService();

        String getDiagnosis();

        String getLastListener();

        String[] getJvmCallers();
    }

    /** A Port MBean with refusals, so that report shows it. */
    static final class BusyPort implements FakePortMBean {
        @Override
        public double getRefusedPerSecond() {
            return 1;
        }

        @Override
        public double getUnansweredPerSecond() {
            return 0;
        }

        @Override
        public double getUnreachablePerSecond() {
            return 0;
        }

        @Override
        public double getResetsPerSecond() {
            return 0;
        }

        @Override
        public long getRefusedTotal() {
            return 5;
        }

        @Override
        public long getUnansweredTotal() {
            return 0;
        }

        @Override
        public long getUnreachableTotal() {
            return 0;
        }

        @Override
        public long getResetsTotal() {
            return 0;
        }

        @Override
        public String getAddress() {
            return "127.0.0.1";
        }

        @Override
        public String[] getInterfaces() {
            return new String[] {"lo"};
        }

        @Override
        public boolean isListening() {
            return false;
        }

        @Override
        public String getService() {
            return "";
        }

        @Override
        public String getDiagnosis() {
            return "refused";
        }

        @Override
        public String getLastListener() {
            return "";
        }

        @Override
        public String[] getJvmCallers() {
            return new String[0];
        }
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
            case "gadget":
                ManagementFactory.getPlatformMBeanServer()
                        .registerMBean(new UrlStatus(), new ObjectName("rstwatch:type=Agent"));
                address = null;
                break;
            default:
                FakeAgentMBean fake = () -> "running\u001b]0;pwned\u0007\u001b[2J\r\nFAKE LINE \u202Eevil";
                ManagementFactory.getPlatformMBeanServer()
                        .registerMBean(
                                new StandardMBean(fake, FakeAgentMBean.class), new ObjectName("rstwatch:type=Agent"));
                ManagementFactory.getPlatformMBeanServer()
                        .registerMBean(
                                new StandardMBean(new BusyPort(), FakePortMBean.class),
                                new ObjectName("rstwatch:type=Port,scope=local,port="
                                        + ObjectName.quote("\u001b[2J\u001b]0;pwned\u00077211")));
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
