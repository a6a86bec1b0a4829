package io.rstwatch.instrument;

import io.rstwatch.common.EventSink;
import io.rstwatch.plugin.ConnectFailure;
import io.rstwatch.plugin.NameNotResolved;
import io.rstwatch.plugin.TlsHandshakeFailed;
import io.rstwatch.ports.PortRegistry;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * Where a counted connect failure goes besides the Connects table: the Port MBean, a JFR event, plugins; and a
 * name that did not resolve or a failed TLS handshake, to plugins.
 */
final class ConnectEvents implements ConnectRecorder.Listener {
    private final PortRegistry ports;
    private final EventSink events;

    ConnectEvents(PortRegistry ports, EventSink events) {
        this.ports = ports;
        this.events = events;
    }

    @Override
    public void failed(InetSocketAddress endpoint, ConnectFailure.Cause cause, Callers.Caller caller) {
        ports.recordJvmFailure(endpoint, caller.toString());
        ConnectFailedEvent e = new ConnectFailedEvent();
        if (e.isEnabled()) {
            e.endpoint = ConnectRecorder.endpointKey(endpoint.getHostString(), endpoint.getPort());
            e.cause = cause.name();
            e.caller = caller.toString();
        }
        e.commit();
        long now = System.currentTimeMillis();
        if (events.admit(now)) {
            events.publish(new ConnectFailure(Instant.ofEpochMilli(now), endpoint, cause, caller.toString()));
        }
    }

    @Override
    public void unresolved(InetSocketAddress endpoint, String why, Callers.Caller caller) {
        long now = System.currentTimeMillis();
        if (events.admit(now)) {
            events.publish(new NameNotResolved(Instant.ofEpochMilli(now), endpoint, why, caller.toString()));
        }
    }

    @Override
    public void tlsFailed(InetSocketAddress endpoint, String why, Callers.Caller caller) {
        long now = System.currentTimeMillis();
        if (events.admit(now)) {
            events.publish(new TlsHandshakeFailed(Instant.ofEpochMilli(now), endpoint, why, caller.toString()));
        }
    }
}
