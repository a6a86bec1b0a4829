package io.rstwatch.jmx;

import io.rstwatch.common.DaemonThreads;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanNotificationInfo;
import javax.management.NotificationBroadcasterSupport;

/**
 * Calls JMX notification listeners on a thread of its own, with a bounded queue: a NotificationBroadcasterSupport
 * without an executor calls every listener on the sender's thread, so one listener that blocks (a stuck JMX
 * client) would freeze the alert. When the queue is full, a notification is dropped and counted.
 */
public final class NotificationDispatcher {
    static final int QUEUE = 256;

    private final AtomicLong dropped = new AtomicLong();
    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            DaemonThreads.named("rstwatch-notify"),
            (task, pool) -> dropped.incrementAndGet());

    /** A broadcaster for one MBean whose listeners are called on this dispatcher's thread. */
    public NotificationBroadcasterSupport broadcaster(MBeanNotificationInfo info) {
        return new NotificationBroadcasterSupport(executor, info);
    }

    /** Notifications not delivered because the queue was full (a listener slow or blocked), since start. */
    public long droppedTotal() {
        return dropped.get();
    }
}
