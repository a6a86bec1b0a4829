package io.rstwatch.instrument;

import io.rstwatch.common.EventSink;
import io.rstwatch.host.HostView;
import io.rstwatch.host.Services;
import io.rstwatch.listeners.ListenBacklogs;
import io.rstwatch.ports.ClientLookup;
import io.rstwatch.ports.ListenerLookup;
import io.rstwatch.ports.PortRegistry;
import java.lang.invoke.MethodHandle;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the connect advice costs an application's thread per refused connect, in ns: from the bridge's method
 * handle (as the advice inlined into java.net.Socket calls it) through the cause, the caller (found again once the
 * thread's window has passed: 50 ms, doubling up to 1.6 s), the Connects row and the Port entry, as a loop on a
 * closed port brings them. The exception is
 * made once: the JDK makes it whatever the agent does. Run by {@code bench/connect-failure}.
 *
 * <ul>
 *   <li>{@code oneThread}: one thread failing to connect.
 *   <li>{@code eightThreads}: eight threads on the same closed port, as {@code bench/capture-flood --storm 10 0
 *       refused} runs them: the counters they share are where they meet.
 *   <li>{@code callerOnADeepStack}: finding the caller alone, 100 frames below the top of a thread (a servlet
 *       container's request under a framework), the answer a few frames from the top as through a driver.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConnectFailureBench {
    private MethodHandle connectFailed;
    private final SocketAddress closedPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), 7211);
    private final Throwable refused = new ConnectException("Connection refused");
    private final Object socket = new Object();
    private Callers callers;

    @Setup
    public void setUp() throws Exception {
        PortRegistry ports = new PortRegistry(
                HostView.ofThisHost(),
                new PortRegistry.Limits(256, 60, 600, 32),
                ListenerLookup.NONE,
                ClientLookup.NONE,
                Services.read(Path.of("/etc/services")),
                EventSink.NONE,
                () -> 0);
        // A loader other than this class's: the bench's frames count as the application's, as in the test.
        ConnectRecorder recorder = new ConnectRecorder(
                new ClassLoader(null) {}, new ConnectEvents(ports, EventSink.NONE), new ListenBacklogs(), 600, 60);
        connectFailed = recorder.handles()[0];
        callers = new Callers(new ClassLoader(null) {}, new ApplicationCode(null));
    }

    @Benchmark
    @Threads(1)
    public void oneThread() throws Throwable {
        connectFailed.invokeExact(socket, closedPort, refused);
    }

    @Benchmark
    @Threads(8)
    public void eightThreads() throws Throwable {
        connectFailed.invokeExact(socket, closedPort, refused);
    }

    /**
     * The walk starts in Callers (the agent's classes, here in another directory than this class: another code
     * source) and ends at this class's first frame, as a driver's frames end at the application's.
     */
    @Benchmark
    @Threads(1)
    public Object callerOnADeepStack() {
        return below(100);
    }

    private Object below(int frames) {
        return frames == 0 ? callers.find() : below(frames - 1);
    }
}
