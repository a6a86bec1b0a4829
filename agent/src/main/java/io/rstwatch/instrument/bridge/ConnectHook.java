package io.rstwatch.instrument.bridge;

import java.util.function.Consumer;

/**
 * The one place where the JDK's connect code (instrumented) meets the agent. Its bytes are renamed to
 * {@code java.net.RstwatchConnectHook} and defined in java.base, so that code inlined into java.net.Socket and
 * sun.nio.ch.SocketChannelImpl can see it; its only field holds the agent's recorder, a JDK type. Not loaded
 * under this name at run time.
 */
public final class ConnectHook {
    /** Gets {kind, socket or channel, address, thrown, returned}; null until the agent sets it. */
    public static volatile Consumer<Object[]> sink;

    private ConnectHook() {
    }
}
