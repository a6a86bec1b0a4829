package io.rstwatch.instrument;

import io.rstwatch.instrument.bridge.ConnectHook;
import java.net.ServerSocket;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Advice inlined into the JDK's connect and bind methods. It only hands what happened to {@link ConnectHook}, one
 * typed call per event, and never throws into the application (suppress = Throwable.class).
 */
final class ConnectAdvice {
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

    /** java.net.Socket.connect(SocketAddress, int): failures only. */
    static final class SocketConnect {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(
                @Advice.This Object socket,
                @Advice.Argument(0) SocketAddress address,
                @Advice.Thrown Throwable thrown) {
            if (thrown != null) {
                ConnectHook.connectFailed(socket, address, thrown);
            }
        }
    }

    /** SocketChannelImpl.connect(SocketAddress): failures, and non-blocking connects left pending. */
    static final class ChannelConnect {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(
                @Advice.This Object channel,
                @Advice.Argument(0) SocketAddress address,
                @Advice.Return boolean connected,
                @Advice.Thrown Throwable thrown) {
            if (thrown != null || !connected) {
                ConnectHook.channelConnect(channel, address, thrown, connected);
            }
        }
    }

    /** SocketChannelImpl.blockingConnect(SocketAddress, long), behind the socket adaptor: failures only. */
    static final class BlockingConnect {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(
                @Advice.This Object channel,
                @Advice.Argument(0) SocketAddress address,
                @Advice.Thrown Throwable thrown) {
            if (thrown != null) {
                ConnectHook.channelConnect(channel, address, thrown, false);
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
     * HttpClientImpl.send(HttpRequest, BodyHandler): java.net.http connects on its own threads, so the failure
     * is seen there first; when send() rethrows it on the application's thread, the caller can be named.
     */
    static final class HttpSend {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Argument(0) Object request, @Advice.Thrown Throwable thrown) {
            if (thrown != null) {
                ConnectHook.httpSendFailed(request, thrown);
            }
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
