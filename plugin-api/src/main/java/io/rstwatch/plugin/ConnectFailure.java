package io.rstwatch.plugin;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A connect made by code in this JVM that failed.
 *
 * @param time when the connect call failed
 * @param endpoint where it tried to connect
 * @param cause why it failed
 * @param caller the application code that made the call, as a stack frame ("com.example.Poller.poll(Poller.java:36)")
 */
public record ConnectFailure(Instant time, InetSocketAddress endpoint, Cause cause, String caller)
        implements RstwatchEvent {

    /** Why a connect failed. */
    public enum Cause {
        /** The peer refused: nothing listens there. */
        REFUSED,
        /** No answer within the connect timeout. */
        TIMED_OUT,
        /** No route to the host or network. */
        UNREACHABLE,
        /** Any other failure. */
        OTHER
    }
}
