package io.rstwatch.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.Await;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import org.junit.jupiter.api.Test;

/** Fault matrix: a NotificationListener that blocks freezes nothing; what cannot be delivered is counted. */
class NotificationDispatcherTest {
    private static final MBeanNotificationInfo INFO =
            new MBeanNotificationInfo(new String[] {"test"}, Notification.class.getName(), "test");

    @Test
    void aBlockingListenerHoldsUpNoSenderAndItsDropsAreCounted() throws Exception {
        NotificationDispatcher dispatcher = new NotificationDispatcher();
        NotificationBroadcasterSupport broadcaster = dispatcher.broadcaster(INFO);
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        broadcaster.addNotificationListener(
                (n, h) -> {
                    entered.incrementAndGet();
                    try {
                        never.await(); // a JMX client that stopped reading
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                null,
                null);
        int sent = NotificationDispatcher.QUEUE + 100;
        Thread sender = new Thread(() -> {
            for (int i = 0; i < sent; i++) {
                broadcaster.sendNotification(new Notification("test", "source", i));
            }
        });
        sender.start();
        sender.join(Duration.ofSeconds(10).toMillis());
        assertTrue(!sender.isAlive(), "the sender was held up by the listener");
        Await.until("the listener to be called", Duration.ofSeconds(10), () -> entered.get() == 1);
        // One in the listener, QUEUE waiting, the rest dropped.
        assertEquals(sent - 1 - NotificationDispatcher.QUEUE, dispatcher.droppedTotal());
        never.countDown();
    }

    @Test
    void aListenerThatKeepsUpGetsEverything() throws Exception {
        NotificationDispatcher dispatcher = new NotificationDispatcher();
        NotificationBroadcasterSupport broadcaster = dispatcher.broadcaster(INFO);
        AtomicInteger received = new AtomicInteger();
        broadcaster.addNotificationListener((n, h) -> received.incrementAndGet(), null, null);
        for (int i = 0; i < 50; i++) {
            broadcaster.sendNotification(new Notification("test", "source", i));
        }
        Await.until("50 notifications", Duration.ofSeconds(10), () -> received.get() == 50);
        assertEquals(0, dispatcher.droppedTotal());
    }
}
