package io.rstwatch.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.common.DurationWindow;
import io.rstwatch.listeners.ListenBacklogs;
import io.rstwatch.testlibs.channel.AbstractChannel;
import io.rstwatch.testlibs.io.netty.channel.uring.AbstractIoUringChannel;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Connects that a library's own thread makes are counted with the code that asked for them: the recorder is told
 * what each thread's stack says, as the advice's calls would find it.
 */
class ConnectOriginsTest {
    private static final Callers.Caller ORDERS =
            new Callers.Caller("com.example.Orders.place(Orders.java:12)", "io.netty.bootstrap.Bootstrap.connect(..)");
    private static final Callers.Caller EVENT_LOOP =
            Callers.Caller.ofThread("nioEventLoopGroup-2-1", "io.netty.channel.nio.NioEventLoop.run(..)");

    private final List<String> counted = new ArrayList<>();
    /** What the calling thread's stack says now. */
    private Callers.Caller onTheStack;

    /** How many times the recorder read the stack. */
    private int walks;

    private final ConnectRecorder recorder = new ConnectRecorder(
            () -> {
                walks++;
                return onTheStack;
            },
            (endpoint, cause, caller) -> counted.add(endpoint.getPort() + " " + cause + " " + caller.frame()),
            new ListenBacklogs(),
            600,
            60,
            System::currentTimeMillis);

    private final InetSocketAddress dead = new InetSocketAddress("127.0.0.1", 7211);

    @Test
    void aChannelConnectedOnAnEventLoopIsCountedWithTheCodeThatMadeIt() {
        Object channel = new Object();
        onTheStack = ORDERS; // Bootstrap.connect on the application's thread makes the channel
        recorder.channelMade(channel);
        onTheStack = EVENT_LOOP; // the event loop connects it, and learns it failed
        recorder.channelConnect(channel, dead, null, false, System.nanoTime());
        recorder.finishConnect(channel, dead, new ConnectException("Connection refused"), false);
        assertEquals(List.of("7211 REFUSED com.example.Orders.place(Orders.java:12)"), counted);
    }

    @Test
    void aNativeFailureIsCountedWithTheCodeThatMadeTheSocket() {
        Object socket = new Object();
        onTheStack = ORDERS;
        recorder.channelMade(socket);
        onTheStack = EVENT_LOOP;
        recorder.nativeConnectFailed(socket, new ConnectException("finishConnect(..) failed: Connection refused"));
        recorder.socketException(new AbstractChannel.AnnotatedConnectException(
                "finishConnect(..) failed: Connection refused: /127.0.0.1:7211"));
        // The next report on that thread, with no native failure before it, is the thread's own.
        recorder.socketException(new AbstractChannel.AnnotatedConnectException(
                "finishConnect(..) failed: Connection refused: /127.0.0.1:7211"));
        assertEquals(
                List.of(
                        "7211 REFUSED com.example.Orders.place(Orders.java:12)",
                        "7211 REFUSED thread nioEventLoopGroup-2-1"),
                counted);
    }

    /**
     * Netty's native socket connects through JNI: its connect is timed from the call that started it to the one that
     * finished it, connected (at once, or in progress first) or failed, without reading a stack.
     */
    @Test
    void aNativeConnectIsTimedFromItsStartAndSoIsItsFailure() {
        onTheStack = null; // nothing may walk the stack for a success
        Object socket = new Object();
        recorder.nativeConnect(socket, dead, System.nanoTime() - 50_000_000L, false); // in progress
        recorder.nativeFinished(socket);
        recorder.nativeConnect(new Object(), dead, System.nanoTime() - 5_000_000L, true); // connected at once
        recorder.nativeFinished(new Object()); // no connect of its own in progress: nothing
        assertEquals(2, recorder.connectedTotal());
        DurationWindow.Figures times = recorder.sampleConnectTimes(System.nanoTime());
        assertEquals(2, times.count());
        assertTrue(times.maxMillis() >= 50 && times.maxMillis() < 60, times.toString());

        Object failing = new Object();
        onTheStack = EVENT_LOOP;
        recorder.nativeConnect(failing, dead, System.nanoTime() - 30_000_000L, false);
        recorder.nativeConnectFailed(failing, new ConnectException("finishConnect(..) failed: Connection refused"));
        recorder.socketException(new AbstractChannel.AnnotatedConnectException(
                "finishConnect(..) failed: Connection refused: /127.0.0.1:7211"));
        assertEquals(List.of("7211 REFUSED thread nioEventLoopGroup-2-1"), counted);
        long took = recorder.endpoints().get(0).failedAfterNanos();
        assertTrue(took >= 30_000_000L && took < 1_000_000_000L, "from the connect's start: " + took);
    }

