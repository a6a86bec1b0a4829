package io.rstwatch.common;

import io.rstwatch.plugin.RstwatchEvent;

/**
 * Where events for plugins go. Callers on hot paths ask {@link #admit(long)} first and build the event only when it
 * says yes, so that with no plugin, or none with room, nothing is allocated.
 */
public interface EventSink {
    /** A sink that takes nothing: no plugins. */
    EventSink NONE = new EventSink() {
        @Override
        public boolean admit(long nowMillis) {
            return false;
        }

        @Override
        public void publish(RstwatchEvent event) {}
    };

    /**
     * True when a connection event built now would be delivered to some plugin; false counts it as held back (a
     * plugin's budget is spent) or dropped (no room). {@code nowMillis} is the event's time, milliseconds since the
     * epoch (a captured packet's own), which the caller has anyway: under a flood no clock is read per event.
     */
    boolean admit(long nowMillis);

    /**
     * Hands the event on; never blocks. A connection event only after {@link #admit(long)} said yes; an alert change,
     * rare and never held back, without asking.
     */
    void publish(RstwatchEvent event);
}
