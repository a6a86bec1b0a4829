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
}