    /**
     * A proxy's event loop asks Netty for a new destination with every connect: its stack, all library, is read once
     * a window, not once a connect. An application's thread is read for each destination it asks for.
     */
    @Test
    void aLibrarysThreadAskingForManyDestinationsIsNotWalkedForEach() throws InterruptedException {
        onTheStack = EVENT_LOOP;
        long start = System.nanoTime();
        for (int port = 1; port <= 100; port++) {
            recorder.asked(new InetSocketAddress("127.0.0.1", port));
        }
        long windows = (System.nanoTime() - start) / ConnectRecorder.SAME_CALLER_NANOS + 1;
        assertTrue(walks <= windows, walks + " walks in " + windows + " windows");
        Thread application = new Thread(() -> {
            onTheStack = ORDERS;
            recorder.asked(InetSocketAddress.createUnresolved("orders.invalid", 5432));
            recorder.asked(InetSocketAddress.createUnresolved("stock.invalid", 5432));
        });
        int before = walks;
        application.start();
        application.join();
        assertEquals(before + 2, walks);
    }

    @Test
    void anIoUringFailureIsCountedAtTheChannelsAddressWithTheCodeThatMadeItsSocket() {
        Object socket = new Object();
        onTheStack = ORDERS;
        recorder.channelMade(socket);
        AbstractIoUringChannel channel = new AbstractIoUringChannel(socket, dead);
        onTheStack = EVENT_LOOP;
        // The JDK's own exceptions, with no ring failure announced on this thread, are counted where thrown.
        recorder.socketException(new ConnectException("Connection refused"));
        recorder.ringConnectFailed(channel, -111);
        recorder.socketException(
                new ConnectException("io_uring connect(..) failed with error(-111): Connection refused"));
        // Reported once: the same words again, with no new announcement, are not another failure.
        recorder.socketException(
                new ConnectException("io_uring connect(..) failed with error(-111): Connection refused"));
        assertEquals(List.of("7211 REFUSED com.example.Orders.place(Orders.java:12)"), counted);
    }

    @Test
    void aFailureOnAClientsThreadIsCountedWithTheCodeThatLastAskedForThatDestination() {
        onTheStack = ORDERS;
        // A name that does not resolve: asking looks nothing up.
        recorder.asked(HttpRequest.newBuilder(URI.create("http://payments.invalid:8443/charge"))
                .build());
        recorder.asked(URI.create("https://ledger.invalid/"));
        onTheStack = EVENT_LOOP;
        recorder.connectFailed(
                new Object(),
                InetSocketAddress.createUnresolved("payments.invalid", 8443),
                new ConnectException("Connection refused"),
                System.nanoTime());
        recorder.connectFailed(
                new Object(),
                InetSocketAddress.createUnresolved("ledger.invalid", 443),
                new ConnectException("Connection refused"),
                System.nanoTime());
        recorder.connectFailed(
                new Object(),
                InetSocketAddress.createUnresolved("ledger.invalid", 80),
                new ConnectException("Connection refused"),
                System.nanoTime());
        assertEquals(
                List.of(
                        "8443 REFUSED com.example.Orders.place(Orders.java:12)",
                        "443 REFUSED com.example.Orders.place(Orders.java:12)",
                        "80 REFUSED thread nioEventLoopGroup-2-1"),
                counted);
    }

    @Test
    void codeOnTheFailingThreadItselfIsNamedBeforeAnyOrigin() {
        Object channel = new Object();
        onTheStack = ORDERS;
        recorder.channelMade(channel);
        Callers.Caller poller = new Callers.Caller("com.example.Poller.poll(Poller.java:3)", "");
        onTheStack = poller;
        recorder.channelConnect(channel, dead, new ConnectException("Connection refused"), false, System.nanoTime());
        assertEquals(List.of("7211 REFUSED com.example.Poller.poll(Poller.java:3)"), counted);
    }

    @Test
    void aThreadThatIsOnlyALibrarysRecordsNoOrigin() {
        Object channel = new Object();
        onTheStack = EVENT_LOOP; // a reconnect scheduled on the event loop makes the channel there
        recorder.channelMade(channel);
        recorder.channelConnect(channel, dead, new ConnectException("Connection refused"), false, System.nanoTime());
        assertEquals(List.of("7211 REFUSED thread nioEventLoopGroup-2-1"), counted);
    }
}
