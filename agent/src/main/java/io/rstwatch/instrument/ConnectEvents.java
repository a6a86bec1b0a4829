package io.rstwatch.instrument;

import io.rstwatch.capture.CaptureEngine;
import java.net.InetSocketAddress;

/** Where a counted connect failure goes besides the Connects table: the Port MBean, and a JFR event. */
public final class ConnectEvents implements ConnectRecorder.Listener {
    private final CaptureEngine ports;

    /** @param ports where Port MBeans live; null when capture could not start */
    public ConnectEvents(CaptureEngine ports) {
        this.ports = ports;
    }

    @Override
    public void failed(InetSocketAddress endpoint, ConnectRecorder.Cause cause, Callers.Caller caller) {
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
    }

    @Override
    public void attributed(InetSocketAddress endpoint, Callers.Caller caller) {
        if (ports != null) {
            ports.recordJvmFailure(endpoint, caller.toString(), false);
        }
    }
}
