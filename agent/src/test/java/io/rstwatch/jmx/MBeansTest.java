package io.rstwatch.jmx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** A registration that fails is never silent: false, one WARN line, and a count in the Agent's Status. */
class MBeansTest {
    @Test
    void aFailedRegistrationIsCountedInTheStatus() throws Exception {
        assertFalse(MBeans.register(new ObjectName("rstwatch:type=Broken"), "not an MBean", String.class));
        String status = MBeans.status();
        assertTrue(status.startsWith("MBeans under rstwatch:type=*; "), status);
        assertTrue(status.contains("could not be registered (last: rstwatch:type=Broken: "), status);
    }
}
