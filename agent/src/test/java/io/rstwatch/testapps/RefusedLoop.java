package io.rstwatch.testapps;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Connects to 127.0.0.1:PORT, where nothing listens, four times a second, until it is stopped. */
public final class RefusedLoop {
    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        System.out.println("ready");
        while (true) {
            poll(port);
            Thread.sleep(250);
        }
    }

    static void poll(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        } catch (IOException e) {
            // refused: the point
        }
    }
}
