package io.rstwatch.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentJvm;
import java.time.Duration;
import java.time.Instant;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** rstwatch:type=Agent as a collector sees it: an MXBean, every attribute described. */
class AgentMBeanIT {
    @Test
    void agentMBeanIsADescribedMXBean() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        try (AgentJvm jvm = AgentJvm.builder().main(Idle.class).start()) {
            jvm.attribute("rstwatch:type=Agent", "Status", Duration.ofSeconds(60));
            MBeanServerConnection c = jvm.jmx();
            ObjectName name = new ObjectName("rstwatch:type=Agent");
            MBeanInfo info = c.getMBeanInfo(name);
            assertEquals("true", info.getDescriptor().getFieldValue("mxbean"));
            assertTrue(info.getDescription().startsWith("The rstwatch agent"), info.getDescription());
            for (MBeanAttributeInfo a : info.getAttributes()) {
                assertFalse(
                        a.getDescription() == null
                                || a.getDescription().isBlank()
                                || a.getDescription().equals(a.getName()),
                        a.getName() + " has no description");
                assertFalse(a.isWritable(), a.getName() + " must be read-only");
            }
            assertTrue(((String) c.getAttribute(name, "Version")).matches("\\d+\\.\\d+\\.\\d+.*"));
            Instant started = Instant.parse((String) c.getAttribute(name, "StartedAt"));
            assertFalse(
                    started.isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)), started.toString());
            assertFalse(started.isAfter(Instant.now()), started.toString());
        }
    }

    /**
     * Security row "whoever reaches JMX": read-only by design. Every rstwatch MBean of a running agent (a Port
     * entry included) has no operation and no writable attribute, and is described; the MBean server names no
     * class loader for it.
     */
    @Test
    void everyRstwatchMBeanIsReadOnlyWithNoOperations() throws Exception {
        try (AgentJvm jvm = AgentJvm.builder().main(Idle.class).start()) {
            jvm.awaitAgentStarted(Duration.ofSeconds(60));
            if (io.rstwatch.testing.Requirements.isRoot()) {
                jvm.awaitCaptureCaughtUp(Duration.ofSeconds(60)); // a Port MBean too
            }
            MBeanServerConnection c = jvm.jmx();
            java.util.Set<ObjectName> names = c.queryNames(new ObjectName("rstwatch:*"), null);
            assertTrue(names.size() >= 6, names.toString());
            for (ObjectName name : names) {
                MBeanInfo info = c.getMBeanInfo(name);
                assertEquals(0, info.getOperations().length, name + " has operations");
                assertEquals(0, info.getConstructors().length, name + " has constructors");
                for (MBeanAttributeInfo a : info.getAttributes()) {
                    assertFalse(a.isWritable(), name + " " + a.getName() + " is writable");
                    assertFalse(a.getDescription() == null || a.getDescription().equals(a.getName()), a.getName());
                }
            }
        }
    }
}
