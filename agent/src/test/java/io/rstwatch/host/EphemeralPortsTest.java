package io.rstwatch.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EphemeralPortsTest {
    @Test
    void readsTheSysctlAsTheKernelWritesIt() {
        assertEquals(new EphemeralPorts(32768, 60999), EphemeralPorts.parse("32768\t60999\n"));
        assertEquals(new EphemeralPorts(1024, 65000), EphemeralPorts.parse("1024 65000"));
    }

    @Test
    void holdsBothEnds() {
        EphemeralPorts r = EphemeralPorts.parse("40000\t40010\n");
        assertFalse(r.contains(39999));
        assertTrue(r.contains(40000));
        assertTrue(r.contains(40010));
        assertFalse(r.contains(40011));
    }

    @Test
    void refusesWhatIsNotARange() {
        for (String text : new String[] {"", "32768", "32768 60999 1", "a b", "60999 32768", "0 100", "1 65536"}) {
            assertThrows(IllegalArgumentException.class, () -> EphemeralPorts.parse(text), text);
        }
    }
}
