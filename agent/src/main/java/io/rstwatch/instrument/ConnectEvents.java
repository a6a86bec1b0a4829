package io.rstwatch.instrument;

import io.rstwatch.capture.CaptureEngine;
import io.rstwatch.plugin.ConnectFailure;
import io.rstwatch.plugins.PluginHost;
import java.net.InetSocketAddress;
import java.time.Instant;

/** Where a counted connect failure goes besides the Connects table: the Port MBean, a JFR event, plugins. */
public final class ConnectEvents implements ConnectRecorder.Listener {
    private final CaptureEngine ports;
    private final PluginHost plugins;

    /** @param ports where Port MBeans live; null when capture could not start */
    public ConnectEvents(CaptureEngine ports, PluginHost plugins) {
        this.ports = ports;
        this.plugins = plugins;
    }

    @Override
    public void failed(InetSocketAddress endpoint, ConnectFailure.Cause cause, Callers.Caller caller) {
        if (ports != null) {
            ports.recordJvmFailure(endpoint, caller.toString(), true);
        }
        ConnectFailedEvent e = new ConnectFailedEvent();
        if (e.isEnabled()) {
            e.endpoint = endpoint.getHostString() + ":" + endpoint.getPort();
            e.cause = cause.name();
            e.caller = caller.toString();
        }
        e.commit();
        if (plugins.admit()) {
            plugins.publish(new ConnectFailure(Instant.now(), endpoint, cause,
                    caller.toString()));
        }
    }

    @Override
    public void attributed(InetSocketAddress endpoint, Callers.Caller caller) {
        if (ports != null) {
            ports.recordJvmFailure(endpoint, caller.toString(), false);
        }
    }
}
