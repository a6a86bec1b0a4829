package io.rstwatch.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.listeners.ListenBacklogs;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Connects table's rows as Endpoint MBeans in the platform MBean server, as collectors read them. */
class EndpointMBeansTest {
    private static final Callers.Caller ORDERS = new Callers.Caller(
            "com.example.orders.OrderService.place(OrderService.java:42)",
            "com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:100)");
    private static final Callers.Caller BILLING = new Callers.Caller("com.example.Billing.charge(Billing.java:7)", "");

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private Callers.Caller onTheStack = ORDERS;
    private final ConnectRecorder recorder = new ConnectRecorder(
            () -> onTheStack, (endpoint, cause, caller) -> {}, new ListenBacklogs(), 600, 60, clock::get);
    private final EndpointMBeans mbeans = new EndpointMBeans(recorder, 60);

    @AfterEach
    void unregister() throws Exception {
        for (ObjectName n : server.queryNames(new ObjectName("rstwatch:type=Endpoint,*"), null)) {
            server.unregisterMBean(n);
        }
    }

    @Test
    void eachEndpointIsAnMBeanWithItsCausesAndItsCallersCounted() throws Exception {
        InetSocketAddress db = InetSocketAddress.createUnresolved("payments-db", 5432);
        recorder.connectFailed(new Object(), db, new ConnectException("Connection refused"), System.nanoTime());
        recorder.connectFailed(new Object(), db, new ConnectException("Connection refused"), System.nanoTime());
        onTheStack = BILLING; // on a thread of its own: a thread's caller is remembered for a moment
        Thread billing = new Thread(() -> recorder.connectFailed(
                new Object(), db, new SocketTimeoutException("Connect timed out"), System.nanoTime()));
        billing.start();
        billing.join();
        mbeans.everySecond();

        ObjectName name = new ObjectName("rstwatch:type=Endpoint,host=payments-db,port=5432");
        assertEquals("payments-db", server.getAttribute(name, "Host"));
        assertEquals(5432, server.getAttribute(name, "Port"));
        assertEquals(3L, server.getAttribute(name, "FailedTotal"));
        assertEquals(2L, server.getAttribute(name, "RefusedTotal"));
        assertEquals(1L, server.getAttribute(name, "TimedOutTotal"));
        assertEquals("", server.getAttribute(name, "Address"), "never resolved: no lookup here");
        TabularData callers = (TabularData) server.getAttribute(name, "Callers");
        assertEquals(2, callers.size());
        assertEquals(2L, callers.get(new Object[] {ORDERS.toString()}).get("value"));
        assertEquals(1L, callers.get(new Object[] {BILLING.toString()}).get("value"));
        assertTrue((Double) server.getAttribute(name, "RefusedPerSecond") >= 0);
    }

    @Test
    void aHostThatIsMoreThanANameIsQuotedAndStillOneMBean() throws Exception {
        recorder.connectFailed(
                new Object(),
                new InetSocketAddress("::1", 6379),
                new ConnectException("Connection refused"),
                System.nanoTime());
        recorder.connectFailed(
                new Object(),
                InetSocketAddress.createUnresolved("evil,type=Agent", 80),
                new ConnectException("Connection refused"),
                System.nanoTime());
        mbeans.everySecond();
        ObjectName v6 =
                new ObjectName("rstwatch:type=Endpoint,host=" + ObjectName.quote("0:0:0:0:0:0:0:1") + ",port=6379");
        assertEquals(1L, server.getAttribute(v6, "RefusedTotal"));
        assertEquals("0:0:0:0:0:0:0:1", server.getAttribute(v6, "Address"));
        ObjectName evil =
                new ObjectName("rstwatch:type=Endpoint,host=" + ObjectName.quote("evil,type=Agent") + ",port=80");
        assertEquals("evil,type=Agent", server.getAttribute(evil, "Host"));
        assertEquals(
                2,
                server.queryNames(new ObjectName("rstwatch:type=Endpoint,*"), null)
                        .size());
    }

    @Test
    void theTableIsBoundedAndARowThatLeavesTakesItsMBeanWithIt() throws Exception {
        for (int i = 0; i < ConnectRecorder.MAX_ENDPOINTS + 10; i++) {
            recorder.connectFailed(
                    new Object(),
                    InetSocketAddress.createUnresolved("svc" + i, 80),
                    new ConnectException("Connection refused"),
                    System.nanoTime());
        }
        mbeans.everySecond();
        ObjectName others = new ObjectName("rstwatch:type=Endpoint,host=other,port=other");
        assertEquals(10L, server.getAttribute(others, "RefusedTotal"));
        assertEquals(
                ConnectRecorder.MAX_ENDPOINTS + 1,
                server.queryNames(new ObjectName("rstwatch:type=Endpoint,*"), null)
                        .size());

        // svc0 stays quiet for ports.idle: a new endpoint takes its row, and its counts go to the row for others.
        clock.addAndGet(601_000);
        recorder.connectFailed(
                new Object(),
                InetSocketAddress.createUnresolved("newcomer", 80),
                new ConnectException("Connection refused"),
                System.nanoTime());
        clock.addAndGet(2_000); // settled
        mbeans.everySecond();
        assertFalse(server.isRegistered(new ObjectName("rstwatch:type=Endpoint,host=svc0,port=80")));
        assertTrue(server.isRegistered(new ObjectName("rstwatch:type=Endpoint,host=newcomer,port=80")));
        assertEquals(11L, server.getAttribute(others, "RefusedTotal"), "its count lives on in the others' row");
    }
}
