package io.rstwatch.testapps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Fails to connect (and to shake hands over TLS) in every way the JDK offers, one method each so that the agent must name each as caller.
 * Reads commands from stdin ("socket 127.0.0.1 4001", ...), answers "done" after each, exits on EOF.
 * "listen 0.0.0.0 PORT" opens a ServerSocket with backlog 7 and keeps it; "interrupt PREFIX" interrupts every
 * thread whose name starts with PREFIX.
 */
public final class Connector {
    private static final java.util.List<java.net.ServerSocket> LISTENING = new java.util.ArrayList<>();

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        System.out.println("ready");
        for (String line; (line = in.readLine()) != null; ) {
            String[] c = line.trim().split(" ");
            if (c[0].equals("interrupt")) { // a careless application interrupts threads it does not own
                int n = 0;
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.getName().startsWith(c[1])) {
                        t.interrupt();
                        n++;
                    }
                }
                System.out.println("done interrupting " + n);
                continue;
            }
            // Where to, not yet looked up: each method makes its address (and looks its name up) as applications do.
            InetSocketAddress to = InetSocketAddress.createUnresolved(c[1], Integer.parseInt(c[2]));
            try {
                switch (c[0]) {
                    case "socket":
                        viaSocket(to);
                        break;
                    case "channel":
                        viaChannel(to);
                        break;
                    case "nio":
                        viaNio(to);
                        break;
                    case "http":
                        viaHttpClient(to);
                        break;
                    case "url":
                        viaUrlConnection(to);
                        break;
                    case "timeout":
                        viaTimeout(to);
                        break;
                    case "tls":
                        viaTls(to);
                        break;
                    case "https":
                        viaHttps(to);
                        break;
                    case "unresolved":
                        viaUnresolved(to);
                        break;
                    case "lookup":
                        viaLookUp(to);
                        break;
                    case "listen":
                        LISTENING.add(new java.net.ServerSocket(to.getPort(), 7));
                        continue;
                    default:
                        break;
                }
                System.out.println("connected?!");
            } catch (IOException | InterruptedException | java.nio.channels.UnresolvedAddressException expected) {
                System.out.println("done " + expected.getClass().getSimpleName());
            }
        }
    }

    /** A driver's way: the name looked up first, the connect (never reached here) to one of its addresses. */
    static void viaLookUp(InetSocketAddress to) throws IOException {
        java.net.InetAddress.getAllByName(to.getHostString());
    }

    static void viaSocket(InetSocketAddress to) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(to.getHostString(), to.getPort()), 2000);
        }
    }

    static void viaChannel(InetSocketAddress to) throws IOException {
        try (SocketChannel ch = SocketChannel.open(new InetSocketAddress(to.getHostString(), to.getPort()))) {
            ch.isConnected();
        }
    }

    /** A name never looked up, so that the connect fails on it without a DNS query. */
    static void viaUnresolved(InetSocketAddress to) throws IOException {
        try (SocketChannel ch = SocketChannel.open(to)) {
            ch.isConnected();
        }
    }

    static void viaNio(InetSocketAddress to) throws IOException {
        try (Selector selector = Selector.open();
                SocketChannel ch = SocketChannel.open()) {
            ch.configureBlocking(false);
            if (!ch.connect(new InetSocketAddress(to.getHostString(), to.getPort()))) {
                ch.register(selector, SelectionKey.OP_CONNECT);
                selector.select(2000);
                ch.finishConnect();
            }
        }
    }

    static void viaHttpClient(InetSocketAddress to) throws IOException, InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        client.send(
                HttpRequest.newBuilder(URI.create("http://" + to.getHostString() + ":" + to.getPort() + "/"))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
    }

    static void viaUrlConnection(InetSocketAddress to) throws IOException {
        java.net.HttpURLConnection c =
                (java.net.HttpURLConnection) URI.create("http://" + to.getHostString() + ":" + to.getPort() + "/")
                        .toURL()
                        .openConnection();
        c.setConnectTimeout(2000);
        try {
            c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    /** A TLS handshake on an SSLSocket the default factory makes (the JVM's trust store). */
    static void viaTls(InetSocketAddress to) throws IOException {
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket)
                javax.net.ssl.SSLSocketFactory.getDefault().createSocket(to.getHostString(), to.getPort())) {
            s.setSoTimeout(5000); // a server that never answers fails the test, not hangs it
            s.startHandshake();
        }
    }

    /** An HTTPS request with java.net.http (SSLEngine, the host name checked). */
    static void viaHttps(InetSocketAddress to) throws IOException, InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        client.send(
                HttpRequest.newBuilder(URI.create("https://" + to.getHostString() + ":" + to.getPort() + "/"))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
    }

    static void viaTimeout(InetSocketAddress to) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(to.getHostString(), to.getPort()), 500);
        }
    }
}
