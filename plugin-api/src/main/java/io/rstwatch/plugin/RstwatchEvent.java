package io.rstwatch.plugin;

import java.time.Instant;

/**
 * Something rstwatch saw. The kinds are records, so every event is immutable and prints itself readably. API
 * version 1 had four; version 2 adds {@link UnansweredConnect} and {@link UnreachableConnect}; version 4 adds
 * {@link NameNotResolved} and {@link TlsHandshakeFailed}. A plugin that
 * switches over the kinds should have a default branch, so that kinds added later pass it by; one without, that
 * fails on a kind it does not know, is simply not handed that kind again.
 */
public sealed interface RstwatchEvent
        permits RefusedConnection,
                ConnectionReset,
                UnansweredConnect,
                UnreachableConnect,
                ConnectFailure,
                NameNotResolved,
                TlsHandshakeFailed,
                AlertChange {
    /**
     * When it happened: the packet's capture time, the failed call's end, or the counter sample's time.
     *
     * @return never null
     */
    Instant time();
}
