package io.rstwatch.examples.demo;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The seed situation: a component that should listen on 127.0.0.1:7211 died, and a poller keeps connecting to
 * it twice a second. Each attempt is refused with a TCP RST on lo and counted by the kernel as an AttemptFail.
 *
 * <p>Arguments: [host [port [attempts per second]]], defaults 127.0.0.1 7211 2.
 */
public final class RefusedPortDemo {
    public static void main(String[] args) throws InterruptedException {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 7211;
        double perSecond = args.length > 2 ? Double.parseDouble(args[2]) : 2.0;
        long pauseMillis = Math.max(1, Math.round(1000 / perSecond));
        System.out.printf("connecting to %s:%d %.1f times a second; stop with Ctrl-C%n", host, port, perSecond);
        long refused = 0;
        while (true) {
            if (!poll(host, port)) {
                refused++;
                if (refused == 1 || refused % 20 == 0) {
                    System.out.printf("%d connections to %s:%d refused so far%n", refused, host, port);
                }
            }
            Thread.sleep(pauseMillis);
        }
    }

    /** One attempt, the way the seed's poller made it: true when something answered. */
    static boolean poll(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException other) {
            return false;
        }
    }
}
