package io.rstwatch.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OriginsTest {
    private final Origins origins = new Origins();
    private final Callers.Caller orders = new Callers.Caller("com.example.Orders.place(Orders.java:12)", "");
    private final Callers.Caller billing = new Callers.Caller("com.example.Billing.charge(Billing.java:7)", "");

    @Test
    void aSocketIsKnownByWhoMadeItWithoutBeingHeld() {
        Object socket = new Object();
        origins.made(socket, orders, 0);
        assertEquals(orders, origins.madeBy(socket, 1));
        assertNull(origins.madeBy(new Object(), 1), "another socket has no origin");
    }

    @Test
    void anOriginIsTrustedForAMinuteOnly() {
        Object socket = new Object();
        origins.made(socket, orders, 0);
        assertEquals(orders, origins.madeBy(socket, Origins.MAX_AGE_NANOS - 1));
        assertNull(origins.madeBy(socket, Origins.MAX_AGE_NANOS));
    }

    @Test
    void theTableStaysItsSizeAndTheNewestSocketsAreKnown() {
        List<Object> sockets = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            Object s = new Object();
            sockets.add(s);
            origins.made(s, i % 2 == 0 ? orders : billing, 0);
        }
        int known = 0;
        for (Object s : sockets) {
            known += origins.madeBy(s, 0) != null ? 1 : 0;
        }
        assertEquals(true, known <= Origins.SOCKETS, known + " known");
        // The last one made always holds its slot, with its own origin.
        assertEquals(billing, origins.madeBy(sockets.get(sockets.size() - 1), 0));
    }

    @Test
    void destinationsKeepTheLastAskerAndTheMostRecentlyAsked() {
        origins.asked("payments:443", orders);
        origins.asked("payments:443", billing);
        assertEquals(billing, origins.askedBy("payments:443"));
        for (int i = 0; i < Origins.MAX_DESTINATIONS; i++) {
            origins.asked("svc" + i + ":80", orders);
        }
        assertNull(origins.askedBy("payments:443"), "the least recently asked gave way");
        assertEquals(orders, origins.askedBy("svc0:80"));
    }
}
