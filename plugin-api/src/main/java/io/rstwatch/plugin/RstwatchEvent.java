package io.rstwatch.plugin;

import java.time.Instant;

/**
 * Something rstwatch saw. The four kinds are records, so every event is immutable and prints itself readably.
 */
public sealed interface RstwatchEvent permits RefusedConnection, ConnectionReset, ConnectFailure, AlertChange {
    /**
     * When it happened: the packet's capture time, the failed call's end, or the counter sample's time.
     *
     * @return never null
     */
    Instant time();
}
