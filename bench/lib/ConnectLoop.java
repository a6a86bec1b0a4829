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
 * our own listener ("accepted"), or make an HTTPS request each time on a new connection to our own TLS server
 * ("https": a full handshake, JSSE's session cache aside, a GET and its answer; the key and trust from the
 * javax.net.ssl system properties), at a paced rate shared among them (0: as fast as they can), from the first line
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
        boolean https = a[1].startsWith("https");
        int rate = a.length > 3 ? Integer.parseInt(a[3]) : 0;
        MappedByteBuffer counts;
        try (FileChannel f = FileChannel.open(
                Path.of(a[2]), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            counts = f.map(FileChannel.MapMode.READ_WRITE, 0, THREADS * SLOT);
            counts.order(ByteOrder.nativeOrder());
        }
        ServerSocket server = refused
                ? null
                : https
                        ? javax.net.ssl.SSLServerSocketFactory.getDefault()
                                .createServerSocket(port, 4096, InetAddress.getLoopbackAddress())
                        : new ServerSocket(port, 4096, InetAddress.getLoopbackAddress());
        for (int i = 0; i < (refused ? 0 : https ? THREADS : 2); i++) {
            daemon(() -> {
                while (true) {
                    try (Socket s = server.accept()) {
                        if (https) {
                            answer(s);
                        }
                    } catch (java.io.IOException e) {
                        if (server.isClosed()) {
                            return;
                        }
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
                        if (https) {
                            request(to);
                        } else {
                            connect(to, channel);
                        }
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

    private static final byte[] GET = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** One HTTPS request on a new connection: connect, handshake, GET, the whole answer. */
    static void request(InetSocketAddress to) throws java.io.IOException {
        try (Socket s = javax.net.ssl.SSLSocketFactory.getDefault().createSocket()) {
            s.connect(to, 1000);
            s.getOutputStream().write(GET);
            java.io.InputStream in = s.getInputStream();
            byte[] buffer = new byte[256];
            int got = 0;
            for (int n; got < OK.length && (n = in.read(buffer)) > 0; ) {
                got += n;
            }
            if (got < OK.length) {
                throw new java.io.EOFException("short answer");
            }
        }
    }

    /** The server's side: the handshake, the request read, the answer. */
    static void answer(Socket s) throws java.io.IOException {
        s.setSoTimeout(5000);
        java.io.InputStream in = s.getInputStream();
        byte[] buffer = new byte[512];
        int got = 0;
        for (int n; got < GET.length && (n = in.read(buffer)) > 0; ) {
            got += n;
        }
        s.getOutputStream().write(OK);
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
