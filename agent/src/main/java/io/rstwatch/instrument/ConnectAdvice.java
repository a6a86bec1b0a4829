package io.rstwatch.instrument;

import io.rstwatch.instrument.bridge.ConnectHook;
import java.net.SocketAddress;
import java.util.function.Consumer;
import net.bytebuddy.asm.Advice;

/**
 * Advice inlined into the JDK's connect methods. It only hands what happened to {@link ConnectHook#sink} and
 * never throws into the application (suppress = Throwable.class); all work happens in the agent.
 */
final class ConnectAdvice {
    static final String SOCKET = "socket";
    static final String CHANNEL = "channel";
    static final String FINISH = "finish";
    static final String HTTP_SEND = "httpsend";
    static final String BIND = "bind";

    private ConnectAdvice() {
    }

    /** java.net.Socket.connect(SocketAddress, int): failures only. */
    static final class SocketConnect {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Argument(0) SocketAddress address,
                @Advice.Thrown Throwable thrown) {
            if (thrown != null) {
                Consumer<Object[]> sink = ConnectHook.sink;
                if (sink != null) {
                    sink.accept(new Object[] {"socket", socket, address, thrown, null});
                }
            }
        }
    }

    /** SocketChannelImpl.connect(SocketAddress): failures, and non-blocking connects left pending. */
    static final class ChannelConnect {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Argument(0) SocketAddress address,
                @Advice.Return boolean connected, @Advice.Thrown Throwable thrown) {
            if (thrown != null || !connected) {
                Consumer<Object[]> sink = ConnectHook.sink;
                if (sink != null) {
                    sink.accept(new Object[] {"channel", channel, address, thrown, Boolean.valueOf(connected)});
                }
            }
        }
    }

    /** SocketChannelImpl.blockingConnect(SocketAddress, long), behind the socket adaptor: failures only. */
    static final class BlockingConnect {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Argument(0) SocketAddress address,
                @Advice.Thrown Throwable thrown) {
            if (thrown != null) {
                Consumer<Object[]> sink = ConnectHook.sink;
                if (sink != null) {
                    sink.accept(new Object[] {"channel", channel, address, thrown, Boolean.FALSE});
                }
            }
        }
    }

    /** SocketChannelImpl.finishConnect(): the end of a pending connect, failed or done. */
    static final class FinishConnect {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.FieldValue("remoteAddress") SocketAddress address,
                @Advice.Return boolean connected, @Advice.Thrown Throwable thrown) {
            if (thrown != null || connected) {
                Consumer<Object[]> sink = ConnectHook.sink;
                if (sink != null) {
                    sink.accept(new Object[] {"finish", channel, address, thrown, Boolean.valueOf(connected)});
                }
            }
        }
    }

    /**
     * HttpClientImpl.send(HttpRequest, BodyHandler): java.net.http connects on its own threads, so the failure
     * is seen there first; when send() rethrows it on the application's thread, the caller can be named.
     */
    static final class HttpSend {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object client, @Advice.Argument(0) Object request,
                @Advice.Thrown Throwable thrown) {
            if (thrown != null) {
                Consumer<Object[]> sink = ConnectHook.sink;
                if (sink != null) {
                    sink.accept(new Object[] {"httpsend", client, request, thrown, null});
                }
            }
        }
    }

    /** ServerSocket.bind(SocketAddress, int): this JVM's listeners, with the backlog they asked for. */
    static final class ServerSocketBind {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This java.net.ServerSocket socket, @Advice.Argument(1) int backlog,
                @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                Consumer<Object[]> sink = ConnectHook.sink;
                if (sink != null) {
                    sink.accept(new Object[] {"bind", socket, socket.getLocalSocketAddress(), null,
                        Integer.valueOf(backlog)});
                }
            }
        }
    }

    /** ServerSocketChannelImpl.bind(SocketAddress, int): the same for NIO servers (Netty, Undertow, ...). */
    static final class ChannelBind {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.FieldValue("localAddress") SocketAddress local,
                @Advice.Argument(1) int backlog, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                Consumer<Object[]> sink = ConnectHook.sink;
                if (sink != null) {
                    sink.accept(new Object[] {"bind", channel, local, null, Integer.valueOf(backlog)});
                }
            }
        }
    }
}
