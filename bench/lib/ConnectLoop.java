import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * The application of the connect benches: eight threads connect on loopback to a closed port ("refused") or to
 * our own listener ("accepted"), at a paced rate shared among them (0: as fast as they can), from the first line
 * on stdin on, until the bench ends us. Each thread writes its count of connects that went as meant into its own
 * slot of a mapped file (native order, as od reads it), which the bench reads when it likes: while the JVM runs,
 * or while it is stopped; no call into the JVM and no traffic either way.
 *
 * <p>Usage: {@code java ConnectLoop PORT refused|accepted[-channel] COUNTS_FILE [connects/s]}; prints "ready" once
 * the listener is up. With "-channel" the connects are made through a SocketChannel (as NIO clients and Netty
 * make them) instead of a java.net.Socket.
 */
public class ConnectLoop {
    static final int THREADS = 8, SLOT = 128; // a slot per pair of cache lines: the threads share nothing

    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        boolean refused = a[1].startsWith("refused");
        boolean channel = a[1].endsWith("-channel");
        int rate = a.length > 3 ? Integer.parseInt(a[3]) : 0;
        MappedByteBuffer counts;
        try (FileChannel f = FileChannel.open(
                Path.of(a[2]), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            counts = f.map(FileChannel.MapMode.READ_WRITE, 0, THREADS * SLOT);
            counts.order(ByteOrder.nativeOrder());
        }
        ServerSocket server = refused ? null : new ServerSocket(port, 4096, InetAddress.getLoopbackAddress());
        for (int i = 0; i < (refused ? 0 : 2); i++) {
            daemon(() -> {
                while (true) {
                    try {
                        server.accept().close();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }
        System.out.println("ready");
        System.in.read();
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        long period = rate == 0 ? 0 : 1_000_000_000L * THREADS / rate;
        for (int w = 0; w < THREADS; w++) {
            int slot = w * SLOT;
            daemon(() -> {
                long done = 0, due = System.nanoTime();
                while (true) {
                    boolean meant;
                    try {
                        connect(to, channel);
                        meant = !refused;
                    } catch (ConnectException e) {
                        meant = refused;
                    } catch (Exception e) {
                        meant = false;
                    }
                    if (meant) {
                        counts.putLong(slot, ++done);
                    }
                    if (period > 0) {
                        due += period;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
    }

    static void connect(InetSocketAddress to, boolean channel) throws java.io.IOException {
        if (channel) {
            try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open()) {
                c.connect(to);
            }
        } else {
            try (Socket s = new Socket()) {
                s.connect(to, 1000);
            }
        }
    }
}
