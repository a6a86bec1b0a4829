package io.rstwatch.instrument;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * What JSSE's {@code sun.security.ssl.TransportContext} (one per SSLSocket or SSLEngine, the same in JDK 17 and 25)
 * knows of a handshake that the advice hands over: whether this side is the client, the peer as the application
 * named it, and the peer's certificate. Its fields are read by reflection: the agent opens sun.security.ssl to its
 * own module alone, with its Instrumentation. Only what needs no lock is asked of the socket or engine (a handshake
 * thread must never wait here on one the application holds).
 */
final class TlsContexts {
    private static final String CONTEXT = "sun.security.ssl.TransportContext";

    private final Field transport;
    private final Field sslConfig;
    private final Field clientMode;
    private final Field session;

    private TlsContexts(Field transport, Field sslConfig, Field clientMode, Field session) {
        this.transport = transport;
        this.sslConfig = sslConfig;
        this.clientMode = clientMode;
        this.session = session;
    }

    /** Opens sun.security.ssl to the agent and finds the fields; throws when this JDK has others. */
    static TlsContexts open(Instrumentation inst) throws ReflectiveOperationException {
        Class<?> context = ConnectInstrumentation.openToTheAgent(inst, CONTEXT);
        Field sslConfig = accessible(context.getDeclaredField("sslConfig"));
        return new TlsContexts(
                accessible(context.getDeclaredField("transport")),
                sslConfig,
                accessible(sslConfig.getType().getDeclaredField("isClientMode")),
                accessible(context.getDeclaredField("conSession")));
    }

    private static Field accessible(Field f) {
        f.setAccessible(true);
        return f;
    }

    /** Whether the context is a client's: a server's handshakes are another's connects. */
    boolean isClient(Object context) throws IllegalAccessException {
        return clientMode.getBoolean(sslConfig.get(context));
    }

    /**
     * The peer as the application named it (an engine's peer host and port; a socket's remote address, whose host
     * is the name it was made with), or null when it is not known (an engine made without them).
     */
    InetSocketAddress peer(Object context) throws IllegalAccessException {
        Object t = transport.get(context);
        if (t instanceof SSLEngine) {
            SSLEngine e = (SSLEngine) t;
            return e.getPeerHost() == null || e.getPeerPort() <= 0
                    ? null
                    : InetSocketAddress.createUnresolved(e.getPeerHost(), e.getPeerPort());
        }
        if (t instanceof SSLSocket) {
            SocketAddress a = ((SSLSocket) t).getRemoteSocketAddress();
            return a instanceof InetSocketAddress ? (InetSocketAddress) a : null;
        }
        return null;
    }

    /** The peer's own certificate in the session just negotiated, or null (none, or not X.509). */
    X509Certificate peerCertificate(Object context) throws IllegalAccessException {
        Object s = session.get(context);
        if (!(s instanceof SSLSession)) {
            return null;
        }
        try {
            Certificate[] chain = ((SSLSession) s).getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate ? (X509Certificate) chain[0] : null;
        } catch (SSLPeerUnverifiedException anonymous) {
            return null;
        }
    }
}
