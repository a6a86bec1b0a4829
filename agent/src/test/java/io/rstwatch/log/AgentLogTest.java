package io.rstwatch.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A log line names a throwable and its causes once each, whatever the chain and its toString()s do. */
class AgentLogTest {
    @Test
    void aCycleOfCausesIsWrittenOnceEach() {
        IllegalStateException a = new IllegalStateException("A");
        IllegalArgumentException b = new IllegalArgumentException("B");
        a.initCause(b);
        b.initCause(a); // A -> B -> A: allowed by initCause, which only refuses a throwable as its own cause
        StringBuilder sb = new StringBuilder();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> AgentLog.appendCauses(sb, a));
        assertEquals(
                ": java.lang.IllegalStateException: A; caused by java.lang.IllegalArgumentException: B; caused by (a"
                        + " cycle back to java.lang.IllegalStateException)",
                sb.toString());
    }

    @Test
    void aLongChainIsCut() {
        Throwable t = new RuntimeException("0");
        for (int i = 1; i < 10_000; i++) {
            t = new RuntimeException(Integer.toString(i), t);
        }
        StringBuilder sb = new StringBuilder();
        AgentLog.appendCauses(sb, t);
        assertTrue(sb.length() < 2_000, sb.length() + " characters");
        assertTrue(sb.toString().endsWith("; and more causes"), sb.toString());
    }

    @Test
    void aThrowingToStringOrGetCauseEndsNothing() {
        RuntimeException hostile = new RuntimeException() {
            @Override
            public String toString() {
                throw new IllegalStateException("no");
            }

            @Override
            public synchronized Throwable getCause() {
                throw new UnsupportedOperationException();
            }
        };
        StringBuilder sb = new StringBuilder();
        AgentLog.appendCauses(sb, new RuntimeException("outer", hostile));
        assertTrue(sb.toString().contains("its toString() threw java.lang.IllegalStateException"), sb.toString());
        assertTrue(sb.toString().startsWith(": java.lang.RuntimeException: outer; caused by "), sb.toString());
    }
}
