package io.rstwatch.instrument;

import io.rstwatch.instrument.bridge.ConnectHook;
import io.rstwatch.instrument.bridge.LibraryHook;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.util.function.BiConsumer;
import net.bytebuddy.asm.Advice;

/**
 * Advice inlined into the JDK's connect and bind methods, and into Netty's native socket. It only hands what
 * happened to {@link ConnectHook} (the JDK's classes, one typed call per event) or {@link LibraryHook} (a
 * library's), and never throws into the application (suppress = Throwable.class).
 */
final class ConnectAdvice {
    /** {@link LibraryHook}'s name in java.base: a constant, so that the inlined code carries it. */
    static final String LIBRARY_HOOK = "jdk.internal.misc.RstwatchLibraryHook";

    private ConnectAdvice() {}

    /**
     * Every constructor of java.net.SocketException: Netty's native transports (epoll, kqueue, io_uring) connect
     * through JNI, and their failures first show as the exceptions they make. A constructor's exit advice cannot
     * see a throwable.
     */
    static final class SocketExceptionMade {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Throwable made) {
            ConnectHook.socketException(made);
        }
    }

    /** java.net.Socket.connect(SocketAddress, int): each connect, timed. */
    static final class SocketConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(
                @Advice.This Object socket,
                @Advice.Argument(0) SocketAddress address,
                @Advice.Thrown Throwable thrown,
                @Advice.Enter long start) {
            if (thrown != null) {
                ConnectHook.connectFailed(socket, address, thrown, start);
            } else {
                ConnectHook.connected(socket, address, start);
            }
        }
    }

    /** SocketChannelImpl.connect(SocketAddress): each connect, timed; a non-blocking one left pending. */
    static final class ChannelConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(
                @Advice.This Object channel,
                @Advice.Argument(0) SocketAddress address,
                @Advice.Return boolean connected,
                @Advice.Thrown Throwable thrown,
                @Advice.Enter long start) {
            if (thrown != null || !connected) {
                ConnectHook.channelConnect(channel, address, thrown, connected, start);
            } else {
                ConnectHook.connected(channel, address, start);
            }
        }
    }

    /** SocketChannelImpl.blockingConnect(SocketAddress, long), behind the socket adaptor: each connect, timed. */
    static final class BlockingConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(
                @Advice.This Object channel,
                @Advice.Argument(0) SocketAddress address,
                @Advice.Thrown Throwable thrown,
                @Advice.Enter long start) {
            if (thrown != null) {
                ConnectHook.channelConnect(channel, address, thrown, false, start);
            } else {
                ConnectHook.connected(channel, address, start);
            }
        }
    }

    /** SocketChannelImpl.finishConnect(): the end of a pending connect, failed or done. */
    static final class FinishConnect {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(
                @Advice.This Object channel,
                @Advice.FieldValue("remoteAddress") SocketAddress address,
                @Advice.Return boolean connected,
                @Advice.Thrown Throwable thrown) {
            if (thrown != null || connected) {
                ConnectHook.finishConnect(channel, address, thrown, connected);
            }
        }
    }

    /**
     * SocketChannelImpl's client constructors: the channel is made on the thread that will connect it, or, for
     * Netty's NIO transport, on the thread that asked Netty to (the connect itself runs on the event loop).
     */
    static final class ChannelMade {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object channel) {
            ConnectHook.channelMade(channel);
        }
    }

    /**
     * HttpClientImpl.sendAsync(request, handler, push, executor), behind send and both public sendAsync: on the
     * thread that asked, before the exchange moves to the client's own threads, where it connects.
     */
    static final class HttpAsk {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Object request) {
            ConnectHook.asked(request);
        }
    }

    /**
     * DefaultProxySelector.select(URI): HTTP clients that connect on threads of their own (OkHttp 5) ask it which
     * proxy to take, on the thread that made the call, before they hand the connect over.
     */
    static final class ProxyAsk {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Object uri) {
            ConnectHook.asked(uri);
        }
    }

    /**
     * The constructor of Netty's native socket ({@code io.netty.channel.unix.Socket}, shaded copies too): made on
     * the thread that asked for the connect, which the event loop then makes through JNI. A library class cannot
     * link to the bridge: it takes the hook as a JDK interface (see {@link LibraryHook}).
     */
    static final class NativeSocketMade {
        @Advice.OnMethodExit(suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void exit(@Advice.This Object socket) throws ClassNotFoundException {
            ((BiConsumer<Object, Object>)
                            Class.forName(LIBRARY_HOOK, false, null).getEnumConstants()[0])
                    .accept(socket, null);
        }
    }

    /**
     * That socket's connect(SocketAddress), timed: connected at once, in progress (epoll then calls finishConnect),
     * or threw (the failure Netty is about to report is this socket's).
     */
    static final class NativeSocketConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void exit(
                @Advice.This Object socket,
                @Advice.Argument(0) Object remote,
                @Advice.Return boolean connected,
                @Advice.Thrown Throwable thrown,
                @Advice.Enter long start)
                throws ClassNotFoundException {
            ((BiConsumer<Object, Object>)
                            Class.forName(LIBRARY_HOOK, false, null).getEnumConstants()[0])
                    .accept(
                            socket,
                            thrown != null
                                    ? thrown
                                    : new Object[] {remote, Long.valueOf(start), Boolean.valueOf(connected)});
        }
    }

    /** That socket's finishConnect(): the connect in progress connected, or failed as above. */
    static final class NativeSocketFinish {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void exit(@Advice.This Object socket, @Advice.Return boolean connected, @Advice.Thrown Throwable thrown)
                throws ClassNotFoundException {
            if (thrown != null || connected) {
                ((BiConsumer<Object, Object>)
                                Class.forName(LIBRARY_HOOK, false, null).getEnumConstants()[0])
                        .accept(socket, thrown != null ? thrown : Boolean.TRUE);
            }
        }
    }

    /**
     * Netty's io_uring transport (AbstractIoUringChannel$AbstractUringUnsafe.connectComplete(op, res, flags,
     * data)): the kernel's ring reports the connect's end, a negative errno on failure; Netty then makes a
     * ConnectException that names no address. The channel (this$0) has it.
     */
    static final class RingConnectComplete {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void enter(@Advice.FieldValue("this$0") Object channel, @Advice.Argument(1) int res)
                throws ClassNotFoundException {
            if (res < 0) {
                ((BiConsumer<Object, Object>)
                                Class.forName(LIBRARY_HOOK, false, null).getEnumConstants()[0])
                        .accept(channel, Integer.valueOf(res));
            }
        }
    }

    /**
     * InetAddress.getAddressesFromNameService(host, ...): the look-up that reached the name service, past the JVM's
     * cache of answers (a name that failed is cached for networkaddress.cache.negative.ttl). Failures only.
     */
    static final class ResolverLookup {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Argument(0) String host, @Advice.Thrown Throwable thrown) {
            if (thrown != null) {
                ConnectHook.resolverFailed(host, thrown);
            }
        }
    }

    /**
     * InetSocketAddress(String, int): an address whose name did not resolve (the look-up made in the constructor
     * failed). It stays unresolved: every connect to it throws.
     */
    static final class AddressMade {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This InetSocketAddress made) {
            if (made.isUnresolved()) {
                ConnectHook.addressUnresolved(made);
            }
        }
    }

    /**
     * InetAddress.getAllByName(host), behind getByName too: a look-up that failed, from the resolver or from the
     * JVM's cache of failed names. Failures only.
     */
    static final class NameLookup {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Argument(0) String host, @Advice.Thrown Throwable thrown) {
            if (thrown != null) {
                ConnectHook.lookupFailed(host, thrown);
            }
        }
    }

    /**
     * Netty's Bootstrap.doResolveAndConnect(remote, local), behind every connect method, shaded copies too: on the
     * thread that asked, before the name is resolved and the connect made, often on the event loop.
     */
    static final class NettyAsk {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void enter(@Advice.Argument(0) Object remote) throws ClassNotFoundException {
            ((BiConsumer<Object, Object>)
                            Class.forName(LIBRARY_HOOK, false, null).getEnumConstants()[0])
                    .accept(remote, LibraryHook.ASKED);
        }
    }

    /**
     * JSSE's TransportContext.fatal(Alert, String, boolean, Throwable), where every failure of a TLS connection ends
     * (SSLSocket and SSLEngine alike, the peer's alerts too): the first one, on a connection not yet negotiated, is
     * a handshake that failed. Its close reason is what the application gets.
     */
    static final class TlsFatal {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static boolean enter(
                @Advice.FieldValue("closeReason") Exception closeReason,
                @Advice.FieldValue("isNegotiated") boolean negotiated) {
            return closeReason == null && !negotiated;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(
                @Advice.This Object context,
                @Advice.Argument(0) Object alert,
                @Advice.Argument(2) boolean fromPeer,
                @Advice.FieldValue("closeReason") Exception closeReason,
                @Advice.Enter boolean handshaking) {
            if (handshaking && closeReason != null) {
                ConnectHook.handshakeFailed(context, ((Enum<?>) alert).name(), fromPeer, closeReason);
            }
        }
    }

    /** JSSE's TransportContext.finishHandshake(): a handshake completed, its session negotiated. */
    static final class TlsDone {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object context) {
            ConnectHook.handshakeDone(context);
        }
    }

    /** ServerSocket.bind(SocketAddress, int): this JVM's listeners, with the backlog they asked for. */
    static final class ServerSocketBind {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(
                @Advice.This ServerSocket socket, @Advice.Argument(1) int backlog, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                ConnectHook.bound(socket.getLocalSocketAddress(), backlog);
            }
        }
    }

    /** ServerSocketChannelImpl.bind(SocketAddress, int): the same for NIO servers (Netty, Undertow, ...). */
    static final class ChannelBind {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(
                @Advice.FieldValue("localAddress") SocketAddress local,
                @Advice.Argument(1) int backlog,
                @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                ConnectHook.bound(local, backlog);
            }
        }
    }
}
