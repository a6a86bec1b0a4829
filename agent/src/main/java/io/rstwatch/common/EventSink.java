package io.rstwatch.common;

import io.rstwatch.plugin.RstwatchEvent;

/**
 * Where events for plugins go. Callers on hot paths ask {@link #admit()} first and build the event only when it
 * says yes, so that with no plugin, or none with room, nothing is allocated.
 */
public interface EventSink {
    /** A sink that takes nothing: no plugins. */
    EventSink NONE = new EventSink() {
        @Override
        public boolean admit() {
            return false;
        }

        @Override
        public void publish(RstwatchEvent event) {}
    };

    /**
     * True when a connection event built now would be delivered to some plugin; false counts it as held back (a
     * plugin's budget is spent) or dropped (no room).
     */
    boolean admit();

    /**
     * Hands the event on; never blocks. A connection event only after {@link #admit()} said yes; an alert change,
     * rare and never held back, without asking.
     */
    void publish(RstwatchEvent event);
}
