package io.rstwatch.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.jmx.ConnectsMXBean;
import io.rstwatch.jmx.EndpointRow;
import io.rstwatch.jmx.ObjectNames;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import org.junit.jupiter.api.Test;

class AnswerTest {
    /**
     * Issue 14, part 14 (seen in the demo's report: "(30)" above one row of 29): the Connects header and rows are
     * read in two calls, and an application failing twice a second fails between them now and then. The header
     * is the sum of the rows it heads, the last of which holds the endpoints that gave their rows away.
     */
    @Test
    void theConnectsHeaderCountsTheRowsItHeads() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        server.registerMBean(new MovingConnects(), ObjectNames.CONNECTS);
        Answer answer = new Answer(server);
        String text = answer.callers(answer.endpoints());
        assertTrue(text.startsWith("Failed connects from code in this JVM (33):\n"), text);
    }

    /** One failure more each time it is read, as a live application's counts are. */
    public static final class MovingConnects implements ConnectsMXBean {
        private long failures = 29;

        @Override
        public long getFailedTotal() {
            return ++failures + 3;
        }

        @Override
        public long getRefusedTotal() {
            return failures;
        }

        @Override
        public long getTimedOutTotal() {
            return 0;
        }

        @Override
        public long getUnreachableTotal() {
            return 0;
        }

        @Override
        public long getOtherTotal() {
            return 3;
        }

        @Override
        public long getDnsFailedTotal() {
            return 0;
        }

        @Override
        public long getDnsResolverFailedTotal() {
            return 0;
        }

        @Override
        public long getTlsFailedTotal() {
            return 0;
        }

        @Override
        public long getConnectedTotal() {
            return 0;
        }

        @Override
        public double getConnectMillisP50() {
            return 0;
        }

        @Override
        public double getConnectMillisP99() {
            return 0;
        }

        @Override
        public double getConnectMillisMax() {
            return 0;
        }

        @Override
        public EndpointRow[] getEndpoints() {
            return new EndpointRow[] {
                new EndpointRow("127.0.0.1:7211", ++failures, 0, 0, 0, 0, 0, "com.example.Poller.poll(Poller.java:42)"),
                new EndpointRow("other endpoints", 0, 0, 0, 3, 0, 0, "")
            };
        }
    }
}
